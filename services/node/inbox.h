#pragma once
// The receiving side of the delivery guarantee. Owns `seen`, `inbox` and the "in/<origin>"
// counters of `links`.
//
// Apply() checks one envelope and, in the caller's write transaction, either applies it (records
// its id in `seen`, stores it in `inbox`, advances the origin's expected link sequence; the audit
// log records each batch's range per origin) or says why not. An envelope already seen is a
// duplicate: a success that changes nothing. One that skips ahead of the expected link sequence is
// a gap: not applied, so order per origin holds. Never throws for bad input; store failures throw.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/capnp_io.h"
#include "services/crypto/envelope_signature.h"
#include "services/node/kinds.h"
#include "services/store/store.h"
#include "services/wire/header.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::node {

struct Delivery {
  enum class Outcome { kApplied, kDuplicate, kGap, kRefused };
  Outcome outcome = Outcome::kRefused;
  std::string origin;
  std::string link;       // the origin's link it came on: wire::LinkName(origin, lane)
  uint64_t seq = 0;       // the envelope's link sequence
  uint64_t expected = 0;  // the origin's next expected sequence after this step
  std::string id;         // raw 16 bytes, when readable
  schema::Kind kind = schema::Kind::NOTICE;
  wire::NackCode code = wire::NackCode::MALFORMED;  // for kRefused
  std::string reason;                               // for kRefused
};

struct InboxEntry {
  uint64_t local_seq;
  std::string id;
  std::string origin;
  uint64_t link_seq;
  uint16_t kind;
  std::string text;  // a notice's text; what the body carries for other kinds
  int64_t sent_at;
  int64_t received_at;
};

class Inbox {
 public:
  // Each kind's rules and effects come from `kinds` (services/node/kinds.h), which it borrows.
  Inbox(std::string self, uint64_t max_envelope_bytes, const KindRegistry& kinds)
      : self_(std::move(self)), max_bytes_(max_envelope_bytes), kinds_(kinds) {}

  // Applies a batch in one write transaction. Per-origin counters and the inbox position are
  // read once and written once, and the audit log gets one entry per origin naming the range of
  // link sequences applied (every envelope is itself kept in `inbox` and `seen`).
  class Batch {
   public:
    Batch(const Inbox& inbox, store::Txn& txn, int64_t now);
    // `routed_from` is the source named in the routing header; it must match the envelope. A
    // new envelope is recorded and its kind's apply runs, in this transaction.
    Delivery Apply(std::string_view routed_from, std::string_view bytes);
    // Writes the counters and the audit entries. Call once, before the commit.
    void Finish();

   private:
    struct Origin {
      uint64_t expected = 0;
      uint64_t first_applied = 0;
      uint64_t last_applied = 0;
    };
    const Inbox& inbox_;
    store::Txn& txn_;
    int64_t now_;
    uint64_t next_local_ = 0;
    std::map<std::string, Origin, std::less<>> origins_;
  };

  // One envelope in its own batch (tests, tools).
  Delivery Apply(store::Txn& txn, std::string_view routed_from, std::string_view bytes,
                 int64_t now) const;

  const KindRegistry& kinds() const { return kinds_; }

  // From now on an envelope is taken only if `verify` finds its signature valid (issue #10),
  // checked before its kind's rules: an unknown key is refused for now (UNVERIFIED: the sender
  // tries again later, when the directory here may list it), anything else for good
  // (BAD_SIGNATURE).
  using Verifier = std::function<crypto::Verification(schema::Envelope::Reader)>;
  void RequireSignatures(Verifier verify) { verify_ = std::move(verify); }

  // The next link sequence expected from `origin` (1 if none seen yet).
  // `link`: the origin's link, wire::LinkName(origin, lane).
  static uint64_t Expected(store::Txn& txn, std::string_view link);

  // Newest first, at most `limit` (0 = all), only entries after `after_local_seq`.
  std::vector<InboxEntry> List(store::Txn& txn, size_t limit, uint64_t after_local_seq) const;
  // Oldest first, every entry: for verification tools and tests.
  std::vector<InboxEntry> All(store::Txn& txn) const;

 private:
  // Reads what identifies the envelope (id, origin = the routed source, destination = this
  // node, link sequence), or refuses it.
  // `*parsed` keeps the reading for Check.
  Delivery Identify(std::string_view routed_from, std::string_view bytes,
                    std::unique_ptr<OwnedMessage>* parsed) const;
  // The rest, once it is known not to be a duplicate: size, signature, and its kind's rules for
  // the body; `*kind` is set to the kind's entry when it is known.
  Delivery Check(schema::Envelope::Reader envelope, size_t size, Delivery identified,
                 const KindEntry** kind) const;
  Delivery TooLarge(size_t size) const;
  InboxEntry Decode(std::string_view key, std::string_view value) const;

  std::string self_;
  uint64_t max_bytes_;
  const KindRegistry& kinds_;
  Verifier verify_;
};

}  // namespace zhuji::node
