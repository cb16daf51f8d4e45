// The node's services in one process (issue #9): inproc sockets for the broker and the control
// socket, a fake clock, a temporary store. No child process, no sleep: every wait is on a
// condition with a generous deadline.
#include <capnp/pretty-print.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <atomic>
#include <thread>

#include "guangdong.h"
#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/deadletters.h"
#include "services/node/delivery.h"
#include "services/node/matters.h"
#include "services/node/node.h"
#include "services/node/supervision.h"
#include "services/node/views.h"
#include "services/store/audit.h"
#include "services/wire/socket_util.h"
#include "tests/support/temp_dir.h"
#include "tools/control_client.h"

namespace zhuji::node {
namespace {

constexpr int64_t kStartMs = 1'735'700'000'000;  // 2025-01-01 10:53 CST
constexpr int kWaitMs = 30'000;                  // for a frame to cross an inproc socket

std::shared_ptr<spdlog::logger> QuietLog() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

std::string NoticeBody(const std::string& text) {
  capnp::MallocMessageBuilder m;
  m.initRoot<schema::Notice>().setText(text);
  return ToBytes(m);
}

// A broker as the node sees it: a ROUTER on an inproc endpoint.
class FakeBroker {
 public:
  FakeBroker(zmq::context_t& ctx, const std::string& endpoint)
      : socket_(ctx, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(endpoint);
  }
  // The next header from the node, waiting up to `ms`; nullopt if none came.
  std::optional<wire::Header> Next(int ms = kWaitMs) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(ms)) <= 0) return std::nullopt;
    zmq::message_t frame;
    size_t parts = 0;
    if (!wire::RecvRouted(socket_, &node_, frame, true, &parts)) return std::nullopt;
    auto parsed = wire::ParseFrame(wire::View(frame), 1 << 20);
    return parsed.header;
  }
  void Send(const wire::Header& h, std::string_view body = {}) {
    ASSERT_TRUE(wire::SendRouted(socket_, node_, wire::EncodeFrame(h, body)));
  }
  void Welcome() {
    auto hello = Next();
    ASSERT_TRUE(hello) << "no HELLO from the node";
    ASSERT_EQ(hello->command, wire::Command::HELLO);
    wire::Header w;
    w.command = wire::Command::WELCOME;
    w.destination = hello->source;
    Send(w);
  }
  void Deliver(const std::string& from, uint64_t seq, const std::string& envelope) {
    wire::Header h;
    h.command = wire::Command::DELIVER;
    h.source = from;
    h.destination = "440000";
    h.seq = seq;
    Send(h, envelope);
  }

 private:
  zmq::socket_t socket_;
  std::string node_;  // its routing id
};

// The delivery loop of a province node (440000) with a notice kind the test controls.
class DeliveryLoopTest : public ::testing::Test {
 protected:
  DeliveryLoopTest()
      : env_({dir_.path() + "/store", 1 << 20, false}),
        sender_env_({dir_.path() + "/sender", 1 << 20, false}),
        clock_(kStartMs),
        log_(QuietLog()),
        health_(clock_, *log_),
        writer_(env_, clock_, health_, *log_),
        inbox_("440000", 1 << 20, kinds_),
        broker_(ctx_, "inproc://broker") {
    config_.node_id = "440000";
    config_.brokers = {"inproc://broker"};
    KindEntry notice;
    notice.name = "notice";
    notice.check = [](const std::string&, std::string_view) { return Status::Ok(); };
    notice.apply = [this](store::Txn&, const std::string&, std::string_view, int64_t) {
      ++applied_;
      if (fail_) throw store::StoreError("disk full (test)", ENOSPC);
    };
    kinds_.Register(schema::Kind::NOTICE, notice);
    loop_ = std::make_unique<DeliveryLoop>(config_, ctx_, writer_, outbox_, pump_, inbox_, health_,
                                           clock_, *log_);
    loop_->Start(1);
    loop_->Tick();  // HELLO
    broker_.Welcome();
  }

