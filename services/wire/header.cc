#include "services/wire/header.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include "services/common/capnp_io.h"

namespace zhuji::wire {

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
  if (!h.reason.empty()) b.setReason(h.reason);
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
  }
  return ToBytes(message);
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
      h.stats = BrokerStats{s.getBrokerId(),   s.getPeers(),          s.getRoutes(),
                            s.getRelayed(),    s.getUnreachable(),    s.getRefused(),
                            s.getUpstreamUp(), s.getUpstreamRelayed()};
    }
    ParsedHeader p;
    p.header = std::move(h);
    return p;
  } catch (const MalformedMessage& e) {
    return Fail(NackCode::MALFORMED, e.what());
  } catch (const kj::Exception& e) {
    return Fail(NackCode::MALFORMED, "unreadable header: " + std::string(e.getDescription()));
  }
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

}  // namespace zhuji::wire
