#pragma once
// Decides what the outbox sends and when; knows no sockets and no store (pure, tested alone).
//
// Per destination it keeps a window of envelopes in flight, in link-sequence order. Without
// acknowledgement progress for a back-off period it goes back to the oldest unacknowledged one
// and sends again (go-back-N); the back-off doubles up to a cap and retries never stop. An
// UNREACHABLE pauses the destination for the back-off; a gap report from the receiver rewinds to
// the sequence it expects. Acknowledgements are cumulative. A destination is a link
// (wire::LinkName): the urgent lane of a node is a destination of its own, and is due first.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zhuji::node {

struct PumpPolicy {
  int64_t retry_min_ms = 500;
  int64_t retry_max_ms = 30'000;
  uint32_t window = 16384;
  // While a destination is unreachable only its oldest envelope is sent, as a probe, at most
  // this far apart: a county back after days gets its backlog within seconds.
  int64_t probe_max_ms = 5'000;
};

struct SendRange {
  std::string destination;
  uint64_t from_seq;
  uint64_t to_seq;  // inclusive
};

class Pump {
 public:
  explicit Pump(PumpPolicy policy) : policy_(policy) {}

  // Start-up or new work: the destination's pending range is [acked + 1, last].
  void Track(const std::string& destination, uint64_t acked, uint64_t last);
  void Enqueued(const std::string& destination, uint64_t seq);

  // Ranges to send now (each at most the free window). Call MarkSent for what was sent.
  std::vector<SendRange> Due(int64_t now);
  void MarkSent(const std::string& destination, uint64_t upto, int64_t now);

  // Returns the new acknowledged sequence if `seq` is progress, else 0.
  uint64_t OnAck(const std::string& destination, uint64_t seq, int64_t now);
  // The receiver expects `expected` next: everything below it is durable there. Returns the new
  // acknowledged sequence if that is progress, else 0.
  uint64_t OnGap(const std::string& destination, uint64_t expected, int64_t now);
  void OnUnreachable(const std::string& destination, int64_t now, const std::string& why);
  void OnRefused(const std::string& destination, int64_t now, const std::string& why);
  // The destination's node answered on another lane: it is reachable, so a pause or probe of
  // this one ends now (an urgent lane must not wait for its own probe behind the other's
  // backlog). Nothing happens for a destination not tracked or not paused.
  void Resume(const std::string& destination, int64_t now);
  // Envelope `seq` was replaced in the outbox (a skip for a dead letter): send from it again.
  void Resend(const std::string& destination, uint64_t seq);
  // The link was re-established: whatever was in flight may be lost.
  void RewindAll(int64_t now);

  // The earliest time something becomes due (for the poll timeout); INT64_MAX if nothing.
  int64_t NextWakeup() const;

  struct DestState {
    uint64_t acked = 0;     // every seq <= acked is acknowledged
    uint64_t next = 1;      // next seq to send
    uint64_t last = 0;      // last seq enqueued
    int64_t resume_at = 0;  // paused (unreachable) until then
    int64_t retry_at = 0;   // go back if no progress by then (only while in flight)
    int64_t backoff = 0;
    bool probing = false;  // unreachable: send one envelope until it is acknowledged
    uint64_t gap_rewound_to = 0;
    int64_t gap_rewound_at = 0;
    std::string last_error;
    int64_t last_error_at = 0;
    // The receiver asks for a sequence at or below `acked`, which this node deleted when it was
    // acknowledged: its store is older than the link (a restored backup, a copied directory).
    bool broken = false;
    bool in_flight() const { return next > acked + 1; }
    uint64_t pending() const { return last > acked ? last - acked : 0; }
  };
  const std::map<std::string, DestState>& destinations() const { return dests_; }

 private:
  DestState& Get(const std::string& destination);
  void Backoff(DestState& d);
  PumpPolicy policy_;
  std::map<std::string, DestState> dests_;
};

}  // namespace zhuji::node