  // Envelopes 440106 → 440000, in link order.
  std::vector<std::string> Envelopes(int n) {
    std::vector<std::string> out;
    Outbox sender("440106");
    sender_env_.Write([&](store::Txn& t) {
      for (int i = 0; i < n; ++i) {
        sender.Enqueue(t, {"440000", schema::Kind::NOTICE, NoticeBody("n" + std::to_string(i)), {}},
                       kStartMs);
      }
    });
    auto r = sender_env_.BeginRead();
    sender.ForEach(r, "440000", 1, n, [&](uint64_t, std::string_view b) { out.emplace_back(b); });
    return out;
  }

  // Waits until the loop's link is readable, then lets it handle what came.
  void ReceiveAll(size_t frames) {
    size_t got = 0;
    for (int turns = 0; got < frames && turns < 1000; ++turns) {
      std::vector<zmq::pollitem_t> items;
      loop_->AddPollItems(items);
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(kWaitMs));
      size_t before = health_.counters.delivered + health_.counters.duplicates;
      loop_->Receive(items, 0);
      got += health_.counters.delivered + health_.counters.duplicates - before;
    }
  }

  size_t InboxSize() {
    auto r = env_.BeginRead();
    return inbox_.All(r).size();
  }

  TempDir dir_{"zhuji-inproc-"};
  store::Env env_, sender_env_;
  zmq::context_t ctx_;
  FakeClock clock_;
  std::shared_ptr<spdlog::logger> log_;
  Health health_;
  Writer writer_;
  Outbox outbox_{"440000"};
  Pump pump_{PumpPolicy{}};
  KindRegistry kinds_;
  Inbox inbox_;
  config::NodeConfig config_;
  FakeBroker broker_;
  std::unique_ptr<DeliveryLoop> loop_;
  int applied_ = 0;
  bool fail_ = false;
};

// DESIGN.md "Delivery guarantee": an acknowledgement means durable. When the batch's commit
// fails, nothing of it is kept and no ACK goes out; the sender's copy brings it again.
TEST_F(DeliveryLoopTest, NoAckIsSentWhenTheCommitFails) {
  auto env = Envelopes(2);
  fail_ = true;
  broker_.Deliver("440106", 1, env[0]);
  broker_.Deliver("440106", 2, env[1]);
  std::vector<zmq::pollitem_t> items;
  loop_->AddPollItems(items);
  ASSERT_GT(zmq::poll(items.data(), items.size(), std::chrono::milliseconds(kWaitMs)), 0);
  EXPECT_THROW(loop_->Receive(items, 0), store::StoreError);
  EXPECT_EQ(InboxSize(), 0u) << "a failed batch left something in the inbox";

  // The sender resends envelope 1 only. Had the failed batch been acknowledged, its ACK (#2)
  // would come first: frames from one socket arrive in order.
  fail_ = false;
  broker_.Deliver("440106", 1, env[0]);
  ReceiveAll(1);
  auto ack = broker_.Next();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->command, wire::Command::ACK);
  EXPECT_EQ(ack->seq, 1u) << "an acknowledgement was sent for a batch that did not commit";
  EXPECT_EQ(InboxSize(), 1u);
}

// The inbox dedupes within one batch too: the second copy is a duplicate, applied once, and the
// acknowledgement covers both.
TEST_F(DeliveryLoopTest, ADuplicateInTheSameBatchIsAppliedOnce) {
  auto env = Envelopes(1);
  broker_.Deliver("440106", 1, env[0]);
  broker_.Deliver("440106", 1, env[0]);
  ReceiveAll(2);
  EXPECT_EQ(applied_, 1);
  EXPECT_EQ(InboxSize(), 1u);
  EXPECT_EQ(health_.counters.delivered, 1u);
  EXPECT_EQ(health_.counters.duplicates, 1u);
  auto ack = broker_.Next();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->command, wire::Command::ACK);
  EXPECT_EQ(ack->seq, 1u);
}

