// Supervision of classification work as a pure workflow (GD Art. 41-44): who may inspect or
// issue a correction notice, the nine points, findings and the rectification request, the
// organ's report, closing, and the copies the two nodes exchange.
#include "services/workflows/inspection.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::Guangdong;
using testing::kDay;
using testing::kT0;

const calendar::Date kToday = calendar::CstDateOf(kT0);

Organ At(const OrganDirectory& d, const char* address) { return *d.Find(address); }

CaseOpening Points(std::set<int> points, CaseKind kind = CaseKind::kInspection) {
  CaseOpening o;
  o.kind = kind;
  o.points = std::move(points);
  o.by = "检查组";
  return o;
}

TEST(Inspection, GdArt41_GdArt43_GdArt44_WhoMayInspectAndWhoMayIssueACorrectionNotice) {
  auto d = Guangdong();
  Organ city_dept = At(d, "440100/bmj"), county_dept = At(d, "440106/bmj");
  Organ city_edu = At(d, "440100/jyj"), county_edu = At(d, "440106/jyj");
  Organ province_edu = At(d, "440000/jyt"), shenzhen_dept = At(d, "440300/bmj");
  EXPECT_TRUE(MayOpen(d, CaseKind::kInspection, city_dept, county_edu).ok()) << "its region";
  EXPECT_TRUE(MayOpen(d, CaseKind::kInspection, county_dept, county_edu).ok());
  EXPECT_FALSE(MayOpen(d, CaseKind::kInspection, shenzhen_dept, county_edu).ok())
      << "another region";
  EXPECT_TRUE(MayOpen(d, CaseKind::kInspection, province_edu, county_edu).ok())
      << "a superior of its line (业务主管部门)";
  EXPECT_TRUE(MayOpen(d, CaseKind::kInspection, city_edu, county_edu).ok());
  EXPECT_FALSE(MayOpen(d, CaseKind::kInspection, county_edu, city_edu).ok()) << "not upwards";
  EXPECT_FALSE(MayOpen(d, CaseKind::kCorrection, city_edu, county_edu).ok())
      << "GD Art. 44: a secrecy admin dept only";
  EXPECT_TRUE(MayOpen(d, CaseKind::kCorrection, city_dept, county_edu).ok());
  EXPECT_TRUE(MayOpen(d, CaseKind::kSelf, county_edu, county_edu).ok());
  EXPECT_FALSE(MayOpen(d, CaseKind::kSelf, city_dept, county_edu).ok());
  EXPECT_FALSE(MayOpen(d, CaseKind::kInspection, county_edu, county_edu).ok()) << "that is 自查";
}

TEST(Inspection, GdArt43_TheNinePointsAndTheFindingsOnThem) {
  auto d = Guangdong();
  EXPECT_STREQ(InspectionPointZh(8), "定密年度审核、统计、报告情况");
  EXPECT_STREQ(InspectionPointZh(10), "");
  EXPECT_FALSE(
      OpenCase("x", d, At(d, "440100/bmj"), At(d, "440106/jyj"), Points({}), kToday, kT0).ok());
  EXPECT_FALSE(
      OpenCase("x", d, At(d, "440100/bmj"), At(d, "440106/jyj"), Points({10}), kToday, kT0).ok());
  auto c = OpenCase("440100/bmj/2025-J0001", d, At(d, "440100/bmj"), At(d, "440106/jyj"),
                    Points({3, 6}), kToday, kT0);
  ASSERT_TRUE(c.ok()) << c.message();
  auto parsed = ParseFindings("6:未写明定密依据；3:授权未备案;未分类的问题");
  ASSERT_TRUE(parsed.ok());
  std::vector<Finding> findings = parsed.value();
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0], (Finding{6, "未写明定密依据"}));
  EXPECT_EQ(findings[2].point, 9) << "no point: (九) 其他";
  EXPECT_NE(RequestRectification(c.value(), findings, "整改", kToday + 10, "周强", kToday, kT0)
                .message()
                .find("does not cover"),
            std::string::npos)
      << "point 9 was not inspected";
  findings.pop_back();
  EXPECT_FALSE(RequestRectification(c.value(), findings, "", kToday + 10, "周强", kToday, kT0).ok())
      << "GD Art. 41: findings come with a request";
  EXPECT_FALSE(RequestRectification(c.value(), findings, "整改", kToday, "周强", kToday, kT0).ok())
      << "a deadline after today";
  auto asked = RequestRectification(c.value(), findings, "整改", kToday + 10, "周强", kToday, kT0);
  ASSERT_TRUE(asked.ok()) << asked.message();
  EXPECT_EQ(asked.value().state, CaseState::kRectifying);
  EXPECT_FALSE(CloseCase(asked.value(), "", "周强", kT0).ok()) << "the report is awaited";
  auto reported = ReportRectification(asked.value(), "已整改", "张三", kT0 + kDay);
  ASSERT_TRUE(reported.ok());
  auto closed = CloseCase(reported.value(), "整改到位", "周强", kT0 + 2 * kDay);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed.value().state, CaseState::kClosed);
  auto clean = RequestRectification(c.value(), {}, "", {}, "周强", kToday, kT0);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean.value().state, CaseState::kClosed) << "nothing found: nothing to rectify";
}

