# The routing header: the start of every ZeroMQ message between nodes and brokers.
# Protocol 2: every message is ONE ZeroMQ frame, this header as a flat Cap'n Proto message (its
# segment table says where it ends) followed, for a DELIVER, by the envelope bytes. The broker
# reads the header and nothing else. No multipart on the wire (libzmq #3485).
@0xfb44db51bd8cb44d;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

const protocolTag :UInt32 = 0x5a484a49;  # "ZHJI"
const protocolVersion :UInt16 = 2;

enum Command {
  hello @0;        # node → broker: register `source` (a broker registers each node it serves)
  welcome @1;      # broker → node: registration accepted
  deliver @2;      # the envelope follows the header in the frame; `seq` = its link sequence
  ack @3;          # receiver → origin: every envelope up to `seq` is durable
  nack @4;         # refused: `code` and `reason` say why; `seq` = next expected for a gap
  unreachable @5;  # broker → sender: `destination` has no route now
  heartbeat @6;    # either way; the broker answers a node's heartbeat
  stats @7;        # anyone → broker: ask for counters; the reply carries `brokerStats`
}

enum NackCode {
  malformed @0;      # the envelope could not be parsed or failed a check
  wrongNode @1;      # addressed to another node
  gap @2;            # out of order: `seq` is the next one expected
  notRegistered @3;  # broker: say HELLO first
  tooLarge @4;
  protocol @5;       # wrong tag, version or command
  idInUse @6;        # broker: another live process holds this node id; `reason` says which
  forbidden @7;      # broker: this connection's key may not speak for that node id (issue #10)
  badSignature @8;   # the envelope's signature does not verify, or its key may not sign it
  unverified @9;     # signed by a key not in the receiver's directory yet: sent again later
}

struct BrokerStats {
  brokerId @0 :Text;
  peers @1 :UInt32;
  routes @2 :UInt32;
  relayed @3 :UInt64;
  unreachable @4 :UInt64;
  refused @5 :UInt64;      # malformed, wrong tag or version, oversized, unregistered
  upstreamUp @6 :Bool;
  upstreamRelayed @7 :UInt64;
  idInUse @8 :UInt64;      # HELLOs refused because a live process holds the id
  forbidden @9 :UInt64;    # HELLOs refused: the connection's key belongs to another id
  keysRefused @10 :UInt64; # connections refused: their CURVE key is not in the directory of keys
}

struct Header {
  protocol @0 :UInt32;
  version @1 :UInt16;
  command @2 :Command;
  source @3 :Text;
  destination @4 :Text;
  messageId @5 :Data;
  seq @6 :UInt64;
  code @7 :NackCode;
  reason @8 :Text;
  brokerStats @9 :BrokerStats;
  incarnation @10 :UInt64;  # HELLO: the node's start count, kept in its store (see broker.h)
  nonce @11 :UInt64;
  refusedFor @12 :Text;     # a broker's NACK of a DELIVER: the refused envelope's destination
  signature @13 :Data;      # a node's ACK or NACK, signed with its key (issue #10): the sender
  signerKeyId @14 :Text;    #   deletes or gives up envelopes only on a receipt that verifies
  lane @15 :UInt8;          # DELIVER, ACK, NACK: the link's lane (0 ordinary, 1 urgent: its own
                            #   sequence, sent ahead of the ordinary lane; wire/header.h)        # HELLO: random per process: a reconnect is told from a rival
}