// An acknowledged envelope stays in the outbox until the next commit trims it (issue #11). A
// refusal of another copy of it in that time (a broker with a smaller size limit on another
// path) must not make a delivered envelope a dead letter.
TEST_F(DeliveryLoopTest, ARefusalOfAnEnvelopeAlreadyAcknowledgedBuriesNothing) {
  ASSERT_TRUE(
      writer_
          .Commit([&](store::Txn& t) {
            outbox_.Enqueue(t, {"440106", schema::Kind::NOTICE, NoticeBody("down"), {}}, kStartMs);
            return Status::Ok();
          })
          .ok());
  pump_.Enqueued("440106", 1);
  auto receive_one = [&] {
    std::vector<zmq::pollitem_t> items;
    loop_->AddPollItems(items);
    ASSERT_GT(zmq::poll(items.data(), items.size(), std::chrono::milliseconds(kWaitMs)), 0);
    loop_->Receive(items, 0);
  };
  receive_one();  // the WELCOME: the link is up
  loop_->SendDue();
  auto sent = broker_.Next();
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->command, wire::Command::DELIVER);
  auto handle = [&](const wire::Header& h) {
    broker_.Send(h);
    receive_one();
  };
  wire::Header ack;
  ack.command = wire::Command::ACK;
  ack.source = "440106";
  ack.destination = "440000";
  ack.seq = 1;
  handle(ack);
  ASSERT_EQ(pump_.destinations().at("440106").acked, 1u);
  wire::Header too_large;
  too_large.command = wire::Command::NACK;
  too_large.code = wire::NackCode::TOO_LARGE;
  too_large.source = "b1";  // a broker on another path
  too_large.destination = "440000";
  too_large.refused_for = "440106";
  too_large.seq = 1;
  too_large.message_id = sent->message_id;
  too_large.reason = "larger than this broker takes";
  handle(too_large);
  auto r = env_.BeginRead();
  EXPECT_EQ(DeadLetters::Count(r), 0u) << "a delivered envelope became a dead letter";
}

// A whole node (天河区, 440106) in a thread of this process, on inproc sockets and a fake clock.
class NodeInProcessTest : public ::testing::Test {
 protected:
  NodeInProcessTest()
      : env_({dir_.path() + "/store", 1 << 20, false}), clock_(kStartMs), log_(QuietLog()) {
    config_.node_id = "440106";
    config_.name = "天河区";
    config_.level = config::Level::kCounty;
    config_.parent = "440100";
    config_.brokers = {"inproc://nobroker"};  // no broker: envelopes wait in the outbox
    config_.summary_interval_ms = 0;          // no status summaries: the tests count the outbox
    config_.control = "inproc://control";
    auto directory = workflows::testing::Guangdong();
    config_.organs = directory.Node("440106")->organs;
    calendar::Calendar cal =
        calendar::LoadCalendarDir(std::string(ZHUJI_SOURCE_DIR) + "/deploy/calendar");
    node_ = std::make_unique<Node>(config_, directory, ctx_, env_, clock_, &clock_, cal, *log_);
    node_->Start();
    thread_ = std::thread([this] { node_->Run(stop_); });
  }
  ~NodeInProcessTest() override {
    stop_ = true;
    thread_.join();
  }

  std::unique_ptr<OwnedMessage> Call(capnp::MessageBuilder& req) {
    tools::ControlClient client(ctx_, config_.control);
    return client.Call(req, kWaitMs);
  }

  // `matter report` of a 不明确事项 by 天河区教育局 (GD Art. 30); `hold`: set provisionally only.
  static void ReportUnclear(capnp::MallocMessageBuilder& msg, bool hold) {
    auto m = msg.initRoot<schema::ControlRequest>().initMatter();
    m.setOp(schema::MatterRequest::Op::REPORT);
    m.setScope("本单位相关人员");
    m.setOrgan("jyj");
    m.setTitle("一项不明确事项");
    m.setMark("秘密★5年");
    m.setArt24("none");
    m.setHold(hold);
  }

