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
                              Protection::Term(level, years), kT0, EscalationPolicy{});
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

TEST(DeterminationRequest, GdArt29_GoesToTheFirstSuperiorWithAuthorityLevelByLevel) {
  EXPECT_EQ(Names(Request("440106/jyj", SecrecyLevel::kMimi).value().matter),
            std::vector<std::string>{"广州市教育局"});
  EXPECT_EQ(Names(Request("440106/jyj", SecrecyLevel::kJuemi).value().matter),
            (std::vector<std::string>{"广州市教育局", "广东省教育厅"}))
      << "广州市教育局 may determine up to 机密: it reviews and forwards, nothing skips a level";
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
  EXPECT_EQ(rep.value().effects.close[0].step, kStepReport);
  auto rec = Receive(rep.value().matter, kT0 + 2 * kDay, EscalationPolicy{});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec.value().effects.open[0].rule, "GD Art. 29 ¶2");
  EXPECT_EQ(rec.value().effects.open[0].working_days, 10);
  Decision above;  // 广州市教育局 may go up to 机密
  above.protection = Protection::Term(SecrecyLevel::kJuemi, 20);
  above.decided_by = "陈七";
  auto refused = Decide(rec.value().matter, above, kT0 + 3 * kDay);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("GD Art. 23"), std::string::npos) << refused.message();
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
