// 有争议事项 as a pure workflow (GD Art. 31, 45; 保密法实施条例 Art. 26).
#include "services/workflows/disputed_matter.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::Guangdong;

using testing::kDay;
using testing::kT0;
const std::set<std::string> kArt31 = {"申报有争议事项公文", "有争议事项定密申报表",
                                      "有争议事项的具体内容"};

Claim Says(SecrecyLevel level, int years) {
  Claim c;
  c.protection = Protection::Term(level, years);
  return c;
}

// 天河区教育局 objects to 深圳市公安局's 机密 determination: it says 秘密.
Matter Objected() {
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "440106/jyj/2025-002", "某联合通报",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "", kT0);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.value().matter;
}

Matter ObjectionReceived() {
  auto r = Receive(Objected(), kT0 + kDay, EscalationPolicy{});
  EXPECT_TRUE(r.ok()) << r.message();
  return r.value().matter;
}

TEST(DisputedMatter, GdArt45_TheObjectionGoesFirstToTheClassifierWhoAnswersWithin20WorkingDays) {
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().matter.state, MatterState::kObjected);
  EXPECT_EQ(s.value().effects.send_to, std::vector<std::string>{"440300"}) << "to the classifier";
  auto r = Receive(s.value().matter, kT0 + kDay, EscalationPolicy{});
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r.value().effects.open.size(), 1u);
  EXPECT_EQ(r.value().effects.open[0].working_days, 20);
  EXPECT_EQ(r.value().effects.open[0].rule, "GD Art. 45");
  EXPECT_EQ(r.value().effects.open[0].step, "答复异议 answer objection @ 深圳市公安局");
  auto again = Receive(r.value().matter, kT0 + 2 * kDay, EscalationPolicy{});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().effects.open.empty()) << "a repeated delivery opens nothing";
}

TEST(DisputedMatter, GdArt31_ProtectedAtTheHighestLevelAnyPartyClaims) {
  Matter m = Objected();
  ASSERT_TRUE(m.PendingProtection());
  EXPECT_EQ(m.PendingProtection()->level, SecrecyLevel::kJimi);
  ASSERT_EQ(m.claims.size(), 2u);
  EXPECT_EQ(m.claims[0].organ_name, "深圳市公安局");
  EXPECT_EQ(m.claims[1].organ_name, "天河区教育局");
  Claim not_secret;
  not_secret.not_secret = true;
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                  Protection::Term(SecrecyLevel::kMimi, 3), not_secret, "", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().matter.PendingProtection()->level, SecrecyLevel::kMimi);
}

// GD Art. 45, 40: an adopted objection changes the determination (变更). The answer goes to the
// objector, whose node makes it final (the objector alone decides whether the dispute ends or
// goes up), and the settlement reaches the classifier.
TEST(DisputedMatter, GdArt45_GdArt40_AnAdoptedObjectionIsAChangeMadeFinalAtTheObjector) {
  auto a = Answer(ObjectionReceived(), "赵六", "采纳异议，变更为秘密★5年", false, kT0 + 3 * kDay,
                  "通报发至单位");
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a.value().matter.state, MatterState::kAnswered);
  EXPECT_FALSE(a.value().matter.final()) << "not final at the classifier";
  EXPECT_EQ(a.value().effects.send_to, std::vector<std::string>{"440106"})
      << "back to the objector";
  ASSERT_EQ(a.value().effects.close.size(), 1u);
  EXPECT_FALSE(AcceptAnswer(a.value().matter, kT0).ok()) << "accept is for an upheld answer";

  auto settled = Receive(a.value().matter, kT0 + 4 * kDay, EscalationPolicy{});
  ASSERT_TRUE(settled.ok()) << settled.message();
  const Matter& m = settled.value().matter;
  EXPECT_EQ(m.state, MatterState::kSettled);
  EXPECT_EQ(MatterStateZh(m), "已变更 determination changed (变更)");
  EXPECT_EQ(FormatMark(m.decision->protection), "秘密★5年");
  EXPECT_EQ(settled.value().effects.send_to, std::vector<std::string>{"440300"})
      << "the classifier learns its determination changed";
  EXPECT_TRUE(CheckCopy(&a.value().matter, m, "440106").ok()) << "settled at the objector";
  EXPECT_FALSE(CheckCopy(&a.value().matter, m, "440300").ok()) << "not by anyone else";
  EXPECT_FALSE(Escalate(m, kArt31, kT0).ok()) << "nothing left to dispute";
}

