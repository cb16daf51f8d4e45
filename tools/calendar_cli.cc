// `zhuji calendar add|show`: the working-day calendar (工作日) for operators, without a node.
#include <capnp/message.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "services/calendar/calendar.h"
#include "services/common/json.h"
#include "services/common/paths.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace {

using calendar::Calendar;
using calendar::Date;

Calendar LoadFor(const Args& args) {
  std::string dir = args.Get("calendar-dir", calendar::DefaultCalendarDir(BinaryDir()));
  if (dir.empty()) {
    throw UsageError("no calendar folder found; give --calendar-dir DIR (deploy/calendar)");
  }
  return calendar::LoadCalendarDir(dir);
}

std::string YearsOf(const Calendar& cal) {
  std::string s;
  for (int y : cal.Years()) s += (s.empty() ? "" : ", ") + std::to_string(y);
  return s.empty() ? "none" : s;
}

std::string Kind(const Calendar& cal, Date d) {
  auto* y = cal.Year(d.year());
  if (y && y->makeup_days.count(d)) return " 调休上班 make-up";
  if (cal.local_off_days().count(d)) return " 本地休息 local day off";
  if (y && y->off_days.count(d)) return " 法定节假日 holiday";
  return "";
}

int Add(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() != 4) throw UsageError("calendar add needs a DATE (YYYY-MM-DD) and a number N");
  std::string why;
  auto trigger = calendar::ParseInputDate(pos[2], &why);
  if (!trigger) throw UsageError(why);
  char* end = nullptr;
  long n = std::strtol(pos[3].c_str(), &end, 10);
  if (!end || *end || n < 0 || n > 2000) {
    throw UsageError("N must be a whole number of working days from 0 to 2000");
  }
  Calendar cal = LoadFor(args);
  auto due = cal.AddWorkingDays(*trigger, static_cast<int>(n));
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("trigger").String(trigger->ToString()).Key("working_days").Int(n);
    j.Key("due_date").String(due.date.ToString()).Key("due_ms").Int(due.due_ms);
    j.Key("provisional").Bool(due.provisional).Key("calendar_version").String(cal.Version());
    j.Key("counted").BeginArray();
    for (auto& d : due.counted) j.String(d.ToString());
    j.EndArray().EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << "起算 trigger    " << trigger->ToString() << " " << trigger->WeekdayZh()
      << " (not counted 当日不计入)\n"
      << "期限 period     " << n << " 个工作日 working days\n"
      << "到期 due        " << due.date.ToString() << " " << due.date.WeekdayZh() << " 24:00 CST ("
      << FormatCst(due.due_ms) << ")" << (due.provisional ? "  暂定 PROVISIONAL" : "") << "\n";
  out << "计入 counted   ";
  for (size_t i = 0; i < due.counted.size(); ++i) {
    Date d = due.counted[i];
    out << (i % 6 == 0 && i ? "\n               " : " ") << d.ToString().substr(5) << " "
        << d.WeekdayZh() << Kind(cal, d) << (i + 1 < due.counted.size() ? "," : "");
  }
  out << "\n";
  // Runs of days off that hold a holiday (weekends alone are not worth a line).
  std::ostringstream skipped;
  size_t runs = 0;
  for (Date d = *trigger + 1; d < due.date;) {
    if (cal.IsWorkingDay(d)) {
      d = d + 1;
      continue;
    }
    Date first = d;
    std::string label;
    for (; d < due.date && !cal.IsWorkingDay(d); d = d + 1) {
      if (label.empty()) label = Kind(cal, d);
    }
    if (label.empty()) continue;
    skipped << (runs++ ? ", " : " ") << first.ToString().substr(5);
    if (d - 1 != first) skipped << "…" << (d - 1).ToString().substr(5);
    skipped << label;
  }
  if (runs) out << "跳过 skipped   " << skipped.str() << "\n";
  out << "日历 calendar   " << cal.Version() << " (years " << YearsOf(cal) << ")\n";
  if (due.provisional) {
    out << "注意 note       the period runs into a year with no official schedule yet: counted on "
           "weekends alone, and recomputed when that year's schedule is loaded\n";
  }
  return 0;
}

