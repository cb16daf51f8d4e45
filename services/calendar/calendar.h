#pragma once
// The working-day calendar (工作日, RULES.md "Deadlines"): weekends, statutory off-days and
// make-up working days (调休上班) per year, from the official schedules in deploy/calendar/.
//
// A Calendar is a value: build it, then ask it. Years without a schedule are counted on weekends
// alone and every answer that touched such a year says `provisional`; when the year's schedule is
// added the same question gets the final answer. The version names exactly the data used, so a
// deadline can record which calendar computed it.

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"

namespace zhuji::calendar {

struct YearSchedule {
  int year = 0;
  std::string source;          // which notice it comes from
  std::set<Date> off_days;     // 放假 (may include weekend days)
  std::set<Date> makeup_days;  // 调休上班: weekend days that are working days
};

class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one year file (TOML: year, source, off_days, makeup_working_days). Throws CalendarError
// naming the file and the problem: a date outside the year, a make-up day that is not a weekend
// day, a day in both lists, an unknown key.
YearSchedule ParseYearFile(const std::string& toml_text, const std::string& source_name);

struct DueDate {
  Date date;                  // the n-th working day after the trigger day
  int64_t due_ms = 0;         // 24:00 CST at the end of `date`
  bool provisional = false;   // counted through a year with no schedule
  std::vector<Date> counted;  // the working days counted, in order
};

class Calendar {
 public:
  // Adds or replaces a year. Returns an error for a year already present with other data
  // unless `replace` is set.
  Status AddYear(const YearSchedule& year, bool replace = false);
  // Local extra days off for this node only (e.g. an autonomous area's own holidays).
  void AddLocalOffDay(Date day, std::string why);

  bool HasYear(int year) const { return years_.count(year) > 0; }
  std::vector<int> Years() const;
  const YearSchedule* Year(int year) const;
  const std::map<Date, std::string>& local_off_days() const { return local_off_; }

  bool IsWorkingDay(Date day) const;
  // True when `day` is in a year without a schedule.
  bool IsProvisional(Date day) const { return !HasYear(day.year()); }

  // "Within n working days from `trigger`": the trigger day is not counted; due at 24:00 CST
  // of the n-th working day after it (RULES.md; 民法典 Art. 201, 203). n = 0 is the trigger day.
  DueDate AddWorkingDays(Date trigger, int n) const;
  // "n working days before `day`": the n-th working day counted back from the day before it
  // (`day` itself is not counted; GD Art. 36 "届满前…个工作日"). n = 0 is `day`.
  Date WorkingDayBefore(Date day, int n) const;
  // Working days in (from, to]; negative when `to` is before `from`.
  int WorkingDaysBetween(Date from, Date to) const;
  // Working days in a calendar year.
  int WorkingDaysIn(int year) const;

  // A name for exactly this data: "cal-<16 hex>" over every year and local day off.
  std::string Version() const;

 private:
  std::map<int, YearSchedule> years_;
  std::map<Date, std::string> local_off_;
};

// Calendar-date deadlines (GD Art. 46, 47): the last day of February (29th in leap years) and of
// March, due at 24:00 CST of that day.
Date EndOfFebruary(int year);
Date EndOfMarch(int year);

// Loads every `*.toml` year file in `dir`. Throws CalendarError for an unreadable or bad file.
Calendar LoadCalendarDir(const std::string& dir);

// Where the calendar files are when none is configured: beside the binaries' source tree
// (<bin>/../../deploy/calendar), then /usr/share/zhuji/calendar. Empty if neither exists.
std::string DefaultCalendarDir(const std::string& bin_dir);

}  // namespace zhuji::calendar
