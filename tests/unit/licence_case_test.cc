// One application from arrival to certificate or refusal (issue #16;
// services/workflows/licence_case.h): LN 二.1 and 四.2 at arrival (every reason at once), 一次告知
// and acceptance (行政许可法 Art. 32), the joint decision of item (1) (Art. 42 ¶2), 不见面审批
// changes and cancellations (LN 三), and a reported inspection entering the credit record.
#include "services/workflows/licence_case.h"

#include <gtest/gtest.h>

namespace zhuji::workflows {
namespace {

using calendar::Date;

Date D(const char* s) { return *calendar::ParseDate(s); }

ApplicationInput Input(LicenceItem item, const char* grade) {
  ApplicationInput in;
  in.item = item;
  in.grade = grade;
  in.applicant = {"91210100MA0000001A", "沈阳精工", "王立", "沈阳市和平区1号", "210100", {"P-01"}};
  in.submitted = {"申请书", "营业执照副本"};
  in.received = D("2026-10-09");
  return in;
}

const std::vector<std::string> kRequired = {"申请书", "营业执照副本", "保密管理制度",
                                            "备案的企业年度报告"};
const std::vector<std::string> kJoint = {"210000/bmj", "210000/gfkg"};

Application Received(LicenceItem item = LicenceItem::kWeaponsSecrecy) {
  auto a = Receive(
      "L1", Input(item, item == LicenceItem::kWeaponsSecrecy ? "二级" : "乙级"), kRequired,
      item == LicenceItem::kWeaponsSecrecy ? kJoint : std::vector<std::string>{"210000/bmj"}, {},
      nullptr, "辽宁省国家保密局", 1);
  EXPECT_TRUE(a.ok()) << a.message();
  return a.value();
}

TEST(LicenceCase, LnGrade3Abolished_LnCreditRecord_RefusedOnArrivalWithEveryReasonAtOnce) {
  CreditEntry exclusion{
      "P-01",     true, CreditKind::kMarketExclusion, D("2026-01-01"), D("2027-12-31"),
      "市场禁入", "C1"};
  auto a = Receive("L1", Input(LicenceItem::kWeaponsSecrecy, "三级"), kRequired, kJoint,
                   {exclusion}, nullptr, "辽宁省国家保密局", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().state, ApplicationState::kNotAccepted);
  ASSERT_EQ(a.value().reasons.size(), 2u);
  EXPECT_NE(a.value().reasons[0].find("三级保密资格已取消"), std::string::npos);
  EXPECT_NE(a.value().reasons[1].find("市场禁入"), std::string::npos);
  EXPECT_FALSE(Receive("L2", ApplicationInput{}, kRequired, kJoint, {}, nullptr, "x", 1).ok())
      << "no unit: nothing to record";
}

TEST(LicenceCase, XzxkArt32_OneNoticeOfEverythingMissingThenAcceptedOnCompletion) {
  Application a = Received();
  EXPECT_FALSE(Accept(a, D("2026-10-12"), "赵刚", 2).ok()) << "material missing";
  auto n = NotifyMissing(a, D("2026-10-12"), "赵刚", 2);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value().missing, (std::vector<std::string>{"保密管理制度", "备案的企业年度报告"}));
  EXPECT_FALSE(NotifyMissing(n.value(), D("2026-10-13"), "赵刚", 3).ok()) << "once (一次告知)";
  auto part = Supplement(n.value(), {"保密管理制度"}, D("2026-10-14"), "李梅", 4);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part.value().state, ApplicationState::kAwaiting);
  auto full = Supplement(part.value(), {"备案的企业年度报告"}, D("2026-10-16"), "李梅", 5);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full.value().state, ApplicationState::kAccepted);
  EXPECT_EQ(full.value().clock.completed->ToString(), "2026-10-16");
  EXPECT_EQ(full.value().version, a.version + 4) << "every step in the trail";
}

