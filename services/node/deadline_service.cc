#include "services/node/deadline_service.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/node/supervision.h"
#include "services/store/audit.h"

namespace zhuji::node {

using deadlines::DeadlineEvent;
using deadlines::DeadlineRecord;

DeadlineService::DeadlineService(const config::NodeConfig& config,
                                 const workflows::OrganDirectory& directory,
                                 calendar::Calendar& calendar, Writer& writer, Mail& mail,
                                 spdlog::logger& log)
    : config_(config),
      directory_(directory),
      calendar_(calendar),
      writer_(writer),
      mail_(mail),
      log_(log),
      book_(calendar_, deadlines::DeadlinePolicy{config.reminder_working_days}) {}

KindEntry DeadlineService::SupervisionKind() {
  KindEntry k;
  k.name = "supervision";
  k.check = [](const std::string&, std::string_view body) {
    if (Status st = CheckText<schema::Supervision>(body); !st.ok()) return st;
    if (ReadMessage(body)->Root<schema::Supervision>().getItem().size() == 0) {
      return Status::Error("督办 without an item");
    }
    return Status::Ok();
  };
  k.describe = [](std::string_view body) { return Supervision::Summary(body); };
  return k;
}

KindEntry DeadlineService::CalendarKind(const std::string& parent) {
  KindEntry k;
  k.name = "calendarUpdate";
  k.check = [parent](const std::string& origin, std::string_view body) {
    if (origin != parent) {
      return Status::Error("calendar updates are accepted only from the parent node " +
                           (parent.empty() ? std::string("(this is the province)") : parent));
    }
    if (Status st = CheckText<schema::CalendarUpdate>(body); !st.ok()) return st;
    auto u = ReadMessage(body);
    auto r = u->Root<schema::CalendarUpdate>();
    try {
      calendar::ParseYearFile(r.getToml(), r.getFileName());
    } catch (const calendar::CalendarError& e) {
      return Status::Error(std::string("calendar update: ") + e.what());
    }
    return Status::Ok();
  };
  k.describe = [](std::string_view body) {
    auto u = ReadMessage(body);
    auto r = u->Root<schema::CalendarUpdate>();
    return std::string("日历更新 calendar update ") + r.getFileName().cStr() + " from " +
           r.getPublishedBy().cStr() + " (" + r.getVersion().cStr() + ")";
  };
  return k;
}

void DeadlineService::Register(KindRegistry& kinds) {
  kinds.Register(schema::Kind::SUPERVISION, SupervisionKind());
  kinds.SetApply(schema::Kind::SUPERVISION,  // 督办 from a node below
                 [](store::Txn& txn, const std::string& origin, std::string_view body,
                    int64_t now) { Supervision::Record(txn, origin, body, now); });
  kinds.Register(schema::Kind::CALENDAR_UPDATE, CalendarKind(config_.parent));
  kinds.SetApply(schema::Kind::CALENDAR_UPDATE,
                 [this](store::Txn& txn, const std::string&, std::string_view body, int64_t now) {
                   auto u = ReadMessage(body);
                   auto r = u->Root<schema::CalendarUpdate>();
                   ApplyCalendarYear(txn, r.getFileName(), r.getToml(), now);
                 });
}

void DeadlineService::Load() {
  auto txn = writer_.BeginRead();
  auto cursor = txn.OpenCursor("calendar");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto y = calendar::ParseYearFile(std::string(kv->second), std::string(kv->first));
    (void)calendar_.AddYear(y, true);
  }
  next_event_ms_ = deadlines::DeadlineBook::NextEventMs(txn);
}

void DeadlineService::Changed(store::Txn& txn) {
  writer_.AfterCommit(
      [this, next = deadlines::DeadlineBook::NextEventMs(txn)] { next_event_ms_ = next; });
}

void DeadlineService::SetSupervisor(deadlines::DeadlineSpec& spec,
                                    const workflows::Organ* organ) const {
  if (!directory_.Node(config_.node_id)) {
    spec.supervisor = config_.parent;
    spec.supervisor_name = config_.parent.empty() ? "" : "上级 parent node " + config_.parent;
    return;
  }
  workflows::Supervisor s = directory_.SupervisorOf(config_.node_id, organ);
  spec.supervisor = s.node;
  spec.supervisor_name = s.name;
}

Status DeadlineService::Open(store::Txn& txn, const deadlines::DeadlineSpec& spec, int64_t now,
                             DeadlineRecord* out) {
  Status st = book_.Open(txn, spec, now, out);
  if (st.ok()) Changed(txn);
  return st;
}

void DeadlineService::QueueSupervision(store::Txn& txn, const DeadlineRecord& d, bool closed,
                                       int64_t now) {
  if (d.supervisor.empty()) return;  // the provincial bureau's own: outside the network
  std::string body = Supervision::Body(d, config_.name, closed, closed ? now : 0);
  if (d.supervisor == config_.node_id) {
    // GD Art. 41: the region's own bureau, on this node: the 督办事项 is recorded here.
    Supervision::Record(txn, config_.node_id, body, now);
    return;
  }
  mail_.Post(txn, {d.supervisor, schema::Kind::SUPERVISION, std::move(body), d.item}, now);
}

