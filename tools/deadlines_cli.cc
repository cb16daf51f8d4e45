// `zhuji deadlines …` and `zhuji clock …`: deadlines (期限) and 督办 over a node's control socket.
#include <capnp/message.h>

#include <iomanip>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::tools {

namespace {

using DeadlineView = schema::DeadlineView::Reader;

std::unique_ptr<OwnedMessage> Call(const Args& args, zmq::context_t& ctx,
                                   capnp::MessageBuilder& req) {
  ControlClient client(ctx, ResolveControl(args));
  return client.CallOk(req, NodeTimeoutMs(args));
}

std::string DaysLeft(DeadlineView d) {
  int days = d.getDaysLeft();
  if (d.getState() == "closed") return "-";
  if (days > 0) return "剩 " + std::to_string(days) + " 个工作日";
  if (days == 0) return d.getState() == "overdue" ? "逾期 overdue" : "今日到期 today";
  return "逾期 " + std::to_string(-days) + " 个工作日";
}

std::string DayOf(int32_t days) { return calendar::Date{days}.ToString(); }

void PrintRecordJson(JsonWriter& j, DeadlineView d) {
  j.BeginObject().Key("item").String(d.getItem().cStr()).Key("step").String(d.getStep().cStr());
  j.Key("rule").String(d.getRule().cStr()).Key("title").String(d.getTitle().cStr());
  j.Key("trigger").String(DayOf(d.getTriggerDay())).Key("working_days").Int(d.getWorkingDays());
  j.Key("due_date").String(DayOf(d.getDueDay())).Key("due_ms").Int(d.getDueMs());
  j.Key("days_left").Int(d.getDaysLeft()).Key("state").String(d.getState().cStr());
  j.Key("provisional").Bool(d.getProvisional());
  j.Key("calendar_version").String(d.getCalendarVersion().cStr());
  j.Key("supervisor").String(d.getSupervisor().cStr());
  j.Key("supervisor_name")
      .String(d.getSupervisorName().cStr())
      .Key("overdue_at_ms")
      .Int(d.getOverdueAtMs());
  j.Key("met_ms").Int(d.getMetMs());
  j.EndObject();
}

int List(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initDeadlines().setAll(args.Flag("all"));
  auto reply = Call(args, ctx, req);
  auto list = reply->Root<schema::ControlReply>().getDeadlines();
  bool only_overdue = args.Flag("overdue");
  long long within = args.GetInt("due-within", -1, 0, 10'000);
  std::vector<DeadlineView> rows;
  for (auto d : list.getDeadlines()) {
    if (only_overdue && d.getState() != "overdue") continue;
    if (within >= 0 && (d.getState() == "closed" || d.getDaysLeft() > within)) continue;
    rows.push_back(d);
  }
  auto cal = list.getCalendar();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("calendar_version").String(cal.getVersion().cStr());
    j.Key("local_off_days").BeginArray();
    for (auto l : cal.getLocalOffDays()) j.String(l.cStr());
    j.EndArray().Key("deadlines").BeginArray();
    for (auto d : rows) PrintRecordJson(j, d);
    j.EndArray().EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << "期限 deadlines — today " << calendar::Date{cal.getTodayDay()}.ToString() << ", calendar "
      << cal.getVersion().cStr() << " (years";
  for (auto y : cal.getYears()) out << " " << y;
  out << ")\n";
  for (auto l : cal.getLocalOffDays()) out << "  本地休息日 local day off: " << l.cStr() << "\n";
  if (rows.empty()) {
    out << "  (none 无)\n";
    return 0;
  }
  for (auto d : rows) {
    calendar::Date due{d.getDueDay()};
    out << "  " << d.getItem().cStr() << " / " << d.getStep().cStr() << "  " << d.getRule().cStr();
    if (d.getTitle().size()) out << "  " << d.getTitle().cStr();
    out << "\n      due 到期 " << due.ToString() << " " << due.WeekdayZh() << " 24:00 CST";
    if (d.getWorkingDays()) {
      out << " (" << d.getWorkingDays() << " 个工作日 from " << DayOf(d.getTriggerDay()) << ")";
    }
    out << "  " << DaysLeft(d) << "  " << d.getStateZh().cStr();
    if (d.getProvisional()) out << "  暂定 PROVISIONAL";
    if (d.getMetMs() && d.getState() != "closed") {
      out << "  已报送 met " << FormatCst(d.getMetMs()) << "，待回执 awaiting receipt";
    }
    if (d.getState() == "overdue" && d.getSupervisor().size()) {
      out << "  逾期报告 overdue report → " << d.getSupervisorName().cStr() << " ("
          << d.getSupervisor().cStr() << ")";
    }
    out << "\n";
  }
  return 0;
}

int Supervised(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().setSupervised(args.Flag("all"));
  auto reply = Call(args, ctx, req);
  auto list = reply->Root<schema::ControlReply>().getSupervised();
  JsonWriter j;
  if (args.Flag("json")) j.BeginArray();
  if (!args.Flag("json")) {
    out << "督办事项 overdue reports (逾期报告) of the organs this node's 保密局 supervises (GD "
           "Art. "
           "41): "
        << list.size() << "\n";
  }
  for (auto v : list) {
    auto s = v.getSupervision();
    if (args.Flag("json")) {
      j.BeginObject().Key("origin").String(v.getOrigin().cStr());
      j.Key("origin_name").String(s.getOriginName().cStr()).Key("item").String(s.getItem().cStr());
      j.Key("step").String(s.getStep().cStr()).Key("rule").String(s.getRule().cStr());
      j.Key("title").String(s.getTitle().cStr()).Key("due_ms").Int(s.getDueMs());
      j.Key("overdue_at_ms").Int(s.getOverdueAtMs()).Key("closed").Bool(v.getClosed());
      j.Key("closed_at_ms").Int(s.getClosedAtMs()).Key("received_ms").Int(v.getReceivedMs());
      j.Key("provisional").Bool(s.getProvisional()).EndObject();
      continue;
    }
    out << "  " << v.getOrigin().cStr() << " " << s.getOriginName().cStr() << "  "
        << s.getItem().cStr() << " / " << s.getStep().cStr() << "  " << s.getRule().cStr()
        << (s.getTitle().size() ? "  " + std::string(s.getTitle().cStr()) : "")
        << "\n      due 到期 " << FormatDueCst(s.getDueMs()) << ", overdue since 逾期自 "
        << FormatCst(s.getOverdueAtMs()) << ", received 收到 " << FormatCst(v.getReceivedMs())
        << (v.getClosed() ? ", 已办结 closed " + FormatCst(s.getClosedAtMs()) : "")
        << (s.getProvisional() ? "  暂定 PROVISIONAL" : "") << "\n";
  }
  if (args.Flag("json")) out << j.EndArray().str() << "\n";
  return 0;
}

int Open(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  if (!args.Has("item") || !args.Has("step") || !args.Has("rule")) {
    throw UsageError("deadlines open needs --item, --step and --rule, and --days N or --date DATE");
  }
  capnp::MallocMessageBuilder req;
  auto o = req.initRoot<schema::ControlRequest>().initOpenDeadline();
  o.setItem(args.Get("item"));
  o.setStep(args.Get("step"));
  o.setRule(args.Get("rule"));
  o.setTitle(args.Get("title"));
  if (args.Has("from")) {
    std::string why;
    auto d = calendar::ParseInputDate(args.Get("from"), &why);
    if (!d) throw UsageError("--from: " + why);
    o.setTriggerDay(d->days);
    o.setHasTrigger(true);
  }
  if (args.Has("date")) {
    std::string why;
    auto d = calendar::ParseInputDate(args.Get("date"), &why);
    if (!d) throw UsageError("--date: " + why);
    o.setFixedDay(d->days);
    o.setHasFixedDay(true);
  } else {
    o.setWorkingDays(static_cast<uint16_t>(args.GetInt("days", 0, 1, 2000)));
    if (!args.Has("days")) throw UsageError("give --days N (working days) or --date DATE");
  }
  auto reply = Call(args, ctx, req);
  auto d = reply->Root<schema::ControlReply>().getDeadlines().getDeadlines()[0];
  calendar::Date due{d.getDueDay()};
  out << "已登记 opened " << d.getItem().cStr() << " / " << d.getStep().cStr() << " ("
      << d.getRule().cStr() << "): due 到期 " << due.ToString() << " " << due.WeekdayZh()
      << " 24:00 CST, " << DaysLeft(d) << (d.getProvisional() ? ", 暂定 PROVISIONAL" : "")
      << "; reminder 提醒 " << FormatCst(d.getRemindMs()) << "; calendar "
      << d.getCalendarVersion().cStr() << "\n";
  return 0;
}

int Close(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  if (!args.Has("item") || !args.Has("step"))
    throw UsageError("deadlines close needs --item and --step");
  capnp::MallocMessageBuilder req;
  auto c = req.initRoot<schema::ControlRequest>().initCloseDeadline();
  c.setItem(args.Get("item"));
  c.setStep(args.Get("step"));
  Call(args, ctx, req);
  out << "已办结 closed " << args.Get("item") << " / " << args.Get("step") << "\n";
  return 0;
}

}  // namespace

int CmdDeadlines(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"overdue", "due-within", "json", "all", "supervised", "item", "step",
                          "rule", "title", "days", "from", "date"}));
  const auto& pos = args.positionals();
  if (pos.size() >= 2 && pos[1] == "open") return Open(args, ctx, out);
  if (pos.size() >= 2 && pos[1] == "close") return Close(args, ctx, out);
  if (pos.size() >= 2) throw UsageError("unknown deadlines action '" + pos[1] + "' (open, close)");
  if (args.Flag("supervised")) return Supervised(args, ctx, out);
  return List(args, ctx, out);
}

int CmdClock(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"days", "hours", "ms"}));
  const auto& pos = args.positionals();
  capnp::MallocMessageBuilder req;
  auto c = req.initRoot<schema::ControlRequest>().initClock();
  if (pos.size() == 2 && pos[1] == "advance") {
    c.setAdvanceMs(args.GetInt("days", 0, 0, 100'000) * 86'400'000 +
                   args.GetInt("hours", 0, 0, 1'000'000) * 3'600'000 +
                   args.GetInt("ms", 0, 0, 1ll << 50));
  } else if (pos.size() == 3 && pos[1] == "set") {
    std::string why;
    auto d = calendar::ParseInputDate(pos[2].substr(0, 10), &why);
    if (!d) throw UsageError("clock set takes a date YYYY-MM-DD (00:00 CST): " + why);
    c.setSetMs(calendar::EndOfDayCstMs(*d - 1));
  } else {
    throw UsageError("clock advance --days N | clock set DATE (test nodes with a fake clock only)");
  }
  auto reply = Call(args, ctx, req);
  out << "clock 时钟 " << FormatCst(reply->Root<schema::ControlReply>().getClockMs()) << "\n";
  return 0;
}

}  // namespace zhuji::tools
