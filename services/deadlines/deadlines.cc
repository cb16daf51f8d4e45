#include "services/deadlines/deadlines.h"

#include <capnp/message.h>

#include <algorithm>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/store/audit.h"

namespace zhuji::deadlines {

using State = schema::Deadline::State;
using calendar::Date;

namespace {

std::string TimerKey(int64_t at, const std::string& id) {
  return EncodeBe64(static_cast<uint64_t>(at)) + id;
}

int64_t StartOfDayCstMs(Date d) { return calendar::EndOfDayCstMs(d - 1); }

}  // namespace

const char* StateZh(State s) {
  switch (s) {
    case State::OPEN:
      return "办理中 open";
    case State::REMINDED:
      return "提醒 reminded";
    case State::DUE_TODAY:
      return "今日到期 due today";
    case State::OVERDUE:
      return "逾期 overdue";
    case State::CLOSED:
      return "已办结 closed";
  }
  return "?";
}

std::string DeadlineRecord::id() const { return item + '\0' + step; }

std::string DeadlineRecord::Encode() const {
  capnp::MallocMessageBuilder m(128);
  auto b = m.initRoot<schema::Deadline>();
  b.setItem(item);
  b.setStep(step);
  b.setRule(rule);
  b.setTitle(title);
  b.setTriggerDay(trigger.days);
  b.setWorkingDays(static_cast<uint16_t>(working_days));
  b.setDueDay(due_day.days);
  b.setDueMs(due_ms);
  b.setRemindMs(remind_ms);
  b.setDueStartMs(due_start_ms);
  b.setProvisional(provisional);
  b.setCalendarVersion(calendar_version);
  b.setState(state);
  b.setOpenedMs(opened_ms);
  b.setClosedMs(closed_ms);
  b.setNextEventMs(next_event_ms);
  b.setSupervisor(supervisor);
  b.setOverdueAtMs(overdue_at_ms);
  b.setSupervisorName(supervisor_name);
  b.setMetMs(met_ms);
  return ToBytes(m);
}

DeadlineRecord DeadlineRecord::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::Deadline>();
  DeadlineRecord d;
  d.item = r.getItem();
  d.step = r.getStep();
  d.rule = r.getRule();
  d.title = r.getTitle();
  d.trigger = Date{r.getTriggerDay()};
  d.working_days = r.getWorkingDays();
  d.due_day = Date{r.getDueDay()};
  d.due_ms = r.getDueMs();
  d.remind_ms = r.getRemindMs();
  d.due_start_ms = r.getDueStartMs();
  d.provisional = r.getProvisional();
  d.calendar_version = r.getCalendarVersion();
  d.state = r.getState();
  d.opened_ms = r.getOpenedMs();
  d.closed_ms = r.getClosedMs();
  d.next_event_ms = r.getNextEventMs();
  d.supervisor = r.getSupervisor();
  d.overdue_at_ms = r.getOverdueAtMs();
  d.supervisor_name = r.getSupervisorName();
  d.met_ms = r.getMetMs();
  return d;
}

void DeadlineBook::Compute(DeadlineRecord& d) const {
  if (d.working_days > 0) {
    auto due = calendar_.AddWorkingDays(d.trigger, d.working_days);
    d.due_day = due.date;
    d.provisional = due.provisional;
  } else {
    d.provisional = calendar_.IsProvisional(d.due_day);
  }
  d.due_ms = calendar::EndOfDayCstMs(d.due_day);
  d.due_start_ms = StartOfDayCstMs(d.due_day);
  // The reminder day: the n-th working day before the last day.
  Date r = d.due_day;
  for (int n = 0; n < policy_.reminder_working_days && r > d.trigger;) {
    r = r - 1;
    if (calendar_.IsWorkingDay(r)) ++n;
    if (calendar_.IsProvisional(r)) d.provisional = true;
  }
  d.remind_ms = StartOfDayCstMs(r);
  d.calendar_version = calendar_.Version();
}

// Files the timer entry for the next event after the current state (none once overdue).
void DeadlineBook::Schedule(store::Txn& txn, DeadlineRecord& d, int64_t now) {
  (void)now;
  if (d.next_event_ms) txn.Del("deadlines", TimerKey(d.next_event_ms, d.id()));
  if (d.met_ms && d.state != State::CLOSED) {  // met, awaiting confirmation: nothing fires
    d.next_event_ms = 0;
    txn.Put("deadline_items", d.id(), d.Encode());
    return;
  }
  switch (d.state) {
    case State::OPEN:
      d.next_event_ms = d.remind_ms;
      break;
    case State::REMINDED:
      d.next_event_ms = d.due_start_ms;
      break;
    case State::DUE_TODAY:
      d.next_event_ms = d.due_ms;
      break;
    case State::OVERDUE:
    case State::CLOSED:
      d.next_event_ms = 0;
      break;
  }
  if (d.next_event_ms) txn.Put("deadlines", TimerKey(d.next_event_ms, d.id()), "");
  txn.Put("deadline_items", d.id(), d.Encode());
}

