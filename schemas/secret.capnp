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
  # After approval (GD Art. 34-40).
  scopeOrgans @23 :List(Text);     # the other organs in the 知悉范围, "<node>/<code>"
  version @24 :UInt64;             # 1 once approved, +1 per later decision
  determinedDay @25 :Int32;        # 确定之日, days since 1970-01-01
  reviewedYear @26 :Int32;         # GD Art. 34
  releasedDay @27 :Int32;
  releaseReason @28 :Text;
}

# The written notice (书面通知) of a decision on a secret, tracked per recipient organ by the
# deciding node (table `secret_notices`, GD Art. 36, 37, 40).
struct SecretNotice {
  id @0 :Text;                     # "<secret id>#<version>"
  secretId @1 :Text;
  title @2 :Text;
  organ @3 :Text;
  organName @4 :Text;
  version @5 :UInt64;
  kind @6 :UInt8;                  # workflows::ChangeKind
  rule @7 :Text;
  docNumber @8 :Text;
  mark @9 :Text;
  decidedAt @10 :Int64;
  dueMs @11 :Int64;
  recipients @12 :List(Recipient);
  struct Recipient {
    organ @0 :Text;
    organName @1 :Text;
    receiptedAt @2 :Int64;         # 签收 recorded here; 0: not yet
    atRecipient @3 :Int64;         # the recipient node's clock when it stored the copy
  }
}

# Envelope kind `secret`: a determination's copy for the organs of its 知悉范围 on the destination
# node (with the notice it belongs to), or that node's receipt (签收) of it.
struct SecretMessage {
  union {
    copy @0 :SecretCopy;
    receipt @1 :SecretReceipt;
  }
}

struct SecretCopy {
  determination @0 :Determination;
  notice @1 :Text;                 # the notice id
  kind @2 :UInt8;                  # workflows::ChangeKind
  rule @3 :Text;
  docNumber @4 :Text;
  organs @5 :List(Text);           # the recipient organs on the destination node
}

struct SecretReceipt {
  notice @0 :Text;
  secretId @1 :Text;
  version @2 :UInt64;
  organs @3 :List(Text);           # the recipient organs on the receiving node
  receivedAt @4 :Int64;            # the receiving node's clock
  heldVersion @5 :UInt64;          # the version the receiver holds after it (a newer one may have
                                   # arrived first)
}
