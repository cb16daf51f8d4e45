// The clock of an administrative licence and the LN licence items (issue #16;
// services/workflows/licensing.h): 行政许可法 Art. 32, 42, 44, 45, 50 counted in working days
// (Art. 82) on the official 2026 calendar, and LN 二.1 / 二.2.
#include "services/workflows/licensing.h"

#include <gtest/gtest.h>

#include "services/calendar/calendar.h"

namespace zhuji::workflows {
namespace {

using calendar::Date;

Date D(const char* s) { return *calendar::ParseDate(s); }

class Licensing : public ::testing::Test {
 protected:
  calendar::Calendar cal_ = calendar::LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar");
  LicenceDeadlines Compute(const LicenceCase& c, const char* today) {
    auto d = ComputeDeadlines(c, cal_, D(today));
    EXPECT_TRUE(d.ok()) << d.message();
    return d.ok() ? d.value() : LicenceDeadlines{};
  }
  static LicenceCase Received(LicenceItem item, const char* day) {
    LicenceCase c;
    c.item = item;
    c.received = D(day);
    return c;
  }
};

// Received Monday 2026-09-14: five working days are 15–18 and Sunday 09-20, a make-up working
// day of the 2026 schedule.
TEST_F(Licensing, XzxkArt32_AcceptOrNotifyOnceWithinFiveWorkingDaysElseAcceptedOnReceipt) {
  auto c = Received(LicenceItem::kCarrierProduction, "2026-09-14");
  auto pending = Compute(c, "2026-09-20");
  EXPECT_EQ(pending.acceptance.date.ToString(), "2026-09-20");
  EXPECT_FALSE(pending.accepted_on) << "still within the five working days";

  auto silent = Compute(c, "2026-09-21");
  ASSERT_TRUE(silent.accepted_on);
  EXPECT_EQ(silent.accepted_on->ToString(), "2026-09-14") << "逾期不告知: accepted on receipt";
  EXPECT_TRUE(silent.deemed_accepted);

  c.notified_missing = D("2026-09-18");  // one notice, everything missing listed
  auto waiting = Compute(c, "2026-09-30");
  EXPECT_FALSE(waiting.accepted_on) << "the material is awaited";
  c.completed = D("2026-09-24");
  auto completed = Compute(c, "2026-09-30");
  ASSERT_TRUE(completed.accepted_on);
  EXPECT_EQ(completed.accepted_on->ToString(), "2026-09-24");
  EXPECT_FALSE(completed.deemed_accepted);
  // 20 working days from 09-24: 09-25 to 10-07 are off (中秋, 国庆), 10-10 is a make-up day.
  EXPECT_EQ(completed.decision->date.ToString(), "2026-10-29");

  auto late = Received(LicenceItem::kCarrierProduction, "2026-09-14");
  late.notified_missing = D("2026-09-21");  // a day too late: accepted on receipt all the same
  late.completed = D("2026-09-24");
  auto d = Compute(late, "2026-09-30");
  EXPECT_EQ(d.accepted_on->ToString(), "2026-09-14");
  EXPECT_TRUE(d.deemed_accepted);

  // 一次告知: everything missing at once.
  EXPECT_EQ(MissingMaterials(DefaultMaterials(LicenceItem::kCarrierProduction),
                             {"申请书", "营业执照副本", "保密承诺书"}),
            (std::vector<std::string>{"保密管理制度", "保密工作机构及人员情况", "涉密人员名单"}));
}

TEST_F(Licensing, XzxkArt42_TwentyWorkingDaysPlusTenJointlyFortyFivePlusFifteen) {
  auto c = Received(LicenceItem::kSystemIntegration, "2026-09-14");
  c.accepted = D("2026-09-14");
  auto d = Compute(c, "2026-09-14");
  EXPECT_EQ(d.decision_working_days, 20);
  EXPECT_EQ(d.decision->date.ToString(), "2026-10-16");
  c.extended = true;  // the head approved 10 more, the applicant told why
  EXPECT_EQ(Compute(c, "2026-09-14").decision->date.ToString(), "2026-10-30");

  // Item (1) is decided by the provincial bureau 会同 the defence-industry department.
  auto joint = Received(LicenceItem::kWeaponsSecrecy, "2026-09-14");
  joint.accepted = D("2026-09-14");
  EXPECT_TRUE(DecidedJointly(LicenceItem::kWeaponsSecrecy));
  auto j = Compute(joint, "2026-09-14");
  EXPECT_EQ(j.decision_working_days, 45);
  EXPECT_EQ(j.decision->date.ToString(), "2026-11-20");
  joint.extended = true;
  auto je = Compute(joint, "2026-09-14");
  EXPECT_EQ(je.decision_working_days, 60);
  EXPECT_EQ(je.decision->date.ToString(), "2026-12-11");
}

TEST_F(Licensing, XzxkArt45_ExpertReviewIsNotCounted) {
  auto c = Received(LicenceItem::kCarrierProduction, "2026-09-14");
  c.accepted = D("2026-09-14");
  // 专家评审 09-21 to 09-25: four working days (09-25 is 中秋, off anyway).
  c.uncounted.push_back({D("2026-09-21"), D("2026-09-25"), "专家评审 expert review"});
  auto d = Compute(c, "2026-09-14");
  EXPECT_EQ(d.uncounted_working_days, 4);
  EXPECT_EQ(d.decision->date.ToString(), "2026-10-22") << "20 + 4 working days from 09-14";
  c.uncounted.push_back({D("2026-09-30"), D("2026-09-29"), "backwards"});
  EXPECT_FALSE(ComputeDeadlines(c, cal_, D("2026-09-14")).ok());
}

TEST_F(Licensing, XzxkArt44_CertificateWithinTenWorkingDaysOfTheGrant) {
  auto c = Received(LicenceItem::kCarrierProduction, "2026-09-14");
  c.accepted = D("2026-09-14");
  c.granted = D("2026-10-16");
  EXPECT_EQ(Compute(c, "2026-10-16").certificate->date.ToString(), "2026-10-30");
  c.granted = D("2026-09-10");
  EXPECT_FALSE(ComputeDeadlines(c, cal_, D("2026-10-16")).ok()) << "granted before received";
}

TEST_F(Licensing, XzxkArt50_ApplyThirtyDaysBeforeExpiryUndecidedCountsAsContinued) {
  Date expires = D("2027-03-31");
  EXPECT_EQ(RenewalApplicationDue(expires).ToString(), "2027-03-01");
  EXPECT_TRUE(DeemedContinued(expires, D("2027-03-01"), std::nullopt));
  EXPECT_TRUE(DeemedContinued(expires, D("2027-02-10"), D("2027-04-02")));
  EXPECT_FALSE(DeemedContinued(expires, D("2027-02-10"), D("2027-03-31"))) << "decided in time";
  EXPECT_FALSE(DeemedContinued(expires, D("2027-03-02"), std::nullopt)) << "applied too late";
}

TEST_F(Licensing, LnGrade3Abolished_AGradeThreeApplicationIsRefusedWithTheReason) {
  auto refused = CheckGrade(LicenceItem::kWeaponsSecrecy, "三级");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("取消三级资格"), std::string::npos) << refused.message();
  EXPECT_TRUE(CheckGrade(LicenceItem::kWeaponsSecrecy, "二级").ok());
  EXPECT_FALSE(CheckGrade(LicenceItem::kWeaponsSecrecy, "一级").ok());
  EXPECT_TRUE(CheckGrade(LicenceItem::kCarrierProduction, "乙级").ok());
  EXPECT_FALSE(CheckGrade(LicenceItem::kSystemIntegration, "甲级").ok());
}

TEST_F(Licensing, LnAnnualReportReplacesAudit_ItemOneAsksForTheFiledAnnualReport) {
  auto m = DefaultMaterials(LicenceItem::kWeaponsSecrecy);
  EXPECT_NE(std::find(m.begin(), m.end(), kAnnualEnterpriseReport), m.end());
  EXPECT_EQ(std::find(m.begin(), m.end(), kAuditedFinancialReport), m.end());
  for (const auto& name : m) EXPECT_EQ(name.find("审计"), std::string::npos) << name;
}

TEST_F(Licensing, DaysOutOfOrderAreRefusedWithTheReason) {
  auto c = Received(LicenceItem::kCarrierProduction, "2026-09-14");
  c.notified_missing = D("2026-09-11");
  auto r = ComputeDeadlines(c, cal_, D("2026-09-30"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("before the material arrived"), std::string::npos) << r.message();
  c.notified_missing.reset();
  c.completed = D("2026-09-20");
  EXPECT_FALSE(ComputeDeadlines(c, cal_, D("2026-09-30")).ok());
  EXPECT_EQ(ParseLicenceItem("weapons-secrecy"), LicenceItem::kWeaponsSecrecy);
  EXPECT_FALSE(ParseLicenceItem("grade-3"));
}

}  // namespace
}  // namespace zhuji::workflows