TEST(Inspection, GdArt44_ACorrectionNoticeNamesTheGrantOrThePerson) {
  auto d = Guangdong();
  CaseOpening o;
  o.kind = CaseKind::kCorrection;
  o.by = "周强";
  EXPECT_FALSE(OpenCase("x", d, At(d, "440100/bmj"), At(d, "440100/jyj"), o, kToday, kT0).ok());
  o.subject = CorrectionSubject::kResponsibleFailing;
  o.subject_detail = "刘二";
  o.text = "调整定密责任人";
  o.adjust = true;
  auto c = OpenCase("440100/bmj/2025-J0002", d, At(d, "440100/bmj"), At(d, "440100/jyj"), o, kToday,
                    kT0);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_TRUE(c.value().adjust);
  auto asked = RequestRectification(c.value(), {}, "", kToday + 20, "周强", kToday, kT0);
  ASSERT_TRUE(asked.ok()) << asked.message();
  EXPECT_EQ(asked.value().state, CaseState::kRectifying);
  EXPECT_EQ(asked.value().request, "调整定密责任人");
}

TEST(Inspection, ACopyComesFromTheNodeOfWhoeverTookTheStep) {
  auto d = Guangdong();
  auto c = OpenCase("440100/bmj/2025-J0001", d, At(d, "440100/bmj"), At(d, "440106/jyj"),
                    Points({6}), kToday, kT0)
               .value();
  bool newer = false;
  EXPECT_TRUE(CheckCaseCopy(nullptr, c, "440100", &newer).ok());
  EXPECT_FALSE(CheckCaseCopy(nullptr, c, "440106", &newer).ok()) << "opened by 440100";
  auto asked =
      RequestRectification(c, {{6, "问题"}}, "整改", kToday + 5, "周强", kToday, kT0).value();
  auto reported = ReportRectification(asked, "已整改", "张三", kT0).value();
  EXPECT_TRUE(CheckCaseCopy(&asked, reported, "440106", &newer).ok());
  EXPECT_TRUE(newer);
  EXPECT_FALSE(CheckCaseCopy(&asked, reported, "440100", &newer).ok())
      << "the report comes from the organ's node";
  EXPECT_TRUE(CheckCaseCopy(&reported, asked, "440100", &newer).ok());
  EXPECT_FALSE(newer) << "an older copy is ignored";
}

TEST(Inspection, GdArt41_GdArt44_ACopyMayNotForgeACaseOrRewriteTheOtherSidesPart) {
  auto d = Guangdong();
  auto c = OpenCase("440100/bmj/2025-J0001", d, At(d, "440100/bmj"), At(d, "440106/jyj"),
                    Points({6}), kToday, kT0)
               .value();
  EXPECT_TRUE(CheckCaseStep(nullptr, c, d).ok());
  InspectionCase forged = c;
  forged.id = "440300/bmj/2025-J0009";
  forged.by_organ = At(d, "440300/bmj");  // 深圳市国家保密局: not 天河区's region
  EXPECT_NE(CheckCaseStep(nullptr, forged, d).message().find("GD Art. 41, 43"), std::string::npos);
  InspectionCase dressed = c;
  dressed.by_organ = At(d, "440100/jyj");
  dressed.by_organ.line = kSecrecyAdminLine;  // a copy's own flags are not believed
  dressed.kind = CaseKind::kCorrection;
  EXPECT_FALSE(CheckCaseStep(nullptr, dressed, d).ok());
  auto asked =
      RequestRectification(c, {{6, "问题"}}, "整改", kToday + 5, "周强", kToday, kT0).value();
  EXPECT_TRUE(CheckCaseStep(&c, asked, d).ok());
  auto reported = ReportRectification(asked, "已整改", "张三", kT0).value();
  EXPECT_TRUE(CheckCaseStep(&asked, reported, d).ok());
  InspectionCase rewritten = reported;
  rewritten.rectify_by = kToday + 400;  // the organ moves its own deadline
  EXPECT_FALSE(CheckCaseStep(&asked, rewritten, d).ok());
  EXPECT_FALSE(CheckCaseStep(&c, reported, d).ok()) << "a report answers a request";
  auto closed = CloseCase(reported, "", "周强", kT0).value();
  EXPECT_TRUE(CheckCaseStep(&reported, closed, d).ok());
  InspectionCase reopened = asked;
  reopened.version = closed.version + 1;
  EXPECT_FALSE(CheckCaseStep(&closed, reopened, d).ok()) << "closed stays closed";
}

}  // namespace
}  // namespace zhuji::workflows