std::optional<DeadlineRecord> DeadlineService::CloseDuty(store::Txn& txn, const std::string& item,
                                                         const std::string& step, int64_t now) {
  auto was = book_.Close(txn, item, step, now);
  if (!was) return was;
  if (was->state == schema::Deadline::State::OVERDUE) QueueSupervision(txn, *was, true, now);
  Changed(txn);
  return was;
}

Result<deadlines::DeadlineRecord> DeadlineService::OpenDuty(store::Txn& txn,
                                                            deadlines::DeadlineSpec spec,
                                                            const workflows::Organ* organ,
                                                            int64_t now) {
  SetSupervisor(spec, organ);  // GD Art. 41
  deadlines::DeadlineRecord d;
  if (Status st = Open(txn, spec, now, &d); !st.ok()) return st;
  return d;
}

bool DeadlineService::MarkMet(store::Txn& txn, const std::string& item, const std::string& step,
                              int64_t at) {
  bool done = book_.MarkMet(txn, item, step, at);
  if (done) Changed(txn);
  return done;
}

bool DeadlineService::RunOn(store::Txn& txn, const std::string& item, const std::string& step,
                            int64_t now) {
  bool done = book_.RunOn(txn, item, step, now);
  if (done) Changed(txn);
  return done;
}

DeadlineService::CalendarApplied DeadlineService::ApplyCalendarYear(store::Txn& txn,
                                                                    const std::string& file_name,
                                                                    const std::string& toml,
                                                                    int64_t now) {
  CalendarApplied out;
  calendar::YearSchedule y = calendar::ParseYearFile(toml, file_name);  // checked already
  // The deadlines are recomputed with the new year inside the transaction; if it does not
  // commit, the calendar in memory goes back to what the store still says.
  writer_.OnAbort([this, saved = calendar_] { calendar_ = saved; });
  (void)calendar_.AddYear(y, true);
  out.year = y.year;
  txn.Put("calendar", "year/" + std::to_string(y.year), toml);
  out.recomputed = book_.RecomputeProvisional(txn, now);
  Changed(txn);
  capnp::MallocMessageBuilder m;
  auto u = m.initRoot<schema::CalendarUpdate>();
  u.setFileName(file_name);
  u.setToml(toml);
  u.setPublishedBy(config_.level == config::Level::kProvince ? config_.node_id : "");
  u.setVersion(calendar_.Version());
  std::string body = ToBytes(m);
  for (auto& child : config_.children) {
    mail_.Post(txn, {child, schema::Kind::CALENDAR_UPDATE, body, {}}, now);
    out.forwarded_to.push_back(child);
  }
  store::Audit::Append(txn, now, "calendar year loaded",
                       std::to_string(y.year) + " from " + file_name + ": now " +
                           calendar_.Version() + ", " + std::to_string(out.recomputed) +
                           " provisional deadline(s) recomputed, passed to " +
                           std::to_string(out.forwarded_to.size()) + " node(s) below");
  writer_.AfterCommit([this, year = y.year, version = calendar_.Version(),
                       recomputed = out.recomputed, passed = out.forwarded_to.size()] {
    log_.info(
        "calendar: {} schedule applied, now {}; {} provisional deadline(s) recomputed; passed "
        "to {} node(s) below",
        year, version, recomputed, passed);
  });
  return out;
}

void DeadlineService::FireDue(int64_t now) {
  if (!next_event_ms_ || *next_event_ms_ > now) return;
  std::vector<DeadlineEvent> events;
  (void)writer_.Commit([&](store::Txn& txn) {
    events = book_.Fire(txn, now);
    for (auto& e : events) {
      if (e.kind == DeadlineEvent::Kind::kOverdue) QueueSupervision(txn, e.deadline, false, now);
    }
    Changed(txn);
    return Status::Ok();
  });
  LogEvents(events);
}

void DeadlineService::LogEvents(const std::vector<DeadlineEvent>& events) {
  static const char* kWhat[] = {"提醒 reminder", "今日到期 due today", "逾期 overdue"};
  constexpr size_t kLogEach = 20;  // a node back after days may fire thousands at once
  for (size_t i = 0; i < events.size() && i < kLogEach; ++i) {
    const auto& e = events[i];
    const auto& d = e.deadline;
    log_.info("deadline {}: {} / {} ({}) due {} 24:00 CST{}{}", kWhat[static_cast<int>(e.kind)],
              d.item, d.step, d.rule, d.due_day.ToString(), d.provisional ? " (provisional)" : "",
              e.kind == DeadlineEvent::Kind::kOverdue && !d.supervisor.empty()
                  ? "; 逾期报告 overdue report to " + d.supervisor_name + " (" + d.supervisor + ")"
                  : "");
  }
  if (events.size() > kLogEach) {
    size_t overdue = 0;
    for (auto& e : events) overdue += e.kind == DeadlineEvent::Kind::kOverdue;
    log_.info("deadline: {} more event(s) in this tick ({} overdue in all); see zhuji deadlines",
              events.size() - kLogEach, overdue);
  }
}

}  // namespace zhuji::node
