#include "services/node/deadline_control.h"

#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/time_format.h"
#include "services/node/supervision.h"
#include "services/node/views.h"

namespace zhuji::node {

using deadlines::DeadlineRecord;

DeadlineControl::DeadlineControl(const config::NodeConfig& config, DeadlineService& deadlines,
                                 Writer& writer, ControlService& control, const Clock& clock,
                                 FakeClock* fake_clock, spdlog::logger& log)
    : config_(config),
      deadlines_(deadlines),
      writer_(writer),
      control_(control),
      clock_(clock),
      fake_clock_(fake_clock),
      log_(log) {}

void DeadlineControl::Register(ControlService& control) {
  using R = schema::ControlRequest;
  control.Register(R::DEADLINES, [this](ControlCall& c) { List(c); });
  control.Register(R::OPEN_DEADLINE, [this](ControlCall& c) { Open(c); });
  control.Register(R::CLOSE_DEADLINE, [this](ControlCall& c) { Close(c); });
  control.Register(R::SUPERVISED, [this](ControlCall& c) { Supervised(c); });
  control.Register(R::CLOCK, [this](ControlCall& c) { MoveClock(c); });
  control.Register(R::LOAD_CALENDAR, [this](ControlCall& c) { LoadCalendar(c); });
}

void DeadlineControl::FillCalendar(schema::CalendarInfo::Builder cal, int64_t now) const {
  const calendar::Calendar& c = deadlines_.calendar();
  cal.setVersion(c.Version());
  auto years = c.Years();
  auto ys = cal.initYears(years.size());
  for (size_t i = 0; i < years.size(); ++i) ys.set(i, years[i]);
  auto local = cal.initLocalOffDays(c.local_off_days().size());
  size_t i = 0;
  for (auto& [day, why] : c.local_off_days()) local.set(i++, day.ToString() + " " + why);
  cal.setTodayDay(calendar::CstDateOf(now).days);
}

void DeadlineControl::List(ControlCall& call) {
  int64_t now = clock_.NowMs();
  std::vector<DeadlineRecord> list;
  {
    auto txn = writer_.BeginRead();
    list = deadlines::DeadlineBook::List(txn, call.request.getDeadlines().getAll());
  }
  auto out = call.reply.initDeadlines();
  calendar::Date today = calendar::CstDateOf(now);
  auto views = out.initDeadlines(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    FillDeadlineView(list[i], deadlines_.calendar().WorkingDaysBetween(today, list[i].due_day),
                     views[i]);
  }
  FillCalendar(out.initCalendar(), now);
}

void DeadlineControl::Open(ControlCall& call) {
  auto o = call.request.getOpenDeadline();
  int64_t now = clock_.NowMs();
  deadlines::DeadlineSpec spec;
  spec.item = o.getItem();
  spec.step = o.getStep();
  spec.rule = o.getRule();
  spec.title = o.getTitle();
  spec.trigger = o.getHasTrigger() ? calendar::Date{o.getTriggerDay()} : calendar::CstDateOf(now);
  spec.working_days = o.getWorkingDays();
  if (o.getHasFixedDay()) spec.fixed_day = calendar::Date{o.getFixedDay()};
  if (!calendar::IsSupported(spec.trigger) ||
      (spec.fixed_day && !calendar::IsSupported(*spec.fixed_day))) {
    return call.reply.setError("a deadline's dates must lie within " + calendar::SupportedRange());
  }
  deadlines_.SetSupervisor(spec, nullptr);  // GD Art. 41
  DeadlineRecord d;
  Status st = control_.Write([&](store::Txn& txn) { return deadlines_.Open(txn, spec, now, &d); });
  if (!st.ok()) return call.reply.setError(st.message());
  auto out = call.reply.initDeadlines();
  FillDeadlineView(d, deadlines_.calendar().WorkingDaysBetween(calendar::CstDateOf(now), d.due_day),
                   out.initDeadlines(1)[0]);
  out.initCalendar().setVersion(deadlines_.calendar().Version());
}

void DeadlineControl::Close(ControlCall& call) {
  auto c = call.request.getCloseDeadline();
  std::string item = c.getItem(), step = c.getStep();
  int64_t now = clock_.NowMs();
  Status st = control_.Write([&](store::Txn& txn) {
    if (deadlines_.CloseDuty(txn, item, step, now)) return Status::Ok();
    return Status::Error("no open deadline for " + item + " / " + step);
  });
  if (!st.ok()) return call.reply.setError(st.message());
  call.reply.setNone();
}

void DeadlineControl::Supervised(ControlCall& call) {
  std::vector<SupervisedEntry> list;
  {
    auto txn = writer_.BeginRead();
    list = Supervision::List(txn, call.request.getSupervised());
  }
  auto views = call.reply.initSupervised(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    views[i].setOrigin(list[i].origin);
    try {  // checked when it arrived (the supervision kind); one bad row spoils no listing
      auto body = ReadMessage(list[i].notice);
      views[i].setSupervision(body->Root<schema::Supervision>());
    } catch (const MalformedMessage& e) {
      views[i].initSupervision().setTitle(std::string("(unreadable: ") + e.what() + ")");
    } catch (const kj::Exception& e) {
      views[i].initSupervision().setTitle("(unreadable: " + std::string(e.getDescription().cStr()) +
                                          ")");
    }
    views[i].setReceivedMs(list[i].received_ms);
    views[i].setClosed(list[i].closed);
  }
}

void DeadlineControl::MoveClock(ControlCall& call) {
  if (!fake_clock_) {
    return call.reply.setError(
        "this node runs on the real clock; only a test node ([clock] fake_start) can be moved");
  }
  auto c = call.request.getClock();
  int64_t advance = c.getAdvanceMs();
  int64_t target = c.getSetMs()                                ? c.getSetMs()
                   : advance >= 0 && advance < kEndSupportedMs ? fake_clock_->NowMs() + advance
                                                               : kEndSupportedMs;
  if (!IsSupportedInstant(target) || (!c.getSetMs() && advance < 0)) {
    return call.reply.setError("the fake clock stays within " + calendar::SupportedRange() +
                               " (CST) and advances by a positive amount; refused " +
                               (c.getSetMs()
                                    ? "setting it to " + std::to_string(c.getSetMs()) + " ms"
                                    : "advancing it by " + std::to_string(advance) + " ms"));
  }
  fake_clock_->Set(target);
  log_.warn("fake clock moved to {}", FormatCst(fake_clock_->NowMs()));
  call.reply.setClockMs(fake_clock_->NowMs());
}

void DeadlineControl::LoadCalendar(ControlCall& call) {
  if (config_.level != config::Level::kProvince) {
    return call.reply.setError(
        "a calendar year is loaded on the province node, which passes it down to every node; "
        "this node is " +
        std::string(config::LevelName(config_.level)));
  }
  auto l = call.request.getLoadCalendar();
  std::string file = l.getFileName(), toml = l.getToml();
  try {
    calendar::ParseYearFile(toml, file);
  } catch (const calendar::CalendarError& e) {
    return call.reply.setError(e.what());
  }
  int64_t now = clock_.NowMs();
  DeadlineService::CalendarApplied applied;
  (void)control_.Write([&](store::Txn& txn) {
    applied = deadlines_.ApplyCalendarYear(txn, file, toml, now);
    return Status::Ok();
  });
  auto out = call.reply.initCalendarLoaded();
  out.setYear(applied.year);
  out.setVersion(deadlines_.calendar().Version());
  out.setRecomputed(static_cast<uint32_t>(applied.recomputed));
  auto f = out.initForwardedTo(applied.forwarded_to.size());
  for (size_t i = 0; i < applied.forwarded_to.size(); ++i) f.set(i, applied.forwarded_to[i]);
}

}  // namespace zhuji::node