TEST(LicenceCase, XzxkArt42_AJointItemIsGrantedOnlyWhenBothDepartmentsApprove) {
  Application a = Received();
  a.submitted = kRequired;
  auto acc = Accept(a, D("2026-10-12"), "赵刚", 2);
  ASSERT_TRUE(acc.ok());
  EXPECT_FALSE(Extend(acc.value(), "", "处长", D("2026-10-13"), 3).ok()) << "the reason is told";
  auto ext = Extend(acc.value(), "需现场审查", "处长", D("2026-10-13"), 3);
  ASSERT_TRUE(ext.ok());
  EXPECT_FALSE(Extend(ext.value(), "再延", "处长", D("2026-10-14"), 4).ok()) << "once";
  EXPECT_FALSE(
      Decide(ext.value(), {"210100/bmj", "沈阳市国家保密局", true, "", "x", D("2026-10-20")}, 5)
          .ok())
      << "not a deciding department";
  auto one =
      Decide(ext.value(), {"210000/bmj", "辽宁省国家保密局", true, "", "孙伟", D("2026-10-20")}, 5);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value().state, ApplicationState::kAccepted);
  auto both =
      Decide(one.value(),
             {"210000/gfkg", "辽宁省国防科技工业主管部门", true, "", "钱敏", D("2026-10-21")}, 6);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both.value().state, ApplicationState::kGranted);
  EXPECT_EQ(both.value().clock.granted->ToString(), "2026-10-21");
  EXPECT_FALSE(Issue(both.value(), nullptr, "N1", std::nullopt, D("2026-10-22"), "x", 7).ok())
      << "a validity is required";
  auto issued = Issue(both.value(), nullptr, "N1", D("2031-10-21"), D("2026-10-22"), "x", 7);
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued.value().application.state, ApplicationState::kDone);
  ASSERT_EQ(issued.value().certificates.size(), 1u);
  EXPECT_EQ(issued.value().certificates[0].holder.name, "沈阳精工");
  EXPECT_TRUE(issued.value().certificates[0].holder.persons.empty());
}

Certificate Held() {
  Certificate c;
  c.number = "N1";
  c.item = LicenceItem::kSystemIntegration;
  c.grade = "乙级";
  c.holder = {"91210100MA0000001A", "沈阳精工", "王立", "沈阳市和平区1号", "210100", {}};
  c.issued = D("2025-01-02");
  c.valid_until = D("2029-12-31");
  return c;
}

Application Granted(const Application& a) {
  auto acc = Accept(a, D("2026-10-12"), "赵刚", 2);
  EXPECT_TRUE(acc.ok()) << acc.message();
  auto g =
      Decide(acc.value(), {"210000/bmj", "辽宁省国家保密局", true, "", "孙伟", D("2026-10-13")}, 3);
  EXPECT_TRUE(g.ok()) << g.message();
  return g.value();
}

