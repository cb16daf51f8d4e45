// The yearly classification statistics as a pure workflow (GD Art. 46, 47): an organ's figures
// from its records, its report approved by its head, a region's exact sum of the reports it
// names, and the copies other nodes send.
#include "services/workflows/statistics.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::kDay;
using testing::kT0;

const calendar::Date kToday = calendar::CstDateOf(kT0);  // in 2025
const int kYear = kToday.year();

ResponsibleRegister Head(const char* organ, const char* name) {
  ResponsibleRegister r;
  r.organ = organ;
  r.organ_name = organ;
  r.organ_has_original_authority = true;
  r.organ_ceiling = SecrecyLevel::kJimi;
  return SetStatutory(r, name, "局长", "任〔2025〕1号", kT0 - 100 * kDay).value();
}

Organ Of(const char* node, const char* code, const char* line = "教育") {
  Organ o;
  o.node = node;
  o.code = code;
  o.name = std::string(node) + code;
  o.line = line;
  return o;
}

Determination Secret(const char* id, const char* organ, SecrecyLevel level, calendar::Date on) {
  Determination d;
  d.id = id;
  d.organ = organ;
  d.protection = Protection::Term(level, 1);
  d.state = DeterminationState::kApproved;
  d.version = 1;
  d.determined_on = on;
  return d;
}

TEST(Statistics, GdArt46_AnOrgansFiguresComeFromItsRecordsOfThatYear) {
  Determination a = Secret("440100/jyj/1", "440100/jyj", SecrecyLevel::kMimi, kToday);
  Determination b = Secret("440100/jyj/2", "440100/jyj", SecrecyLevel::kJimi, kToday);
  b.state = DeterminationState::kReleased;
  b.released_on = kToday + 3;
  Determination old = Secret("440100/jyj/0", "440100/jyj", SecrecyLevel::kMimi,
                             calendar::Date::FromYmd(kYear - 1, 5, 1));
  Determination other = Secret("440100/gaj/1", "440100/gaj", SecrecyLevel::kMimi, kToday);
  SecretNotice change;
  change.organ = "440100/jyj";
  change.kind = ChangeKind::kExtend;
  change.decided_at = kT0;
  Matter m;
  m.origin = Of("440100", "jyj");
  m.first_reported_at = kT0;
  Matter application = m;
  application.kind = MatterKind::kAuthorization;
  Grant g;
  g.grantor = Of("440100", "jyj");
  g.decided_at = kT0;
  ResponsibleRegister reg = Head("440100/jyj", "陈七");
  OrganRecords r;
  r.secrets = {&a, &b, &old, &other};
  r.notices = {&change};
  r.matters = {&m, &application};
  r.grants = {&g};
  r.reg = &reg;
  StatFigures f = OrganFigures("440100/jyj", kYear, r, kToday);
  EXPECT_EQ(f.determined[0], 1);
  EXPECT_EQ(f.determined[1], 1);
  EXPECT_EQ(f.determined[2], 0);
  EXPECT_EQ(f.released, 1);
  EXPECT_EQ(f.changed, 1);
  EXPECT_EQ(f.escalated, 1) << "an application for authority is not an escalation";
  EXPECT_EQ(f.grants, 1);
  EXPECT_EQ(f.responsible, 1);
  EXPECT_EQ(f.organs, 1);
  EXPECT_EQ(OrganFigures("440100/jyj", kYear - 1, r, kToday).determined[0], 1);
}

