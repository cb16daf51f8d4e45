# Operator CLI (`zhuji`) ↔ its own node, over the node's local control socket.
@0x81e1922e036b2368;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

struct ControlRequest {
  # Random, chosen by the client for a request that changes something: the node carries out a
  # request id once and answers a repeat (a retry after a timeout) with the reply it kept.
  requestId @11 :Data;
  union {
    status @0 :Void;
    send @1 :SendRequest;
    inbox @2 :InboxRequest;
    deadlines @3 :DeadlinesRequest;
    openDeadline @4 :OpenDeadlineRequest;
    closeDeadline @5 :CloseDeadlineRequest;
    supervised @6 :Bool;          # true: closed ones too
    clock @7 :ClockRequest;       # test-only: refused unless the node runs a fake clock
    loadCalendar @8 :LoadCalendarRequest;   # province node only
    matter @9 :MatterRequest;
    deadLetter @10 :DeadLetterRequest;
  }
}

# Envelopes their destination refused for good (zhuji deadletter).
struct DeadLetterRequest {
  op @0 :Op;
  number @1 :UInt64;      # show / retry / drop
  limit @2 :UInt32 = 100; # list: newest first; 0 = all
  enum Op {
    list @0;
    show @1;
    retry @2;             # queue it again to its destination (a new link sequence)
    drop @3;              # give it up (the audit log keeps the fact)
  }
}

struct DeadLetterView {
  number @0 :UInt64;
  destination @1 :Text;
  seq @2 :UInt64;
  id @3 :Data;
  kind @4 :Text;          # notice, supervision, calendarUpdate, matter, … or the number
  summary @5 :Text;       # what it carried, for people
  reason @6 :Text;        # why the destination refused it
  sentAtMs @7 :Int64;
  deadAtMs @8 :Int64;
  bytes @9 :UInt64;
  requeuedSeq @10 :UInt64;  # retry: the new link sequence
}

# An operator's step on an escalated matter (services/workflows/matter.h). Which fields count
# depends on `op`; the node refuses a step with the reason, and changes nothing then.
struct MatterRequest {
  op @0 :Op;
  id @1 :Text;            # the matter (all but report/request/object of a new one, and list)
  organ @2 :Text;         # report/request/object: the organ's code on this node
  title @3 :Text;
  mark @4 :Text;          # GD Art. 32 mark: provisional / proposed / decided / objected-to level
  claimMark @5 :Text;     # object: the objector's claimed level
  notSecret @6 :Bool;     # decide: "not a state secret"; object: the objector says so
  against @7 :Text;       # object: the classifier's address, "<node>/<code>"
  materials @8 :List(Text);
  hold @9 :Bool;          # report/request: set the provisional level only, report later
  forward @10 :Bool;      # review: forward (true) or return for more material (false)
  who @11 :Text;          # reviewer / decided by / answered by
  text @12 :Text;         # opinion / what is missing / scope / answer
  upheld @13 :Bool;       # answer: the classifier keeps its determination
  art24 @14 :Text;        # report/request: a GD Art. 24 category the content falls in, if any
  listedInScope @15 :Bool;  # … and a scope of secret matters lists it nonetheless
  parts @16 :List(Text);  # report/request: marks of the parts of a compilation (GD Art. 33)

  enum Op {
    show @0;
    list @1;
    report @2;            # 不明确事项: set provisionally (+ report), or report again
    request @3;           # GD Art. 29 定密申请: set provisionally (+ report)
    object @4;            # GD Art. 45 定密异议 to the classifier
    review @5;            # an intermediate level: forward or return (退回补充)
    decide @6;            # the last hop decides
    answer @7;            # the classifier answers an objection
    accept @8;            # the objector accepts an upheld answer
    escalate @9;          # the objector reports the dispute up (GD Art. 31)
  }
}

struct LoadCalendarRequest {
  fileName @0 :Text;
  toml @1 :Text;
}

struct CalendarLoaded {
  year @0 :Int32;
  version @1 :Text;
  recomputed @2 :UInt32;          # provisional deadlines recomputed here
  forwardedTo @3 :List(Text);
}

struct DeadlinesRequest {
  all @0 :Bool;                   # closed ones too
}

struct OpenDeadlineRequest {
  item @0 :Text;
  step @1 :Text;
  rule @2 :Text;
  title @3 :Text;
  triggerDay @4 :Int32;           # CST date; 0 = today on the node's clock
  hasTrigger @5 :Bool;
  workingDays @6 :UInt16;
  fixedDay @7 :Int32;             # a calendar-date deadline instead (when hasFixedDay)
  hasFixedDay @8 :Bool;
}

