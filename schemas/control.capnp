# Operator CLI (`zhuji`) ↔ its own node, over the node's local control socket.
@0x81e1922e036b2368;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

struct ControlRequest {
  union {
    status @0 :Void;
    send @1 :SendRequest;
    inbox @2 :InboxRequest;
  }
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
}

struct DestinationStatus {
  destination @0 :Text;
  pending @1 :UInt64;
  oldestPendingMs @2 :Int64;   # sent-at of the oldest unacknowledged envelope, 0 if none
  lastError @3 :Text;
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
  }
}

struct SentReply {
  ids @0 :List(Data);
  firstSeq @1 :UInt64;
  lastSeq @2 :UInt64;
  acked @3 :Bool;
}
