#pragma once
// The routing header (schemas/transport.capnp) as a plain value, and its checked encoding.
// Shared by the broker and the node; knows nothing of workflows or stores.
//
// Protocol 2: a message is ONE ZeroMQ frame: the header as a flat Cap'n Proto message, whose
// segment table says where it ends, then the body (a DELIVER's envelope; nothing otherwise).
// EncodeFrame / ParseFrame are the only way frames are made and read.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "zhuji/schemas/transport.capnp.h"

namespace zhuji::wire {

using Command = schema::Command;
using NackCode = schema::NackCode;

// A header larger than this is refused before parsing.
inline constexpr size_t kMaxHeaderBytes = 4 * 1024;
inline constexpr size_t kMaxReasonBytes = 1024;  // a longer reason is cut (EncodeHeader)
inline constexpr size_t kDefaultMaxEnvelopeBytes = 4 * 1024 * 1024;

struct BrokerStats {
  std::string broker_id;
  uint32_t peers = 0;
  uint32_t routes = 0;
  uint64_t relayed = 0;
  uint64_t unreachable = 0;
  uint64_t refused = 0;
  bool upstream_up = false;
  uint64_t upstream_relayed = 0;
  uint64_t id_in_use = 0;
  uint64_t forbidden = 0;     // HELLOs for an id the connection's key does not hold
  uint64_t keys_refused = 0;  // connections whose CURVE key is not in the directory of keys
  // `refused` by reason (a NACK code's name, or "upstream"); in the process only (/metrics),
  // not carried by STATS.
  std::map<std::string, uint64_t> refused_by;
};

struct Header {
  Command command = Command::HEARTBEAT;
  std::string source;
  std::string destination;
  std::string message_id;  // raw 16 bytes, or empty
  uint64_t seq = 0;
  NackCode code = NackCode::MALFORMED;
  std::string reason;
  std::optional<BrokerStats> stats;
  uint64_t incarnation = 0;   // HELLO: the node's start count (kept in its store)
  uint64_t nonce = 0;         // HELLO: random per process, so a reconnect is told from a rival
  std::string refused_for;    // a broker's NACK of a DELIVER: that envelope's destination
  std::string signature;      // a node's ACK or NACK, signed (services/node/delivery.h)
  std::string signer_key_id;  // the fingerprint of the key that signed it
  uint8_t lane = 0;           // DELIVER, ACK, NACK: the link's lane (LinkName)
};

// A link is what one node sends another in one lane, in order, with its own sequence. Lane 0 is
// the ordinary one; lane 1 (urgent) carries what must not wait behind it — a written notice
// against an expiry (GD Art. 36, RULES.md "sent ahead of other traffic") — and is sent first.
// Outbox, pump and inbox name a link by the node id (lane 0) or "<node>!" (lane 1).
inline constexpr uint8_t kUrgentLane = 1;
std::string LinkName(std::string_view node, uint8_t lane);
std::string_view LinkNode(std::string_view link);
uint8_t LinkLane(std::string_view link);

// The header alone (a message without a body). Tests use it to build malformed frames.
std::string EncodeHeader(const Header& header);
// One whole frame: the header, then `body` (an envelope for a DELIVER, else empty).
std::string EncodeFrame(const Header& header, std::string_view body = {});

// A header that failed its checks: the code to NACK with and a reason naming the problem.
struct HeaderError {
  NackCode code;
  std::string reason;
};

struct ParsedHeader {
  std::optional<Header> header;  // set on success
  HeaderError error;             // meaningful when !header
};

// Checks size, Cap'n Proto well-formedness, protocol tag, version and command. Never throws.
ParsedHeader ParseHeader(std::string_view bytes);

struct ParsedFrame {
  std::optional<Header> header;  // set on success
  std::string_view body;         // views the frame: lives as long as it
  HeaderError error;             // meaningful when !header
  std::optional<Header> about;   // when !header but the header itself was readable
};

// Splits a frame into header and body and checks the header (ParseHeader), and that only a
// DELIVER has a body and that it is at most `max_body_bytes`. Never throws.
ParsedFrame ParseFrame(std::string_view frame, size_t max_body_bytes);

const char* CommandName(Command command);
// The NACK code's name in the schema ("wrongNode", "badSignature" …): the reason a refusal is
// counted under in /metrics.
std::string NackCodeName(NackCode code);

}  // namespace zhuji::wire