struct CloseDeadlineRequest {
  item @0 :Text;
  step @1 :Text;
}

struct ClockRequest {
  advanceMs @0 :Int64;
  setMs @1 :Int64;                # when non-zero, set instead of advancing
}

struct DeadlineView {
  record @0 :Data;                # a store.capnp Deadline
  daysLeft @1 :Int32;             # working days from today (CST) to the due day; < 0 overdue
}

struct CalendarInfo {
  version @0 :Text;
  years @1 :List(Int32);
  localOffDays @2 :List(Text);
  todayDay @3 :Int32;
}

struct SendRequest {
  to @0 :Text;
  text @1 :Text;
  count @2 :UInt32 = 1;    # send `count` notices, numbered " #1" … when count > 1
  waitAck @3 :Bool;        # reply only once the destination acknowledged the last one
  padTo @4 :UInt32;        # pad each text to this many bytes (benchmarks)
}

struct InboxRequest {
  limit @0 :UInt32 = 50;   # newest first; 0 = all
  afterSeq @1 :UInt64;     # only entries with a local sequence above this
}

struct LinkStatus {
  endpoint @0 :Text;
  up @1 :Bool;
  lastChangeMs @2 :Int64;
  refusal @3 :Text;       # the broker refused this node's id (another live process holds it)
}

struct DestinationStatus {
  destination @0 :Text;
  pending @1 :UInt64;
  oldestPendingMs @2 :Int64;   # sent-at of the oldest unacknowledged envelope, 0 if none
  lastError @3 :Text;
  broken @4 :Bool;        # the receiver asks for a sequence this node no longer has
}

struct NodeStatus {
  nodeId @0 :Text;
  name @1 :Text;
  level @2 :Text;
  parent @3 :Text;
  links @4 :List(LinkStatus);
  outboxDepth @5 :UInt64;
  oldestPendingMs @6 :Int64;
  lastError @7 :Text;
  lastErrorMs @8 :Int64;
  destinations @9 :List(DestinationStatus);
  delivered @10 :UInt64;       # envelopes applied from others
  duplicates @11 :UInt64;      # re-deliveries recognised and re-acknowledged
  refused @12 :UInt64;         # malformed or unauthorised frames refused
  acked @13 :UInt64;           # own envelopes acknowledged by their destination
  nowMs @14 :Int64;
  startedMs @15 :Int64;
  deadlinesOpen @16 :UInt64;         # tracked duties not closed
  deadlinesOverdue @17 :UInt64;      # of them overdue (逾期)
  deadlinesProvisional @18 :UInt64;  # of them counted through a year with no schedule (暂定)
  calendarVersion @19 :Text;
  supervisedOpen @20 :UInt64;        # 督办 from below not yet closed
  organs @21 :List(Text);            # "440106/jyj 天河区教育局 [education]"
  deadLetters @22 :UInt64;           # envelopes refused for good by their destination
  incarnation @23 :UInt64;           # how many times this node's store has been started
  storeError @24 :Text;              # the store cannot be written (disk full …): nothing is acknowledged
  storeErrorSinceMs @25 :Int64;
  stepsNotTaken @26 :UInt64;         # own steps on received matters that could not be taken (audit)
}

struct InboxEntry {
  seq @0 :UInt64;
  id @1 :Data;
  origin @2 :Text;
  text @3 :Text;
  sentAt @4 :Int64;
  receivedAt @5 :Int64;
}

struct ControlReply {
  error @0 :Text;             # empty on success
  union {
    none @1 :Void;
    status @2 :NodeStatus;
    sent @3 :SentReply;
    inbox @4 :List(InboxEntry);
    deadlines @5 :DeadlineList;
    supervised @6 :List(SupervisedView);
    clockMs @7 :Int64;
    calendarLoaded @8 :CalendarLoaded;
    matters @9 :List(Data);       # matter.capnp StoredMatter, one per matter
    deadLetters @10 :List(DeadLetterView);
  }
}

struct DeadlineList {
  deadlines @0 :List(DeadlineView);
  calendar @1 :CalendarInfo;
}

struct SupervisedView {
  origin @0 :Text;
  notice @1 :Data;                # an envelope.capnp Supervision
  receivedMs @2 :Int64;
  closed @3 :Bool;
}

struct SentReply {
  ids @0 :List(Data);
  firstSeq @1 :UInt64;
  lastSeq @2 :UInt64;
  acked @3 :Bool;
}
