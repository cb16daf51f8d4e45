#pragma once
// Bounded growth (issue #8): what the node no longer needs is deleted, a little at a time.
//
// - `seen` ids older than `seen_ms` (default 30 days). Duplicates are recognised first by link
//   sequence (a resent envelope is below the expected one, however old); the ids are the second
//   line, and every retry of an envelope not yet applied is still above it, so 30 days is far
//   beyond any retry horizon. Walked in arrival order along `inbox` (the cursor in `meta`).
// - `inbox` entries older than `inbox_ms` (default 0: keep them all), never before their id
//   has left `seen`.
// - closed `deadline_items` and closed `supervised` rows older than their retention (default
//   400 days: a year's statistics stay whole), by a round-robin sweep whose position is kept in
//   `meta`, so each pass visits a bounded number of entries wherever it stopped.
// - operator request ids after a day (services/node/requests.h).
// Sweep() runs in the caller's write transaction and deletes at most `max` entries per table.

#include <cstddef>
#include <cstdint>

#include "services/config/config.h"
#include "services/store/store.h"

namespace zhuji::node {

struct RetentionReport {
  size_t seen = 0, inbox = 0, deadlines = 0, supervised = 0, requests = 0;
  size_t total() const { return seen + inbox + deadlines + supervised + requests; }
};

using config::RetentionPolicy;

class Retention {
 public:
  static RetentionReport Sweep(store::Txn& txn, const RetentionPolicy& policy, int64_t now,
                               size_t max);
};

}  // namespace zhuji::node
