#include "broker/broker.h"

#include <algorithm>

#include "services/common/clock.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"

namespace zhuji::broker {

namespace {
constexpr size_t kMaxParts = 4;  // identity, header, body (+1 to detect excess)
constexpr int64_t kMaxPollMs = 100;

}  // namespace

Broker::Broker(const BrokerConfig& config, zmq::context_t& ctx, spdlog::logger& log)
    : config_(config), ctx_(ctx), log_(log) {
  stats_.broker_id = config_.id;
}

std::string Broker::Start() {
  frontend_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::router);
  frontend_->set(zmq::sockopt::linger, 0);
  frontend_->set(zmq::sockopt::router_mandatory, 1);
  frontend_->set(zmq::sockopt::sndhwm, 200'000);
  frontend_->set(zmq::sockopt::rcvhwm, 200'000);
  // A memory guard only: sizes are checked and refused (and counted) below this.
  frontend_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(config_.max_body_bytes * 4));
  std::string bind = config_.bind;
  if (bind.size() > 2 && bind.substr(bind.size() - 2) == ":0") {
    bind = bind.substr(0, bind.size() - 1) + "*";  // ZeroMQ's spelling of "any free port"
  }
  frontend_->bind(bind);
  std::string endpoint = frontend_->get(zmq::sockopt::last_endpoint);
  if (!config_.upstream.empty()) ConnectUpstream(MonotonicMs());
  log_.info("broker {} listening on {}{}", config_.id, endpoint,
            config_.upstream.empty() ? "" : ", upstream " + config_.upstream);
  return endpoint;
}

void Broker::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    try {
      Turn(kMaxPollMs);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() == ETERM) break;
      throw;
    }
  }
  log_.info("broker {} stopping: relayed {}, unreachable {}, refused {}", config_.id,
            stats_.relayed, stats_.unreachable, stats_.refused);
}

wire::BrokerStats Broker::Stats() const {
  wire::BrokerStats s = stats_;
  s.peers = static_cast<uint32_t>(peers_.size());
  s.routes = static_cast<uint32_t>(routes_.size());
  s.upstream_up = upstream_ && MonotonicMs() - upstream_heard_ <=
                                   config_.heartbeat_interval_ms * config_.heartbeat_liveness;
  return s;
}

void Broker::Turn(int64_t poll_ms) {
  zmq::pollitem_t items[2] = {{frontend_->handle(), 0, ZMQ_POLLIN, 0},
                              {upstream_ ? upstream_->handle() : nullptr, 0, ZMQ_POLLIN, 0}};
  int64_t mono = MonotonicMs();
  poll_ms = std::clamp<int64_t>(next_heartbeat_ - mono, 0, poll_ms);
  zmq::poll(items, upstream_ ? 2 : 1, std::chrono::milliseconds(poll_ms));
  std::vector<zmq::message_t> parts;
  bool too_many = false;
  if (items[0].revents & ZMQ_POLLIN) {
    for (int i = 0; i < 10'000 && wire::RecvAll(*frontend_, parts, true, kMaxParts, &too_many);
         ++i) {
      OnFrontend(parts, too_many);
    }
  }
  if (upstream_ && (items[1].revents & ZMQ_POLLIN)) {
    for (int i = 0; i < 10'000 && wire::RecvAll(*upstream_, parts, true, kMaxParts, &too_many);
         ++i) {
      upstream_heard_ = MonotonicMs();
      OnUpstream(parts, too_many);
    }
  }
  mono = MonotonicMs();
  if (mono >= next_heartbeat_) {
    Sweep(mono);
    next_heartbeat_ = mono + config_.heartbeat_interval_ms;
  }
}

void Broker::Refuse(const std::string& identity, wire::NackCode code, const std::string& reason,
                    const wire::Header* h) {
  ++stats_.refused;
  log_.warn("refused a frame from peer {}{}: {}", ToHex(identity),
            h && !h->source.empty() ? " (" + h->source + ")" : "", reason);
  wire::Header n;
  n.command = wire::Command::NACK;
  n.source = config_.id;
  n.code = code;
  n.reason = reason;
  if (h) {
    n.destination = h->source;
    n.message_id = h->message_id;
    n.seq = h->seq;
  }
  Reply(identity, n);
}

void Broker::Reply(const std::string& identity, const wire::Header& h) {
  if (!wire::SendParts(*frontend_, {identity, wire::EncodeHeader(h)})) {
    log_.debug("peer {} went away before a {}", ToHex(identity), wire::CommandName(h.command));
  }
}

