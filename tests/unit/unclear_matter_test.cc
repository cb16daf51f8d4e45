// 不明确事项 as a pure workflow (GD Art. 30; 保密法实施条例 Art. 25).
#include "services/workflows/unclear_matter.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::Guangdong;

using testing::kDay;
using testing::kT0;

const std::set<std::string> kAllMaterials = {"申报不明确事项公文", "不明确事项定密申报表",
                                             "不明确事项的具体内容"};

Matter Provisional(const char* origin = "440106/jyj") {
  auto s =
      SetProvisional(Guangdong(), origin, std::string(origin) + "/2025-001", "某考试命题工作方案",
                     Protection::Term(SecrecyLevel::kMimi, 5), "本单位相关人员", kT0);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.value().matter;
}

// Receive at the current hop, then forward with an opinion.
Matter ReceiveAndForward(const Matter& m, int64_t t) {
  auto r = Receive(m, t, EscalationPolicy{});
  EXPECT_TRUE(r.ok()) << r.message();
  auto f = Forward(r.value().matter, "审核人", "同意上报", t + 1000);
  EXPECT_TRUE(f.ok()) << f.message();
  return f.value().matter;
}

TEST(UnclearMatter, Tiaoli25_ProtectedAtOnceAndReportDueWithinTenWorkingDays) {
  auto s = SetProvisional(Guangdong(), "440106/jyj", "440106/jyj/2025-001", "x",
                          Protection::Term(SecrecyLevel::kMimi, 5), "本单位相关人员", kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().matter.state, MatterState::kProvisional);
  ASSERT_EQ(s.value().effects.open.size(), 1u);
  EXPECT_EQ(s.value().effects.open[0].working_days, 10);
  EXPECT_EQ(s.value().effects.open[0].trigger.ToString(), "2025-09-25");
  EXPECT_NE(s.value().effects.open[0].rule.find("Art. 25"), std::string::npos);
  EXPECT_TRUE(s.value().effects.send_to.empty()) << "nothing leaves before the report";
  auto bad = SetProvisional(Guangdong(), "440106/jyj", "id", "x",
                            Protection::Term(SecrecyLevel::kMimi, 12), "本单位相关人员", kT0);
  EXPECT_FALSE(bad.ok()) << "a 12-year 秘密 term";
}

TEST(UnclearMatter, GdArt30_GoesLevelByLevelAndTheDecisionComesBackDownThePath) {
  Matter m = Provisional();
  auto rep = Report(m, kAllMaterials, kT0 + kDay);
  ASSERT_TRUE(rep.ok()) << rep.message();
  EXPECT_EQ(rep.value().effects.send_to, std::vector<std::string>{"440100"});
  for (const auto& c : rep.value().effects.close) {
    EXPECT_NE(c.step, kStepReport) << "the report duty runs until the bureau has it";
  }
  m = rep.value().matter;

  // 广州市教育局 receives: its review clock starts (policy 10 WD).
  auto rec = Receive(m, kT0 + 2 * kDay, EscalationPolicy{});
  ASSERT_TRUE(rec.ok());
  ASSERT_EQ(rec.value().effects.open.size(), 1u);
  EXPECT_NE(rec.value().effects.open[0].step.find("广州市教育局"), std::string::npos);
  // The origin follows its matter: a copy of each receipt and forward goes to it.
  EXPECT_EQ(rec.value().effects.send_to, std::vector<std::string>{"440106"});
  auto fwd = Forward(rec.value().matter, "张三", "属于不明确事项，同意上报", kT0 + 3 * kDay);
  ASSERT_TRUE(fwd.ok()) << fwd.message();
  EXPECT_EQ(fwd.value().effects.send_to,
            (std::vector<std::string>{"440000", "440106"}));  // 广东省教育厅, and the origin
  m = fwd.value().matter;
  EXPECT_EQ(m.path[0].opinion, "属于不明确事项，同意上报");
  EXPECT_EQ(m.path[0].sent_at, kT0 + 3 * kDay);

  m = ReceiveAndForward(m, kT0 + 4 * kDay);  // 广东省教育厅 submits to the bureau
  EXPECT_EQ(m.path[m.at].organ.name, "广东省国家保密局");
  auto at_bureau = Receive(m, kT0 + 4 * kDay, EscalationPolicy{});
  ASSERT_TRUE(at_bureau.ok());
  EXPECT_EQ(at_bureau.value().effects.open[0].rule, "条例 Art. 25");  // 10 WD to decide

  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kJimi, 10);
  d.scope = "命题组";
  d.decided_by = "李四";
  auto dec = Decide(at_bureau.value().matter, d, kT0 + 5 * kDay);
  ASSERT_TRUE(dec.ok()) << dec.message();
  EXPECT_EQ(dec.value().matter.state, MatterState::kDecided);
  // Back to every node on the path: the city and the origin county (the province decided).
  EXPECT_EQ(dec.value().effects.send_to, (std::vector<std::string>{"440100", "440106"}));
  EXPECT_EQ(FormatMark(dec.value().matter.decision->protection), "机密★10年");
}