int Show(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() != 3) throw UsageError("calendar show needs a YEAR");
  int year = std::atoi(pos[2].c_str());
  if (year < 1900 || year > 2200) throw UsageError("YEAR must be from 1900 to 2200");
  Calendar cal = LoadFor(args);
  const auto* y = cal.Year(year);
  int per_month[12] = {};
  for (int m = 1; m <= 12; ++m) {
    per_month[m - 1] = cal.WorkingDaysBetween(
        Date::FromYmd(year, m, 1) - 1, Date::FromYmd(year, m, calendar::DaysInMonth(year, m)));
  }
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("year").Int(year).Key("provisional").Bool(!y);
    j.Key("source").String(y ? y->source : "").Key("calendar_version").String(cal.Version());
    j.Key("off_days").BeginArray();
    if (y) {
      for (auto& d : y->off_days) j.String(d.ToString());
    }
    j.EndArray().Key("makeup_working_days").BeginArray();
    if (y) {
      for (auto& d : y->makeup_days) j.String(d.ToString());
    }
    j.EndArray().Key("working_days").Int(cal.WorkingDaysIn(year));
    j.Key("working_days_per_month").BeginArray();
    for (int c : per_month) j.Int(c);
    j.EndArray().EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << year << " 年工作日日历 working-day calendar";
  if (!y) {
    out << " — 暂定 PROVISIONAL: no official schedule loaded for " << year
        << "; weekends only until it is (years loaded: " << YearsOf(cal) << ")\n";
  } else {
    out << "\n来源 source     " << y->source << "\n";
    auto list = [&](const char* title, const std::set<Date>& days) {
      out << title << " (" << days.size() << ")";
      size_t i = 0;
      for (auto& d : days) {
        out << (i++ % 8 == 0 ? "\n    " : "  ") << d.ToString().substr(5) << " " << d.WeekdayZh();
      }
      out << "\n";
    };
    list("放假 off-days", y->off_days);
    list("调休上班 make-up working days", y->makeup_days);
  }
  out << "工作日 working days " << cal.WorkingDaysIn(year) << ":";
  for (int m = 0; m < 12; ++m) out << " " << m + 1 << "月 " << per_month[m];
  out << "\n日历 calendar   " << cal.Version() << "\n";
  return 0;
}

int Load(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() != 3)
    throw UsageError("calendar load needs a year FILE (TOML, like deploy/calendar/2026.toml)");
  std::ifstream in(pos[2]);
  if (!in) throw UsageError("cannot read " + pos[2]);
  std::stringstream text;
  text << in.rdbuf();
  calendar::ParseYearFile(text.str(), pos[2]);  // refuse a bad file before it goes anywhere
  capnp::MallocMessageBuilder req;
  auto l = req.initRoot<schema::ControlRequest>().initLoadCalendar();
  l.setFileName(std::filesystem::path(pos[2]).filename().string());
  l.setToml(text.str());
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.Call(req, static_cast<int>(args.GetInt("timeout", 10'000, 100, 600'000)));
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: calendar load refused: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto c = r.getCalendarLoaded();
  out << "已载入 loaded " << c.getYear() << " 年 schedule; calendar now " << c.getVersion().cStr()
      << "; " << c.getRecomputed() << " provisional deadline(s) recomputed here; published to";
  for (auto n : c.getForwardedTo()) out << " " << n.cStr();
  if (c.getForwardedTo().size() == 0) out << " no node (no children configured)";
  out << " (each passes it on to the nodes below it; offline nodes get it when they return)\n";
  return 0;
}

}  // namespace

int CmdCalendar(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"calendar-dir", "json"}));
  const auto& pos = args.positionals();
  if (pos.size() < 2) throw UsageError("calendar needs an action: add, show, load");
  try {
    if (pos[1] == "load") return Load(args, ctx, out);
    if (pos[1] == "add") return Add(args, out);
    if (pos[1] == "show") return Show(args, out);
  } catch (const calendar::CalendarError& e) {
    std::cerr << "zhuji: calendar: " << e.what() << "\n";
    return 1;
  }
  throw UsageError("unknown calendar action '" + pos[1] + "' (add, show, load)");
}

}  // namespace zhuji::tools