void Broker::Register(const std::string& identity, const std::string& node_id) {
  auto it = routes_.find(node_id);
  if (it != routes_.end() && it->second != identity) {
    log_.info("node {} re-registered from a new connection", node_id);
    auto old = peers_.find(it->second);
    if (old != peers_.end()) {
      old->second.node_ids.erase(node_id);
      if (old->second.node_ids.empty()) peers_.erase(old);
    }
  } else if (it == routes_.end()) {
    log_.info("node {} registered", node_id);
  }
  routes_[node_id] = identity;
  peers_[identity].node_ids.insert(node_id);
  if (upstream_) UpstreamHello(node_id);
}

void Broker::DropPeer(const std::string& identity, const char* why) {
  auto it = peers_.find(identity);
  if (it == peers_.end()) return;
  for (auto& id : it->second.node_ids) {
    auto r = routes_.find(id);
    if (r != routes_.end() && r->second == identity) routes_.erase(r);
    log_.info("node {} dropped: {}", id, why);
  }
  peers_.erase(it);
}

void Broker::Sweep(int64_t mono) {
  int64_t limit = config_.heartbeat_interval_ms * config_.heartbeat_liveness;
  std::vector<std::string> dead;
  for (auto& [identity, peer] : peers_) {
    if (mono - peer.last_heard > limit) dead.push_back(identity);
  }
  for (auto& identity : dead) DropPeer(identity, "no heartbeat");
  if (upstream_) {
    if (mono - upstream_heard_ > limit) {
      log_.warn("upstream broker {} silent; reconnecting", config_.upstream);
      ConnectUpstream(mono);
    } else {
      wire::Header h;
      h.command = wire::Command::HEARTBEAT;
      h.source = config_.id;
      SendUpstream(h);
    }
  }
}

void Broker::OnFrontend(std::vector<zmq::message_t>& parts, bool too_many) {
  std::string identity(wire::View(parts[0]));
  if (too_many || parts.size() < 2 || parts.size() > 3) {
    return Refuse(identity, wire::NackCode::PROTOCOL,
                  "expected 1 or 2 frames after the identity, got " +
                      (too_many ? std::string("more") : std::to_string(parts.size() - 1)),
                  nullptr);
  }
  if (parts.size() == 3 && parts[2].size() > config_.max_body_bytes) {
    return Refuse(identity, wire::NackCode::TOO_LARGE,
                  "body of " + std::to_string(parts[2].size()) + " bytes exceeds " +
                      std::to_string(config_.max_body_bytes),
                  nullptr);
  }
  auto parsed = wire::ParseHeader(wire::View(parts[1]));
  if (!parsed.header) return Refuse(identity, parsed.error.code, parsed.error.reason, nullptr);
  const wire::Header& h = *parsed.header;
  int64_t mono = MonotonicMs();
  auto peer = peers_.find(identity);
  if (peer != peers_.end()) peer->second.last_heard = mono;

  switch (h.command) {
    case wire::Command::HELLO: {
      if (!IsDivisionCode(h.source)) {
        return Refuse(identity, wire::NackCode::PROTOCOL,
                      "HELLO names '" + h.source + "', not a six-digit node id", &h);
      }
      Register(identity, h.source);
      peers_[identity].last_heard = mono;
      wire::Header w;
      w.command = wire::Command::WELCOME;
      w.source = config_.id;
      w.destination = h.source;
      Reply(identity, w);
      return;
    }
    case wire::Command::HEARTBEAT: {
      if (peer == peers_.end()) {
        return Refuse(identity, wire::NackCode::NOT_REGISTERED, "say HELLO first", &h);
      }
      wire::Header b;
      b.command = wire::Command::HEARTBEAT;
      b.source = config_.id;
      Reply(identity, b);
      return;
    }
    case wire::Command::STATS: {
      wire::Header s;
      s.command = wire::Command::STATS;
      s.source = config_.id;
      s.stats = Stats();
      Reply(identity, s);
      return;
    }
    case wire::Command::DELIVER:
    case wire::Command::ACK:
    case wire::Command::NACK: {
      if (peer == peers_.end()) {
        return Refuse(identity, wire::NackCode::NOT_REGISTERED, "say HELLO first", &h);
      }
      if (!peer->second.node_ids.count(h.source)) {
        return Refuse(identity, wire::NackCode::PROTOCOL,
                      "source '" + h.source + "' is not registered on this connection", &h);
      }
      if ((h.command == wire::Command::DELIVER) != (parts.size() == 3)) {
        return Refuse(identity, wire::NackCode::PROTOCOL,
                      std::string(wire::CommandName(h.command)) + " with the wrong frame count",
                      &h);
      }
      Relay(h, parts, 1, identity);
      return;
    }
    case wire::Command::WELCOME:
    case wire::Command::UNREACHABLE:
      return Refuse(identity, wire::NackCode::PROTOCOL,
                    std::string(wire::CommandName(h.command)) + " is not for a broker", &h);
  }
}

