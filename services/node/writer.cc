#include "services/node/writer.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

namespace zhuji::node {

namespace {
constexpr int64_t kProbeEveryMs = 1'000;  // a store that cannot be written is tried this often
constexpr uint64_t kHeadroomBytes = uint64_t{1}
                                    << 20;  // … once its disk has this much free (or 2%)
}  // namespace

void Writer::Undo() {  // in-memory changes made for a transaction that did not commit
  for (auto it = on_abort_.rbegin(); it != on_abort_.rend(); ++it) (*it)();
  on_abort_.clear();
}

void Writer::AbortSince(Mark mark) {
  while (on_abort_.size() > mark.on_abort) {
    on_abort_.back()();
    on_abort_.pop_back();
  }
  after_commit_.resize(std::min(after_commit_.size(), mark.after_commit));
}

void Writer::DropAttempt() {
  Undo();
  after_commit_.clear();
  for (auto& s : seals_) {
    if (s.reset) s.reset();
  }
}

Status Writer::Commit(const std::function<Status(store::Txn&)>& step) {
  Status result = Status::Ok();
  bool committed = false;
  auto began = std::chrono::steady_clock::now();
  try {
    committed = env_.WriteIf([&](store::Txn& txn) {
      DropAttempt();  // a step run again (map grown) starts from where it started, asks again
      result = step(txn);
      if (!result.ok()) return false;
      for (auto& s : seals_) s.seal(txn);
      return true;
    });
  } catch (...) {
    DropAttempt();
    throw;
  }
  if (!committed) {
    DropAttempt();
    return result;
  }
  health_.commit_latency.Record(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
  on_abort_.clear();
  auto effects = std::exchange(after_commit_, {});
  for (auto& effect : effects) effect();
  return result;
}

void Writer::Unwritable(const store::StoreError& error) {
  std::string why = error.what();
  if (error.rc() == MDB_PANIC) {  // LMDB gave up on the environment: reading needs it open again
    try {
      env_.Reopen();
    } catch (const store::StoreError& e) {
      why += "; reopening failed: " + std::string(e.what());
    }
  }
  if (error_.empty()) {
    error_since_ = clock_.NowMs();
    log_.error(
        "存储无法写入 the store cannot be written: {}; nothing more is acknowledged until it can "
        "(retrying every {} ms)",
        why, kProbeEveryMs);
  }
  error_ = why;
  health_.NoteError("the store cannot be written: " + why);
  next_probe_mono_ = clock_.MonoMs() + kProbeEveryMs;
}

bool Writer::Probe(int64_t mono) {
  if (error_.empty() || mono < next_probe_mono_) return false;
  next_probe_mono_ = mono + kProbeEveryMs;
  // Some headroom first, or a full disk that has room for the probe alone would flap.
  struct statvfs fs {};
  if (::statvfs(env_.dir().c_str(), &fs) == 0) {
    uint64_t total = uint64_t{fs.f_blocks} * fs.f_frsize;
    uint64_t free = uint64_t{fs.f_bavail} * fs.f_frsize;
    if (free < std::max<uint64_t>(kHeadroomBytes, total / 50)) return false;
  }
  if (!TryProbe()) return false;
  log_.info("存储恢复 the store takes writes again after {} s; resuming",
            (clock_.NowMs() - error_since_) / 1000);
  error_.clear();
  return true;
}

bool Writer::TryProbe() {
  // 1 MiB written and committed, then deleted: room for a batch, not just for itself (a store
  // at its size limit would otherwise flap between full and not).
  std::string room(kHeadroomBytes, '\0');
  auto probe = [&] {
    env_.Write([&](store::Txn& txn) { txn.Put("meta", "store_probe", room); });
    env_.Write([&](store::Txn& txn) { txn.Del("meta", "store_probe"); });
  };
  try {
    try {
      probe();
    } catch (const store::StoreError& e) {
      if (e.rc() != MDB_PANIC) throw;
      env_.Reopen();  // LMDB gave up on the environment after the failed write: open it again
      probe();
    }
  } catch (const store::StoreError& e) {
    if (!e.unwritable()) throw;
    error_ = e.what();
    try {  // leave nothing of the probe behind
      env_.Write([&](store::Txn& txn) { txn.Del("meta", "store_probe"); });
    } catch (const store::StoreError&) {
    }
    return false;
  }
  return true;
}

}  // namespace zhuji::node
