#include "services/calendar/calendar.h"

#include <sodium.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "services/common/ids.h"

namespace zhuji::calendar {

namespace fs = std::filesystem;

YearSchedule ParseYearFile(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw CalendarError(source + " (line " + std::to_string(e.source().begin.line) +
                        "): " + std::string(e.description()));
  }
  for (auto&& [k, v] : root) {
    (void)v;
    std::string key(k.str());
    if (key != "year" && key != "source" && key != "off_days" && key != "makeup_working_days") {
      throw CalendarError(source + ": unknown key '" + key + "'");
    }
  }
  YearSchedule y;
  // Integers only: toml++ would convert a float, undefined when out of range (fuzz_toml).
  auto year = root["year"].is_integer() ? root["year"].value<int64_t>() : std::nullopt;
  if (!year || *year < 1900 || *year > 2200) {
    throw CalendarError(source + ": year must be a whole number from 1900 to 2200");
  }
  y.year = static_cast<int>(*year);
  y.source = root["source"].value_or(std::string());
  auto read = [&](const char* key, std::set<Date>& out) {
    auto* arr = root[key].as_array();
    if (!arr) throw CalendarError(source + ": " + key + " must be a list of dates");
    for (auto& el : *arr) {
      auto s = el.value<std::string>();
      auto d = s ? ParseDate(*s) : std::nullopt;
      if (!d) {
        throw CalendarError(source + ": " + key + ": '" + s.value_or("?") +
                            "' is not a date of the form YYYY-MM-DD");
      }
      if (d->year() != y.year) {
        throw CalendarError(source + ": " + key + ": " + d->ToString() + " is not in " +
                            std::to_string(y.year));
      }
      if (!out.insert(*d).second) {
        throw CalendarError(source + ": " + key + ": " + d->ToString() + " appears twice");
      }
    }
  };
  read("off_days", y.off_days);
  read("makeup_working_days", y.makeup_days);
  for (auto& d : y.makeup_days) {
    if (!d.is_weekend()) {
      throw CalendarError(source + ": makeup_working_days: " + d.ToString() + " is a " +
                          d.WeekdayZh() + ", a working day anyway (make-up days are weekend days)");
    }
    if (y.off_days.count(d)) {
      throw CalendarError(source + ": " + d.ToString() + " is both an off-day and a make-up day");
    }
  }
  return y;
}

Status Calendar::AddYear(const YearSchedule& year, bool replace) {
  auto it = years_.find(year.year);
  if (it != years_.end() && !replace &&
      (it->second.off_days != year.off_days || it->second.makeup_days != year.makeup_days)) {
    return Status::Error("the calendar already has a different schedule for " +
                         std::to_string(year.year));
  }
  years_[year.year] = year;
  return Status::Ok();
}

void Calendar::AddLocalOffDay(Date day, std::string why) { local_off_[day] = std::move(why); }

std::vector<int> Calendar::Years() const {
  std::vector<int> out;
  for (auto& [y, s] : years_) out.push_back(y);
  return out;
}

const YearSchedule* Calendar::Year(int year) const {
  auto it = years_.find(year);
  return it == years_.end() ? nullptr : &it->second;
}

bool Calendar::IsWorkingDay(Date day) const {
  if (local_off_.count(day)) return false;
  auto it = years_.find(day.year());
  if (it != years_.end()) {
    if (it->second.makeup_days.count(day)) return true;
    if (it->second.off_days.count(day)) return false;
  }
  return !day.is_weekend();
}

DueDate Calendar::AddWorkingDays(Date trigger, int n) const {
  DueDate due;
  Date d = trigger;
  while (static_cast<int>(due.counted.size()) < n) {
    d = d + 1;
    if (IsProvisional(d)) due.provisional = true;
    if (IsWorkingDay(d)) due.counted.push_back(d);
  }
  due.date = d;
  due.due_ms = EndOfDayCstMs(d);
  return due;
}

Date Calendar::WorkingDayBefore(Date day, int n) const {
  Date d = day;
  for (int counted = 0; counted < n;) {
    d = d - 1;
    counted += IsWorkingDay(d);
  }
  return d;
}

int Calendar::WorkingDaysBetween(Date from, Date to) const {
  if (to < from) return -WorkingDaysBetween(to, from);
  int n = 0;
  for (Date d = from + 1; d <= to; d = d + 1) n += IsWorkingDay(d);
  return n;
}

int Calendar::WorkingDaysIn(int year) const {
  return WorkingDaysBetween(Date::FromYmd(year, 1, 1) - 1, Date::FromYmd(year, 12, 31));
}

std::string Calendar::Version() const {
  std::ostringstream canon;
  for (auto& [y, s] : years_) {
    canon << "Y" << y << ":";
    for (auto& d : s.off_days) canon << "-" << d.days;
    canon << "|";
    for (auto& d : s.makeup_days) canon << "+" << d.days;
    canon << ";";
  }
  for (auto& [d, why] : local_off_) canon << "L" << d.days << ";";
  std::string c = canon.str();
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(c.data()), c.size(),
                     nullptr, 0);
  return "cal-" + ToHex(std::string_view(reinterpret_cast<const char*>(h), sizeof h));
}

Date EndOfFebruary(int year) { return Date::FromYmd(year, 2, DaysInMonth(year, 2)); }
Date EndOfMarch(int year) { return Date::FromYmd(year, 3, 31); }

Calendar LoadCalendarDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw CalendarError("calendar folder " + dir + " not found");
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Calendar cal;
  for (auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    YearSchedule y = ParseYearFile(text.str(), f.string());
    if (auto st = cal.AddYear(y); !st.ok()) throw CalendarError(f.string() + ": " + st.message());
  }
  return cal;
}

std::string DefaultCalendarDir(const std::string& bin_dir) {
  for (std::string candidate :
       {bin_dir + "/../../deploy/calendar", bin_dir + "/../share/zhuji/calendar",
        std::string("/usr/share/zhuji/calendar")}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate).string();
  }
  return "";
}

}  // namespace zhuji::calendar
