// The outbox, the inbox and the audit log against a real store, without sockets.
#include <capnp/message.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <set>

#include "guangdong.h"
#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/deadletters.h"
#include "services/node/inbox.h"
#include "services/node/mail.h"
#include "services/node/matters.h"
#include "services/node/outbox.h"
#include "services/store/audit.h"
#include "services/workflows/determination_request.h"
#include "services/workflows/unclear_matter.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/test_kinds.h"

namespace zhuji::node {
namespace {

std::string NoticeBody(const std::string& text) {
  capnp::MallocMessageBuilder m;
  m.initRoot<schema::Notice>().setText(text);
  return ToBytes(m);
}

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest()
      : sender_env_({sender_dir_.path(), 1 << 20, false}),
        receiver_env_({receiver_dir_.path(), 1 << 20, false}) {}

  // Queues `n` notices from 440106 to 440000 and returns their bytes in link order.
  std::vector<std::string> Queue(int n, const std::string& to = "440000") {
    std::vector<std::string> out;
    sender_env_.Write([&](store::Txn& t) {
      for (int i = 0; i < n; ++i) {
        outbox_.Enqueue(
            t,
            {to, schema::Kind::NOTICE, NoticeBody(std::string("n").append(std::to_string(i))), {}},
            1000 + i);
      }
    });
    auto r = sender_env_.BeginRead();
    outbox_.ForEach(r, to, 1, 1'000'000,
                    [&](uint64_t, std::string_view b) { out.emplace_back(b); });
    return out;
  }

  Delivery Apply(const std::string& bytes, const std::string& from = "440106") {
    Delivery d;
    receiver_env_.Write([&](store::Txn& t) { d = inbox_.Apply(t, from, bytes, 5000); });
    return d;
  }

  TempDir sender_dir_, receiver_dir_;
  store::Env sender_env_, receiver_env_;
  Outbox outbox_{"440106"};
  KindRegistry kinds_ = testing::KindsOf("440000");
  Inbox inbox_{"440000", 1 << 16, kinds_};
};

TEST_F(DeliveryTest, OutboxNumbersEachDestinationFromOne) {
  Queue(3);
  Queue(2, "440100");
  auto r = sender_env_.BeginRead();
  auto pending = outbox_.Pending(r);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].destination, "440000");
  EXPECT_EQ(pending[0].first_seq, 1u);
  EXPECT_EQ(pending[0].last_seq, 3u);
  EXPECT_EQ(pending[0].oldest_sent_at, 1000);
  EXPECT_EQ(pending[1].destination, "440100");
  EXPECT_EQ(pending[1].count(), 2u);
}

TEST_F(DeliveryTest, AcknowledgeRemovesOnlyThePrefix) {
  Queue(5);
  sender_env_.Write([&](store::Txn& t) { EXPECT_EQ(outbox_.Acknowledge(t, "440000", 3), 3u); });
  auto r = sender_env_.BeginRead();
  auto pending = outbox_.Pending(r);
  EXPECT_EQ(pending[0].first_seq, 4u);
  EXPECT_EQ(pending[0].last_seq, 5u);
}

TEST_F(DeliveryTest, SequenceContinuesAfterEverythingWasAcknowledged) {
  Queue(2);
  sender_env_.Write([&](store::Txn& t) { outbox_.Acknowledge(t, "440000", 2); });
  auto more = Queue(1);
  auto r = sender_env_.BeginRead();
  auto pending = outbox_.Pending(r);
  EXPECT_EQ(pending[0].first_seq, 3u);
  EXPECT_EQ(pending[0].count(), 1u);
}

// Envelopes queued before signatures were on (or before a key rotation) are signed again with
// the key in use at start, keeping their ids and link sequences, or receivers would refuse them.
TEST_F(DeliveryTest, PendingEnvelopesAreSignedAgainWithTheKeyInUse) {
  auto before = Queue(2);
  crypto::KeyPair keys = crypto::NewKeyPair("440106");
  crypto::Signer signer = crypto::Signer::From(keys).value();
  outbox_.SignWith(&signer);
  sender_env_.Write([&](store::Txn& t) { EXPECT_EQ(outbox_.Resign(t), 2u); });
  sender_env_.Write([&](store::Txn& t) { EXPECT_EQ(outbox_.Resign(t), 0u) << "signed twice"; });
  std::vector<crypto::DirectoryKey> entries{{keys.pub, crypto::KeyState::kActive, 0, "", {}}};
  auto dir = crypto::KeyDirectory::Parse(crypto::KeyDirectory::Render(entries, 1, "ed25519"), "k");
  auto r = sender_env_.BeginRead();
  size_t i = 0;
  outbox_.ForEach(r, "440000", 1, 10, [&](uint64_t seq, std::string_view bytes) {
    auto now = ReadMessage(bytes);
    auto was = ReadMessage(before.at(i++));
    auto e = now->Root<schema::Envelope>();
    EXPECT_EQ(AsView(e.getId()), AsView(was->Root<schema::Envelope>().getId()));
    EXPECT_EQ(e.getLinkSeq(), seq);
    EXPECT_TRUE(crypto::VerifyEnvelope(e, dir.value(), 0).ok());
  });
  EXPECT_EQ(i, 2u);
}

