#pragma once
// The transactional outbox (DESIGN.md "Delivery guarantee"). Owns the `outbox` table and the
// "out/<destination>" counters of `links`.
//
// Keys: destination '\0' be64(link seq) -> envelope bytes. Link sequences start at 1 and are
// contiguous per destination; entries leave only as a prefix (Acknowledge), so the pending set of
// a destination is always the range [first, last].
// Every method runs inside a transaction the caller owns; the only state kept is the list of
// envelopes still to sign before that transaction commits (Seal), dropped with the transaction.

#include <capnp/common.h>
#include <kj/array.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/ids.h"
#include "services/crypto/envelope_signature.h"
#include "services/store/store.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::node {

struct OutgoingEnvelope {
  std::string destination;  // a link name: the node id, or "<node>!" for the urgent lane
                            // (wire::LinkName); the envelope names the node and its lane
  schema::Kind kind = schema::Kind::NOTICE;
  std::string body;            // Cap'n Proto bytes of the kind's body
  std::string correlation_id;  // business item, empty for notices
};

struct QueuedEnvelope {
  EnvelopeId id;
  uint64_t seq;
  int64_t sent_at;
};

struct PendingRange {
  std::string destination;
  uint64_t first_seq = 0;  // 0 when nothing is pending
  uint64_t last_seq = 0;   // the last sequence ever assigned to this destination
  int64_t oldest_sent_at = 0;
  uint64_t count() const { return first_seq == 0 ? 0 : last_seq - first_seq + 1; }
};

class Outbox {
 public:
  explicit Outbox(std::string origin) : origin_(std::move(origin)) {}
  // Every envelope built from now on is signed with `signer` (borrowed; null: unsigned). The
  // envelopes a transaction queues are signed together when it is about to commit (Seal), as
  // hash trees (crypto::Signer::SignBatch): one signature for up to 64 envelopes.
  void SignWith(const crypto::Signer* signer) { signer_ = signer; }
  // Signs what this transaction queued; the writer calls it just before each commit (Writer::
  // AddSeal), and Unsealed() when a transaction is given up.
  void Seal(store::Txn& txn);
  void Unsealed() { unsealed_.clear(); }

  // Assigns the destination's next link sequence, a fresh id and sent-at = now, and stores the
  // envelope. Write transaction.
  QueuedEnvelope Enqueue(store::Txn& txn, const OutgoingEnvelope& out, int64_t now);

  // Calls fn(seq, envelope bytes) for up to `max` pending envelopes of `destination` from
  // `from_seq` on, in order. The bytes live as long as the transaction.
  void ForEach(store::Txn& txn, std::string_view destination, uint64_t from_seq, size_t max,
               const std::function<void(uint64_t, std::string_view)>& fn) const;

  // The pending envelope `seq` of `destination`, if it is still pending.
  std::optional<std::string> Get(store::Txn& txn, std::string_view destination, uint64_t seq) const;
  // Puts a new envelope (fresh id, sent-at = now) in place of the pending one at `seq`: the link
  // sequence is kept. Write transaction; the caller checked that `seq` is pending.
  QueuedEnvelope Replace(store::Txn& txn, uint64_t seq, const OutgoingEnvelope& out, int64_t now);

  // Signs again, with the signer in use, every pending envelope it did not sign (queued before
  // signatures were on, or before a key rotation): the receivers check the key in use. Keeps
  // ids and link sequences. Returns how many. Write transaction.
  uint64_t Resign(store::Txn& txn);

  // Removes every envelope of `destination` up to and including `upto`; returns how many.
  uint64_t Acknowledge(store::Txn& txn, std::string_view destination, uint64_t upto) const;

  // Every destination ever written to, with its pending range. `acked` (optional) tells what a
  // destination acknowledged that may still be stored (trimmed after the next commit): it is
  // not counted as pending.
  std::vector<PendingRange> Pending(
      store::Txn& txn, const std::function<uint64_t(const std::string&)>& acked = {}) const;

 private:
  std::string Build(const OutgoingEnvelope& out, const QueuedEnvelope& q) const;
  // Stores `out` at `seq` with a fresh id and sent-at = now; signed at the seal.
  QueuedEnvelope Store(store::Txn& txn, uint64_t seq, const OutgoingEnvelope& out, int64_t now);
  // Signs the envelopes stored under `keys` as one batch and stores them again.
  void SignStored(store::Txn& txn, const std::vector<std::string>& keys);
  std::string origin_;
  const crypto::Signer* signer_ = nullptr;
  std::vector<std::string> unsealed_;  // outbox keys written unsigned by this transaction
  kj::Array<capnp::word> scratch_;     // the signed copies of one tree are built here
};

std::string OutboxKey(std::string_view destination, uint64_t seq);

}  // namespace zhuji::node
