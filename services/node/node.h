#pragma once
// The node daemon's loop (DESIGN.md "zhuji-node"): one thread owns every socket and is the
// store's only writer.
//
// Each turn: poll the broker links and the control socket; drain what is waiting (up to
// max_batch envelopes); apply deliveries and acknowledgements in one write transaction (group
// commit); only then acknowledge; answer operators; send what the pump says is due; heartbeat.
//
// Ownership: borrows the context, store, clock and logger, which must outlive it.

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/calendar/calendar.h"
#include "services/common/clock.h"
#include "services/node/broker_link.h"
#include "services/node/config.h"
#include "services/node/deadlines.h"
#include "services/node/inbox.h"
#include "services/node/outbox.h"
#include "services/node/pump.h"
#include "services/store/store.h"
#include "services/workflows/matter.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::node {

extern const char* const kStepsNotTaken;  // meta key (escalation.cc)

struct NodeCounters {
  uint64_t delivered = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t acked = 0;
};

class Node {
 public:
  // `fake_clock` is the same object as `clock` when the node runs on a fake clock (tests), so
  // the control socket can move it; null otherwise.
  Node(const NodeConfig& config, workflows::OrganDirectory directory, zmq::context_t& ctx,
       store::Env& env, const Clock& clock, FakeClock* fake_clock, calendar::Calendar calendar,
       spdlog::logger& log);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Binds the control socket and connects to the brokers. Throws on a bad endpoint.
  void Start();
  // Runs until `stop` becomes true. Everything acknowledged is committed before Run returns.
  void Run(const std::atomic<bool>& stop);

 private:
  struct Incoming {
    BrokerLink* link;
    zmq::message_t frame;
  };
  struct Waiter {  // an operator waiting for an acknowledgement (send --wait)
    std::string identity;
    std::string destination;
    uint64_t seq;
    std::vector<std::string> ids;
    uint64_t first_seq;
  };

  void Turn(int64_t poll_ms);
  void ProcessBrokerBatch(std::vector<Incoming>& batch);
  void ServeControl();
  void HandleControl(const std::string& identity, std::string_view request);
  void PumpOut();
  // Retention: one bounded pass (services/node/retention.h).
  void Sweep(int64_t now);
  // A full disk is a state, not a crash: acknowledge nothing, keep answering status with the
  // reason, try a small write every second, resume by itself.
  void StoreUnwritable(const store::StoreError& error);
  void ProbeStore(int64_t mono);
  void LinkTicks();
  BrokerLink* ActiveLink();
  void NoteError(std::string message);
  // ACK: every envelope from `origin` up to `upto` is durable here (cumulative).
  void SendAck(BrokerLink* link, const std::string& origin, uint64_t upto);
  // A DELIVER whose frame failed its checks (too large for this node): acknowledged if it is a
  // copy of one applied before, refused otherwise.
  void AnswerUnreadableDeliver(BrokerLink* link, const wire::Header& h,
                               const wire::HeaderError& error);
  void RefuseFrame(BrokerLink* link, const std::string& to, wire::NackCode code,
                   const std::string& reason, const std::string& message_id, uint64_t seq);
  void ReplyControl(const std::string& identity, capnp::MessageBuilder& reply);
  // A control request's write: `step` in one transaction, with the request's id marked in it
  // when the request carries one (services/node/requests.h), and its reply kept with it when
  // `reply` can build it from the transaction.
  void WriteStep(const std::function<void(store::Txn&)>& step,
                 const std::function<std::string(store::Txn&)>& reply = {});
  // Every write of the node: `step` in one transaction; what it asked to happen after the
  // commit (AfterCommit: log lines, in-memory changes) happens only once the commit succeeded.
  void Commit(const std::function<void(store::Txn&)>& step);
  void AfterCommit(std::function<void()> effect) { after_commit_.push_back(std::move(effect)); }
  // An in-memory change a step must make before its commit: `undo` restores it if the
  // transaction does not commit.
  void OnAbort(std::function<void()> undo) { on_abort_.push_back(std::move(undo)); }
  // Keeps the reply of the request being served under its id, if it changed anything.
  void KeepReply(std::string_view reply_bytes);
  void FillStatus(schema::NodeStatus::Builder status);
  void AnswerWaiters(const std::string& destination, uint64_t acked);
  // Deadlines: fire what is due, and the control requests that open, close and list them.
  void FireDeadlines(int64_t now);
  void RefreshNextDeadline(store::Txn& txn);
  // Envelopes queued in a transaction: (destination, seq), handed to the pump after the commit.
  using Queued = std::vector<std::pair<std::string, uint64_t>>;
  // 督办 of `d` to its supervisor (closed = the duty was done after all), in the caller's
  // transaction. Nothing for a deadline without a supervisor (the province).
  void QueueSupervision(store::Txn& txn, const DeadlineRecord& d, bool closed, int64_t now,
                        Queued* queued);
  // Closes an open duty; a supervisor that heard it was overdue hears it is done. Returns the
  // record as it was, or nullopt if it was not open.
  std::optional<DeadlineRecord> CloseDuty(store::Txn& txn, const std::string& item,
                                          const std::string& step, int64_t now, Queued* queued);
  // A year of the calendar arrived (from the parent) or was loaded (on the province): store it,
  // recompute provisional deadlines, pass it to the children. In the caller's transaction.
  struct CalendarApplied {
    int year = 0;
    size_t recomputed = 0;
    std::vector<std::pair<std::string, uint64_t>> forwarded;  // child, link seq
  };
  CalendarApplied ApplyCalendarYear(store::Txn& txn, const std::string& file_name,
                                    const std::string& toml, int64_t now);
  void HandleDeadlineControl(schema::ControlRequest::Reader req,
                             schema::ControlReply::Builder reply);