// Issue #10: a copy from another node must follow from the one held: no jump to an arbitrary
// version, the last step taken by an organ of the sender, a decision from the decider's node,
// and never changed after.
TEST(UnclearMatter, CopiesWhoseVersionsAreForgedAreRefused) {
  Matter m = Provisional();
  m = Report(m, kAllMaterials, kT0 + kDay).value().matter;  // 天河区 reports: to 广州市
  Matter held = m;
  EXPECT_TRUE(CheckCopy(nullptr, m, "440106").ok()) << CheckCopy(nullptr, m, "440106").message();
  Matter received = Receive(m, kT0 + 2 * kDay, EscalationPolicy{}).value().matter;
  EXPECT_TRUE(CheckCopy(&held, received, "440100").ok()) << "广州市教育局's own receipt";
  EXPECT_TRUE(CheckCopy(&received, held, "440106").ok()) << "an older copy: ignored, not refused";

  Matter jumped = received;
  jumped.version = 1'000'000;
  Status st = CheckCopy(&held, jumped, "440100");
  EXPECT_NE(st.message().find("does not count its"), std::string::npos) << st.message();

  Status other = CheckCopy(&held, received, "440104");  // 越秀区 speaking for 广州市教育局
  EXPECT_NE(other.message().find("not taken by an organ of node 440104"), std::string::npos)
      << other.message();

  // Up to the bureau, decided there: only 440000 may bring the decision.
  Matter up = ReceiveAndForward(m, kT0 + 2 * kDay);
  up = ReceiveAndForward(up, kT0 + 3 * kDay);
  Matter at_bureau = Receive(up, kT0 + 4 * kDay, EscalationPolicy{}).value().matter;
  Decision d;
  d.not_secret = true;
  d.decided_by = "李四";
  Matter decided = Decide(at_bureau, d, kT0 + 5 * kDay).value().matter;
  EXPECT_TRUE(CheckCopy(&received, decided, "440000").ok());
  Matter by_city = decided;  // the city claims the bureau's decision, with its own last line
  by_city.history.back().organ = "广州市教育局";
  Status forged = CheckCopy(&received, by_city, "440100");
  EXPECT_NE(forged.message().find("a decision comes from the node of the organ at the end"),
            std::string::npos)
      << forged.message();
  // A city that rewrites where the matter is, or cuts the route short, to bring a decision.
  Matter cut = decided;
  cut.path.pop_back();
  cut.at = static_cast<int>(cut.path.size()) - 1;
  cut.history.back().organ = cut.path.back().organ.name;  // "decided" by 广东省教育厅
  Status short_route = CheckCopy(&received, cut, "440000");
  EXPECT_NE(short_route.message().find("route differs"), std::string::npos)
      << short_route.message();
  Matter moved = decided;
  moved.at = 0;  // 广州市教育局's hop
  Status at_city = CheckCopy(&received, moved, "440000");
  EXPECT_NE(at_city.message().find("end of the route"), std::string::npos) << at_city.message();
  Matter padded = received;  // a long made-up trail, to freeze the matter at a high version
  for (int i = 0; i < 300; ++i)
    padded.history.push_back({kT0, "广州市教育局", "收到 received", ""});
  padded.version = padded.history.size();
  Status ahead = CheckCopy(&held, padded, "440100");
  EXPECT_NE(ahead.message().find("steps ahead"), std::string::npos) << ahead.message();
  Matter changed = decided;  // a later copy that turns the decision around
  changed.decision->not_secret = false;
  changed.decision->protection = Protection::Term(SecrecyLevel::kJuemi, 30);
  changed.history.push_back({kT0 + 6 * kDay, "广东省国家保密局", "确定 decided", ""});
  changed.version += 1;
  Status turned = CheckCopy(&decided, changed, "440000");
  EXPECT_NE(turned.message().find("changes or drops the decision"), std::string::npos)
      << turned.message();
}

