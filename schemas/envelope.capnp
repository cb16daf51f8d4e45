# The envelope: what one node hands another, end to end. The broker never reads it.
# Versioned by adding fields, never by renumbering.
@0xe2094b5f2b32155c;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

enum Kind {
  notice @0;           # a plain operator notice (通知), used to test a link
  supervision @1;      # an overdue notice (督办) to the supervising secrecy admin dept, or its closing
  calendarUpdate @2;   # a year's official schedule, published by the province, passed down
  matter @3;           # an escalated matter (matter.capnp Matter), the whole of it, after a step
  skip @4;             # stands in for an envelope the destination refused for good (Skip)
  directoryUpdate @5;  # the directory of keys, signed by the province, passed down
  keyAnnouncement @6;  # a node's new keys (zhuji keys rotate), passed up to the province
  grant @7;            # a 定密授权 decision or its revocation (filing.capnp Grant), the whole of it
  filing @8;           # a 备案 submitted, or its 回执 or refusal (filing.capnp Filing), the whole of it
  authorizingList @9;  # the 授权机关名录 (filing.capnp AuthorizingListUpdate), passed down
  secret @10;          # a determination's copy or written notice, or its receipt (secret.capnp SecretMessage)
  stats @11;           # a yearly statistics report (statistics.capnp StatReport), to a grantor or up
  inspection @12;      # a supervision case, the whole of it after a step (inspection.capnp)
  licensing @13;       # a licensed unit's inspection (licensing.capnp UnitInspection), the whole of it
  summary @14;         # status summaries (SummaryReport) for the province's picture, to the parent
}

# The province's picture (issue #17): each node's duties and link health, sent to its parent
# every few minutes with the latest it holds of every node below it, so they climb level by
# level. Latest wins; a node keeps one per node (table `summaries`), never a history.
struct DutyCount {
  rule @0 :Text;            # e.g. "GD Art. 30"
  step @1 :Text;            # the duty within its item
  open @2 :UInt32;          # not closed (due soon and overdue included)
  dueSoon @3 :UInt32;       # reminded or due today (临期)
  overdue @4 :UInt32;       # 逾期
  provisional @5 :UInt32;   # counted through a year with no schedule (暂定)
}

struct StatusSummary {
  node @0 :Text;            # the node it describes
  name @1 :Text;
  level @2 :Text;           # province, city, county
  parent @3 :Text;
  asOfMs @4 :Int64;         # when that node made it, on its clock: "last heard"
  intervalMs @5 :Int64;     # how often it makes one
  duties @6 :List(DutyCount);
  open @7 :UInt32;
  dueSoon @8 :UInt32;
  overdue @9 :UInt32;
  provisional @10 :UInt32;
  supervisedOpen @11 :UInt32;   # 督办 from below open there
  linksUp @12 :UInt32;
  linksTotal @13 :UInt32;
  outboxDepth @14 :UInt64;
  oldestPendingMs @15 :Int64;   # sent-at of its oldest unacknowledged envelope, 0 if none
  storeWritable @16 :Bool;
  serial @17 :UInt64;       # 1, 2, 3 … per node (kept across restarts): the later of two made
                            # at the same instant wins
  ageMs @18 :Int64;         # how old it was when its sender sent it on (0: the sender's own,
                            # made then); each node adds only time it measured itself, so
                            # "offline" does not depend on two nodes' clocks agreeing
}

struct SummaryReport {
  summaries @0 :List(StatusSummary);  # the sender's own first, then what it holds from below
}

# A value of table `summaries`: the latest summary of one node, and how it came.
struct HeldSummary {
  summary @0 :StatusSummary;
  heardMs @1 :Int64;        # received here (made here, for this node's own)
  via @2 :Text;             # the node it came from (this node's id for its own)
  ageMs @3 :Int64;          # its age when received (summary.ageMs as sent)
  sentSeq @4 :UInt64;       # this node's own row: the link sequence of its last summary to the
                            # parent (none is queued behind it while it is unacknowledged)
}

