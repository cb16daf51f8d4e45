#pragma once
// What `zhuji status` says about the node's own running: counters of this run and the last
// error, noted by every service. Owned by Node, borrowed by the services. Loop thread only.

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "services/common/clock.h"

namespace zhuji::node {

struct NodeCounters {
  uint64_t delivered = 0;           // envelopes applied from others
  uint64_t duplicates = 0;          // re-deliveries recognised and re-acknowledged
  uint64_t refused = 0;             // frames the node could not read or would not take
  uint64_t acked = 0;               // own envelopes acknowledged by their destination
  uint64_t signatures_refused = 0;  // envelopes whose signature was bad, missing or unknown
  uint64_t sent = 0;                // envelope transmissions handed to a broker (retries too)
};

// How long the store's write transactions took, commit included (/metrics, issue #17).
struct LatencyHistogram {
  static constexpr std::array<double, 12> kBoundsMs = {0.25, 0.5, 1,   2.5, 5,    10,
                                                       25,   50,  100, 250, 1000, 5000};
  std::array<uint64_t, kBoundsMs.size() + 1> counts{};  // the last: above every bound
  double sum_ms = 0;
  void Record(double ms) {
    size_t i = 0;
    while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
    ++counts[i];
    sum_ms += ms;
  }
};

class Health {
 public:
  Health(const Clock& clock, spdlog::logger& log) : clock_(clock), log_(log) {}

  // Logs a warning and keeps it as the last error for status.
  void NoteError(std::string message) {
    log_.warn("{}", message);
    last_error_ = std::move(message);
    last_error_at_ = clock_.NowMs();
  }
  const std::string& last_error() const { return last_error_; }
  int64_t last_error_at() const { return last_error_at_; }

  // A frame or request refused: counted in total and under its reason (a short name, e.g.
  // "malformed", "wrong_node", "control_unknown") for /metrics.
  void CountRefused(const std::string& reason) {
    ++counters.refused;
    ++refused_by[reason];
  }

  NodeCounters counters;
  std::map<std::string, uint64_t> refused_by;
  LatencyHistogram commit_latency;

 private:
  const Clock& clock_;
  spdlog::logger& log_;
  std::string last_error_;
  int64_t last_error_at_ = 0;
};

}  // namespace zhuji::node
