// 信用记录 and sanctions (LN 四.2; issue #16): findings enter the record, exclusions and bars
// refuse later applications with every reason, and end when their period ends.
#include "services/workflows/credit.h"

#include <gtest/gtest.h>

namespace zhuji::workflows {
namespace {

calendar::Date D(const char* s) { return *calendar::ParseDate(s); }

TEST(Credit, LnCreditRecord_FindingsAreRecordedExclusionsRefuseApplicationsWithTheReason) {
  const std::string unit = "91210100MA0XXXXX1";
  std::vector<CreditEntry> record = {
      {unit, false, CreditKind::kViolation, D("2026-05-10"), std::nullopt, "涉密载体未登记",
       "双随机 2026-1 沈阳市国家保密局"},
      {unit, false, CreditKind::kFalseCommitment, D("2026-06-01"), std::nullopt,
       "承诺已建立保密制度，检查未见", "飞行检查 2026-3"},
  };
  // Recorded, shown newest first, but they bar nothing by themselves.
  auto shown = RecordOf(record, unit, {});
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].kind, CreditKind::kFalseCommitment);
  EXPECT_TRUE(CheckApplicant(record, unit, {"王五"}, D("2026-07-01")).ok());

  // The decision on them: 吊销 with a bar on applying, and 市场禁入 of the responsible person.
  record.push_back({unit, false, CreditKind::kRevocation, D("2026-07-15"), D("2027-07-14"),
                    "吊销涉密信息系统集成乙级资质证书", "辽保罚〔2026〕1号"});
  record.push_back({"王五", true, CreditKind::kMarketExclusion, D("2026-07-15"), D("2031-07-14"),
                    "虚假承诺的直接责任人", "辽保罚〔2026〕1号"});
  auto refused = CheckApplicant(record, unit, {"王五"}, D("2026-09-01"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("撤销/吊销 of unit " + unit), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("市场禁入 of responsible person 王五"), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("辽保罚〔2026〕1号"), std::string::npos);

  // Another unit with the same excluded person is refused too; without him it may apply.
  EXPECT_FALSE(CheckApplicant(record, "other", {"王五"}, D("2026-09-01")).ok());
  EXPECT_TRUE(CheckApplicant(record, "other", {"赵六"}, D("2026-09-01")).ok());
  // The unit's bar ends after 2027-07-14; the person's runs until 2031.
  EXPECT_TRUE(CheckApplicant(record, unit, {"赵六"}, D("2027-07-15")).ok());
  EXPECT_FALSE(CheckApplicant(record, unit, {"王五"}, D("2027-07-15")).ok());
  // Nothing bars before the decision.
  EXPECT_TRUE(CheckApplicant(record, unit, {"王五"}, D("2026-07-14")).ok());
}

}  // namespace
}  // namespace zhuji::workflows
