// Bad input at every boundary (STYLE.md §7): refused with a reason, counted, and the process
// keeps serving. Nothing stored is lost.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include "harness.h"
#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"
#include "tools/control_client.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

// A raw peer that speaks (or mis-speaks) the protocol by hand.
class RawPeer {
 public:
  RawPeer(zmq::context_t& ctx, const std::string& endpoint) : s_(ctx, zmq::socket_type::dealer) {
    s_.set(zmq::sockopt::linger, 0);
    s_.connect(endpoint);
  }
  // One frame, as protocol 2 sends; several parts imitate a peer of protocol 1 (or a fuzzer).
  void Send(const std::vector<std::string>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      auto more = i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      ASSERT_TRUE(s_.send(zmq::buffer(parts[i]), more));
    }
  }
  // The next header received within 20 s.
  std::optional<wire::Header> Next() {
    zmq::pollitem_t item{s_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(20'000));
    if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
    zmq::message_t frame;
    size_t parts = 0;
    wire::RecvFrame(s_, frame, false, &parts);
    EXPECT_EQ(parts, 1u) << "protocol 2 sends one frame per message";
    return wire::ParseFrame(wire::View(frame), 1 << 20).header;
  }
  std::optional<wire::Header> NextNack() {
    for (int i = 0; i < 10; ++i) {
      auto h = Next();
      if (!h) return std::nullopt;
      if (h->command == wire::Command::NACK) return h;
    }
    return std::nullopt;
  }

 private:
  zmq::socket_t s_;
};

// One frame: a header, then `body` (an envelope for a DELIVER).
std::string FrameBytes(wire::Command c, const std::string& source, const std::string& dest,
                       uint64_t seq = 0, const std::string& body = "") {
  wire::Header h;
  h.command = c;
  h.source = source;
  h.destination = dest;
  h.seq = seq;
  return wire::EncodeFrame(h, body);
}

// A HELLO as a node of protocol 1 would say it.
std::string Protocol1Hello() {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Header>();
  b.setProtocol(schema::PROTOCOL_TAG);
  b.setVersion(1);
  b.setCommand(schema::Command::HELLO);
  b.setSource("449999");
  return ToBytes(m);
}

std::string Envelope(const std::string& origin, const std::string& dest, uint64_t seq,
                     const std::string& text) {
  capnp::MallocMessageBuilder body;
  body.initRoot<schema::Notice>().setText(text);
  std::string body_bytes = ToBytes(body);
  capnp::MallocMessageBuilder m;
  auto e = m.initRoot<schema::Envelope>();
  auto id = NewEnvelopeId();
  e.setId(capnp::Data::Reader(id.data(), id.size()));
  e.setOrigin(origin);
  e.setDestination(dest);
  e.setLinkSeq(seq);
  e.setKind(schema::Kind::NOTICE);
  e.setBody(AsData(body_bytes));
  return ToBytes(m);
}

TEST(Malformed, BrokerRefusesAndCountsBadFramesAndKeepsServing) {
  Harness h;
  h.StartBroker({"--max-body-bytes", "65536"});
  h.StartProvinceAndCounty();
  uint64_t refused_before = h.BrokerStatsOf(0).refused;

  RawPeer peer(h.ctx(), h.BrokerEndpoint(0));
  std::string good = FrameBytes(wire::Command::HELLO, "449999", "");
  struct Case {
    const char* what;
    std::vector<std::string> parts;
    wire::NackCode code;
  };
  std::string wrong_tag = good;
  wrong_tag[8 + 8] ^= 0x55;  // inside the first data word: the protocol tag
  std::vector<Case> cases = {
      {"garbage", {"\x01\x02 definitely not cap'n proto"}, wire::NackCode::MALFORMED},
      {"truncated header", {good.substr(0, good.size() - 8)}, wire::NackCode::MALFORMED},
      {"wrong protocol tag", {wrong_tag}, wire::NackCode::PROTOCOL},
      {"oversized body",
       {FrameBytes(wire::Command::DELIVER, "449999", "440000", 1, std::string(100'000, 'x'))},
       wire::NackCode::TOO_LARGE},
      {"two frames (protocol 1)", {good, good}, wire::NackCode::PROTOCOL},
      {"too many frames", {good, good, good, good}, wire::NackCode::PROTOCOL},
      {"protocol 1 header", {Protocol1Hello()}, wire::NackCode::PROTOCOL},
      {"deliver without an envelope",
       {FrameBytes(wire::Command::DELIVER, "449999", "440000", 1)},
       wire::NackCode::MALFORMED},
      {"hello with a body", {good + std::string(8, 'x')}, wire::NackCode::PROTOCOL},
      {"deliver before hello",
       {FrameBytes(wire::Command::DELIVER, "449999", "440000", 1, "x")},
       wire::NackCode::NOT_REGISTERED},
      {"hello with a bad id",
       {FrameBytes(wire::Command::HELLO, "not-a-code", "")},
       wire::NackCode::PROTOCOL},
  };
  for (auto& c : cases) {
    peer.Send(c.parts);
    auto nack = peer.NextNack();
    ASSERT_TRUE(nack) << c.what << ": no NACK came back";
    EXPECT_EQ(nack->code, c.code) << c.what << ": " << nack->reason;
    EXPECT_FALSE(nack->reason.empty()) << c.what;
  }
  EXPECT_EQ(h.BrokerStatsOf(0).refused - refused_before, cases.size());
  // Still serving: a real notice goes through.
  h.Send("440106", "440000", "after-garbage", 1);
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& e : h.Inbox("440000")) {
          if (e.text == "after-garbage") return true;
        }
        return false;
      },
      seconds(60)));
}

