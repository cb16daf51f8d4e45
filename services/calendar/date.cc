#include "services/calendar/date.h"

#include <algorithm>
#include <cstdio>

#include "services/common/time_format.h"

namespace zhuji::calendar {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Ymd {
  int y;
  unsigned m, d;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

}  // namespace

Date Date::FromYmd(int year, int month, int day) {
  return Date{DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))};
}
int Date::year() const { return CivilFromDays(days).y; }
int Date::month() const { return static_cast<int>(CivilFromDays(days).m); }
int Date::day() const { return static_cast<int>(CivilFromDays(days).d); }
int Date::iso_weekday() const {
  // 1970-01-01 was a Thursday (4).
  int w = ((days % 7) + 7 + 3) % 7;  // 0 = Monday
  return w + 1;
}

std::string Date::ToString() const {
  auto c = CivilFromDays(days);
  char buf[32];  // room for any int year: GCC's -Wformat-truncation checks the whole range
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

const char* Date::WeekdayZh() const {
  static const char* kNames[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
  return kNames[iso_weekday() - 1];
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Date AddMonths(Date day, int months) {
  int total = day.year() * 12 + (day.month() - 1) + months;
  int year = total / 12, month = total % 12 + 1;
  return Date::FromYmd(year, month, std::min(day.day(), DaysInMonth(year, month)));
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

std::optional<Date> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return std::nullopt;
  }
  return Date::FromYmd(y, m, d);
}

bool IsSupported(Date date) {
  return date >= Date::FromYmd(kFirstSupportedYear, 1, 1) &&
         date <= Date::FromYmd(kLastSupportedYear, 12, 31);
}

std::string SupportedRange() {
  return Date::FromYmd(kFirstSupportedYear, 1, 1).ToString() + " to " +
         Date::FromYmd(kLastSupportedYear, 12, 31).ToString();
}

std::optional<Date> ParseInputDate(std::string_view text, std::string* why) {
  // Built by appending: `"'" + std::string(…)` trips GCC 12's false -Wrestrict at -O3 (PR105329).
  std::string quoted = "'";
  quoted.append(text).append("'");
  bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; shape && i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) shape = false;
  }
  if (!shape) {
    *why = quoted + " is not a date of the form YYYY-MM-DD";
    return std::nullopt;
  }
  int year = std::stoi(std::string(text.substr(0, 4)));
  if (year < kFirstSupportedYear || year > kLastSupportedYear) {
    *why = quoted + " is outside the dates zhuji supports (" + SupportedRange() + ")";
    return std::nullopt;
  }
  auto date = ParseDate(text);
  if (!date) *why = quoted + " is not a calendar date (no such month or day)";
  return date;
}

Date CstDateOf(int64_t ms) {
  int64_t local = ms + kCstOffsetMs;
  int64_t day = local >= 0 ? local / 86'400'000 : (local - 86'399'999) / 86'400'000;
  return Date{static_cast<int32_t>(day)};
}

int64_t EndOfDayCstMs(Date date) {
  return (static_cast<int64_t>(date.days) + 1) * 86'400'000 - kCstOffsetMs;
}

}  // namespace zhuji::calendar