TEST(LicenceCase, LnNoVisitChangeOfName_CancellationAndRenewal_ChangeTheCertificateHeld) {
  Certificate held = Held();
  ApplicationInput in;
  in.kind = ApplicationKind::kChange;
  in.applicant.unit = held.holder.unit;
  in.certificate = "N1";
  in.change = ChangeField::kName;
  in.change_to = "沈阳精工数字";
  in.submitted = MaterialsFor(ApplicationKind::kChange, {});
  in.received = D("2026-10-09");
  auto a = Receive("L2", in, MaterialsFor(ApplicationKind::kChange, {}), {"210000/bmj"}, {}, &held,
                   "辽宁省国家保密局", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().item, LicenceItem::kSystemIntegration) << "the certificate's item";
  auto changed = Issue(Granted(a.value()), &held, "", std::nullopt, D("2026-10-14"), "x", 4);
  ASSERT_TRUE(changed.ok()) << changed.message();
  ASSERT_EQ(changed.value().certificates.size(), 1u);
  EXPECT_EQ(changed.value().certificates[0].number, "N1");
  EXPECT_EQ(changed.value().certificates[0].holder.name, "沈阳精工数字");
  EXPECT_EQ(changed.value().certificates[0].holder.representative, "王立");

  in.kind = ApplicationKind::kCancel;
  in.submitted = MaterialsFor(ApplicationKind::kCancel, {});
  auto c = Receive("L3", in, MaterialsFor(ApplicationKind::kCancel, {}), {"210000/bmj"}, {}, &held,
                   "辽宁省国家保密局", 1);
  ASSERT_TRUE(c.ok());
  auto cancelled = Issue(Granted(c.value()), &held, "", std::nullopt, D("2026-10-14"), "x", 4);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled.value().certificates[0].state, Certificate::State::kCancelled);

  in.kind = ApplicationKind::kRenew;
  in.grade = "乙级";
  in.submitted = kRequired;
  auto r = Receive("L4", in, kRequired, {"210000/bmj"}, {}, &held, "辽宁省国家保密局", 1);
  ASSERT_TRUE(r.ok());
  auto renewed = Issue(Granted(r.value()), &held, "N2", D("2034-12-31"), D("2026-10-14"), "x", 4);
  ASSERT_TRUE(renewed.ok());
  ASSERT_EQ(renewed.value().certificates.size(), 2u);
  EXPECT_EQ(renewed.value().certificates[1].state, Certificate::State::kReplaced);

  // Not the holder's, and a change without its new value: both reasons.
  in.kind = ApplicationKind::kChange;
  in.applicant.unit = "91210200MA0000009Z";
  in.change = ChangeField::kAddress;
  in.change_to.clear();
  auto wrong = Receive("L5", in, kRequired, {"210000/bmj"}, {}, &held, "辽宁省国家保密局", 1);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong.value().state, ApplicationState::kNotAccepted);
  EXPECT_EQ(wrong.value().reasons.size(), 2u);
}

TEST(LicenceCase, LnCreditRecord_AReportedViolationBecomesACreditEntry) {
  UnitInspection i;
  i.id = "K1";
  i.unit = "91210100MA0000001A";
  EXPECT_FALSE(ReportInspection(i, "", true, "", "", "组", 1).ok()) << "findings are stated";
  auto clean = ReportInspection(i, "未发现问题", false, "", "", "组", 1);
  ASSERT_TRUE(clean.ok());
  EXPECT_FALSE(CreditOf(clean.value(), D("2026-10-20")));
  auto bad = ReportInspection(i, "未签订保密承诺书", true, "", "", "组", 1);
  ASSERT_TRUE(bad.ok());
  auto e = CreditOf(bad.value(), D("2026-10-20"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, CreditKind::kViolation);
  EXPECT_EQ(e->subject, i.unit);
  EXPECT_NE(e->reference.find("K1"), std::string::npos);
  EXPECT_FALSE(ReportInspection(bad.value(), "再报", false, "", "", "组", 2).ok()) << "once";
}

// 不予受理 before acceptance, 不予许可 after (Art. 32, 38); a certificate revoked meanwhile is not
// re-issued; two open applications on one certificate are not allowed.
TEST(LicenceCase,
     XzxkArt32_RefusedBeforeAcceptanceIsNotAccepted_ACertificateRevokedMeanwhileIsNotReissued) {
  Application a = Received(LicenceItem::kSystemIntegration);
  auto r = Refuse(a, {"材料虚假"}, "赵刚", D("2026-10-12"), 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state, ApplicationState::kNotAccepted);

  Certificate held = Held();
  ApplicationInput in;
  in.kind = ApplicationKind::kCancel;
  in.applicant.unit = held.holder.unit;
  in.certificate = "N1";
  in.submitted = MaterialsFor(ApplicationKind::kCancel, {});
  in.received = D("2026-10-09");
  auto c = Receive("L3", in, in.submitted, {"210000/bmj"}, {}, &held, "辽宁省国家保密局", 1);
  ASSERT_TRUE(c.ok());
  Application granted = Granted(c.value());
  EXPECT_EQ(Refuse(granted, {"x"}, "y", D("2026-10-14"), 3).status().ok(), false)
      << "granted: not refused any more";
  held.state = Certificate::State::kRevoked;
  auto issued = Issue(granted, &held, "", std::nullopt, D("2026-10-14"), "x", 4);
  EXPECT_FALSE(issued.ok()) << "revoked meanwhile: the revocation stands";

  in.busy_with = "L3";
  held.state = Certificate::State::kValid;
  auto busy = Receive("L4", in, in.submitted, {"210000/bmj"}, {}, &held, "辽宁省国家保密局", 1);
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy.value().state, ApplicationState::kNotAccepted);
  EXPECT_NE(busy.value().reasons[0].find("L3"), std::string::npos);
}

