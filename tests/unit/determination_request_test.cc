// 定密申请 without authority as a pure workflow (GD Art. 29).
#include "services/workflows/determination_request.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::Guangdong;

using testing::kDay;
using testing::kT0;

Result<Step> Request(const char* origin, SecrecyLevel level, int years = 5) {
  return RequestDetermination(Guangdong(), origin, std::string(origin) + "/2025-003", "某招生方案",
                              Protection::Term(level, years), "本单位相关人员",
                              calendar::CstDateOf(kT0), kT0);
}

std::vector<std::string> Names(const Matter& m) {
  std::vector<std::string> out;
  for (auto& h : m.path) out.push_back(h.organ.name);
  return out;
}

TEST(DeterminationRequest, GdArt29_ProtectedAtTheProposedLevelAndReportedWithinTenWorkingDays) {
  auto s = Request("440106/jyj", SecrecyLevel::kMimi);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().matter.state, MatterState::kProvisional);
  EXPECT_EQ(s.value().matter.PendingProtection()->level, SecrecyLevel::kMimi);
  ASSERT_EQ(s.value().effects.open.size(), 1u);
  EXPECT_EQ(s.value().effects.open[0].rule, "GD Art. 29");
  EXPECT_EQ(s.value().effects.open[0].working_days, 10);
}

TEST(DeterminationRequest, GdArt29_GoesStraightToTheFirstSuperiorWithAuthority) {
  EXPECT_EQ(Names(Request("440106/jyj", SecrecyLevel::kMimi).value().matter),
            std::vector<std::string>{"广州市教育局"});
  EXPECT_EQ(Names(Request("440106/jyj", SecrecyLevel::kJuemi).value().matter),
            std::vector<std::string>{"广东省教育厅"})
      << "\"报请有定密权的上级机关\": 广州市教育局 may go up to 机密 only, so it is not asked";
}

// GD Art. 29 "所产生的 … 十个工作日内报请" (cf. Art. 28 "自该事项产生之日起"): counted from the
// day the matter arose, never a day in the future; a 知悉范围 is proposed with the level.
TEST(DeterminationRequest, GdArt29_CountsFromTheDayTheMatterArose) {
  calendar::Date arose = calendar::CstDateOf(kT0 - 6 * kDay);
  auto s = RequestDetermination(Guangdong(), "440106/jyj", "id", "x",
                                Protection::Term(SecrecyLevel::kMimi, 5), "招生办", arose, kT0);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s.value().effects.open[0].trigger, arose);
  EXPECT_EQ(s.value().matter.arose_on, arose);
  auto future = RequestDetermination(Guangdong(), "440106/jyj", "id", "x",
                                     Protection::Term(SecrecyLevel::kMimi, 5), "招生办",
                                     calendar::CstDateOf(kT0 + kDay), kT0);
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.message().find("after today"), std::string::npos) << future.message();
  auto no_scope = RequestDetermination(Guangdong(), "440106/jyj", "id", "x",
                                       Protection::Term(SecrecyLevel::kMimi, 5), "", arose, kT0);
  ASSERT_FALSE(no_scope.ok());
  EXPECT_NE(no_scope.message().find("GD Art. 23"), std::string::npos) << no_scope.message();
}

TEST(DeterminationRequest, GdArt29_WithoutAnOrganOfTheLineTheSecrecyAdminDeptDetermines) {
  EXPECT_EQ(Names(Request("440305/jyj", SecrecyLevel::kMimi).value().matter),
            std::vector<std::string>{"深圳市国家保密局"});
}

TEST(DeterminationRequest, GdArt28_AnOrganWithAuthorityDeterminesItself) {
  auto s = Request("440100/jyj", SecrecyLevel::kJimi);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("GD Art. 28"), std::string::npos) << s.message();
  EXPECT_TRUE(Request("440100/jyj", SecrecyLevel::kJuemi).ok()) << "above its ceiling: it asks";
}

TEST(DeterminationRequest, GdArt29_TheSuperiorDecidesWithinTenWorkingDaysOfReceipt) {
  Matter m = Request("440106/jyj", SecrecyLevel::kMimi).value().matter;
  auto rep = Report(m, {}, kT0 + kDay);
  ASSERT_TRUE(rep.ok()) << rep.message();
  for (const auto& c : rep.value().effects.close) {
    EXPECT_NE(c.step, kStepReport) << "the duty is met when the superior has it (its receipt)";
  }
  auto rec = Receive(rep.value().matter, kT0 + 2 * kDay, EscalationPolicy{});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec.value().effects.open[0].rule, "GD Art. 29 ¶2");
  EXPECT_EQ(rec.value().effects.open[0].working_days, 10);
  Decision above;  // 广州市教育局 may go up to 机密
  above.protection = Protection::Term(SecrecyLevel::kJuemi, 20);
  above.scope = "招生办";
  above.decided_by = "陈七";
  auto refused = Decide(rec.value().matter, above, kT0 + 3 * kDay);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("may determine up to 机密"), std::string::npos)
      << refused.message();
  Decision ok;
  ok.protection = Protection::Term(SecrecyLevel::kMimi, 5);
  ok.scope = "招生办";
  ok.decided_by = "陈七";
  auto dec = Decide(rec.value().matter, ok, kT0 + 3 * kDay);
  ASSERT_TRUE(dec.ok()) << dec.message();
  EXPECT_EQ(dec.value().effects.send_to, std::vector<std::string>{"440106"}) << "书面通知";
  EXPECT_TRUE(dec.value().matter.final());
}

}  // namespace
}  // namespace zhuji::workflows
