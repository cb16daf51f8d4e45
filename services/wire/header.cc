#include "services/wire/header.h"

#include <capnp/message.h>
#include <capnp/schema.h>
#include <kj/exception.h>

#include "services/common/capnp_io.h"

namespace zhuji::wire {

namespace {
// At most `max` bytes, cut at a UTF-8 character boundary: a reason may quote a peer's text, and
// a header over kMaxHeaderBytes would be refused, losing the refusal it carries.
std::string Shorten(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}
}  // namespace

std::string EncodeHeader(const Header& h) {
  capnp::MallocMessageBuilder message(64);
  auto b = message.initRoot<schema::Header>();
  b.setProtocol(schema::PROTOCOL_TAG);
  b.setVersion(schema::PROTOCOL_VERSION);
  b.setCommand(h.command);
  if (!h.source.empty()) b.setSource(h.source);
  if (!h.destination.empty()) b.setDestination(h.destination);
  if (!h.message_id.empty()) {
    b.setMessageId(AsData(h.message_id));
  }
  b.setSeq(h.seq);
  b.setCode(h.code);
  if (!h.reason.empty()) b.setReason(Shorten(h.reason, kMaxReasonBytes));
  b.setIncarnation(h.incarnation);
  b.setNonce(h.nonce);
  if (!h.refused_for.empty()) b.setRefusedFor(h.refused_for);
  if (!h.signature.empty()) b.setSignature(AsData(h.signature));
  if (!h.signer_key_id.empty()) b.setSignerKeyId(h.signer_key_id);
  b.setLane(h.lane);
  if (h.stats) {
    auto s = b.initBrokerStats();
    s.setBrokerId(h.stats->broker_id);
    s.setPeers(h.stats->peers);
    s.setRoutes(h.stats->routes);
    s.setRelayed(h.stats->relayed);
    s.setUnreachable(h.stats->unreachable);
    s.setRefused(h.stats->refused);
    s.setUpstreamUp(h.stats->upstream_up);
    s.setUpstreamRelayed(h.stats->upstream_relayed);
    s.setIdInUse(h.stats->id_in_use);
    s.setForbidden(h.stats->forbidden);
    s.setKeysRefused(h.stats->keys_refused);
  }
  return ToBytes(message);
}

std::string EncodeFrame(const Header& header, std::string_view body) {
  std::string frame = EncodeHeader(header);
  frame.append(body);
  return frame;
}

namespace {

ParsedHeader Fail(NackCode code, std::string reason) {
  ParsedHeader p;
  p.error = {code, std::move(reason)};
  return p;
}

}  // namespace

ParsedHeader ParseHeader(std::string_view bytes) {
  if (bytes.size() > kMaxHeaderBytes) {
    return Fail(NackCode::TOO_LARGE, "header frame of " + std::to_string(bytes.size()) +
                                         " bytes exceeds " + std::to_string(kMaxHeaderBytes));
  }
  try {
    auto msg = ReadMessage(bytes);
    auto r = msg->Root<schema::Header>();
    if (r.getProtocol() != schema::PROTOCOL_TAG) {
      return Fail(NackCode::PROTOCOL, "wrong protocol tag " + std::to_string(r.getProtocol()));
    }
    if (r.getVersion() != schema::PROTOCOL_VERSION) {
      return Fail(NackCode::PROTOCOL, "unsupported protocol version " +
                                          std::to_string(r.getVersion()) + " (this build speaks " +
                                          std::to_string(schema::PROTOCOL_VERSION) + ")");
    }
    auto command = r.getCommand();
    if (static_cast<uint16_t>(command) > static_cast<uint16_t>(Command::STATS)) {
      return Fail(NackCode::PROTOCOL,
                  "unknown command " + std::to_string(static_cast<uint16_t>(command)));
    }
    Header h;
    h.command = command;
    h.source = r.getSource();
    h.destination = r.getDestination();
    auto id = r.getMessageId();
    h.message_id.assign(AsView(id));
    h.seq = r.getSeq();
    h.code = r.getCode();
    h.reason = r.getReason();
    if (r.hasBrokerStats()) {
      auto s = r.getBrokerStats();
      h.stats = BrokerStats{s.getBrokerId(),   s.getPeers(),           s.getRoutes(),
                            s.getRelayed(),    s.getUnreachable(),     s.getRefused(),
                            s.getUpstreamUp(), s.getUpstreamRelayed(), s.getIdInUse(),
                            s.getForbidden(),  s.getKeysRefused(),     {}};
    }
    h.incarnation = r.getIncarnation();
    h.nonce = r.getNonce();
    h.refused_for = r.getRefusedFor();
    h.signature.assign(AsView(r.getSignature()));
    h.signer_key_id = r.getSignerKeyId();
    h.lane = r.getLane();
    if (h.lane > kUrgentLane)
      return Fail(NackCode::PROTOCOL, "unknown lane " + std::to_string(h.lane));
    ParsedHeader p;
    p.header = std::move(h);
    return p;
  } catch (const MalformedMessage& e) {
    return Fail(NackCode::MALFORMED, e.what());
  } catch (const kj::Exception& e) {
    return Fail(NackCode::MALFORMED, "unreadable header: " + std::string(e.getDescription()));
  }
}

namespace {

uint32_t Le32(std::string_view bytes, size_t at) {
  auto b = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

// The size in bytes of the flat Cap'n Proto message at the start of `frame`, from its segment
// table, or 0 when the table is cut short or names more than a header can hold.
size_t LeadingMessageBytes(std::string_view frame) {
  if (frame.size() < 8) return 0;
  uint64_t segments = uint64_t{Le32(frame, 0)} + 1;
  if (segments > 16) return 0;
  uint64_t table = (4 * (segments + 1) + 7) / 8 * 8;
  if (frame.size() < table) return 0;
  uint64_t words = 0;
  for (uint64_t i = 0; i < segments; ++i) words += Le32(frame, 4 + 4 * i);
  uint64_t total = table + words * 8;
  return total <= kMaxHeaderBytes && total <= frame.size() ? total : 0;
}

}  // namespace

ParsedFrame ParseFrame(std::string_view frame, size_t max_body_bytes) {
  ParsedFrame f;
  size_t header_bytes = LeadingMessageBytes(frame);
  if (header_bytes == 0) {
    f.error = {NackCode::MALFORMED, "frame of " + std::to_string(frame.size()) +
                                        " bytes does not start with a routing header of at most " +
                                        std::to_string(kMaxHeaderBytes) + " bytes"};
    return f;
  }
  auto parsed = ParseHeader(frame.substr(0, header_bytes));
  if (!parsed.header) {
    f.error = parsed.error;
    return f;
  }
  std::string_view body = frame.substr(header_bytes);
  bool deliver = parsed.header->command == Command::DELIVER;
  if (deliver && body.empty()) {
    f.error = {NackCode::MALFORMED, "DELIVER without an envelope"};
  } else if (!deliver && !body.empty()) {
    f.error = {NackCode::PROTOCOL, std::string(CommandName(parsed.header->command)) + " with " +
                                       std::to_string(body.size()) + " bytes after the header"};
  } else if (body.size() > max_body_bytes) {
    f.error = {NackCode::TOO_LARGE, "envelope of " + std::to_string(body.size()) +
                                        " bytes exceeds " + std::to_string(max_body_bytes)};
  } else {
    f.header = std::move(parsed.header);
    f.body = body;
    return f;
  }
  f.about = std::move(parsed.header);  // readable: the refusal can be addressed
  return f;
}

const char* CommandName(Command command) {
  switch (command) {
    case Command::HELLO:
      return "HELLO";
    case Command::WELCOME:
      return "WELCOME";
    case Command::DELIVER:
      return "DELIVER";
    case Command::ACK:
      return "ACK";
    case Command::NACK:
      return "NACK";
    case Command::UNREACHABLE:
      return "UNREACHABLE";
    case Command::HEARTBEAT:
      return "HEARTBEAT";
    case Command::STATS:
      return "STATS";
  }
  return "?";
}

std::string LinkName(std::string_view node, uint8_t lane) {
  std::string name(node);
  if (lane == kUrgentLane) name += '!';
  return name;
}

std::string_view LinkNode(std::string_view link) {
  return !link.empty() && link.back() == '!' ? link.substr(0, link.size() - 1) : link;
}

uint8_t LinkLane(std::string_view link) {
  return !link.empty() && link.back() == '!' ? kUrgentLane : 0;
}

std::string NackCodeName(NackCode code) {
  auto enumerants = capnp::Schema::from<NackCode>().getEnumerants();
  auto i = static_cast<uint16_t>(code);
  return i < enumerants.size() ? std::string(enumerants[i].getProto().getName().cStr()) : "other";
}

}  // namespace zhuji::wire