Status DeadlineBook::Open(store::Txn& txn, const DeadlineSpec& spec, int64_t now,
                          DeadlineRecord* out) {
  if (spec.item.empty() || spec.step.empty())
    return Status::Error("a deadline needs an item and a step");
  if (spec.item.find('\0') != std::string::npos || spec.step.find('\0') != std::string::npos) {
    return Status::Error("item and step may not contain NUL");
  }
  if (spec.working_days <= 0 && !spec.fixed_day) {
    return Status::Error("a deadline needs a number of working days or a calendar date");
  }
  DeadlineRecord d;
  d.item = spec.item;
  d.step = spec.step;
  if (auto old = txn.Get("deadline_items", d.id())) {
    if (DeadlineRecord::Decode(*old).state != State::CLOSED) {
      return Status::Error("a deadline for " + spec.item + " / " + spec.step + " is already open");
    }
  }
  d.rule = spec.rule;
  d.title = spec.title;
  d.trigger = spec.trigger;
  d.working_days = spec.fixed_day ? 0 : spec.working_days;
  if (spec.fixed_day) d.due_day = *spec.fixed_day;
  d.supervisor = spec.supervisor;
  d.supervisor_name = spec.supervisor_name;
  d.opened_ms = now;
  Compute(d);
  Schedule(txn, d, now);
  AdjustCounts(txn, 1, 0, d.provisional ? 1 : 0);
  store::Audit::Append(txn, now, "deadline opened",
                       d.item + " / " + d.step + " (" + d.rule + ") due " + d.due_day.ToString() +
                           (d.provisional ? " provisional" : "") + " " + d.calendar_version);
  if (out) *out = d;
  return Status::Ok();
}

std::optional<DeadlineRecord> DeadlineBook::Close(store::Txn& txn, const std::string& item,
                                                  const std::string& step, int64_t now) {
  auto v = txn.Get("deadline_items", item + '\0' + step);
  if (!v) return std::nullopt;
  DeadlineRecord d = DeadlineRecord::Decode(*v);
  if (d.state == State::CLOSED) return std::nullopt;
  DeadlineRecord before = d;
  d.state = State::CLOSED;
  d.closed_ms = now;
  Schedule(txn, d, now);
  AdjustCounts(txn, -1, before.state == State::OVERDUE ? -1 : 0, before.provisional ? -1 : 0);
  store::Audit::Append(
      txn, now, "deadline closed",
      d.item + " / " + d.step + (before.state == State::OVERDUE ? " (was overdue)" : ""));
  return before;
}

bool DeadlineBook::MarkMet(store::Txn& txn, const std::string& item, const std::string& step,
                           int64_t at) {
  auto v = txn.Get("deadline_items", item + '\0' + step);
  if (!v) return false;
  DeadlineRecord d = DeadlineRecord::Decode(*v);
  if (d.state == State::CLOSED) return false;
  d.met_ms = at;
  Schedule(txn, d, at);
  store::Audit::Append(txn, at, "deadline met, awaiting confirmation",
                       d.item + " / " + d.step + (d.state == State::OVERDUE ? " (late)" : ""));
  return true;
}

bool DeadlineBook::RunOn(store::Txn& txn, const std::string& item, const std::string& step,
                         int64_t now) {
  auto v = txn.Get("deadline_items", item + '\0' + step);
  if (!v) return false;
  DeadlineRecord d = DeadlineRecord::Decode(*v);
  if (d.state == State::CLOSED) return false;
  d.met_ms = 0;
  Schedule(txn, d, now);
  store::Audit::Append(txn, now, "deadline runs on", d.item + " / " + d.step);
  return true;
}

std::optional<DeadlineRecord> DeadlineBook::Find(store::Txn& txn, const std::string& item,
                                                 const std::string& step) {
  auto v = txn.Get("deadline_items", item + '\0' + step);
  if (!v) return std::nullopt;
  return DeadlineRecord::Decode(*v);
}

std::vector<std::string> DeadlineBook::OpenSteps(store::Txn& txn, const std::string& item) {
  std::vector<std::string> steps;
  const std::string prefix = item + '\0';
  auto cursor = txn.OpenCursor("deadline_items");
  for (auto kv = cursor.Seek(prefix); kv && kv->first.substr(0, prefix.size()) == prefix;
       kv = cursor.Next()) {
    if (DeadlineRecord::Decode(kv->second).state != State::CLOSED) {
      steps.emplace_back(kv->first.substr(prefix.size()));
    }
  }
  return steps;
}

