#pragma once
// Operator requests carried out, by request id (issue #8: idempotent operator requests). Owns
// table `requests`: "id/<request id>" -> be64(at) + the reply as sent (empty until it is kept),
// and "t/" be64(at) <request id> -> "" so that old entries expire in order.
//
// Mark() goes into the transaction of the step itself, so a request that committed is known
// even if the node dies before it answers; SaveReply() keeps the reply right after. Entries live
// a day (kKeepMs), longer than any client retries.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/store/store.h"

namespace zhuji::node {

class Requests {
 public:
  static constexpr int64_t kKeepMs = 24 * 3'600'000;
  static constexpr size_t kMaxIdBytes = 64;

  struct Done {
    int64_t at = 0;
    std::string reply;  // empty: carried out, but the node stopped before it kept its reply
  };

  static void Mark(store::Txn& txn, std::string_view id, int64_t now);
  // Keeps the reply and expires up to `expire_max` entries older than a day.
  static void SaveReply(store::Txn& txn, std::string_view id, std::string_view reply, int64_t now,
                        size_t expire_max = 256);
  static std::optional<Done> Find(store::Txn& txn, std::string_view id);
  // Deletes at most `max` entries older than `now - kKeepMs`; returns how many.
  static size_t Expire(store::Txn& txn, int64_t now, size_t max);
};

}  // namespace zhuji::node
