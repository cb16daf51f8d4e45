#pragma once
// Deadlines and the working-day calendar on the node (issue #3; RULES.md "Deadlines"): the
// deadline book of services/deadlines/ in the node's transactions, overdue reports (逾期报告) to
// the supervising secrecy admin dept when a duty goes overdue (GD Art. 41), and calendar years
// passed down from the province. Registers the kinds `supervision` and `calendarUpdate`.
//
// Every change to the deadline table here marks the next event for reloading once it commits,
// so the loop fires on time whatever step changed it.
//
// Borrows the calendar (shared with the node), writer, mail and logger. Loop thread only.

#include <spdlog/logger.h>

#include <optional>
#include <string>
#include <vector>

#include "services/calendar/calendar.h"
#include "services/config/config.h"
#include "services/deadlines/deadlines.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/node/writer.h"

namespace zhuji::node {

class DeadlineService {
 public:
  DeadlineService(const config::NodeConfig& config, const workflows::OrganDirectory& directory,
                  calendar::Calendar& calendar, Writer& writer, Mail& mail, spdlog::logger& log);

  // Who hears of `spec` when it goes overdue (GD Art. 41): the secrecy admin dept supervising
  // `organ` (null: this node's organs in general) — on this node or up; without a directory of
  // organs, the parent node.
  void SetSupervisor(deadlines::DeadlineSpec& spec, const workflows::Organ* organ) const;

  // The kinds' rules, usable without a service. `parent`: the only node a calendar update is
  // taken from (empty on the province).
  static KindEntry SupervisionKind();
  static KindEntry CalendarKind(const std::string& parent);
  void Register(KindRegistry& kinds);

  // Years published by the province since the files were installed override the files; the
  // next event is read again. At start, and when the store takes writes again.
  void Load();

  // A duty of `organ`: `spec` opened with the supervisor of `organ` (SetSupervisor), in the
  // caller's transaction. The record as opened, or why it cannot be.
  Result<deadlines::DeadlineRecord> OpenDuty(store::Txn& txn, deadlines::DeadlineSpec spec,
                                             const workflows::Organ* organ, int64_t now);

  // In the caller's transaction. Opening is refused if the same item and step is open.
  Status Open(store::Txn& txn, const deadlines::DeadlineSpec& spec, int64_t now,
              deadlines::DeadlineRecord* out);
  // Closes an open duty; a supervisor that heard it was overdue hears it is done. Returns the
  // record as it was, or nullopt if it was not open.
  std::optional<deadlines::DeadlineRecord> CloseDuty(store::Txn& txn, const std::string& item,
                                                     const std::string& step, int64_t now);
  // DeadlineBook::MarkMet and RunOn, with the next event reloaded.
  bool MarkMet(store::Txn& txn, const std::string& item, const std::string& step, int64_t at);
  bool RunOn(store::Txn& txn, const std::string& item, const std::string& step, int64_t now);

  struct CalendarApplied {
    int year = 0;
    size_t recomputed = 0;
    std::vector<std::string> forwarded_to;
  };
  // A year of the calendar arrived (from the parent) or was loaded (on the province): store it,
  // recompute provisional deadlines, pass it to the children. In the caller's transaction.
  CalendarApplied ApplyCalendarYear(store::Txn& txn, const std::string& file_name,
                                    const std::string& toml, int64_t now);

  // Fires what is due at `now` (reminders, due today, overdue → 督办), in its own transaction.
  void FireDue(int64_t now);
  std::optional<int64_t> NextEvent() const { return next_event_ms_; }

  const calendar::Calendar& calendar() const { return calendar_; }
  const deadlines::DeadlineBook& book() const { return book_; }

 private:
  void Changed(store::Txn& txn);
  void QueueSupervision(store::Txn& txn, const deadlines::DeadlineRecord& d, bool closed,
                        int64_t now);
  void LogEvents(const std::vector<deadlines::DeadlineEvent>& events);

  const config::NodeConfig& config_;
  const workflows::OrganDirectory& directory_;
  calendar::Calendar& calendar_;
  Writer& writer_;
  Mail& mail_;
  spdlog::logger& log_;
  deadlines::DeadlineBook book_;
  std::optional<int64_t> next_event_ms_;
};

}  // namespace zhuji::node
