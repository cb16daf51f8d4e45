#pragma once
// Deadline tracking (issue #3; RULES.md "Deadlines"). Owns the `deadlines` timer table and the
// `deadline_items` records.
//
// A deadline is opened and closed inside the transaction of the step that causes it. Each open
// deadline has exactly one timer entry, keyed by the time of its next event, so "what is due
// now" is a range scan from the start of the table. Events, in order: reminder (00:00 CST of the
// `reminder_working_days`-th working day before the last day), due today (00:00 CST of the last
// day), overdue (24:00 CST of the last day). An overdue deadline stays listed until closed.
//
// Borrows the calendar, which must outlive it. Not thread-safe: the node's loop thread only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/calendar.h"
#include "services/common/result.h"
#include "services/store/store.h"
#include "zhuji/schemas/store.capnp.h"

namespace zhuji::deadlines {

struct DeadlinePolicy {
  int reminder_working_days = 3;  // RULES.md: policy default, a reminder 3 WD before
};

struct DeadlineSpec {
  std::string item;
  std::string step;
  std::string rule;   // e.g. "GD Art. 14"
  std::string title;  // for people, in Chinese
  calendar::Date trigger;
  int working_days = 0;
  std::optional<calendar::Date> fixed_day = {};  // a calendar-date deadline (GD Art. 46, 47)
  std::string supervisor = {};  // the node told when it goes overdue (GD Art. 41); may be this one
  std::string supervisor_name = {};  // the secrecy admin dept that supervises the duty
};

// A decoded store.capnp Deadline, as a value.
struct DeadlineRecord {
  std::string item, step, rule, title;
  calendar::Date trigger, due_day;
  int working_days = 0;
  int64_t due_ms = 0, remind_ms = 0, due_start_ms = 0;
  bool provisional = false;
  std::string calendar_version;
  schema::Deadline::State state = schema::Deadline::State::OPEN;
  int64_t opened_ms = 0, closed_ms = 0, next_event_ms = 0, overdue_at_ms = 0;
  std::string supervisor, supervisor_name;
  int64_t met_ms = 0;  // met then, awaiting confirmation: no events fire (MarkMet)

  std::string id() const;  // item \0 step
  std::string Encode() const;
  static DeadlineRecord Decode(std::string_view bytes);
};

struct DeadlineEvent {
  enum class Kind { kReminder, kDueToday, kOverdue };
  Kind kind;
  DeadlineRecord deadline;  // as it is after the event
};

class DeadlineBook {
 public:
  DeadlineBook(const calendar::Calendar& calendar, DeadlinePolicy policy)
      : calendar_(calendar), policy_(policy) {}

  // Computes the due date with the calendar and stores the deadline. Refused if the same item
  // and step is already open.
  Status Open(store::Txn& txn, const DeadlineSpec& spec, int64_t now,
              DeadlineRecord* out = nullptr);
  // Closes an open deadline; its record stays (state closed). Returns the record as it was, or
  // nullopt if there was none open.
  std::optional<DeadlineRecord> Close(store::Txn& txn, const std::string& item,
                                      const std::string& step, int64_t now);
  // The duty was met at `at` (a 备案 sent within its period: RULES.md "the sender's duty is
  // judged by sent-at") and waits for its confirmation (the 回执) to close: no reminder or
  // overdue fires meanwhile, whatever the link does. A duty already overdue stays overdue. False
  // when it is not open.
  bool MarkMet(store::Txn& txn, const std::string& item, const std::string& step, int64_t at);
  // The confirmation did not come (the 备案 was refused): the duty runs on from where it was,
  // its events fire again (at once when their time has passed). False when it is not open.
  bool RunOn(store::Txn& txn, const std::string& item, const std::string& step, int64_t now);
  // Fires every event whose time has come, oldest first, at most `max`.
  std::vector<DeadlineEvent> Fire(store::Txn& txn, int64_t now, size_t max = 10'000);
  // Deadlines not closed, of them overdue, and of them provisional: kept in `meta` by every step
  // above, so `zhuji status` can show them without reading the whole table.
  struct Counts {
    uint64_t open = 0, overdue = 0, provisional = 0;
  };
  static Counts GetCounts(store::Txn& txn);

  // The deadline of `item` and `step` as stored (open or closed), if there is one.
  static std::optional<DeadlineRecord> Find(store::Txn& txn, const std::string& item,
                                            const std::string& step);
  // The steps of `item` that are open (not closed), in key order.
  static std::vector<std::string> OpenSteps(store::Txn& txn, const std::string& item);
  // When the next event is due (ms), or nullopt when nothing is waiting.
  static std::optional<int64_t> NextEventMs(store::Txn& txn);
  // Every deadline, open first by due time, then closed ones if `with_closed`.
  static std::vector<DeadlineRecord> List(store::Txn& txn, bool with_closed);
  // Recomputes every provisional open deadline with the current calendar (a year's schedule
  // arrived). Returns how many changed.
  size_t RecomputeProvisional(store::Txn& txn, int64_t now);

  const calendar::Calendar& calendar() const { return calendar_; }

 private:
  void Compute(DeadlineRecord& d) const;
  void Schedule(store::Txn& txn, DeadlineRecord& d, int64_t now);
  static void AdjustCounts(store::Txn& txn, int64_t open, int64_t overdue, int64_t provisional);
  const calendar::Calendar& calendar_;
  DeadlinePolicy policy_;
};

const char* StateZh(schema::Deadline::State state);

}  // namespace zhuji::deadlines
