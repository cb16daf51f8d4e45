#pragma once
// What `zhuji status` says about the node's own running: counters of this run and the last
// error, noted by every service. Owned by Node, borrowed by the services. Loop thread only.

#include <spdlog/logger.h>

#include <cstdint>
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

  NodeCounters counters;

 private:
  const Clock& clock_;
  spdlog::logger& log_;
  std::string last_error_;
  int64_t last_error_at_ = 0;
};

}  // namespace zhuji::node
