#pragma once
// 督办 (RULES.md "Deadlines"; GD Art. 41): when a duty passes its deadline, the node reports it
// (逾期报告) to the secrecy admin dept that supervises the organ — on the same node, or one level
// up — which lists it as a 督办事项 until the duty is done. Owns the `supervised` table on the
// supervisor's side and builds the Supervision body on the origin's side.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/deadlines/deadlines.h"
#include "services/store/store.h"

namespace zhuji::node {

struct SupervisedEntry {
  std::string origin;
  std::string notice;  // envelope.capnp Supervision bytes
  int64_t received_ms = 0;
  bool closed = false;
};

class Supervision {
 public:
  // The body of a 督办 envelope for `d` (closed = the duty was done after all).
  static std::string Body(const deadlines::DeadlineRecord& d, const std::string& origin_name,
                          bool closed, int64_t closed_at_ms);
  // Records a received 督办 in the caller's write transaction. Throws MalformedMessage (or a kj
  // exception) for a body that is not a Supervision.
  static void Record(store::Txn& txn, const std::string& origin, std::string_view body,
                     int64_t now);
  static std::vector<SupervisedEntry> List(store::Txn& txn, bool with_closed);
  // How many are open, kept in `meta` as they change (status reads it without a scan).
  static uint64_t OpenCount(store::Txn& txn);
  // Counts them once for a store written before the count was kept. Write transaction.
  static void Recount(store::Txn& txn);
  // "督办 item / step (rule) due …" for inbox listings.
  static std::string Summary(std::string_view body);
};

}  // namespace zhuji::node