// GD Art. 31, 45: the objector escalates once the answer is overdue while the classifier answers
// late, each on its own copy of the same version. Wherever the two copies meet, the escalation
// wins and the answer is a late step, kept as history; no other fork is allowed.
TEST(DisputedMatter, GdArt31_GdArt45_ALateAnswerNeverForksAnEscalatedDispute) {
  Matter m = ObjectionReceived();
  m.answer_due_at = kT0 + 30 * kDay;
  Matter escalated = Escalate(m, kArt31, kT0 + 31 * kDay).value().matter;
  Matter answered = Answer(m, "赵六", "采纳异议", false, kT0 + 31 * kDay, "x").value().matter;
  ASSERT_EQ(escalated.version, answered.version) << "the race: one version, two steps";
  EXPECT_EQ(ResolveFork(escalated, answered, "440300"), ForkOutcome::kKeepHeld)
      << "at the objector";
  EXPECT_EQ(ResolveFork(answered, escalated, "440106"), ForkOutcome::kTakeCopy)
      << "at the classifier";
  Matter at_city = Receive(escalated, kT0 + 32 * kDay, EscalationPolicy{}).value().matter;
  EXPECT_EQ(ResolveFork(at_city, answered, "440300"), ForkOutcome::kKeepHeld)
      << "the answer arrives after the city's receipt";
  EXPECT_EQ(ResolveFork(at_city, escalated, "440106"), ForkOutcome::kNone) << "a re-delivery";
  auto up = Escalate(m, kArt31, kT0 + 31 * kDay);
  EXPECT_EQ(up.value().effects.send_to, (std::vector<std::string>{"440100", "440300"}))
      << "the classifier learns it went up";

  Matter one = Receive(escalated, kT0 + 32 * kDay, EscalationPolicy{}).value().matter;
  Matter two = Receive(escalated, kT0 + 33 * kDay, EscalationPolicy{}).value().matter;
  EXPECT_EQ(ResolveFork(one, two, "440100"), ForkOutcome::kRefuse) << "two receipts of one version";
}

TEST(DisputedMatter, GdArt31_AnUpheldAnswerGoesUpLevelByLevelAndReachesBothParties) {
  Matter m = ObjectionReceived();
  EXPECT_FALSE(Answer(m, "赵六", "", true, kT0).ok()) << "an empty answer";
  m = Answer(m, "赵六", "维持原定密", true, kT0 + 3 * kDay).value().matter;
  EXPECT_EQ(m.state, MatterState::kAnswered);
  auto up = Escalate(m, kArt31, kT0 + 4 * kDay);
  ASSERT_TRUE(up.ok()) << up.message();
  EXPECT_EQ(up.value().effects.send_to, (std::vector<std::string>{"440100", "440300"}))
      << "up the objector's route, and the classifier learns it";
  m = up.value().matter;
  for (int hop = 0; hop < 2; ++hop) {  // 广州市教育局, then 广东省教育厅 submits to the bureau
    m = Receive(m, kT0 + 5 * kDay, EscalationPolicy{}).value().matter;
    auto f = Forward(m, "审核人", "争议属实，同意上报", kT0 + 5 * kDay);
    ASSERT_TRUE(f.ok()) << f.message();
    m = f.value().matter;
  }
  auto at_bureau = Receive(m, kT0 + 6 * kDay, EscalationPolicy{});
  ASSERT_TRUE(at_bureau.ok());
  EXPECT_EQ(at_bureau.value().effects.open[0].step, "确定 decide @ 广东省国家保密局");
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kMimi, 10);
  d.scope = "通报发至单位";
  d.decided_by = "李四";
  auto dec = Decide(at_bureau.value().matter, d, kT0 + 7 * kDay);
  ASSERT_TRUE(dec.ok()) << dec.message();
  // Every level on the path, the objector and the classifier.
  EXPECT_EQ(dec.value().effects.send_to, (std::vector<std::string>{"440100", "440106", "440300"}));
}

TEST(DisputedMatter, GdArt31_TheSubmissionNeedsTheArt31Materials) {
  Matter m = Answer(ObjectionReceived(), "赵六", "维持", true, kT0).value().matter;
  m = Escalate(m, {"申报有争议事项公文"}, kT0).value().matter;
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  m = Forward(m, "a", "b", kT0).value().matter;
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  auto f = Forward(m, "a", "b", kT0);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.message().find("GD Art. 31"), std::string::npos) << f.message();
  EXPECT_NE(f.message().find("有争议事项定密申报表"), std::string::npos) << f.message();
}