TEST(UnclearMatter, GdArt30_NothingSkipsALevel) {
  Matter m = Report(Provisional(), kAllMaterials, kT0).value().matter;
  EXPECT_FALSE(Forward(m, "x", "y", kT0).ok()) << "forwarded before it was received";
  Decision at_city;
  at_city.not_secret = true;
  at_city.decided_by = "x";
  EXPECT_FALSE(Decide(m, at_city, kT0).ok()) << "decided at the city";
  m = ReceiveAndForward(m, kT0);
  EXPECT_EQ(m.at, 1) << "one level per forward";
  m = ReceiveAndForward(m, kT0);
  EXPECT_EQ(m.at, 2);
  auto r = Receive(m, kT0, EscalationPolicy{}).value().matter;
  EXPECT_FALSE(Forward(r, "x", "y", kT0).ok()) << "the bureau decides, it does not forward";
  EXPECT_FALSE(Report(r, {}, kT0).ok()) << "reported twice";
}

TEST(UnclearMatter, GdArt30_TheSubmissionToTheBureauNeedsTheMaterials) {
  Matter m = Report(Provisional(), {"申报不明确事项公文"}, kT0).value().matter;
  m = ReceiveAndForward(m, kT0);  // the city may forward without them
  auto r = Receive(m, kT0, EscalationPolicy{}).value().matter;
  auto f = Forward(r, "王五", "同意", kT0);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.message().find("不明确事项定密申报表"), std::string::npos) << f.message();
  EXPECT_NE(f.message().find("不明确事项的具体内容"), std::string::npos) << f.message();
  EXPECT_EQ(f.message().find("申报不明确事项公文"), std::string::npos) << "that one is there";
}

TEST(UnclearMatter, GdArt30_ReturnForMoreMaterialAndResubmission) {
  Matter m = Report(Provisional(), {"申报不明确事项公文"}, kT0).value().matter;
  m = ReceiveAndForward(m, kT0);  // at 广东省教育厅
  auto r = Receive(m, kT0 + kDay, EscalationPolicy{}).value().matter;
  auto back = Return(r, "王五", "缺不明确事项定密申报表", kT0 + kDay);  // one level down
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back.value().effects.send_to, std::vector<std::string>{"440100"});
  m = Receive(back.value().matter, kT0 + 2 * kDay, EscalationPolicy{}).value().matter;
  back = Return(m, "张三", "缺不明确事项定密申报表", kT0 + 2 * kDay);  // and to the origin
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().matter.state, MatterState::kReturned);
  EXPECT_EQ(back.value().effects.send_to, std::vector<std::string>{"440106"});
  EXPECT_EQ(back.value().matter.return_reason, "缺不明确事项定密申报表");

  // The origin adds what was missing and reports again: it goes up again, level by level.
  auto again = Report(back.value().matter, kAllMaterials, kT0 + 3 * kDay);
  ASSERT_TRUE(again.ok()) << again.message();
  m = ReceiveAndForward(again.value().matter, kT0 + 3 * kDay);
  m = ReceiveAndForward(m, kT0 + 4 * kDay);
  EXPECT_EQ(m.path[m.at].organ.name, "广东省国家保密局");
}

