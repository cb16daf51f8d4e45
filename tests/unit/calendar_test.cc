// The working-day calendar (RULES.md "Deadlines"; reference/cn-holidays.md).
#include "services/calendar/calendar.h"

#include <gtest/gtest.h>

#include "services/common/time_format.h"

namespace zhuji::calendar {
namespace {

Date D(const char* s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d) << s;
  return d.value_or(Date{});
}

const Calendar& Official() {
  static const Calendar cal = LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar");
  return cal;
}

TEST(Date, ConvertsBothWaysAndKnowsTheWeekday) {
  EXPECT_EQ(D("1970-01-01").days, 0);
  EXPECT_EQ(D("2025-09-25").ToString(), "2025-09-25");
  EXPECT_EQ(D("2025-09-25").iso_weekday(), 4);  // Thursday
  EXPECT_STREQ(D("2025-09-28").WeekdayZh(), "周日");
  EXPECT_FALSE(ParseDate("2025-02-29"));
  EXPECT_FALSE(ParseDate("2025-9-25"));
  EXPECT_TRUE(ParseDate("2028-02-29"));
}

TEST(Date, DueInstantIsMidnightChinaStandardTime) {
  // 2025-10-15 24:00 CST = 2025-10-15 16:00 UTC.
  int64_t due = EndOfDayCstMs(D("2025-10-15"));
  EXPECT_EQ(FormatCst(due), "2025-10-16 00:00:00 CST");
  EXPECT_EQ(FormatDueCst(due), "2025-10-15 24:00 CST");
  EXPECT_EQ(CstDateOf(due - 1), D("2025-10-15"));
  EXPECT_EQ(CstDateOf(due), D("2025-10-16"));
}

TEST(Calendar, OfficialYearsHaveTheWorkingDayTotalsOfTheNotices) {
  EXPECT_EQ(Official().WorkingDaysIn(2024), 251);
  EXPECT_EQ(Official().WorkingDaysIn(2025), 248);
  EXPECT_EQ(Official().WorkingDaysIn(2026), 248);
}

// RULES.md "Deadlines": received Thu 2025-09-25 + 10 WD → due 2025-10-15, counting the make-up
// days 09-28 (Sun) and 10-11 (Sat) and skipping 国庆+中秋 10-01…10-08.
TEST(Calendar, Rules_TenWorkingDaysFrom20250925AreDue20251015) {
  auto due = Official().AddWorkingDays(D("2025-09-25"), 10);
  EXPECT_EQ(due.date, D("2025-10-15"));
  EXPECT_FALSE(due.provisional);
  ASSERT_EQ(due.counted.size(), 10u);
  EXPECT_EQ(due.counted[0], D("2025-09-26"));
  EXPECT_EQ(due.counted[1], D("2025-09-28"));  // make-up Sunday
  EXPECT_EQ(due.counted[3], D("2025-09-30"));
  EXPECT_EQ(due.counted[4], D("2025-10-09"));  // the holiday is skipped
  EXPECT_EQ(due.counted[6], D("2025-10-11"));  // make-up Saturday
  EXPECT_EQ(FormatCst(due.due_ms), "2025-10-16 00:00:00 CST");
}

TEST(Calendar, TheTriggerDayIsNotCounted) {
  // Friday + 1 WD is the next Monday, not the Friday itself.
  EXPECT_EQ(Official().AddWorkingDays(D("2025-03-07"), 1).date, D("2025-03-10"));
  EXPECT_EQ(Official().AddWorkingDays(D("2025-03-07"), 0).date, D("2025-03-07"));
}

TEST(Calendar, Chuxi2024IsAWorkingDay) {
  EXPECT_TRUE(Official().IsWorkingDay(D("2024-02-09")));   // the notice only encourages a day off
  EXPECT_FALSE(Official().IsWorkingDay(D("2024-02-12")));  // 春节
  EXPECT_TRUE(Official().IsWorkingDay(D("2024-02-04")));   // make-up Sunday
  EXPECT_TRUE(Official().IsWorkingDay(D("2024-02-18")));   // make-up Sunday
}

// GD Art. 9: 30 working days to decide on an authorization application, here across 春节 2026
// (02-15…02-23 off, make-up Saturdays 02-14 and 02-28).
TEST(Calendar, GdArt9_ThirtyWorkingDaysAcrossSpringFestival2026) {
  auto due = Official().AddWorkingDays(D("2026-02-02"), 30);
  // Feb 3–13: 9 weekdays, 02-14 make-up: 10; 02-24…02-27: 14; 02-28 make-up: 15;
  // March 2–6: 20, 9–13: 25, 16–20: 30.
  EXPECT_EQ(due.date, D("2026-03-20"));
  EXPECT_FALSE(due.provisional);
  for (auto& d : due.counted) {
    EXPECT_FALSE(d >= D("2026-02-15") && d <= D("2026-02-23")) << d.ToString() << " is 春节";
  }
  EXPECT_EQ(Official().WorkingDaysBetween(D("2026-02-02"), due.date), 30);
}

TEST(Calendar, NationalDay2026ComesAfterItsMakeUpSunday) {
  EXPECT_TRUE(Official().IsWorkingDay(D("2026-09-20")));   // 国庆 make-up, before 中秋
  EXPECT_FALSE(Official().IsWorkingDay(D("2026-09-25")));  // 中秋
  EXPECT_FALSE(Official().IsWorkingDay(D("2026-10-07")));
  EXPECT_TRUE(Official().IsWorkingDay(D("2026-10-10")));
}

TEST(Calendar, APeriodIntoAYearWithoutDataIsProvisionalAndRecomputedWhenTheYearArrives) {
  Calendar cal = Official();
  auto before = cal.AddWorkingDays(D("2026-12-24"), 10);
  EXPECT_TRUE(before.provisional);
  // On weekends alone: Dec 25, 28–31 (5), Jan 1, 4–7 (10) → 2027-01-07.
  EXPECT_EQ(before.date, D("2027-01-07"));
  std::string old_version = cal.Version();

  // A 2027 schedule arrives (made up for the test: 01-01 off, 01-04 off, 01-09 make-up).
  YearSchedule y2027 = ParseYearFile(
      "year = 2027\nsource = \"test\"\noff_days = [\"2027-01-01\", \"2027-01-04\"]\n"
      "makeup_working_days = [\"2027-01-09\"]\n",
      "2027.toml");
  ASSERT_TRUE(cal.AddYear(y2027).ok());
  auto after = cal.AddWorkingDays(D("2026-12-24"), 10);
  EXPECT_FALSE(after.provisional);
  // Dec 25, 28–31 (5), Jan 5–8 (9), Jan 9 make-up (10).
  EXPECT_EQ(after.date, D("2027-01-09"));
  EXPECT_NE(cal.Version(), old_version);
}

TEST(Calendar, GdArt46_EndOfFebruaryIsThe29thInLeapYears) {
  EXPECT_EQ(EndOfFebruary(2028), D("2028-02-29"));
  EXPECT_EQ(EndOfFebruary(2026), D("2026-02-28"));
  EXPECT_EQ(EndOfFebruary(2100), D("2100-02-28"));  // not a leap year
  EXPECT_EQ(EndOfFebruary(2000), D("2000-02-29"));
}

TEST(Calendar, GdArt47_EndOfMarch) { EXPECT_EQ(EndOfMarch(2026), D("2026-03-31")); }

TEST(Calendar, LocalDaysOffCountAndChangeTheVersion) {
  Calendar cal = Official();
  std::string v = cal.Version();
  cal.AddLocalOffDay(D("2025-03-10"), "local festival");
  EXPECT_FALSE(cal.IsWorkingDay(D("2025-03-10")));
  EXPECT_EQ(cal.AddWorkingDays(D("2025-03-07"), 1).date, D("2025-03-11"));
  EXPECT_NE(cal.Version(), v);
}

TEST(Calendar, VersionIsTheSameForTheSameData) {
  EXPECT_EQ(Official().Version(), LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar").Version());
  EXPECT_EQ(Official().Version().rfind("cal-", 0), 0u);
}

TEST(Calendar, YearFilesWithMistakesAreRefusedWithTheReason) {
  auto error = [](const std::string& text) {
    try {
      ParseYearFile(text, "y.toml");
    } catch (const CalendarError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("year = 2025\noff_days = [\"2024-12-31\"]\nmakeup_working_days = []\n")
                .find("not in 2025"),
            std::string::npos);
  EXPECT_NE(error("year = 2025\noff_days = []\nmakeup_working_days = [\"2025-01-27\"]\n")
                .find("make-up days are weekend days"),
            std::string::npos);
  EXPECT_NE(error("year = 2025\noff_days = [\"2025-13-01\"]\nmakeup_working_days = []\n")
                .find("YYYY-MM-DD"),
            std::string::npos);
  EXPECT_NE(error("year = 2025\nextra = 1\noff_days = []\nmakeup_working_days = []\n")
                .find("unknown key"),
            std::string::npos);
  EXPECT_NE(error("off_days = []\nmakeup_working_days = []\n").find("year"), std::string::npos);
}

}  // namespace
}  // namespace zhuji::calendar
