#pragma once
// The node daemon (DESIGN.md "zhuji-node"; docs/architecture.md): wires the services and runs
// the poll loop. One thread owns every socket and is the store's only writer.
//
// Each turn: poll the broker links and the control socket; the delivery loop applies what
// arrived in one transaction and only then acknowledges; the control service answers
// operators; the pump sends what is due; heartbeats; deadlines that fell due fire; retention
// deletes a little. A full disk is a state (Writer): nothing is acknowledged until it passes.
//
// Ownership: borrows the context, store, clock and logger, which must outlive it; owns the
// services.

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <zmq.hpp>

#include "services/calendar/calendar.h"
#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadletter_control.h"
#include "services/node/deadline_control.h"
#include "services/node/deadline_service.h"
#include "services/node/delivery.h"
#include "services/node/determination_service.h"
#include "services/node/documents.h"
#include "services/node/filing_control.h"
#include "services/node/filing_service.h"
#include "services/node/health.h"
#include "services/node/inbox.h"
#include "services/node/inspection_service.h"
#include "services/node/key_service.h"
#include "services/node/kinds.h"
#include "services/node/licensing_service.h"
#include "services/node/mail.h"
#include "services/node/matter_control.h"
#include "services/node/matter_service.h"
#include "services/node/notices.h"
#include "services/node/outbox.h"
#include "services/node/pump.h"
#include "services/node/statistics_service.h"
#include "services/node/status_control.h"
#include "services/node/summary_service.h"
#include "services/node/writer.h"
#include "services/store/store.h"
#include "services/workflows/organs.h"

namespace zhuji::node {

class Node {
 public:
  // `fake_clock` is the same object as `clock` when the node runs on a fake clock (tests), so
  // the control socket can move it; null otherwise.
  Node(const config::NodeConfig& config, workflows::OrganDirectory directory, zmq::context_t& ctx,
       store::Env& env, const Clock& clock, FakeClock* fake_clock, calendar::Calendar calendar,
       spdlog::logger& log);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Claims the store, binds the control socket and connects to the brokers. Throws on a bad
  // endpoint or a store of another node.
  void Start();
  // Runs until `stop` becomes true. Everything acknowledged is committed before Run returns.
  void Run(const std::atomic<bool>& stop);
  // One turn of the loop, polling at most `poll_ms` (in-process tests drive it).
  void Turn(int64_t poll_ms);

  ControlService& control() { return control_; }
  const Health& health() const { return health_; }
  // Before Run: where the console serves, for `zhuji status` (issue #17).
  void SetConsoleUrl(std::string url) { status_.SetConsoleUrl(std::move(url)); }

 private:
  void Sweep(int64_t now);

  config::NodeConfig config_;
  workflows::OrganDirectory directory_;
  store::Env& env_;
  const Clock& clock_;
  calendar::Calendar calendar_;
  spdlog::logger& log_;
  Health health_;
  Writer writer_;
  Outbox outbox_;
  Pump pump_;
  KindRegistry kinds_;
  Inbox inbox_;
  Mail mail_;
  DeliveryLoop delivery_;
  ControlService control_;
  DeadlineService deadlines_;
  KeyService keys_;
  MatterService matters_;
  FilingService filings_;
  NoticeService notices_;
  DeadlineControl deadline_control_;
  MatterControl matter_control_;
  FilingControl filing_control_;
  DeterminationService determinations_;
  StatisticsService statistics_;
  InspectionService inspections_;
  LicensingService licensing_;
  DeadLetterControl deadletter_control_;
  StatusControl status_;
  SummaryService summaries_;
  DocumentControl documents_;
  int64_t next_sweep_mono_ = 0;
};

}  // namespace zhuji::node