// 条例 Art. 25 "报有关部门确定": the 10 WD are judged by when the deciding department has the
// matter; the first report date is kept when it is reported again after a return, and the
// return gives the origin a deadline to come back (policy).
TEST(UnclearMatter, TiaoliArt25_TheReportDutyRunsUntilTheBureauHasItAndTheFirstReportIsKept) {
  Matter m = Report(Provisional(), {"申报不明确事项公文"}, kT0).value().matter;
  EXPECT_EQ(m.first_reported_at, kT0);
  EXPECT_EQ(m.DeciderReceivedAt(), 0) << "left the origin, not yet at the bureau";
  m = ReceiveAndForward(m, kT0 + kDay);  // at 广东省教育厅
  m = Receive(m, kT0 + 2 * kDay, EscalationPolicy{}).value().matter;
  m = Return(m, "王五", "缺不明确事项定密申报表", kT0 + 2 * kDay).value().matter;
  m = Receive(m, kT0 + 3 * kDay, EscalationPolicy{}).value().matter;
  m = Return(m, "张三", "缺不明确事项定密申报表", kT0 + 3 * kDay).value().matter;
  ASSERT_EQ(m.state, MatterState::kReturned);

  EscalationPolicy policy;
  policy.resubmit_working_days = 7;
  auto back = Receive(m, kT0 + 4 * kDay, policy);  // the return reaches the origin
  ASSERT_TRUE(back.ok()) << back.message();
  ASSERT_EQ(back.value().effects.open.size(), 1u);
  EXPECT_EQ(back.value().effects.open[0].step, kStepResubmit);
  EXPECT_EQ(back.value().effects.open[0].working_days, 7) << "policy, configurable";
  EXPECT_EQ(back.value().matter.history.back().action, kActionReturnReceived);
  auto twice = Receive(back.value().matter, kT0 + 5 * kDay, policy);
  EXPECT_TRUE(twice.value().effects.open.empty()) << "a repeated delivery opens nothing";

  auto again = Report(back.value().matter, kAllMaterials, kT0 + 6 * kDay);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again.value().matter.reported_at, kT0 + 6 * kDay);
  EXPECT_EQ(again.value().matter.first_reported_at, kT0) << "the first report is kept";
  EXPECT_EQ(again.value().effects.close.size(), 1u);
  EXPECT_EQ(again.value().effects.close[0].step, kStepResubmit);
  m = ReceiveAndForward(ReceiveAndForward(again.value().matter, kT0 + 7 * kDay), kT0 + 8 * kDay);
  m = Receive(m, kT0 + 9 * kDay, EscalationPolicy{}).value().matter;
  EXPECT_EQ(m.DeciderReceivedAt(), kT0 + 9 * kDay) << "the bureau has it: the duty is met then";
}

// GD Art. 23, 条例 Art. 25: level, term (or date or condition) and 知悉范围, each time.
TEST(UnclearMatter, GdArt23_TiaoliArt25_AProvisionalSettingOrADecisionWithoutAScopeIsRefused) {
  auto none = SetProvisional(Guangdong(), "440106/jyj", "id", "x",
                             Protection::Term(SecrecyLevel::kMimi, 5), "", kT0);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("知悉范围"), std::string::npos) << none.message();
  EXPECT_EQ(Provisional().scope, "本单位相关人员");

  Matter m = Report(Provisional(), kAllMaterials, kT0).value().matter;
  m = ReceiveAndForward(ReceiveAndForward(m, kT0), kT0);
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kMimi, 5);
  d.decided_by = "李四";
  auto refused = Decide(m, d, kT0);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("GD Art. 23"), std::string::npos) << refused.message();
  d.scope = "命题组";
  d.decided_by = "";
  auto nobody = Decide(m, d, kT0);
  EXPECT_NE(nobody.message().find("签发人"), std::string::npos)
      << "a bureau's decision is signed by its deciding official, not a 定密责任人: "
      << nobody.message();
  d.decided_by = "李四";
  EXPECT_TRUE(Decide(m, d, kT0).ok());
}