  // What a step writes: audit entries, matters, envelopes, deadlines, the matter serial.
  std::string Snapshot() {
    auto r = env_.BeginRead();
    auto serial = r.Get("meta", "matter_serial/2025");
    return "audit " + std::to_string(r.Count("audit")) + ", matters " +
           std::to_string(r.Count("matters")) + ", outbox " + std::to_string(r.Count("outbox")) +
           ", deadlines " + std::to_string(r.Count("deadline_items")) + ", serial " +
           (serial ? std::to_string(DecodeBe64(*serial)) : "none");
  }

  TempDir dir_{"zhuji-inproc-"};
  store::Env env_;
  zmq::context_t ctx_;
  FakeClock clock_;
  std::shared_ptr<spdlog::logger> log_;
  config::NodeConfig config_;
  std::unique_ptr<Node> node_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// GD Art. 30 / 条例 Art. 25: a 不明确事项 and its report deadline go together or not at all. The
// deadline is already open (by hand), so the step is refused: no matter, no serial used, no
// envelope, no audit entry.
TEST_F(NodeInProcessTest, ARefusedStepChangesNothing_GD_Art30) {
  capnp::MallocMessageBuilder open;
  auto o = open.initRoot<schema::ControlRequest>().initOpenDeadline();
  o.setItem("440106/jyj/2025-0001");
  o.setStep(workflows::kStepReport);
  o.setRule("GD Art. 30");
  o.setWorkingDays(10);
  auto opened = Call(open);
  ASSERT_EQ(opened->Root<schema::ControlReply>().getError(), "");
  std::string before = Snapshot();

  capnp::MallocMessageBuilder report;
  ReportUnclear(report, false);
  auto reply = Call(report);
  std::string error = reply->Root<schema::ControlReply>().getError();
  EXPECT_NE(error.find("cannot be opened"), std::string::npos) << error;
  EXPECT_EQ(Snapshot(), before) << "a refused step left something in the store";
}

template <typename Reader>
std::string Pretty(Reader r) {
  return capnp::prettyPrint(r).flatten().cStr();
}

// The operator protocol shows views (schemas/control.capnp), filled from the store by
// services/node/views.cc: what a step replies is what the store holds, and what a listing shows.
TEST_F(NodeInProcessTest, AControlRequestsReplyMatchesItsView_GD_Art30) {
  capnp::MallocMessageBuilder report;
  ReportUnclear(report, true);  // set provisionally only: its report deadline opens here
  auto reply = Call(report);
  auto r = reply->Root<schema::ControlReply>();
  ASSERT_EQ(r.getError(), "");
  ASSERT_EQ(r.getMatterViews().size(), 1u);
  auto view = r.getMatterViews()[0];
  EXPECT_EQ(view.getStateZh(), "先行采取保密措施 provisional measures") << Pretty(view);

  capnp::MallocMessageBuilder expected;
  std::vector<deadlines::DeadlineRecord> records;
  {
    auto txn = env_.BeginRead();
    auto stored = Matters::Get(txn, view.getId());
    ASSERT_TRUE(stored);
    FillMatterView(*stored, expected.initRoot<schema::MatterView>());
    records = deadlines::DeadlineBook::List(txn, true);
  }
  EXPECT_EQ(Pretty(view), Pretty(expected.getRoot<schema::MatterView>().asReader()));

  capnp::MallocMessageBuilder show;
  auto s = show.initRoot<schema::ControlRequest>().initMatter();
  s.setOp(schema::MatterRequest::Op::SHOW);
  s.setId(view.getId());
  auto shown = Call(show);
  ASSERT_EQ(shown->Root<schema::ControlReply>().getMatterViews().size(), 1u);
  EXPECT_EQ(Pretty(shown->Root<schema::ControlReply>().getMatterViews()[0]), Pretty(view));

  capnp::MallocMessageBuilder list;
  list.initRoot<schema::ControlRequest>().initDeadlines().setAll(true);
  auto listed = Call(list);
  auto views = listed->Root<schema::ControlReply>().getDeadlines().getDeadlines();
  ASSERT_EQ(views.size(), records.size());
  ASSERT_EQ(views.size(), 1u) << "the report deadline (条例 Art. 25: 10 working days)";
  EXPECT_EQ(views[0].getStep(), workflows::kStepReport);
  EXPECT_EQ(views[0].getDueMs(), view.getReportDueAt()) << "the matter shows its deadline";
  capnp::MallocMessageBuilder deadline;
  FillDeadlineView(records[0], views[0].getDaysLeft(), deadline.initRoot<schema::DeadlineView>());
  EXPECT_EQ(Pretty(views[0]), Pretty(deadline.getRoot<schema::DeadlineView>().asReader()));
}

// RULES.md "Deadlines": a deadline opened by a matter step fires on time. The step changed the
// deadline table; the loop must know its next event without a restart (DeadlineService::Changed).
TEST_F(NodeInProcessTest, ADeadlineOpenedByAStepFiresWhenItsTimeComes_GD_Art30) {
  capnp::MallocMessageBuilder report;
  ReportUnclear(report, true);  // opens the report deadline (条例 Art. 25: 10 working days)
  ASSERT_EQ(Call(report)->Root<schema::ControlReply>().getError(), "");
  clock_.Advance(int64_t{40} * 86'400'000);  // well past its last day
  std::string state;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
       state != "overdue" && std::chrono::steady_clock::now() < until;) {
    capnp::MallocMessageBuilder list;
    list.initRoot<schema::ControlRequest>().initDeadlines();
    auto listed = Call(list);
    auto views = listed->Root<schema::ControlReply>().getDeadlines().getDeadlines();
    ASSERT_EQ(views.size(), 1u);
    state = views[0].getState().cStr();
  }
  EXPECT_EQ(state, "overdue") << "the loop did not learn of the deadline the step opened";
  auto txn = env_.BeginRead();
  // GD Art. 41: 天河区教育局's overdue duty is supervised by 天河区国家保密局, on this node: the
  // 督办事项 is recorded here, and nothing goes to the parent.
  EXPECT_EQ(txn.Count("outbox"), 0u) << "no overdue report to the parent (440100)";
  auto supervised = Supervision::List(txn, false);
  ASSERT_EQ(supervised.size(), 1u) << "the 督办事项 of 天河区国家保密局";
  EXPECT_EQ(supervised[0].origin, "440106");
}

