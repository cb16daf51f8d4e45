#pragma once
// The node's append-only audit log (DESIGN.md "Security"): table `audit`, key be64(seq), value an
// AuditEntry whose hash covers the previous entry's hash, so the log is a chain that a tool can
// verify end to end. The head (last seq and hash) is kept in `meta` under "audit_head".

#include <cstdint>
#include <string>
#include <string_view>

#include "services/common/result.h"
#include "services/store/store.h"

namespace zhuji::store {

class Audit {
 public:
  // Appends one entry in the caller's write transaction.
  static void Append(Txn& txn, int64_t at, std::string_view event, std::string_view detail);
  // Walks the whole chain; Status names the first entry that does not verify.
  static Status Verify(Txn& txn, uint64_t* entries);
};

}  // namespace zhuji::store
