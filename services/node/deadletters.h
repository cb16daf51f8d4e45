#pragma once
// Dead letters (issue #8): envelopes their destination refused for good. Owns table
// `deadletter`: be64(number) -> DeadLetter (schemas/store.capnp).
//
// A refusal must not block a link: Bury() moves the refused envelope from the outbox here and, in
// the same transaction, puts a Skip envelope at its link sequence, so the receiver consumes that
// sequence as usual (exactly once, in order) and the envelopes behind it go on. The operator sees
// the dead letters in `zhuji status` and `zhuji deadletter`, and can Retry (queue it again, with
// a new link sequence) or Drop one. Every change has an audit entry.
// All methods run in a transaction the caller owns; none throws for a missing number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/node/outbox.h"
#include "services/store/store.h"

namespace zhuji::node {

struct DeadLetterRecord {
  uint64_t number = 0;
  std::string destination;
  uint64_t seq = 0;      // the link sequence it had
  std::string envelope;  // the envelope bytes as sent
  std::string reason;    // the destination's reason
  uint16_t code = 0;     // the NACK code
  int64_t dead_at = 0;
};

class DeadLetters {
 public:
  // `destination` refused its pending envelope `seq` for good. `id` is the refused envelope's id
  // as the destination read it (empty if it could not): a refusal of an older copy of that
  // sequence is ignored. Returns the new dead letter's number, or nullopt when there was nothing
  // to bury (already handled, or not pending).
  static std::optional<uint64_t> Bury(store::Txn& txn, Outbox& outbox,
                                      const std::string& destination, uint64_t seq,
                                      std::string_view id, uint16_t code, const std::string& reason,
                                      int64_t now);
  // Newest first; `limit` 0 = all.
  static std::vector<DeadLetterRecord> List(store::Txn& txn, size_t limit);
  static std::optional<DeadLetterRecord> Get(store::Txn& txn, uint64_t number);
  // Queues the envelope's body again to its destination (new id and link sequence) and removes
  // the dead letter.
  static std::optional<QueuedEnvelope> Retry(store::Txn& txn, Outbox& outbox, uint64_t number,
                                             int64_t now);
  static bool Drop(store::Txn& txn, uint64_t number, int64_t now);
  static uint64_t Count(store::Txn& txn) { return txn.Count("deadletter"); }
};

}  // namespace zhuji::node
