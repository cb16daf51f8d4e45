#pragma once
// Civil dates (proleptic Gregorian) as a day count, with China Standard Time conversions.
// A value type: cheap to copy, ordered, hashable by `days`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhuji::calendar {

struct Date {
  int32_t days = 0;  // days since 1970-01-01

  static Date FromYmd(int year, int month, int day);
  int year() const;
  int month() const;
  int day() const;
  // 1 = Monday … 7 = Sunday (ISO 8601).
  int iso_weekday() const;
  bool is_weekend() const { return iso_weekday() >= 6; }
  Date operator+(int n) const { return Date{days + n}; }
  Date operator-(int n) const { return Date{days - n}; }
  auto operator<=>(const Date&) const = default;

  // "2025-09-25".
  std::string ToString() const;
  // "周四".
  const char* WeekdayZh() const;
};

// Strict "YYYY-MM-DD" with a real month and day (years 1900-2200, for the arithmetic); nullopt
// otherwise.
std::optional<Date> ParseDate(std::string_view text);

// The dates an operator may give and a node accepts: 2000-01-01 to 2099-12-31.
inline constexpr int kFirstSupportedYear = 2000;
inline constexpr int kLastSupportedYear = 2099;
bool IsSupported(Date date);
// An operator's date: YYYY-MM-DD, a real calendar date, within the supported years. Otherwise
// nullopt, and `*why` says which of the three it is not ("'3000-01-01' is outside …").
std::optional<Date> ParseInputDate(std::string_view text, std::string* why);
// "2000-01-01 to 2099-12-31".
std::string SupportedRange();

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// `day` moved by whole months; the 29th-31st of a shorter month is its last day.
Date AddMonths(Date day, int months);

// The date in China Standard Time (UTC+8) of an instant.
Date CstDateOf(int64_t ms_since_epoch);
// 24:00 CST at the end of `date`, as ms since the epoch: when a deadline on that date falls due.
int64_t EndOfDayCstMs(Date date);

}  // namespace zhuji::calendar
