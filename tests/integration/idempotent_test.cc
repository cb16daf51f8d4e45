// Issue #8: operator requests are idempotent. A request that changes something carries a
// request id; the node carries an id out once and answers a repeat with the reply it kept, so a
// CLI that retries after a timeout never reports a matter twice or sends 2N notices.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include "harness.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using Op = schema::MatterRequest::Op;

NodeSpec Spec(const std::string& id, const std::string& level, const std::string& parent) {
  return {id, level, parent, "",
          "directory = \"" ZHUJI_SOURCE_DIR
          "/deploy/topologies/guangdong-demo.toml\"\n"
          "[clock]\nfake_start = \"2025-09-24 09:00\"\n"};
}

// The same request bytes (same request id) sent as a client would after losing the reply.
std::string RawCall(Harness& h, const std::string& id, const std::string& bytes) {
  zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(h.ControlEndpoint(id));
  s.send(zmq::buffer(bytes), zmq::send_flags::none);
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(Harness::kCallTimeoutMs));
  if (!(item.revents & ZMQ_POLLIN)) return "NO REPLY";
  zmq::message_t reply;
  (void)s.recv(reply);
  return std::string(wire::View(reply));
}

size_t MatterCount(Harness& h, const std::string& id) {
  tools::ControlClient client(h.ctx(), h.ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initMatter().setOp(Op::LIST);
  return client.CallOk(req, Harness::kCallTimeoutMs)
      ->Root<schema::ControlReply>()
      .getMatterViews()
      .size();
}

void FillReport(schema::MatterRequest::Builder m) {
  m.setOp(Op::REPORT);
  m.setScope("本单位相关人员");
  m.setOrgan("jyj");
  m.setTitle("某考试命题工作方案");
  m.setMark("秘密★5年");
  auto materials = m.initMaterials(3);
  materials.set(0, "申报不明确事项公文");
  materials.set(1, "不明确事项定密申报表");
  materials.set(2, "不明确事项的具体内容");
}

class Idempotent : public ::testing::Test {
 protected:
  void Start() {
    h.StartBroker();
    h.AddNode(Spec("440000", "province", ""));
    h.AddNode(Spec("440100", "city", "440000"));
    h.AddNode(Spec("440106", "county", "440100"));
    for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);
  }
  Harness h;
};

TEST_F(Idempotent, MatterReportRepeatedWithTheSameIdCreatesOneMatter) {
  Start();
  capnp::MallocMessageBuilder req;
  auto root = req.initRoot<schema::ControlRequest>();
  auto id = NewEnvelopeId();
  root.setRequestId(capnp::Data::Reader(id.data(), id.size()));
  FillReport(root.initMatter());
  std::string bytes = ToBytes(req);
  std::string first = RawCall(h, "440106", bytes);
  std::string again = RawCall(h, "440106", bytes);
  EXPECT_EQ(again, first) << "a repeat is answered with the reply kept for the first";
  auto reply = ReadMessage(first);  // owns what r reads
  auto r = reply->Root<schema::ControlReply>();
  ASSERT_EQ(r.getError().size(), 0u) << r.getError().cStr();
  EXPECT_EQ(MatterCount(h, "440106"), 1u);

  // The kept reply survives a restart of the node.
  h.KillNode("440106", SIGKILL);
  h.StartNode("440106");
  EXPECT_EQ(RawCall(h, "440106", bytes), first);
  EXPECT_EQ(MatterCount(h, "440106"), 1u);

  // Another id is another request.
  id = NewEnvelopeId();
  root.setRequestId(capnp::Data::Reader(id.data(), id.size()));
  ASSERT_EQ(ReadMessage(RawCall(h, "440106", ToBytes(req)))
                ->Root<schema::ControlReply>()
                .getError()
                .size(),
            0u);
  EXPECT_EQ(MatterCount(h, "440106"), 2u);
}

// The first reply is lost (the client timed out and closed its socket) and the request is sent
// again with the same id: N notices are queued once.
TEST_F(Idempotent, SendCountRetriedAfterALostReplyQueuesNOnce) {
  Start();
  capnp::MallocMessageBuilder req;
  auto root = req.initRoot<schema::ControlRequest>();
  auto id = NewEnvelopeId();
  root.setRequestId(capnp::Data::Reader(id.data(), id.size()));
  auto s = root.initSend();
  s.setTo("440000");
  s.setText("once");
  s.setCount(500);
  std::string bytes = ToBytes(req);
  std::string first = RawCall(h, "440106", bytes);
  std::string again = RawCall(h, "440106", bytes);
  EXPECT_EQ(again, first);
  auto reply = ReadMessage(first);  // owns what r reads
  auto r = reply->Root<schema::ControlReply>();
  ASSERT_EQ(r.getError().size(), 0u) << r.getError().cStr();
  EXPECT_EQ(r.getSent().getLastSeq(), 500u);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.CountPrefix("440000", "once") >= 500; }, seconds(60)));
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.Counters("440106").outbox_depth == 0; }, seconds(60)));
  EXPECT_EQ(h.CountPrefix("440000", "once"), 500u) << "the retried send queued twice";
}

// The CLI's client gives a request that changes something an id of its own and keeps it, so
// calling again with the same request (as it does after a timeout) is the same request.
TEST_F(Idempotent, TheClientKeepsOneRequestIdAcrossItsRetries) {
  Start();
  capnp::MallocMessageBuilder req;
  auto s = req.initRoot<schema::ControlRequest>().initSend();
  s.setTo("440000");
  s.setText("kept");
  s.setCount(10);
  tools::ControlClient client(h.ctx(), h.ControlEndpoint("440106"));
  auto first = client.CallOk(req, Harness::kCallTimeoutMs);
  EXPECT_EQ(req.getRoot<schema::ControlRequest>().getRequestId().size(), 16u);
  auto again = client.CallOk(req, Harness::kCallTimeoutMs);
  EXPECT_EQ(again->Root<schema::ControlReply>().getSent().getLastSeq(),
            first->Root<schema::ControlReply>().getSent().getLastSeq());
  h.Send("440106", "440000", "other", 2);  // a new request: a new id
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440000", "other") == 2; }, seconds(60)));
  EXPECT_EQ(h.CountPrefix("440000", "kept"), 10u);
}

}  // namespace
}  // namespace zhuji::testing
