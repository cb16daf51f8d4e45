// `zhuji deadlines …` and `zhuji clock …`: deadlines (期限) and 督办 over a node's control socket.
#include <capnp/message.h>

#include <iomanip>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/node/deadlines.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::tools {

namespace {

using node::DeadlineRecord;
using State = schema::Deadline::State;

std::unique_ptr<OwnedMessage> Call(const Args& args, zmq::context_t& ctx,
                                   capnp::MessageBuilder& req) {
  ControlClient client(ctx, ResolveControl(args));
  return client.CallOk(req, NodeTimeoutMs(args));
}

std::string DaysLeft(int days, State state) {
  if (state == State::CLOSED) return "-";
  if (days > 0) return "剩 " + std::to_string(days) + " 个工作日";
  if (days == 0) return state == State::OVERDUE ? "逾期 overdue" : "今日到期 today";
  return "逾期 " + std::to_string(-days) + " 个工作日";
}

void PrintRecordJson(JsonWriter& j, const DeadlineRecord& d, int days_left) {
  j.BeginObject().Key("item").String(d.item).Key("step").String(d.step);
  j.Key("rule").String(d.rule).Key("title").String(d.title);
  j.Key("trigger").String(d.trigger.ToString()).Key("working_days").Int(d.working_days);
  j.Key("due_date").String(d.due_day.ToString()).Key("due_ms").Int(d.due_ms);
  j.Key("days_left")
      .Int(days_left)
      .Key("state")
      .String(d.state == State::OPEN        ? "open"
              : d.state == State::REMINDED  ? "reminded"
              : d.state == State::DUE_TODAY ? "due_today"
              : d.state == State::OVERDUE   ? "overdue"
                                            : "closed");
  j.Key("provisional").Bool(d.provisional).Key("calendar_version").String(d.calendar_version);
  j.Key("supervisor").String(d.supervisor).Key("overdue_at_ms").Int(d.overdue_at_ms);
  j.EndObject();
}

int List(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initDeadlines().setAll(args.Flag("all"));
  auto reply = Call(args, ctx, req);
  auto list = reply->Root<schema::ControlReply>().getDeadlines();
  bool only_overdue = args.Flag("overdue");
  long long within = args.GetInt("due-within", -1, 0, 10'000);
  std::vector<std::pair<DeadlineRecord, int>> rows;
  for (auto v : list.getDeadlines()) {
    auto rec = v.getRecord();
    DeadlineRecord d = DeadlineRecord::Decode(AsView(rec));
    if (only_overdue && d.state != State::OVERDUE) continue;
    if (within >= 0 && (d.state == State::CLOSED || v.getDaysLeft() > within)) continue;
    rows.emplace_back(d, v.getDaysLeft());
  }
  auto cal = list.getCalendar();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("calendar_version").String(cal.getVersion().cStr());
    j.Key("local_off_days").BeginArray();
    for (auto l : cal.getLocalOffDays()) j.String(l.cStr());
    j.EndArray().Key("deadlines").BeginArray();
    for (auto& [d, left] : rows) PrintRecordJson(j, d, left);
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
  for (auto& [d, left] : rows) {
    out << "  " << d.item << " / " << d.step << "  " << d.rule;
    if (!d.title.empty()) out << "  " << d.title;
    out << "\n      due 到期 " << d.due_day.ToString() << " " << d.due_day.WeekdayZh()
        << " 24:00 CST";
    if (d.working_days) {
      out << " (" << d.working_days << " 个工作日 from " << d.trigger.ToString() << ")";
    }
    out << "  " << DaysLeft(left, d.state) << "  " << node::StateZh(d.state);
    if (d.provisional) out << "  暂定 PROVISIONAL";
    if (d.state == State::OVERDUE && !d.supervisor.empty()) out << "  督办 → " << d.supervisor;
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
    out << "督办 overdue duties reported by the nodes below (" << list.size() << ")\n";
  }
  for (auto v : list) {
    auto n = v.getNotice();
    auto msg = ReadMessage(AsView(n));
    auto s = msg->Root<schema::Supervision>();
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
  auto v = reply->Root<schema::ControlReply>().getDeadlines().getDeadlines()[0];
  auto rec = v.getRecord();
  DeadlineRecord d = DeadlineRecord::Decode(AsView(rec));
  out << "已登记 opened " << d.item << " / " << d.step << " (" << d.rule << "): due 到期 "
      << d.due_day.ToString() << " " << d.due_day.WeekdayZh() << " 24:00 CST, "
      << DaysLeft(v.getDaysLeft(), d.state) << (d.provisional ? ", 暂定 PROVISIONAL" : "")
      << "; reminder 提醒 " << FormatCst(d.remind_ms) << "; calendar " << d.calendar_version
      << "\n";
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