  void HandleDeadLetterControl(schema::DeadLetterRequest::Reader req,
                               schema::ControlReply::Builder reply);

  // Escalated matters (escalation.cc).
  void HandleMatterControl(schema::MatterRequest::Reader req, schema::ControlReply::Builder reply);
  // Applies a workflow step in the caller's transaction: stores the matter, closes and opens its
  // deadlines, queues it to every node named, and applies a step for this node here at once.
  // Not OK (nothing to keep: the caller aborts) when a deadline of the step cannot be opened.
  Status ApplyMatterStep(store::Txn& txn, const workflows::Step& step, const std::string& what,
                         int64_t now, Queued* queued);
  // A `matter` envelope arrived: keep the newer copy, record a decision's written notice, and
  // start this node's clock if the matter now waits on one of its organs.
  void OnMatterEnvelope(store::Txn& txn, const std::string& from, std::string_view body,
                        int64_t now, Queued* queued);
  Status ReceiveHere(store::Txn& txn, const workflows::Matter& m, int64_t now, Queued* queued);
  bool HoldsStepHere(const workflows::Matter& m) const;

  NodeConfig config_;
  workflows::OrganDirectory directory_;
  zmq::context_t& ctx_;
  store::Env& env_;
  const Clock& clock_;
  FakeClock* fake_clock_;
  calendar::Calendar calendar_;
  spdlog::logger& log_;
  Outbox outbox_;
  Inbox inbox_;
  Pump pump_;
  DeadlineBook deadlines_;
  std::optional<int64_t> next_deadline_ms_;
  std::vector<std::unique_ptr<BrokerLink>> links_;
  std::unique_ptr<zmq::socket_t> control_;
  std::vector<Waiter> waiters_;
  NodeCounters counters_;
  std::string last_error_;
  int64_t last_error_at_ = 0;
  int64_t started_at_ = 0;
  uint64_t incarnation_ = 0;
  std::string request_id_;  // of the control request being served, if it changes something
  bool request_wrote_ = false;
  bool request_reply_kept_ = false;  // the step kept its reply in its own transaction
  std::vector<std::function<void()>> after_commit_;
  std::vector<std::function<void()>> on_abort_;
  int64_t next_sweep_mono_ = 0;
  std::string store_error_;  // non-empty while the store cannot be written
  int64_t store_error_since_ = 0;
  int64_t next_store_probe_mono_ = 0;
};

}  // namespace zhuji::node