// 条例 Art. 25 ¶1: "拟定为绝密级的事项 … 报国家保密行政管理部门确定". The provincial bureau sends
// it to 国家保密局 (outside the network), it waits with no provincial deadline running, and the
// national decision, recorded by the provincial clerk, goes back down like any other.
TEST(UnclearMatter, TiaoliArt25_JuemiGoesToTheNationalBureauWhoseDecisionComesBackDown) {
  auto set = SetProvisional(Guangdong(), "440106/jyj", "440106/jyj/2025-009", "某国家级考试方案",
                            Protection::Term(SecrecyLevel::kJuemi, 30), "命题组", kT0);
  ASSERT_TRUE(set.ok()) << set.message();
  Matter m = Report(set.value().matter, kAllMaterials, kT0).value().matter;
  m = ReceiveAndForward(ReceiveAndForward(m, kT0 + kDay), kT0 + 2 * kDay);
  m = Receive(m, kT0 + 3 * kDay, EscalationPolicy{}).value().matter;  // at 广东省国家保密局
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kJimi, 20);
  d.scope = "命题组";
  d.decided_by = "李四";
  auto refused = Decide(m, d, kT0 + 4 * kDay);
  ASSERT_FALSE(refused.ok()) << "a 绝密 proposal is not the province's to decide";
  EXPECT_NE(refused.message().find("条例 Art. 25"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("refer-national"), std::string::npos) << refused.message();

  EXPECT_FALSE(ReferToNational(m, "", "李四", kT0 + 4 * kDay).ok()) << "how it went is recorded";
  auto sent = ReferToNational(m, "机要交通", "李四", kT0 + 4 * kDay);
  ASSERT_TRUE(sent.ok()) << sent.message();
  m = sent.value().matter;
  EXPECT_EQ(m.state, MatterState::kWithNational);
  EXPECT_EQ(m.path.back().outcome, HopOutcome::kReferred);
  ASSERT_EQ(sent.value().effects.close.size(), 1u) << "the province's decide deadline stops";
  EXPECT_TRUE(sent.value().effects.open.empty()) << "no provincial deadline runs meanwhile";
  EXPECT_EQ(sent.value().effects.send_to, std::vector<std::string>{"440106"}) << "the origin";
  EXPECT_FALSE(Decide(m, d, kT0 + 5 * kDay).ok()) << "only the national decision is recorded";

  Decision national;
  national.protection = Protection::Term(SecrecyLevel::kJuemi, 30);
  national.scope = "命题组核心成员";
  auto early = RecordNationalDecision(m, national, "国保函〔2025〕1号", calendar::CstDateOf(kT0),
                                      "王五", kT0 + 20 * kDay);
  EXPECT_FALSE(early.ok()) << "decided before it was sent";
  auto no_doc = RecordNationalDecision(m, national, "", calendar::CstDateOf(kT0 + 15 * kDay),
                                       "王五", kT0 + 20 * kDay);
  EXPECT_FALSE(no_doc.ok()) << "the 文号 is required";
  auto rec = RecordNationalDecision(m, national, "国保函〔2025〕1号",
                                    calendar::CstDateOf(kT0 + 15 * kDay), "王五", kT0 + 20 * kDay);
  ASSERT_TRUE(rec.ok()) << rec.message();
  EXPECT_EQ(rec.value().matter.state, MatterState::kDecided);
  EXPECT_EQ(FormatMark(rec.value().matter.decision->protection), "绝密★30年");
  EXPECT_NE(rec.value().matter.decision->decided_by.find("国保函〔2025〕1号"), std::string::npos);
  EXPECT_EQ(rec.value().effects.send_to, (std::vector<std::string>{"440100", "440106"}))
      << "back down the path";
  EXPECT_FALSE(OwesNationalFiling(rec.value().matter)) << "the national bureau's own decision";
}