// 行政许可法 Art. 50: refused by the expiry, the licence ends then; refused after it, the law had
// continued it already.
TEST(LicenceCase, XzxkArt50_ARefusalAfterExpiryDoesNotUndoTheContinuation) {
  Certificate held = Held();
  held.valid_until = D("2026-11-10");
  Application renewal;
  renewal.kind = ApplicationKind::kRenew;
  renewal.certificate = "N1";
  renewal.clock.received = D("2026-10-09");
  renewal.state = ApplicationState::kRefused;
  bool continued = false;
  renewal.decided = D("2026-11-05");
  EXPECT_FALSE(InForce(held, {renewal}, D("2026-11-12"), &continued));
  renewal.decided = D("2026-11-11");
  EXPECT_TRUE(InForce(held, {renewal}, D("2026-11-12"), &continued));
  EXPECT_TRUE(continued);
}

// LN 四.1: who may send which state of a unit's inspection, checked against the copy held.
TEST(LicenceCase, LnInspectionCopies_OnlyTheBureauAssignsOnlyTheInspectorReportsOnce) {
  UnitInspection assigned;
  assigned.id = "210000/bmj/2026-K0001";
  assigned.unit = "91210100MA0000001A";
  assigned.by_organ = "210000/bmj";
  assigned.inspector = "210100/bmj";
  assigned.version = 1;
  // At the city: from the province only, once, as version 1.
  EXPECT_TRUE(CheckInspectionStep(nullptr, assigned, "210000", "210100", true).ok());
  EXPECT_FALSE(CheckInspectionStep(nullptr, assigned, "210200", "210100", true).ok());
  EXPECT_FALSE(CheckInspectionStep(nullptr, assigned, "210000", "210100", false).ok())
      << "not a provincial bureau";
  EXPECT_FALSE(CheckInspectionStep(&assigned, assigned, "210000", "210100", true).ok());
  auto reported = ReportInspection(assigned, "违规", true, "", "", "组", 1).value();
  // At the province: from the inspector, of what it assigned, changing nothing else.
  EXPECT_TRUE(CheckInspectionStep(&assigned, reported, "210100", "210000", true).ok());
  EXPECT_FALSE(CheckInspectionStep(&assigned, reported, "210200", "210000", true).ok())
      << "another city";
  EXPECT_FALSE(CheckInspectionStep(nullptr, reported, "210100", "210000", true).ok())
      << "a report of nothing assigned (a forged finding)";
  EXPECT_FALSE(CheckInspectionStep(&reported, reported, "210100", "210000", true).ok())
      << "reported once";
  UnitInspection other_unit = reported;
  other_unit.unit = "91210200MA0000009Z";
  EXPECT_FALSE(CheckInspectionStep(&assigned, other_unit, "210100", "210000", true).ok());
  UnitInspection skipped = reported;
  skipped.version = 99;
  EXPECT_FALSE(CheckInspectionStep(&assigned, skipped, "210100", "210000", true).ok());
  UnitInspection back = assigned;
  back.version = 3;
  EXPECT_FALSE(CheckInspectionStep(&reported, back, "210000", "210000", true).ok());
  // 联动处置: from the bureau to the node of the organ referred to.
  reported.refer_to = "210200/bmj";
  EXPECT_TRUE(CheckInspectionStep(nullptr, reported, "210000", "210200", true).ok());
  EXPECT_FALSE(CheckInspectionStep(nullptr, reported, "210100", "210200", true).ok());
  EXPECT_FALSE(CheckInspectionStep(nullptr, reported, "210000", "210300", true).ok());
}

}  // namespace
}  // namespace zhuji::workflows
