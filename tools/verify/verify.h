#pragma once
// Offline verification of a node's store (issue #10): the audit chain, the directory of keys it
// holds, and the signature of every envelope it keeps (received: inbox; to send: outbox). Works
// on a copy of the store; needs only the store and, to trust the directory, the province's
// pinned directory key.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/crypto/key_directory.h"
#include "services/store/store.h"

namespace zhuji::tools {

struct StoreVerification {
  uint64_t audit_entries = 0;
  std::string audit_error;  // empty: the chain verifies end to end
  uint64_t verified = 0;    // envelopes whose signature verifies
  uint64_t unsigned_ = 0;   // envelopes without a signature (kept before signatures were on)
  // One line per entry that does not verify (named), or per reason the store cannot be vouched
  // for (no pinned key, a directory that does not verify).
  std::vector<std::string> failures;
  bool ok() const { return audit_error.empty() && failures.empty(); }
};

struct DirectoryTrust {
  std::string suite = "ed25519";
  std::string pinned_key;  // hex; empty: the stored directory is read without its signature
  std::string file;        // a directory file to use instead of the stored one
};

// The directory to check signatures against: `trust.file`, or the one kept in the store.
Result<crypto::KeyDirectory> DirectoryFor(store::Txn& txn, const DirectoryTrust& trust);

StoreVerification VerifyStore(store::Txn& txn, const DirectoryTrust& trust);

// One received envelope, by its id (32 hex digits): a line per fact, and whether it verifies.
// With `code` (a printed document's 验证码, issue #17): also whether the code is this envelope's
// (services/crypto/document_code.h), and the facts the envelope carries to compare with the
// paper.
bool VerifyOne(store::Txn& txn, const DirectoryTrust& trust, const std::string& id_hex,
               std::vector<std::string>* lines, const std::string& code = "");

}  // namespace zhuji::tools