void Broker::Relay(const wire::Header& h, std::vector<zmq::message_t>& parts, size_t first,
                   const std::string& from_identity) {
  auto route = routes_.find(h.destination);
  if (route != routes_.end()) {
    std::string to = route->second;
    try {
      bool ok = frontend_
                    ->send(zmq::const_buffer(to.data(), to.size()),
                           zmq::send_flags::sndmore | zmq::send_flags::dontwait)
                    .has_value();
      if (ok) {
        for (size_t i = first; i < parts.size(); ++i) {
          auto flags = i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
          (void)frontend_->send(parts[i], flags);
        }
        ++stats_.relayed;
        return;
      }
    } catch (const zmq::error_t& e) {
      if (e.num() != EHOSTUNREACH) throw;
      DropPeer(to, "connection gone");
    }
    // Would block (peer too slow) or gone: the sender retries later either way.
  } else if (upstream_ && !from_identity.empty()) {
    for (size_t i = first; i < parts.size(); ++i) {
      auto flags = (i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none) |
                   zmq::send_flags::dontwait;
      if (!upstream_->send(parts[i], flags)) break;
    }
    ++stats_.upstream_relayed;
    return;
  }
  ++stats_.unreachable;
  if (h.command != wire::Command::DELIVER) return;  // the sender's retry covers lost ACKs
  wire::Header u;
  u.command = wire::Command::UNREACHABLE;
  u.source = h.source;  // routed back by the original sender's id
  u.destination = h.destination;
  u.message_id = h.message_id;
  u.seq = h.seq;
  u.reason = "no route to node " + h.destination + " at broker " + config_.id;
  if (!from_identity.empty()) {
    Reply(from_identity, u);
  } else {
    SendUpstream(u);
  }
}

void Broker::ConnectUpstream(int64_t mono) {
  if (upstream_) upstream_->close();
  upstream_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
  upstream_->set(zmq::sockopt::linger, 0);
  upstream_->set(zmq::sockopt::immediate, 1);
  upstream_->set(zmq::sockopt::sndhwm, 200'000);
  upstream_->set(zmq::sockopt::rcvhwm, 200'000);
  upstream_->connect(config_.upstream);
  upstream_heard_ = mono;
  for (auto& [node_id, identity] : routes_) UpstreamHello(node_id);
}

void Broker::UpstreamHello(const std::string& node_id) {
  wire::Header h;
  h.command = wire::Command::HELLO;
  h.source = node_id;
  SendUpstream(h);
}

void Broker::SendUpstream(const wire::Header& h) {
  if (upstream_) (void)wire::SendParts(*upstream_, {wire::EncodeHeader(h)});
}

void Broker::OnUpstream(std::vector<zmq::message_t>& parts, bool too_many) {
  if (too_many || parts.empty() || parts.size() > 2) {
    ++stats_.refused;
    log_.warn("refused a frame from upstream: {} frames", parts.size());
    return;
  }
  auto parsed = wire::ParseHeader(wire::View(parts[0]));
  if (!parsed.header) {
    ++stats_.refused;
    log_.warn("refused a frame from upstream: {}", parsed.error.reason);
    return;
  }
  const auto& h = *parsed.header;
  switch (h.command) {
    case wire::Command::WELCOME:
    case wire::Command::HEARTBEAT:
      return;
    case wire::Command::NACK:
      if (h.code == wire::NackCode::NOT_REGISTERED && routes_.count(h.destination) == 0) {
        for (auto& [node_id, identity] : routes_) UpstreamHello(node_id);
        return;
      }
      [[fallthrough]];
    case wire::Command::DELIVER:
    case wire::Command::ACK:
      Relay(h, parts, 0, std::string());
      return;
    case wire::Command::UNREACHABLE: {
      auto route = routes_.find(h.source);
      if (route != routes_.end())
        (void)wire::SendParts(*frontend_, {route->second, wire::View(parts[0])});
      return;
    }
    default:
      ++stats_.refused;
      log_.warn("refused {} from upstream", wire::CommandName(h.command));
  }
}

}  // namespace zhuji::broker