// 条例 Art. 25 ¶2:
// "省、自治区、直辖市保密行政管理部门还应当将所作决定及时报国家保密行政管理部门备案".
TEST(UnclearMatter, TiaoliArt25_TheProvincialBureausOwnDecisionsOweAFilingWithTheNationalBureau) {
  Matter m = Report(Provisional(), kAllMaterials, kT0).value().matter;
  m = ReceiveAndForward(ReceiveAndForward(m, kT0), kT0);
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  EXPECT_FALSE(OwesNationalFiling(m)) << "not decided yet";
  EXPECT_FALSE(NeedsNationalBureau(m, nullptr)) << "a 秘密 proposal is the province's to decide";
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kMimi, 5);
  d.scope = "命题组";
  d.decided_by = "李四";
  Decision juemi = d;
  juemi.protection = Protection::Term(SecrecyLevel::kJuemi, 30);
  EXPECT_FALSE(Decide(m, juemi, kT0).ok()) << "nor may the province raise it to 绝密 itself";
  auto decided = Decide(m, d, kT0);
  ASSERT_TRUE(decided.ok()) << decided.message();
  EXPECT_TRUE(OwesNationalFiling(decided.value().matter));
}

TEST(UnclearMatter, GdArt30_WhereTheCityHasNoSuchOrganItsSecrecyAdminDeptReviews) {
  Matter m = Report(Provisional("440305/jyj"), kAllMaterials, kT0).value().matter;
  EXPECT_EQ(m.path[0].organ.name, "深圳市国家保密局");
}

TEST(UnclearMatter, TheDecisionIsCheckedLikeAnyDetermination) {
  Matter m = Report(Provisional(), kAllMaterials, kT0).value().matter;
  m = ReceiveAndForward(ReceiveAndForward(m, kT0), kT0);
  m = Receive(m, kT0, EscalationPolicy{}).value().matter;
  Decision too_long;
  too_long.protection = Protection::Term(SecrecyLevel::kMimi, 15);
  too_long.scope = "x";
  too_long.decided_by = "李四";
  // (scope "x" given)
  EXPECT_FALSE(Decide(m, too_long, kT0).ok());
  Decision nobody;  // member by member: GCC 12 -O3 warns (falsely) about {true, {}, …}
  nobody.not_secret = true;
  EXPECT_FALSE(Decide(m, nobody, kT0).ok()) << "who decided must be named";
  Decision not_secret;
  not_secret.not_secret = true;
  not_secret.decided_by = "李四";
  auto ok = Decide(m, not_secret, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_TRUE(ok.value().matter.decision->not_secret);
}

TEST(UnclearMatter, GdArt30_AProvinceLevelOrganReportingItselfSubmitsTheMaterials) {
  // 广东省教育厅's own unclear matter goes straight to the bureau: its report is the submission.
  Matter m = Provisional("440000/jyt");
  ASSERT_EQ(m.path.size(), 1u);
  auto bare = Report(m, {"申报不明确事项公文"}, kT0);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.message().find("不明确事项定密申报表"), std::string::npos) << bare.message();
  auto full = Report(m, kAllMaterials, kT0);
  ASSERT_TRUE(full.ok()) << full.message();
  EXPECT_EQ(full.value().effects.send_to, std::vector<std::string>{"440000"});
}

}  // namespace
}  // namespace zhuji::workflows