// What one step queues is signed together just before its commit (issue #11): hash trees, one
// signature for the lot, each envelope verifiable alone; what a nested step that was given up
// had queued is neither kept nor signed; signing never makes a stored envelope longer.
TEST_F(DeliveryTest, AStepsEnvelopesAreSignedTogetherAtItsCommit) {
  crypto::KeyPair keys = crypto::NewKeyPair("440106");
  crypto::Signer signer = crypto::Signer::From(keys).value();
  outbox_.SignWith(&signer);
  FakeClock clock(1'000);
  auto log = spdlog::null_logger_mt("seal-test");
  Health health(clock, *log);
  Writer writer(sender_env_, clock, health, *log);
  Pump pump(PumpPolicy{});
  Mail mail(outbox_, pump, writer);
  std::vector<size_t> reserved;
  Status st = writer.Commit([&](store::Txn& t) {
    reserved.clear();
    for (int i = 0; i < 3; ++i) {
      mail.Post(t, {"440000", schema::Kind::NOTICE, NoticeBody("n" + std::to_string(i)), {}}, 1000);
      reserved.push_back(outbox_.Get(t, "440000", i + 1)->size());
    }
    auto child = t.Child();
    mail.Post(child, {"440000", schema::Kind::NOTICE, NoticeBody("given up"), {}}, 1000);
    child.Abort();
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  std::vector<crypto::DirectoryKey> entries{{keys.pub, crypto::KeyState::kActive, 0, "", {}}};
  auto dir = crypto::KeyDirectory::Parse(crypto::KeyDirectory::Render(entries, 1, "ed25519"), "k");
  auto r = sender_env_.BeginRead();
  std::set<std::string> signatures;
  size_t n = 0;
  outbox_.ForEach(r, "440000", 1, 10, [&](uint64_t seq, std::string_view bytes) {
    auto msg = ReadMessage(bytes);
    auto e = msg->Root<schema::Envelope>();
    EXPECT_TRUE(crypto::VerifyEnvelope(e, dir.value(), 1'000).ok()) << "envelope #" << seq;
    EXPECT_GT(e.getSignatureProof().size(), 0u);
    EXPECT_LE(bytes.size(), reserved.at(n)) << "signing made envelope #" << seq << " longer";
    signatures.insert(std::string(AsView(e.getSignature())));
    ++n;
  });
  EXPECT_EQ(n, 3u) << "the nested step's envelope is not kept";
  EXPECT_EQ(signatures.size(), 1u) << "one signature for the step's envelopes";
  spdlog::drop("seal-test");
}

TEST_F(DeliveryTest, InboxAppliesInOrderAndOnlyOnce) {
  auto env = Queue(3);
  EXPECT_EQ(Apply(env[0]).outcome, Delivery::Outcome::kApplied);
  EXPECT_EQ(Apply(env[0]).outcome, Delivery::Outcome::kDuplicate);
  auto gap = Apply(env[2]);
  EXPECT_EQ(gap.outcome, Delivery::Outcome::kGap);
  EXPECT_EQ(gap.expected, 2u);
  auto second = Apply(env[1]);
  EXPECT_EQ(second.outcome, Delivery::Outcome::kApplied);
  EXPECT_EQ(second.expected, 3u);
  EXPECT_EQ(Apply(env[2]).outcome, Delivery::Outcome::kApplied);
  auto r = receiver_env_.BeginRead();
  auto all = inbox_.All(r);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "n0");
  EXPECT_EQ(all[2].text, "n2");
  EXPECT_EQ(all[2].link_seq, 3u);
  EXPECT_EQ(all[0].received_at, 5000);
  EXPECT_EQ(r.Count("seen"), 3u);
}

TEST_F(DeliveryTest, InboxRefusesAnEnvelopeForAnotherNode) {
  auto env = Queue(1, "440100");
  auto d = Apply(env[0]);
  EXPECT_EQ(d.outcome, Delivery::Outcome::kRefused);
  EXPECT_EQ(d.code, wire::NackCode::WRONG_NODE);
  EXPECT_EQ(receiver_env_.BeginRead().Count("inbox"), 0u);
}

TEST_F(DeliveryTest, InboxRefusesAnOriginThatDoesNotMatchTheRoute) {
  auto env = Queue(1);
  auto d = Apply(env[0], "440104");
  EXPECT_EQ(d.outcome, Delivery::Outcome::kRefused);
  EXPECT_NE(d.reason.find("does not match"), std::string::npos) << d.reason;
}

TEST_F(DeliveryTest, InboxRefusesGarbageTruncationAndOversizeWithoutLosingAnything) {
  auto env = Queue(2);
  ASSERT_EQ(Apply(env[0]).outcome, Delivery::Outcome::kApplied);
  EXPECT_EQ(Apply("garbage!").outcome, Delivery::Outcome::kRefused);
  EXPECT_EQ(Apply(env[1].substr(0, env[1].size() - 8)).outcome, Delivery::Outcome::kRefused);
  auto big = Apply(std::string(1 << 17, '\0'));
  EXPECT_EQ(big.outcome, Delivery::Outcome::kRefused);
  EXPECT_EQ(big.code, wire::NackCode::TOO_LARGE);
  EXPECT_EQ(Apply(env[1]).outcome, Delivery::Outcome::kApplied);
  EXPECT_EQ(receiver_env_.BeginRead().Count("inbox"), 2u);
}

TEST_F(DeliveryTest, AuditChainVerifiesAndDetectsTampering) {
  auto env = Queue(3);
  for (auto& e : env) Apply(e);
  {
    auto r = receiver_env_.BeginRead();
    uint64_t n = 0;
    auto st = store::Audit::Verify(r, &n);
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(n, 3u);
  }
  // Rewrite entry 2 with the same bytes but a different detail: the chain breaks there.
  receiver_env_.Write([](store::Txn& t) {
    auto v = t.Get("audit", EncodeBe64(2));
    ASSERT_TRUE(v);
    std::string bytes(*v);
    auto pos = bytes.find("#2");
    ASSERT_NE(pos, std::string::npos);
    bytes[pos + 1] = '9';
    t.Put("audit", EncodeBe64(2), bytes);
  });
  auto r = receiver_env_.BeginRead();
  auto st = store::Audit::Verify(r, nullptr);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("entry 2"), std::string::npos) << st.message();
}

// A `matter` envelope from 440106 to 440000 carrying `m`.
std::string MatterEnvelope(Outbox& outbox, store::Env& env, const workflows::Matter& m) {
  env.Write([&](store::Txn& t) {
    outbox.Enqueue(t, {"440000", schema::Kind::MATTER, Matters::Encode(m), m.id}, 1000);
  });
  std::string bytes;
  auto r = env.BeginRead();
  outbox.ForEach(r, "440000", 1, 1'000'000, [&](uint64_t, std::string_view b) { bytes = b; });
  return bytes;
}

TEST_F(DeliveryTest, AMatterIsAcceptedOnlyBetweenTheNodesOfItsRoute) {
  using namespace workflows;
  auto dir = workflows::testing::Guangdong();
  const auto secret = Protection::Term(SecrecyLevel::kMimi, 5);
  // 天河区教育局 → 广州市教育局 → 广东省教育厅 → 广东省国家保密局: 440000 is on the route.
  auto unclear = SetProvisional(dir, "440106/jyj", "a", "x", secret, "本单位相关人员", 0);
  Delivery ok = Apply(MatterEnvelope(outbox_, sender_env_, unclear.value().matter));
  EXPECT_EQ(ok.outcome, Delivery::Outcome::kApplied) << ok.reason;
  // A 秘密 request of 天河区教育局 goes to 广州市教育局 only: nothing for the province.
  auto request = RequestDetermination(dir, "440106/jyj", "b", "x", secret, "本单位相关人员",
                                      calendar::CstDateOf(0), 0);
  Delivery off_route = Apply(MatterEnvelope(outbox_, sender_env_, request.value().matter));
  EXPECT_EQ(off_route.outcome, Delivery::Outcome::kRefused);
  EXPECT_NE(off_route.reason.find("does not concern node 440000"), std::string::npos)
      << off_route.reason;
  // The sender sets the refused one aside (dead letter + skip), and the link goes on.
  sender_env_.Write([&](store::Txn& t) {
    ASSERT_TRUE(DeadLetters::Bury(t, outbox_, "440000", off_route.seq, off_route.id, 0,
                                  off_route.reason, 5000));
  });
  {
    auto r = sender_env_.BeginRead();
    EXPECT_EQ(Apply(*outbox_.Get(r, "440000", off_route.seq)).outcome, Delivery::Outcome::kApplied);
  }
  // 南山区's matter, sent by 天河区 (not on its route).
  auto other = SetProvisional(dir, "440305/jyj", "c", "x", secret, "本单位相关人员", 0);
  Delivery forged = Apply(MatterEnvelope(outbox_, sender_env_, other.value().matter));
  EXPECT_EQ(forged.outcome, Delivery::Outcome::kRefused);
  EXPECT_NE(forged.reason.find("not on its route"), std::string::npos) << forged.reason;
}

// Issue #8: a copy of an envelope applied before is a duplicate even if this node would refuse
// it today (a smaller size limit, a stricter build): refusing it would dead-letter a delivered
// envelope, and a retry would deliver it twice.
TEST_F(DeliveryTest, ACopyOfAnAppliedEnvelopeIsADuplicateEvenWhereItWouldNowBeRefused) {
  auto sent = Queue(1);
  EXPECT_EQ(Apply(sent[0]).outcome, Delivery::Outcome::kApplied);
  Inbox strict{"440000", 16, kinds_};  // now takes 16 bytes at most
  Delivery d;
  receiver_env_.Write([&](store::Txn& t) { d = strict.Apply(t, "440106", sent[0], 6000); });
  EXPECT_EQ(d.outcome, Delivery::Outcome::kDuplicate) << d.reason;
  auto next = Queue(1);
  receiver_env_.Write([&](store::Txn& t) { d = strict.Apply(t, "440106", next[1], 6000); });
  EXPECT_EQ(d.outcome, Delivery::Outcome::kRefused) << "a new one is held to today's limit";
  EXPECT_EQ(d.code, wire::NackCode::TOO_LARGE);
  EXPECT_EQ(d.seq, 2u) << "the refusal names the sequence, for the sender's dead letters";
}

// Issue #8 "no dead links": the refused envelope leaves the link for the dead letters, a skip
// takes its sequence, the receiver consumes it in order, and a retry sends the envelope again.
TEST_F(DeliveryTest, ARefusedEnvelopeIsBuriedAndASkipKeepsTheLinkGoing) {
  auto sent = Queue(3);
  EXPECT_EQ(Apply(sent[0]).outcome, Delivery::Outcome::kApplied);
  std::string id2;
  {
    auto msg = ReadMessage(sent[1]);
    id2 = std::string(AsView(msg->Root<schema::Envelope>().getId()));
  }
  std::optional<uint64_t> number;
  sender_env_.Write([&](store::Txn& t) {
    number = DeadLetters::Bury(t, outbox_, "440000", 2, id2, 0, "too large for 440000", 2000);
  });
  ASSERT_EQ(number, 1u);
  // A refusal of an older copy, or of the skip itself, buries nothing more.
  sender_env_.Write([&](store::Txn& t) {
    EXPECT_FALSE(DeadLetters::Bury(t, outbox_, "440000", 2, id2, 0, "again", 2001));
    EXPECT_FALSE(DeadLetters::Bury(t, outbox_, "440000", 2, "", 0, "the skip", 2001));
  });
  std::string skip;
  {
    auto r = sender_env_.BeginRead();
    skip = *outbox_.Get(r, "440000", 2);
    EXPECT_EQ(DeadLetters::Count(r), 1u);
    auto dead = DeadLetters::Get(r, 1);
    ASSERT_TRUE(dead);
    EXPECT_EQ(dead->envelope, sent[1]);
    EXPECT_EQ(dead->seq, 2u);
  }
  Delivery s = Apply(skip);
  EXPECT_EQ(s.outcome, Delivery::Outcome::kApplied) << s.reason;
  EXPECT_EQ(s.kind, schema::Kind::SKIP);
  EXPECT_EQ(Apply(sent[2]).outcome, Delivery::Outcome::kApplied) << "the link went on";
  EXPECT_EQ(Apply(sent[1]).outcome, Delivery::Outcome::kDuplicate)
      << "the refused original, resent late, is below the link: nothing applied";

  std::optional<QueuedEnvelope> again;
  sender_env_.Write([&](store::Txn& t) { again = DeadLetters::Retry(t, outbox_, 1, 3000); });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seq, 4u);
  auto r = sender_env_.BeginRead();
  EXPECT_EQ(DeadLetters::Count(r), 0u);
  auto retried = *outbox_.Get(r, "440000", 4);
  EXPECT_EQ(Apply(retried).outcome, Delivery::Outcome::kApplied);
  auto rr = receiver_env_.BeginRead();
  auto all = inbox_.All(rr);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_NE(all[1].text.find("跳过 skipped"), std::string::npos) << all[1].text;
  EXPECT_EQ(all[3].text, "n1") << "the retried notice, once";
}

}  // namespace
}  // namespace zhuji::node
