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


# One tracked duty with a deadline (services/node/deadlines.h).
struct Deadline {
  item @0 :Text;
  step @1 :Text;
  rule @2 :Text;
  title @3 :Text;
  triggerDay @4 :Int32;       # CST date of the trigger, days since 1970-01-01 (not counted)
  workingDays @5 :UInt16;     # 0 for a calendar-date deadline
  dueDay @6 :Int32;           # the last day
  dueMs @7 :Int64;            # 24:00 CST of dueDay: overdue from here
  remindMs @8 :Int64;         # 00:00 CST of the reminder day
  dueStartMs @9 :Int64;       # 00:00 CST of dueDay
  provisional @10 :Bool;      # counted through a year with no schedule
  calendarVersion @11 :Text;
  state @12 :State;
  openedMs @13 :Int64;
  closedMs @14 :Int64;
  nextEventMs @15 :Int64;     # key of its entry in the timer table; 0 when none
  supervisor @16 :Text;       # node told when it goes overdue (GD Art. 41), maybe this one;
                              # empty: outside the network (the provincial bureau's own duties)
  overdueAtMs @17 :Int64;
  supervisorName @18 :Text;   # the supervising secrecy admin dept, e.g. 天河区国家保密局
  metMs @19 :Int64;           # the duty was met then (a 备案 sent): no reminder or overdue while
                              # its confirmation (the 回执) is awaited; 0: not met

  enum State {
    open @0;
    reminded @1;
    dueToday @2;
    overdue @3;
    closed @4;
  }
}

# A 督办 received from a node below (services/node/supervision.h).
struct Supervised {
  origin @0 :Text;
  notice @1 :Data;            # the latest Supervision body from the origin
  receivedMs @2 :Int64;
  closed @3 :Bool;
}

# An envelope its destination refused for good (services/node/deadletters.h), kept until an
# operator retries or drops it.
struct DeadLetter {
  destination @0 :Text;
  seq @1 :UInt64;          # the link sequence it had (now carried by a Skip)
  envelope @2 :Data;       # the envelope as it was sent
  reason @3 :Text;         # the destination's reason
  code @4 :UInt16;         # the NACK code (transport.capnp NackCode)
  deadAtMs @5 :Int64;
}