struct Envelope {
  id @0 :Data;             # 16 bytes, unique for all time; the dedupe key: 48-bit ms time, 80 random bits
  origin @1 :Text;         # GB/T 2260 code of the sending node
  destination @2 :Text;    # GB/T 2260 code of the receiving node
  sentAt @3 :Int64;        # ms since the Unix epoch: when the sender committed it (sent-at)
  kind @4 :Kind;
  body @5 :Data;           # Cap'n Proto message of the type that `kind` names
  correlationId @6 :Data;  # the business item this belongs to (empty for notices)
  linkSeq @7 :UInt64;      # 1, 2, 3 … per (origin, destination): delivery order
  signature @8 :Data;      # the origin's signature (services/crypto/envelope_signature.h)
  signerKeyId @9 :Text;    # the fingerprint of the key that signed it
  # Signed in a batch (issue #11): the signature is over the root of a hash tree of the
  # envelopes the origin committed together; this is the path from this envelope's leaf to the
  # root, 32-byte sibling hashes from the leaf upwards. Empty: signed alone (the root is the leaf).
  signatureProof @10 :Data;
  signatureProofSides @11 :UInt64;  # bit i set: the i-th sibling is on the left
  # 0: the ordinary lane; 1: the urgent lane (a written notice against an expiry, GD Art. 36):
  # its own link sequence per (origin, destination), sent ahead of the ordinary one.
  lane @12 :UInt8;
}

struct Notice {
  text @0 :Text;
}

# The destination refused the envelope that had this link sequence for good (malformed for it,
# too large, not its business). The sender moved that envelope to its dead letters and sends
# this in its place, so the link sequence is consumed and the envelopes behind it go on.
struct Skip {
  deadLetter @0 :UInt64;   # the number of the dead letter at the sender (zhuji deadletter show)
  originalId @1 :Data;     # the refused envelope's id
  reason @2 :Text;         # why the destination refused it
}

# 逾期报告 (becomes a 督办事项 where it arrives, GD Art. 41): a duty on the origin node passed its
# deadline (RULES.md "Deadlines"), or was done after.
struct Supervision {
  item @0 :Text;            # the business item
  step @1 :Text;            # the duty within it
  rule @2 :Text;            # e.g. "GD Art. 14"
  title @3 :Text;           # for people
  dueMs @4 :Int64;          # 24:00 CST of the last day
  overdueAtMs @5 :Int64;    # when the origin found it overdue
  closed @6 :Bool;          # true: the duty was done; the supervisor stops listing it
  closedAtMs @7 :Int64;
  originName @8 :Text;
  provisional @9 :Bool;
  calendarVersion @10 :Text;
}

# A year of the working-day calendar (deploy/calendar/<year>.toml), published by the province
# node and passed down level by level; every node recomputes its provisional deadlines.
struct CalendarUpdate {
  fileName @0 :Text;
  toml @1 :Text;              # the year file as loaded on the province node
  publishedBy @2 :Text;       # the province node id
  version @3 :Text;           # the province's calendar version after loading it
}

# The directory of keys (密钥名录, services/crypto/key_directory.h), as signed by the province's
# directory key; passed down level by level like the calendar. Older versions are refused.
struct DirectoryUpdate {
  text @0 :Text;              # the signed file, byte for byte
  version @1 :UInt64;
}

# A node announces the keys it made with `zhuji keys rotate`: passed up level by level to the
# province, where the operator adds them to the next directory of keys. Signed end to end by the
# announcing node's key in use (the envelope's signature is only the last hop's).
struct KeyAnnouncement {
  id @0 :Text;                # the announcing node
  suite @1 :Text;
  curve @2 :Text;             # the new CURVE public key (Z85)
  sign @3 :Text;              # the new signing public key (hex)
  announcedAt @4 :Int64;
  signerKeyId @5 :Text;       # the fingerprint of the key in use that signed it
  signature @6 :Data;         # over "zhuji-key-announcement-v1", id, suite, curve, sign, at
}