std::vector<DeadlineEvent> DeadlineBook::Fire(store::Txn& txn, int64_t now, size_t max) {
  std::vector<DeadlineEvent> events;
  while (events.size() < max) {
    std::string id;
    std::string first_key;
    {
      auto cursor = txn.OpenCursor("deadlines");
      auto first = cursor.First();
      if (!first || static_cast<int64_t>(DecodeBe64(first->first.substr(0, 8))) > now) break;
      first_key = std::string(first->first);
      id = first_key.substr(8);
    }
    auto v = txn.Get("deadline_items", id);
    if (!v) {  // a timer entry without its record: drop it loudly rather than loop
      auto cursor = txn.OpenCursor("deadlines");
      cursor.First();
      cursor.DeleteCurrent();
      continue;
    }
    DeadlineRecord d = DeadlineRecord::Decode(*v);
    uint64_t at = DecodeBe64(first_key.substr(0, 8));
    if (d.state == State::CLOSED || d.state == State::OVERDUE ||
        static_cast<uint64_t>(d.next_event_ms) != at) {
      // A timer entry left behind (its duty was closed, or rescheduled): drop it, never fire it.
      txn.Del("deadlines", first_key);
      continue;
    }
    DeadlineEvent::Kind kind;
    if (d.state == State::OPEN) {
      d.state = State::REMINDED;
      kind = DeadlineEvent::Kind::kReminder;
    } else if (d.state == State::REMINDED) {
      d.state = State::DUE_TODAY;
      kind = DeadlineEvent::Kind::kDueToday;
    } else {
      d.state = State::OVERDUE;
      d.overdue_at_ms = now;
      kind = DeadlineEvent::Kind::kOverdue;
      AdjustCounts(txn, 0, 1, 0);
    }
    Schedule(txn, d, now);
    static const char* kNames[] = {"deadline reminder", "deadline due today", "deadline overdue"};
    store::Audit::Append(txn, now, kNames[static_cast<int>(kind)],
                         d.item + " / " + d.step + " (" + d.rule + ") due " + d.due_day.ToString());
    events.push_back({kind, d});
  }
  return events;
}

namespace {
constexpr std::string_view kCountsKey = "deadline_counts";
}

DeadlineBook::Counts DeadlineBook::GetCounts(store::Txn& txn) {
  Counts c;
  if (auto v = txn.Get("meta", kCountsKey); v && v->size() == 24) {
    c.open = DecodeBe64(v->substr(0, 8));
    c.overdue = DecodeBe64(v->substr(8, 8));
    c.provisional = DecodeBe64(v->substr(16, 8));
  }
  return c;
}

void DeadlineBook::AdjustCounts(store::Txn& txn, int64_t open, int64_t overdue,
                                int64_t provisional) {
  Counts c = GetCounts(txn);
  c.open += open;
  c.overdue += overdue;
  c.provisional += provisional;
  txn.Put("meta", kCountsKey,
          EncodeBe64(c.open) + EncodeBe64(c.overdue) + EncodeBe64(c.provisional));
}

std::optional<int64_t> DeadlineBook::NextEventMs(store::Txn& txn) {
  auto cursor = txn.OpenCursor("deadlines");
  auto first = cursor.First();
  if (!first) return std::nullopt;
  return static_cast<int64_t>(DecodeBe64(first->first.substr(0, 8)));
}

std::vector<DeadlineRecord> DeadlineBook::List(store::Txn& txn, bool with_closed) {
  std::vector<DeadlineRecord> out;
  auto cursor = txn.OpenCursor("deadline_items");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    DeadlineRecord d = DeadlineRecord::Decode(kv->second);
    if (d.state == State::CLOSED && !with_closed) continue;
    out.push_back(std::move(d));
  }
  std::stable_sort(out.begin(), out.end(), [](const DeadlineRecord& a, const DeadlineRecord& b) {
    bool ac = a.state == State::CLOSED, bc = b.state == State::CLOSED;
    if (ac != bc) return bc;
    return a.due_ms < b.due_ms;
  });
  return out;
}

size_t DeadlineBook::RecomputeProvisional(store::Txn& txn, int64_t now) {
  std::vector<DeadlineRecord> changed;
  {
    auto cursor = txn.OpenCursor("deadline_items");
    for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
      DeadlineRecord d = DeadlineRecord::Decode(kv->second);
      if (d.provisional && d.state != State::CLOSED) changed.push_back(std::move(d));
    }
  }
  for (auto& d : changed) {
    Date old_due = d.due_day;
    Compute(d);
    if (!d.provisional) AdjustCounts(txn, 0, 0, -1);
    // Events already fired stay fired; the next one moves with the new dates.
    Schedule(txn, d, now);
    store::Audit::Append(txn, now, "deadline recomputed",
                         d.item + " / " + d.step + " due " + old_due.ToString() + " -> " +
                             d.due_day.ToString() + (d.provisional ? " (still provisional)" : "") +
                             " " + d.calendar_version);
  }
  return changed.size();
}

}  // namespace zhuji::deadlines