TEST(DisputedMatter, GdArt45_UnansweredObjectionGoesUpOnlyOnceOverdueCountedFromReceipt) {
  Matter m = ObjectionReceived();
  m.answer_due_at = kT0 + 30 * kDay;  // what the classifier's node computed from its receipt
  auto early = Escalate(m, kArt31, kT0 + kDay);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.message().find("20 working days"), std::string::npos) << early.message();
  EXPECT_FALSE(Escalate(m, kArt31, kT0 + 30 * kDay).ok())
      << "the last day is still the classifier's";
  auto late = Escalate(m, kArt31, kT0 + 30 * kDay + 1);
  ASSERT_TRUE(late.ok()) << late.message();
  EXPECT_EQ(late.value().matter.state, MatterState::kInReview);
}

// GD Art. 45: the 20 WD run from the day the classifier received the objection; the receipt
// goes back to the objector, and until it arrives (a link outage) nothing is overdue.
TEST(DisputedMatter, GdArt45_TheReceiptGoesToTheObjectorWhoCannotEscalateBeforeIt) {
  auto r = Receive(Objected(), kT0 + 9 * kDay, EscalationPolicy{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().effects.send_to, std::vector<std::string>{"440106"})
      << "the objector learns the day of receipt";
  EXPECT_EQ(r.value().effects.open[0].trigger, calendar::CstDateOf(kT0 + 9 * kDay));
  auto blind = Escalate(Objected(), kArt31, kT0 + 400 * kDay);
  ASSERT_FALSE(blind.ok()) << "no receipt yet: the classifier's days have not begun";
  EXPECT_NE(blind.message().find("acknowledged"), std::string::npos) << blind.message();
}

// 条例 Art. 26 ¶3 and the national bureau's guidance: the highest level and the longest term.
TEST(DisputedMatter, TiaoliArt26_ProtectedAtTheHighestLevelAndTheLongestTermClaimed) {
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 5), Says(SecrecyLevel::kMimi, 10), "", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(FormatMark(*s.value().matter.PendingProtection()), "机密★10年");
}

// GD Art. 31 covers "是否属于国家秘密或者属于何种密级": a disagreement on the term alone stays an
// objection, answered by the classifier.
TEST(DisputedMatter, GdArt31_ADisagreementOnTheTermOnlyIsNotADisputedMatter) {
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kJimi, 5), "", kT0);
  ASSERT_TRUE(s.ok()) << "an objection on the term is allowed: " << s.message();
  Matter m = Receive(s.value().matter, kT0 + kDay, EscalationPolicy{}).value().matter;
  m = Answer(m, "赵六", "维持十年", true, kT0 + 2 * kDay).value().matter;
  auto up = Escalate(m, kArt31, kT0 + 3 * kDay);
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.message().find("term only"), std::string::npos) << up.message();
  EXPECT_TRUE(AcceptAnswer(m, kT0 + 3 * kDay).ok());
}

// 条例 Art. 26 (一): a dispute over a matter determined 绝密 is determined by 国家保密局.
TEST(DisputedMatter, TiaoliArt26_ADisputeOverJuemiGoesToTheNationalBureau) {
  auto s =
      Object(Guangdong(), "440106/jyj", "440000/gat", "id", "x",
             Protection::Term(SecrecyLevel::kJuemi, 30), Says(SecrecyLevel::kJimi, 10), "", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  Matter m = Receive(s.value().matter, kT0, EscalationPolicy{}).value().matter;
  m = Answer(m, "赵六", "维持", true, kT0).value().matter;
  m = Escalate(m, kArt31, kT0).value().matter;
  for (int hop = 0; hop < 2; ++hop) {
    m = Receive(m, kT0, EscalationPolicy{}).value().matter;
    m = Forward(m, "审核人", "同意上报", kT0).value().matter;
  }
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  EXPECT_TRUE(NeedsNationalBureau(m, nullptr));
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kJimi, 10);
  d.scope = "x";
  d.decided_by = "李四";
  auto refused = Decide(m, d, kT0);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("国家保密局"), std::string::npos) << refused.message();
  EXPECT_TRUE(ReferToNational(m, "机要交通", "李四", kT0).ok());
}

