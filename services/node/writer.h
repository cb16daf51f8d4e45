#pragma once
// Every write of the node (DESIGN.md "Delivery guarantee"): one step, one transaction, and the
// store's health.
//
// Commit() runs a step in one write transaction. The step returns a Status: OK commits; an error
// aborts, so nothing the step wrote is kept, and comes back to the caller (a refused operator
// step, a matter step the rules refuse). What the step asked to happen after the commit
// (AfterCommit: log lines, the pump told of new envelopes, in-memory changes) happens only once
// the commit succeeded; what it changed in memory before (OnAbort) is undone if it did not.
//
// A full disk is a state, not a crash: Unwritable() records it (nothing is acknowledged while
// it lasts), Probe() tries a small write every second and says when the store takes writes
// again. Store failures still throw StoreError; the node loop decides.
//
// Borrows the store, clock, health and logger. Loop thread only.

#include <spdlog/logger.h>

#include <functional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/common/result.h"
#include "services/node/health.h"
#include "services/store/store.h"

namespace zhuji::node {

class Writer {
 public:
  Writer(store::Env& env, const Clock& clock, Health& health, spdlog::logger& log)
      : env_(env), clock_(clock), health_(health), log_(log) {}

  Status Commit(const std::function<Status(store::Txn&)>& step);
  void AfterCommit(std::function<void()> effect) { after_commit_.push_back(std::move(effect)); }
  // Work that rides on every commit (the outbox's signatures, acknowledged envelopes still to
  // trim): `seal` runs in the transaction once a step succeeded, just before it commits;
  // `reset` whenever an attempt is given up (the step failed, or runs again on a grown map).
  void AddSeal(std::function<void(store::Txn&)> seal, std::function<void()> reset = {}) {
    seals_.push_back({std::move(seal), std::move(reset)});
  }
  void OnAbort(std::function<void()> undo) { on_abort_.push_back(std::move(undo)); }
  // For a nested step (store::Txn::Child). When the child aborts, what it asked for since the
  // mark is undone: its in-memory changes rolled back (OnAbort, newest first), its after-commit
  // effects dropped.
  struct Mark {
    size_t after_commit = 0;
    size_t on_abort = 0;
  };
  Mark EffectsMark() const { return {after_commit_.size(), on_abort_.size()}; }
  void AbortSince(Mark mark);

  store::Env& env() { return env_; }
  store::Txn BeginRead() { return env_.BeginRead(); }

  bool writable() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int64_t error_since() const { return error_since_; }
  // The store cannot be written (`error.unwritable()`): noted, logged once, probed from now on.
  void Unwritable(const store::StoreError& error);
  // Tries a write when it is time (every second). True when the store takes writes again.
  bool Probe(int64_t mono);

 private:
  void Undo();
  // What an attempt that did not commit asked for is dropped: in-memory changes undone,
  // after-commit effects and seals' state cleared.
  void DropAttempt();
  bool TryProbe();

  store::Env& env_;
  const Clock& clock_;
  Health& health_;
  spdlog::logger& log_;
  std::vector<std::function<void()>> after_commit_;
  std::vector<std::function<void()>> on_abort_;
  struct Seal {
    std::function<void(store::Txn&)> seal;
    std::function<void()> reset;
  };
  std::vector<Seal> seals_;
  std::string error_;  // non-empty while the store cannot be written
  int64_t error_since_ = 0;
  int64_t next_probe_mono_ = 0;
};

}  // namespace zhuji::node
