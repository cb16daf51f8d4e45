#pragma once
// The routing header (schemas/transport.capnp) as a plain value, and its checked encoding.
// Shared by the broker and the node; knows nothing of workflows or stores.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zhuji/schemas/transport.capnp.h"

namespace zhuji::wire {

using Command = schema::Command;
using NackCode = schema::NackCode;

// Frames larger than this are refused before parsing (either frame of a message).
inline constexpr size_t kMaxHeaderBytes = 4 * 1024;
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
};

std::string EncodeHeader(const Header& header);

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

const char* CommandName(Command command);

}  // namespace zhuji::wire