TEST(Malformed, NodeRefusesAndCountsBadEnvelopesAndKeepsServing) {
  Harness h;
  h.StartProvinceAndCounty("max_envelope_bytes = 16384");

  RawPeer fake(h.ctx(), h.BrokerEndpoint(0));
  fake.Send({FrameBytes(wire::Command::HELLO, "449999", "")});
  auto welcome = fake.Next();
  ASSERT_TRUE(welcome && welcome->command == wire::Command::WELCOME);

  std::string ok = Envelope("449999", "440000", 1, "hello");
  struct Case {
    const char* what;
    std::string body;
    wire::NackCode code;
  };
  std::vector<Case> cases = {
      {"garbage envelope", "garbage garbage garbage!", wire::NackCode::MALFORMED},
      {"truncated envelope", ok.substr(0, ok.size() - 16), wire::NackCode::MALFORMED},
      {"wrong protocol in the body", FrameBytes(wire::Command::HELLO, "449999", ""),
       wire::NackCode::MALFORMED},
      {"envelope for another node", Envelope("449999", "440100", 1, "x"),
       wire::NackCode::WRONG_NODE},
      {"origin that is not the sender", Envelope("440106", "440000", 1, "x"),
       wire::NackCode::MALFORMED},
      {"oversized envelope", Envelope("449999", "440000", 1, std::string(20'000, 'y')),
       wire::NackCode::TOO_LARGE},
  };
  for (auto& c : cases) {
    fake.Send({FrameBytes(wire::Command::DELIVER, "449999", "440000", 1, c.body)});
    auto nack = fake.NextNack();
    ASSERT_TRUE(nack) << c.what << ": no NACK came back";
    EXPECT_EQ(nack->code, c.code) << c.what << ": " << nack->reason;
  }
  EXPECT_EQ(h.Counters("440000").refused, cases.size());
  EXPECT_TRUE(h.Inbox("440000").empty()) << "a refused envelope was stored";

  // Garbage on the control socket: an error reply, counted, and the node still answers.
  {
    zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.connect(h.ControlEndpoint("440000"));
    s.send(zmq::str_buffer("not a request at all...."), zmq::send_flags::none);
    zmq::message_t reply;
    zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(Harness::kCallTimeoutMs));
    ASSERT_TRUE(item.revents & ZMQ_POLLIN);
    (void)s.recv(reply);
    auto msg = ReadMessage(wire::View(reply));
    EXPECT_NE(std::string(msg->Root<schema::ControlReply>().getError().cStr()).find("malformed"),
              std::string::npos);
  }
  EXPECT_EQ(h.Counters("440000").refused, cases.size() + 1);

  // The real neighbour's notices and a well-formed one from the fake peer still arrive.
  h.Send("440106", "440000", "still-serving", 1);
  fake.Send({FrameBytes(wire::Command::DELIVER, "449999", "440000", 1, ok)});
  ASSERT_TRUE(Harness::WaitFor([&] { return h.Inbox("440000").size() == 2; }, seconds(60)));
}

}  // namespace
}  // namespace zhuji::testing