// The write helper (services/node/writer.h): a step that returns an error aborts its
// transaction; its in-memory changes are undone and its after-commit effects never happen. A
// nested step that aborts undoes only its own.
TEST(WriterTest, AnErrorAbortsTheStepAndItsEffects) {
  TempDir dir("zhuji-writer-");
  store::Env env({dir.path(), 1 << 20, false});
  FakeClock clock(kStartMs);
  auto log = QuietLog();
  Health health(clock, *log);
  Writer writer(env, clock, health, *log);
  int memory = 0;
  bool effect = false;
  Status st = writer.Commit([&](store::Txn& txn) {
    txn.Put("meta", "k", "v");
    memory = 1;
    writer.OnAbort([&] { memory = 0; });
    writer.AfterCommit([&] { effect = true; });
    return Status::Error("refused by a rule");
  });
  EXPECT_EQ(st.message(), "refused by a rule");
  EXPECT_EQ(memory, 0) << "the in-memory change was not undone";
  EXPECT_FALSE(effect) << "an effect of an aborted step happened";
  EXPECT_FALSE(env.BeginRead().Get("meta", "k")) << "an aborted step wrote to the store";

  st = writer.Commit([&](store::Txn& txn) {
    txn.Put("meta", "outer", "1");
    writer.AfterCommit([&] { effect = true; });
    Writer::Mark mark = writer.EffectsMark();
    auto child = txn.Child();
    child.Put("meta", "inner", "1");
    memory = 2;
    writer.OnAbort([&] { memory = 0; });
    writer.AfterCommit([&] { memory = 99; });
    child.Abort();
    writer.AbortSince(mark);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(effect) << "the outer step's effect was dropped";
  EXPECT_EQ(memory, 0) << "the nested step's change was not undone, or its effect ran";
  auto r = env.BeginRead();
  EXPECT_TRUE(r.Get("meta", "outer"));
  EXPECT_FALSE(r.Get("meta", "inner"));
}

}  // namespace
}  // namespace zhuji::node