TEST(Statistics, GdArt46_TheReportIsApprovedByTheHeadAndOfAYearThatHasBegun) {
  ResponsibleRegister reg = Head("440100/jyj", "陈七");
  StatFigures f;
  f.organs = 1;
  auto stranger =
      FileOrganReport(nullptr, Of("440100", "jyj"), kYear - 1, f, reg, "张三", kToday, kT0);
  EXPECT_NE(stranger.message().find("法定定密责任人"), std::string::npos) << stranger.message();
  EXPECT_FALSE(
      FileOrganReport(nullptr, Of("440100", "jyj"), kYear + 1, f, reg, "陈七", kToday, kT0).ok())
      << "not of a future year";
  auto past = FileOrganReport(nullptr, Of("440100", "jyj"), kYear - 1, f, reg, "陈七", kToday, kT0);
  ASSERT_TRUE(past.ok()) << past.message();
  EXPECT_TRUE(past.value().year_complete);
  EXPECT_EQ(past.value().id, std::to_string(kYear - 1) + "/440100/jyj");
  auto to_date = FileOrganReport(nullptr, Of("440100", "jyj"), kYear, f, reg, "陈七", kToday, kT0);
  ASSERT_TRUE(to_date.ok());
  EXPECT_FALSE(to_date.value().year_complete) << "figures to date";
  auto again = FileOrganReport(&past.value(), Of("440100", "jyj"), kYear - 1, f, reg, "陈七",
                               kToday, kT0 + kDay);
  EXPECT_EQ(again.value().version, 2u);
  EXPECT_EQ(again.value().complete_at, kT0) << "judged by the first filing after the year";
  EXPECT_EQ(to_date.value().complete_at, 0) << "figures to date do not meet the duty";
  EXPECT_EQ(StatDueDay(StatKind::kOrgan, 2027), calendar::Date::FromYmd(2028, 2, 29));
  EXPECT_EQ(StatDueDay(StatKind::kRegion, 2026), calendar::Date::FromYmd(2027, 3, 31));
}

TEST(Statistics, GdArt46_GdArt47_ARegionIsTheExactSumOfTheReportsItNamesAndListsTheMissing) {
  ResponsibleRegister reg = Head("440100/bmj", "周强");
  auto report = [](const std::string& id, int64_t mimi) {
    StatReport r;
    r.id = id;
    r.figures.determined[0] = mimi;
    r.figures.organs = 1;
    r.version = 1;
    return r;
  };
  int y = kYear - 1;
  std::vector<StatReport> organs = {report(OrganReportId(y, "440100/jyj"), 3),
                                    report(OrganReportId(y, "440100/bmj"), 0)};
  StatReport county = report(RegionReportId(y, "440106"), 5);
  county.figures.organs = 3;
  std::vector<StatReport> regions = {county};
  Organ dept = Of("440100", "bmj", kSecrecyAdminLine);
  EXPECT_FALSE(
      FileRegionReport(nullptr, Of("440100", "jyj"), y, {}, {}, {}, {}, reg, "周强", kToday, kT0)
          .ok())
      << "a region is reported by its secrecy admin dept";
  auto r = FileRegionReport(nullptr, dept, y, {"440100/jyj", "440100/bmj", "440100/gaj"}, organs,
                            {"440106", "440104"}, regions, reg, "周强", kToday, kT0);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().figures.determined[0], 8);
  EXPECT_EQ(r.value().figures.organs, 5);
  EXPECT_EQ(r.value().missing, (std::vector<std::string>{OrganReportId(y, "440100/gaj"),
                                                         RegionReportId(y, "440104")}));
  EXPECT_EQ(r.value().included.size(), 3u);
}

TEST(Statistics, AReportComesFromItsFilersNodeAndANewerOneWins) {
  StatReport r;
  r.kind = StatKind::kRegion;
  r.year = 2026;
  r.node = "440106";
  r.organ = "440106/bmj";
  r.id = RegionReportId(2026, "440106");
  r.version = 1;
  bool newer = false;
  EXPECT_FALSE(CheckStatCopy(nullptr, r, "440104", &newer).ok());
  ASSERT_TRUE(CheckStatCopy(nullptr, r, "440106", &newer).ok());
  EXPECT_TRUE(newer);
  StatReport v2 = r;
  v2.version = 2;
  ASSERT_TRUE(CheckStatCopy(&v2, r, "440106", &newer).ok());
  EXPECT_FALSE(newer);
  StatReport forged = r;
  forged.organ = "440104/bmj";
  EXPECT_FALSE(CheckStatCopy(nullptr, forged, "440106", &newer).ok());
}

}  // namespace
}  // namespace zhuji::workflows