// GD Art. 45 "向原定密机关或者其上级机关提出异议": to the classifier's superior, which answers.
TEST(DisputedMatter, GdArt45_AnObjectionMayGoToTheClassifiersSuperior) {
  auto s = Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "", kT0,
                  /*to_superior=*/true);
  ASSERT_TRUE(s.ok()) << s.message();
  const Matter& m = s.value().matter;
  ASSERT_TRUE(m.answerer);
  EXPECT_EQ(m.answerer->name, "广东省公安厅");
  EXPECT_EQ(m.classifier->name, "深圳市公安局") << "the classifier stays the classifier";
  EXPECT_EQ(s.value().effects.send_to, std::vector<std::string>{"440000"});
  auto r = Receive(m, kT0 + kDay, EscalationPolicy{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().effects.open[0].step, "答复异议 answer objection @ 广东省公安厅");
  auto a = Answer(r.value().matter, "钱八", "采纳", false, kT0 + 2 * kDay, "各区教育局");
  ASSERT_TRUE(a.ok()) << a.message();
  auto settled = Receive(a.value().matter, kT0 + 3 * kDay, EscalationPolicy{});
  EXPECT_EQ(settled.value().effects.send_to, (std::vector<std::string>{"440000", "440300"}))
      << "the superior and the classifier both learn of the 变更";
}

// GD Art. 45: an objection between two organs of one node is received by that node at once (it
// does not wait for an envelope to itself).
TEST(DisputedMatter, GdArt45_AnObjectionToAnOrganOfTheSameNodeGoesToThatNode) {
  auto s = Object(Guangdong(), "440100/bmj", "440100/jyj", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().effects.send_to, std::vector<std::string>{"440100"});
}

// GD Art. 45 "其上级机关": a superior of the classifier's own line, not a secrecy admin dept that
// stands in for a missing level, nor the bureau above a province-level organ.
TEST(DisputedMatter, GdArt45_TheSuperiorIsOfTheClassifiersLine) {
  auto s = Object(Guangdong(), "440106/jyj", "440000/gat", "id", "x",
                  Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "", kT0,
                  /*to_superior=*/true);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no superior organ of its line"), std::string::npos) << s.message();
}

// GD Art. 23: an adoption changes the determination to a level, a term and a 知悉范围.
TEST(DisputedMatter, GdArt23_AnAdoptionOfASecretClaimNeedsItsScope) {
  Matter m = ObjectionReceived();  // no scope given with the objection
  auto bare = Answer(m, "赵六", "采纳", false, kT0 + kDay);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.message().find("知悉范围"), std::string::npos) << bare.message();
  auto with = Answer(m, "赵六", "采纳", false, kT0 + kDay, "通报发至单位");
  ASSERT_TRUE(with.ok()) << with.message();
  auto settled = Receive(with.value().matter, kT0 + 2 * kDay, EscalationPolicy{});
  EXPECT_EQ(settled.value().matter.decision->scope, "通报发至单位");
}

// A fork is resolved only between the objector's escalation and the answerer's answer, each
// sent by its own node, on the same trail before them; anything else is refused.
TEST(DisputedMatter, GdArt31_AForkFromTheWrongNodeIsRefused) {
  Matter m = ObjectionReceived();
  m.answer_due_at = kT0 + 30 * kDay;
  Matter escalated = Escalate(m, kArt31, kT0 + 31 * kDay).value().matter;
  Matter answered = Answer(m, "赵六", "维持", true, kT0 + 31 * kDay).value().matter;
  EXPECT_EQ(ResolveFork(answered, escalated, "440100"), ForkOutcome::kRefuse)
      << "an escalation brought by another node";
  EXPECT_EQ(ResolveFork(escalated, answered, "440100"), ForkOutcome::kRefuse)
      << "an answer brought by another node";
  Matter decided = escalated;
  decided.decision = Decision{};
  EXPECT_EQ(ResolveFork(answered, decided, "440106"), ForkOutcome::kRefuse)
      << "an escalation that carries a decision";
  Matter rewritten = escalated;
  rewritten.history[0].detail = "改写 rewritten";
  EXPECT_EQ(ResolveFork(answered, rewritten, "440106"), ForkOutcome::kRefuse)
      << "a different trail before the race";
}

TEST(DisputedMatter, GdArt45_RefusesAnObjectionToOneselfOrToTheSameMark) {
  EXPECT_FALSE(Object(Guangdong(), "440106/jyj", "440106/jyj", "id", "x",
                      Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "",
                      kT0)
                   .ok());
  EXPECT_FALSE(Object(Guangdong(), "440106/jyj", "440300/gaj", "id", "x",
                      Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kJimi, 10), "",
                      kT0)
                   .ok());
  EXPECT_FALSE(Object(Guangdong(), "440106/jyj", "440300/nope", "id", "x",
                      Protection::Term(SecrecyLevel::kJimi, 10), Says(SecrecyLevel::kMimi, 5), "",
                      kT0)
                   .ok());
}

}  // namespace
}  // namespace zhuji::workflows
