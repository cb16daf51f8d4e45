# An organ's own determination (services/workflows/determination.h, GD Art. 25-28): its
# 保密事项一览表 and its register of state secrets, as the node keeps them (tables `scope_lists`
# and `secrets`). Versioned by adding fields, never by renumbering.
@0xfc2e653765cf7ca8;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

using Matter = import "matter.capnp";

struct ScopeEntry {
  no @0 :Int32;
  name @1 :Text;
  basis @2 :Text;
  protection @3 :Matter.Protection;
  scope @4 :Text;
  department @5 :Text;
}

struct ScopeList {
  organ @0 :Text;
  version @1 :UInt64;
  entries @2 :List(ScopeEntry);
  approvedBy @3 :Text;
  approvedAt @4 :Int64;
}

struct Determination {
  id @0 :Text;
  organ @1 :Text;
  organName @2 :Text;
  title @3 :Text;
  entryNo @4 :Int32;
  listVersion @5 :UInt64;
  entryName @6 :Text;
  proposed @7 :Matter.Protection;
  scope @8 :Text;
  basis @9 :Text;
  reasons @10 :Text;
  keyPoints @11 :Text;
  handler @12 :Text;
  aroseDay @13 :Int32;
  proposedAt @14 :Int64;
  state @15 :UInt8;                # workflows::DeterminationState
  protection @16 :Matter.Protection;
  corrected @17 :Bool;
  approvedBy @18 :Text;
  approvedAt @19 :Int64;
  returnReason @20 :Text;
  dueAt @21 :Int64;
  history @22 :List(Matter.TrailEvent);
}
