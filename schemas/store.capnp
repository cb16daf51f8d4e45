# Values kept in a node's LMDB store (keys are described in services/store/).
@0xac1168a01f6d8b70;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

struct AuditEntry {
  seq @0 :UInt64;
  at @1 :Int64;          # ms since the Unix epoch
  event @2 :Text;        # e.g. "delivered", "queued", "refused"
  detail @3 :Text;
  prevHash @4 :Data;     # BLAKE2b-256 of the previous entry's hash (zeros for the first)
  hash @5 :Data;         # BLAKE2b-256 over prevHash and this entry's other fields
}

