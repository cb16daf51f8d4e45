#pragma once
// The province's picture (issue #17; DESIGN.md "Status summaries"): every `[console]
// summary_interval_s` a node makes a summary of itself (open, due-soon and overdue duties per
// rule and step; 督办 open; link health; outbox) and sends its parent one envelope of kind
// `summary` with it and the latest it holds of every node below it, so the summaries climb level
// by level like everything else. Latest wins: table `summaries` keeps one per node, the inbox
// keeps no body of this kind, and a new summary is not queued while the previous one to the
// parent is unacknowledged (a county offline for a week sends one when it is back, not 2,000).
// Operation REGIONS shows every node of the topology at or below this one with what is held.
//
// Borrows everything it is given. Loop thread only.

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/node/status_control.h"
#include "services/node/writer.h"
#include "services/workflows/organs.h"

namespace zhuji::node {

class SummaryService {
 public:
  SummaryService(const config::NodeConfig& config, const workflows::OrganDirectory& directory,
                 Writer& writer, Mail& mail, StatusControl& status, const Clock& clock,
                 spdlog::logger& log);
  // The kind's rules: a report starts with its sender's own summary and holds none of the
  // receiver. Summaries of nodes not below the sender in the directory are not kept (apply).
  static KindEntry SummaryKind(const std::string& self);
  void Register(KindRegistry& kinds, ControlService& control);
  // Makes and sends this node's summary when the interval has passed (monotonic clock), or
  // sooner (a few seconds) when newer summaries came from below or its own duties changed: a
  // change climbs to the province in seconds, an unchanged picture every interval.
  void Tick(int64_t now, int64_t mono);

 private:
  void Handle(ControlCall& call);
  // This node's summary as of `now`, from its duties and `st` (its status).
  void Make(store::Txn& txn, int64_t now, schema::NodeStatus::Reader st,
            schema::StatusSummary::Builder s);

  const config::NodeConfig& config_;
  const workflows::OrganDirectory& directory_;
  Writer& writer_;
  Mail& mail_;
  StatusControl& status_;
  const Clock& clock_;
  spdlog::logger& log_;
  bool started_ = false;
  int64_t next_mono_ = 0;
  int64_t interval_mono_ = 0;  // the next summary made whether or not anything changed
  int64_t next_check_mono_ = 0;
  int64_t not_before_mono_ = 0;            // waiting for the previous summary's acknowledgement
  bool changed_ = false;                   // newer summaries from below since the last one made
  std::array<uint64_t, 3> last_counts_{};  // open, overdue, provisional in the last one made
  uint64_t last_sent_seq_ = 0;  // of the last summary to the parent (kept in the own row)
};

}  // namespace zhuji::node
