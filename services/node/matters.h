#pragma once
// The `matters` table: each node's copy of every escalated matter it took part in (DESIGN.md
// "Store"), and the matter.capnp codec used for the table and for `matter` envelopes.
//
// A copy carries a version; a node keeps the newest it has seen. What happened on this node
// alone (when the written notice of the decision arrived) is kept beside the copy, never sent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/result.h"
#include "services/store/store.h"
#include "services/workflows/matter.h"

namespace zhuji::node {

struct StoredMatter {
  workflows::Matter matter;
  int64_t notice_received_at = 0;  // 书面通知 of the decision recorded here
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // 条例 Art. 25 ¶2: this node's provincial bureau filed its decision with 国家保密局 (备案).
  int64_t national_filed_at = 0;
  std::string national_filed_via, national_filed_by;
  // Steps that lost a race (GD Art. 31, 45: a late answer to an escalated dispute), kept here.
  std::vector<workflows::TrailEvent> late_steps;
  // GD Art. 40: the written notice of a 变更 sent to the 知悉范围 (the classifier's node).
  int64_t change_notice_due_at = 0;
  int64_t change_notified_at = 0;
  std::string change_notified_by, change_notice;
};

class Matters {
 public:
  // matter.capnp Matter bytes (the body of a `matter` envelope).
  static std::string Encode(const workflows::Matter& m);
  // Refuses, with the reason, bytes that are not a consistent matter (an id, a route, a holder
  // within the route, known kinds and states).
  static Result<workflows::Matter> Decode(std::string_view bytes);

  static std::string EncodeStored(const StoredMatter& s);
  static StoredMatter DecodeStored(std::string_view bytes);

  static std::optional<StoredMatter> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const StoredMatter& s);
  // Every matter this node holds, newest first by last change.
  static std::vector<StoredMatter> List(store::Txn& txn);
  // A new id for a matter of `origin_address`: "<address>/<year>-<serial>", serial per node.
  static std::string NextId(store::Txn& txn, const std::string& origin_address, int year);
};

}  // namespace zhuji::node
