#include "services/node/pump.h"

#include <algorithm>
#include <climits>

#include "services/wire/header.h"

namespace zhuji::node {

Pump::DestState& Pump::Get(const std::string& destination) {
  auto [it, inserted] = dests_.try_emplace(destination);
  if (inserted) it->second.backoff = policy_.retry_min_ms;
  return it->second;
}

void Pump::Track(const std::string& destination, uint64_t acked, uint64_t last) {
  auto& d = Get(destination);
  d.acked = std::max(d.acked, acked);
  d.last = std::max(d.last, last);
  d.next = std::max(d.next, d.acked + 1);
}

void Pump::Enqueued(const std::string& destination, uint64_t seq) {
  auto& d = Get(destination);
  d.last = std::max(d.last, seq);
}

std::vector<SendRange> Pump::Due(int64_t now) {
  std::vector<SendRange> out;
  for (auto& [dest, d] : dests_) {
    if (now < d.resume_at) continue;
    if (d.in_flight() && now >= d.retry_at) {
      d.next = d.acked + 1;  // no progress for a whole back-off: go back and send again
      Backoff(d);
    }
    uint64_t window_end = d.acked + (d.probing ? 1 : policy_.window);
    uint64_t to = std::min(d.last, window_end);
    if (d.next <= to) out.push_back({dest, d.next, to});
  }
  // Urgent lanes first (wire::LinkName): sent before the ordinary traffic of every link.
  std::stable_partition(out.begin(), out.end(), [](const SendRange& r) {
    return wire::LinkLane(r.destination) == wire::kUrgentLane;
  });
  return out;
}

void Pump::MarkSent(const std::string& destination, uint64_t upto, int64_t now) {
  auto& d = Get(destination);
  if (!d.in_flight()) d.retry_at = now + d.backoff;  // the clock starts with the first in flight
  d.next = std::max(d.next, upto + 1);
}

uint64_t Pump::OnAck(const std::string& destination, uint64_t seq, int64_t now) {
  auto& d = Get(destination);
  if (seq <= d.acked) return 0;
  d.acked = std::min(seq, d.last);
  d.next = std::max(d.next, d.acked + 1);
  d.backoff = policy_.retry_min_ms;
  d.retry_at = now + d.backoff;
  d.resume_at = 0;
  d.probing = false;
  d.last_error.clear();
  d.broken = false;
  return d.acked;
}

void Pump::Resend(const std::string& destination, uint64_t seq) {
  auto& d = Get(destination);
  if (seq > d.acked && d.next > seq) d.next = seq;
}

uint64_t Pump::OnGap(const std::string& destination, uint64_t expected, int64_t now) {
  auto& d = Get(destination);
  if (expected > 0 && expected <= d.acked) {
    d.broken = true;
    d.last_error = "链路断裂 link broken: " + destination + " expects #" +
                   std::to_string(expected) + " but every envelope up to #" +
                   std::to_string(d.acked) +
                   " was acknowledged here (is its store older than the link: a "
                   "restored backup or a copied data directory?)";
    d.last_error_at = now;
    return 0;
  }
  uint64_t progress = expected > 0 ? OnAck(destination, expected - 1, now) : 0;
  // Several gap reports can be in flight for one loss: rewind once per back-off period.
  bool recent = d.gap_rewound_to == expected && now - d.gap_rewound_at < d.backoff;
  if (!recent && d.next > expected) {
    d.next = std::max(expected, d.acked + 1);
    d.gap_rewound_to = expected;
    d.gap_rewound_at = now;
  }
  return progress;
}

void Pump::Backoff(DestState& d) { d.backoff = std::min(d.backoff * 2, policy_.retry_max_ms); }

void Pump::OnUnreachable(const std::string& destination, int64_t now, const std::string& why) {
  auto& d = Get(destination);
  if (now < d.resume_at) return;  // already paused for this loss
  d.next = d.acked + 1;
  d.probing = true;
  d.backoff = std::min(d.backoff, policy_.probe_max_ms);
  d.resume_at = now + d.backoff;
  d.retry_at = d.resume_at + d.backoff;
  d.backoff = std::min(d.backoff * 2, policy_.probe_max_ms);
  d.last_error = why;
  d.last_error_at = now;
}

void Pump::Resume(const std::string& destination, int64_t now) {
  auto it = dests_.find(destination);
  if (it == dests_.end() || (!it->second.probing && it->second.resume_at <= now)) return;
  DestState& d = it->second;
  d.probing = false;
  d.resume_at = 0;
  d.next = d.acked + 1;
  d.backoff = policy_.retry_min_ms;
  d.retry_at = now + d.backoff;
}

void Pump::OnRefused(const std::string& destination, int64_t now, const std::string& why) {
  auto& d = Get(destination);
  d.last_error = why;
  d.last_error_at = now;
}

void Pump::RewindAll(int64_t now) {
  for (auto& [dest, d] : dests_) {
    d.next = d.acked + 1;
    d.resume_at = 0;
    d.probing = false;
    d.backoff = policy_.retry_min_ms;
    d.retry_at = now + d.backoff;
  }
}

int64_t Pump::NextWakeup() const {
  int64_t t = INT64_MAX;
  for (auto& [dest, d] : dests_) {
    if (d.pending() == 0) continue;
    int64_t at = d.in_flight() ? d.retry_at : 0;  // not in flight: due as soon as not paused
    t = std::min(t, std::max(at, d.resume_at));
  }
  return t;
}

}  // namespace zhuji::node
