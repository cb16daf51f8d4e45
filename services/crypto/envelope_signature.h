#pragma once
// Signed envelopes (issue #10). The origin signs each envelope with its signing key; the
// receiver verifies it against the origin's key in the directory of keys before applying it,
// and keeps the envelope as received, signature included, so anyone holding the directory can
// verify it again later, offline (`zhuji verify`, `zhuji audit verify`).
//
// What is signed: the suite's hash (SHA-256 or SM3) of a domain tag and every field of the
// envelope but the signature, each length-prefixed (SigningInput). The envelope names the key
// by its fingerprint (signerKeyId), so a key rotation never leaves a receiver guessing.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::crypto {

// Envelopes signed together (issue #11). The origin signs the envelopes it commits in one
// transaction as one hash tree: leaf = the suite's hash of SigningInput (what a lone envelope's
// signature covers), inner node = hash(0x01 || left || right), an odd node out goes up as it
// is; the root is signed once and each envelope carries the signature and its path to the root
// (signatureProof, signatureProofSides), so each can still be verified alone, offline.
// A leaf's input begins with the 8-byte length of the domain tag, never with 0x01: no inner node
// can pass for a leaf. At most kMaxTreeLeaves per tree (a path of at most 6 hashes).
constexpr size_t kMaxTreeLeaves = 64;
constexpr size_t kMaxTreeLevels = 6;  // a path of more hashes is malformed
static_assert(size_t{1} << kMaxTreeLevels == kMaxTreeLeaves);

// Roots already checked: (key, signature, root) whose signature verified, so the envelopes of
// one tree cost one signature check. Bounded; one per node loop.
class VerifiedRoots {
 public:
  bool Contains(const std::string& entry) const { return entries_.count(entry) > 0; }
  void Add(std::string entry);

 private:
  static constexpr size_t kMax = 4096;
  std::unordered_set<std::string> entries_;
};

// A node's signing key, ready to use.
class Signer {
 public:
  // Refuses keys whose suite or secret are unusable.
  static Result<Signer> From(const KeyPair& keys);
  // Sets signerKeyId and signature on an envelope whose other fields are set.
  void Sign(schema::Envelope::Builder envelope) const;
  // Signs envelopes whose other fields are set as hash trees of at most kMaxTreeLeaves each:
  // sets signerKeyId, signature and the path on each.
  void SignBatch(std::vector<schema::Envelope::Builder>& envelopes) const;
  // A signature over the suite's hash of `message` (a key announcement, …).
  std::string SignMessage(std::string_view message) const;
  const std::string& fingerprint() const { return fingerprint_; }
  // Sets a signature's fields to the largest they can be once signed (signerKeyId, signature,
  // a path of kMaxTreeLevels hashes): an envelope stored with these is never made longer by
  // SignBatch.
  void Reserve(schema::Envelope::Builder envelope) const;
  const Suite& suite() const { return *suite_; }

 private:
  const Suite* suite_ = nullptr;
  std::string secret_;
  std::string fingerprint_;
};

// The bytes the signature covers.
std::string SigningInput(schema::Envelope::Reader envelope);

// Copies every field of `from` but its signature (signerKeyId, signature, path) into `to`.
void CopyUnsigned(schema::Envelope::Reader from, schema::Envelope::Builder to);

struct Verification {
  enum class Outcome { kValid, kUnknownKey, kInvalid };
  Outcome outcome = Outcome::kInvalid;
  std::string reason;  // for people: names the key, its owner and what is wrong
  bool ok() const { return outcome == Outcome::kValid; }
};

// Checks the envelope's signature against `directory` at `now_ms`: the key must be listed,
// belong to the envelope's origin, be usable (not revoked, not past its grace period), and the
// signature must verify. kUnknownKey: the key is not (yet) in this directory. Without `now_ms`
// the key's state is not asked (an envelope kept from before its key was revoked, audited).
// `verified` (optional) remembers the roots checked, for the next envelopes of the same tree.
Verification VerifyEnvelope(schema::Envelope::Reader envelope, const KeyDirectory& directory,
                            std::optional<int64_t> now_ms, VerifiedRoots* verified = nullptr);

// The same checks for any message signed by SignMessage: `key_id` must be `owner`'s, usable at
// `now_ms` (when given), and the signature must verify. `what` names the message in reasons.
Verification VerifyMessage(const KeyDirectory& directory, const std::string& owner,
                           const std::string& key_id, std::string_view message,
                           std::string_view signature, std::optional<int64_t> now_ms,
                           const std::string& what);

}  // namespace zhuji::crypto
