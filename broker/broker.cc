#include "broker/broker.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "services/common/clock.h"
#include "services/common/ids.h"
#include "services/http/prometheus.h"
#include "services/wire/socket_util.h"

namespace zhuji::broker {

namespace {
constexpr int64_t kMaxPollMs = 100;
constexpr int kMaxDrain = 10'000;               // frames read from one socket per turn
constexpr int64_t kUpstreamRefusalMs = 30'000;  // how long a province's idInUse is remembered

// "tcp://HOST:0" → HOST, else empty.
std::string AnyPortHost(const std::string& bind) {
  if (bind.rfind("tcp://", 0) != 0 || bind.size() < 9 || bind.substr(bind.size() - 2) != ":0") {
    return {};
  }
  return bind.substr(6, bind.size() - 8);
}

// Binds `socket` to a random free port of `host` below the ephemeral range. Bind-and-retry in
// this process: no other process can take the port between the check and the bind.
void BindAnyPort(zmq::socket_t& socket, const std::string& host) {
  int low = 32768;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range >> low;
  int first = 10000, last = std::max(first + 100, low - 1);
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0; attempt < 500; ++attempt) {
    int port = std::uniform_int_distribution<int>(first, last)(rng);
    try {
      socket.bind("tcp://" + host + ":" + std::to_string(port));
      return;
    } catch (const zmq::error_t& e) {
      if (e.num() != EADDRINUSE) throw;
    }
  }
  socket.bind("tcp://" + host + ":*");  // everything below was taken: let the kernel choose
}

}  // namespace

Broker::Broker(const BrokerConfig& config, zmq::context_t& ctx, const Clock& clock,
               spdlog::logger& log)
    : config_(config), ctx_(ctx), clock_(clock), log_(log) {
  stats_.broker_id = config_.id;
}

void Broker::StartCurve() {
  auto own = crypto::ReadKeys(config_.keys_dir);
  if (!own.ok()) throw std::runtime_error("CURVE: " + own.message());
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(config_.key_directory, ec);
  directory_mtime_ = ec ? 0 : static_cast<int64_t>(mtime.time_since_epoch().count());
  auto dir = ReadDirectory();
  if (!dir.ok()) throw std::runtime_error("CURVE: " + dir.message());
  if (uint64_t seen = HighestDirectoryVersion(); dir.value().version() < seen) {
    throw std::runtime_error("CURVE: " + config_.key_directory + " is version " +
                             std::to_string(dir.value().version()) + ", older than the version " +
                             std::to_string(seen) + " this broker used before: refused");
  }
  if (config_.upstream_keys.size() != config_.upstreams.size()) {
    throw std::runtime_error("CURVE: one --upstream-key per --upstream (" +
                             std::to_string(config_.upstreams.size()) + " upstream(s), " +
                             std::to_string(config_.upstream_keys.size()) + " key(s))");
  }
  for (const auto& key : config_.upstream_keys) {
    if (!crypto::IsCurveKey(key)) {
      throw std::runtime_error("CURVE: --upstream-key '" + key +
                               "' is not an upstream broker's Z85 key");
    }
  }
  keys_ = std::make_unique<crypto::KeyDirectory>(dir.value());
  KeepDirectoryVersion(keys_->version());
  curve_public_ = own.value().pub.curve;
  curve_secret_ = own.value().curve_secret;
  zap_ = std::make_unique<ZapHandler>(ctx_, keys_.get(), clock_, log_);  // before CURVE sockets
  frontend_->set(zmq::sockopt::curve_server, 1);
  frontend_->set(zmq::sockopt::curve_secretkey, curve_secret_);
  frontend_->set(zmq::sockopt::zap_domain, "zhuji");
  log_.info("broker {}: CURVE on, {} key(s) in the directory (version {}), own key {}", config_.id,
            keys_->size(), keys_->version(), curve_public_);
}

Result<crypto::KeyDirectory> Broker::ReadDirectory() const {
  if (config_.directory_key.empty()) return crypto::KeyDirectory::Load(config_.key_directory);
  return crypto::KeyDirectory::LoadSigned(config_.key_directory, config_.suite,
                                          config_.directory_key);
}

// The highest directory version this broker has used, kept beside its keys: a restart never
// goes back to an older file (one that still lists a revoked key).
uint64_t Broker::HighestDirectoryVersion() const {
  std::ifstream in(config_.keys_dir + "/directory-version");
  uint64_t v = 0;
  in >> v;
  return v;
}

void Broker::KeepDirectoryVersion(uint64_t version) const {
  std::string path = config_.keys_dir + "/directory-version";
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << version << "\n";
  }
  std::filesystem::rename(path + ".tmp", path);
}

void Broker::ReloadDirectory() {
  if (config_.directory_key.empty()) return;  // only a signed directory is taken while running
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(config_.key_directory, ec);
  int64_t ns = ec ? 0 : static_cast<int64_t>(mtime.time_since_epoch().count());
  if (ec || ns == directory_mtime_) return;
  directory_mtime_ = ns;
  auto dir = ReadDirectory();
  if (!dir.ok()) {
    log_.error("broker {}: the directory of keys was changed but is refused: {}", config_.id,
               dir.message());
  } else if (dir.value().version() <= keys_->version()) {
    log_.warn(
        "broker {}: the directory of keys in {} is version {}, not newer than the version "
        "{} in use: refused",
        config_.id, config_.key_directory, dir.value().version(), keys_->version());
  } else {
    log_.info("broker {}: directory of keys version {} in use ({} keys), was {}", config_.id,
              dir.value().version(), dir.value().size(), keys_->version());
    keys_ = std::make_unique<crypto::KeyDirectory>(std::move(dir.value()));
    zap_->Use(keys_.get());
    KeepDirectoryVersion(keys_->version());
  }
}

std::string Broker::Start() {
  frontend_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::router);
  if (!config_.keys_dir.empty()) StartCurve();
  frontend_->set(zmq::sockopt::linger, 0);
  frontend_->set(zmq::sockopt::router_mandatory, 1);
  frontend_->set(zmq::sockopt::sndhwm, 200'000);
  frontend_->set(zmq::sockopt::rcvhwm, 200'000);
  // A memory guard only: sizes are checked and refused (and counted) below this.
  frontend_->set(zmq::sockopt::maxmsgsize,
                 static_cast<int64_t>(config_.max_body_bytes * 4 + wire::kMaxHeaderBytes));
  std::string host = AnyPortHost(config_.bind);
  if (!host.empty()) {
    BindAnyPort(*frontend_, host);
  } else {
    frontend_->bind(config_.bind);
  }
  std::string endpoint = frontend_->get(zmq::sockopt::last_endpoint);
  std::string ups;
  for (size_t i = 0; i < config_.upstreams.size(); ++i) {
    upstreams_.push_back({config_.upstreams[i],
                          i < config_.upstream_keys.size() ? config_.upstream_keys[i] : "", nullptr,
                          0});
    ConnectUpstream(upstreams_.back(), clock_.MonoMs());
    ups += (ups.empty() ? ", upstream " : " + ") + config_.upstreams[i];
  }
  log_.info("broker {} listening on {}{} (protocol {})", config_.id, endpoint, ups,
            schema::PROTOCOL_VERSION);
  return endpoint;
}

void Broker::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    try {
      Turn(kMaxPollMs);
      if (int64_t mono = clock_.MonoMs(); mono >= next_snapshot_) {
        next_snapshot_ = mono + 100;
        auto s = Stats();
        std::lock_guard<std::mutex> lock(snapshot_mu_);
        snapshot_ = std::move(s);
      }
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
  s.keys_refused = (zap_ ? zap_->refused() : 0) + keys_revoked_;
  int64_t mono = clock_.MonoMs();
  s.upstream_up = std::any_of(upstreams_.begin(), upstreams_.end(),
                              [&](const Upstream& up) { return UpstreamAlive(up, mono); });
  return s;
}

void Broker::Turn(int64_t poll_ms) {
  std::vector<zmq::pollitem_t> items = {{frontend_->handle(), 0, ZMQ_POLLIN, 0}};
  for (auto& up : upstreams_) items.push_back({up.socket->handle(), 0, ZMQ_POLLIN, 0});
  if (zap_) items.push_back({zap_->socket().handle(), 0, ZMQ_POLLIN, 0});
  int64_t mono = clock_.MonoMs();
  poll_ms = std::clamp<int64_t>(next_heartbeat_ - mono, 0, poll_ms);
  zmq::poll(items.data(), items.size(), std::chrono::milliseconds(poll_ms));
  if (zap_ && (items.back().revents & ZMQ_POLLIN)) zap_->Serve();
  std::string identity;
  zmq::message_t frame;
  size_t parts = 0;
  if (items[0].revents & ZMQ_POLLIN) {
    for (int i = 0; i < kMaxDrain && wire::RecvRouted(*frontend_, &identity, frame, true, &parts);
         ++i) {
      OnFrontend(identity, frame, parts);
    }
  }
  for (size_t u = 0; u < upstreams_.size(); ++u) {
    if (!(items[1 + u].revents & ZMQ_POLLIN)) continue;
    for (int i = 0; i < kMaxDrain && wire::RecvFrame(*upstreams_[u].socket, frame, true, &parts);
         ++i) {
      upstreams_[u].heard = clock_.MonoMs();
      OnUpstream(u, frame, parts);
    }
  }
  mono = clock_.MonoMs();
  if (mono >= next_heartbeat_) {
    Sweep(mono);
    if (keys_) ReloadDirectory();
    next_heartbeat_ = mono + config_.heartbeat_interval_ms;
  }
}

void Broker::Refuse(const std::string& identity, wire::NackCode code, const std::string& reason,
                    const wire::Header* h) {
  ++stats_.refused;
  ++stats_.refused_by[wire::NackCodeName(code)];
  log_.warn("refused a frame from peer {}{}: {}", ToHex(identity),
            h && !h->source.empty() ? " (" + h->source + ")" : "", reason);
  Nack(identity, code, reason, h);
}

void Broker::Nack(const std::string& identity, wire::NackCode code, const std::string& reason,
                  const wire::Header* h) {
  wire::Header n;
  n.command = wire::Command::NACK;
  n.source = config_.id;
  n.code = code;
  n.reason = reason;
  if (h) {
    n.destination = h->source;
    n.message_id = h->message_id;
    n.seq = h->seq;
    n.lane = h->lane;  // the sender's link is (destination, lane)
    if (h->command == wire::Command::DELIVER) n.refused_for = h->destination;
  }
  Reply(identity, n);
}

void Broker::Reply(const std::string& identity, const wire::Header& h) {
  if (!wire::SendRouted(*frontend_, identity, wire::EncodeFrame(h))) {
    log_.debug("peer {} went away before a {}", ToHex(identity), wire::CommandName(h.command));
  }
}

bool Broker::HolderAlive(const Route& route, int64_t mono) {
  auto peer = peers_.find(route.identity);
  if (peer == peers_.end()) return false;
  if (mono - peer->second.last_heard > config_.heartbeat_interval_ms * config_.heartbeat_liveness) {
    return false;
  }
  // A killed node's connection is closed by its kernel: a frame to it fails at once.
  wire::Header beat;
  beat.command = wire::Command::HEARTBEAT;
  beat.source = config_.id;
  bool gone = false;
  (void)wire::SendRouted(*frontend_, route.identity, wire::EncodeFrame(beat), &gone);
  return !gone;
}

bool Broker::Register(const std::string& identity, const wire::Header& hello, int64_t mono) {
  const std::string& node_id = hello.source;
  auto it = routes_.find(node_id);
  if (it != routes_.end() && it->second.identity != identity) {
    Route& holder = it->second;
    bool same_process = hello.nonce != 0 && hello.nonce == holder.nonce;
    if (!same_process && HolderAlive(holder, mono)) {
      ++stats_.id_in_use;
      Refuse(identity, wire::NackCode::ID_IN_USE,
             "node id " + node_id + " is held by another live process (incarnation " +
                 std::to_string(holder.incarnation) + ", registered " +
                 std::to_string((mono - holder.since) / 1000) + " s ago); this one (incarnation " +
                 std::to_string(hello.incarnation) + ") is refused until that one stops",
             &hello);
      return false;
    }
    log_.info("node {} (incarnation {}) registered from a new connection; the old one {}", node_id,
              hello.incarnation, same_process ? "was the same process" : "is gone");
    auto old = peers_.find(holder.identity);
    if (old != peers_.end()) {
      old->second.node_ids.erase(node_id);
      if (old->second.node_ids.empty()) peers_.erase(old);
    }
  } else if (it == routes_.end()) {
    log_.info("node {} registered (incarnation {})", node_id, hello.incarnation);
  }
  Route& route = routes_[node_id];
  route = Route{identity, hello.incarnation, hello.nonce,
                it != routes_.end() && it->second.identity == identity ? route.since : mono};
  peers_[identity].node_ids.insert(node_id);
  if (!upstreams_.empty()) UpstreamHello(node_id, route);
  return true;
}

void Broker::DropPeer(const std::string& identity, const char* why) {
  auto it = peers_.find(identity);
  if (it == peers_.end()) return;
  for (auto& id : it->second.node_ids) {
    auto r = routes_.find(id);
    if (r != routes_.end() && r->second.identity == identity) routes_.erase(r);
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
  for (auto& up : upstreams_) {
    if (mono - std::max(up.heard, up.connected) > limit) {
      log_.warn("upstream broker {} silent; reconnecting", up.endpoint);
      ConnectUpstream(up, mono);
    } else {
      wire::Header h;
      h.command = wire::Command::HEARTBEAT;
      h.source = config_.id;
      SendUpstream(up, h);
    }
  }
}

void Broker::OnHello(const std::string& identity, const wire::Header& h, int64_t mono) {
  if (!IsDivisionCode(h.source)) {
    return Refuse(identity, wire::NackCode::PROTOCOL,
                  "HELLO names '" + h.source + "', not a six-digit node id", &h);
  }
  auto refused = upstream_refused_.find(h.source);
  if (refused != upstream_refused_.end()) {
    if (mono < refused->second.until && refused->second.nonce == h.nonce) {
      // Still refused by the province: ask it again, answer with its refusal meanwhile.
      UpstreamHello(h.source, Route{identity, h.incarnation, h.nonce, mono});
      return Refuse(identity, wire::NackCode::ID_IN_USE, refused->second.reason, &h);
    }
    upstream_refused_.erase(refused);
  }
  if (!Register(identity, h, mono)) return;
  peers_[identity].last_heard = mono;
  wire::Header w;
  w.command = wire::Command::WELCOME;
  w.source = config_.id;
  w.destination = h.source;
  Reply(identity, w);
}

void Broker::OnFrontend(const std::string& identity, zmq::message_t& frame, size_t parts) {
  if (parts != 1) {
    return Refuse(identity, wire::NackCode::PROTOCOL,
                  "protocol " + std::to_string(schema::PROTOCOL_VERSION) +
                      " sends one frame per message; got " + std::to_string(parts) +
                      " (a peer of protocol 1?)",
                  nullptr);
  }
  auto parsed = wire::ParseFrame(wire::View(frame), config_.max_body_bytes);
  if (!parsed.header) {
    return Refuse(identity, parsed.error.code, parsed.error.reason,
                  parsed.about ? &*parsed.about : nullptr);
  }
  const wire::Header& h = *parsed.header;
  if (keys_ && !KeyStillValid(identity, frame, h)) return;
  int64_t mono = clock_.MonoMs();
  auto peer = peers_.find(identity);
  if (peer != peers_.end()) peer->second.last_heard = mono;

  switch (h.command) {
    case wire::Command::HELLO:
      if (keys_ && !MaySpeakFor(identity, frame, h)) return;
      return OnHello(identity, h, mono);
    case wire::Command::HEARTBEAT: {
      if (peer == peers_.end()) {
        // A node, or a broker below, that this broker does not know (it restarted) says HELLO
        // for its node ids again on this answer. A broker below with no node registered yet
        // (its nodes still starting) gets it on every heartbeat: not counted as a refusal.
        if (!IsDivisionCode(h.source))
          return Nack(identity, wire::NackCode::NOT_REGISTERED, "say HELLO first", &h);
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
      Relay(h, frame, identity);
      return;
    }
    case wire::Command::UNREACHABLE: {
      // From a broker below: a frame relayed down to it found no route there. Back to the
      // original sender by its id (never to the connection it came from).
      bool from_broker = keys_ ? crypto::IsBrokerKeyId(UserIdOf(frame)) : peer != peers_.end();
      if (!from_broker) {
        return Refuse(identity, wire::NackCode::PROTOCOL, "UNREACHABLE is for brokers to send", &h);
      }
      auto route = routes_.find(h.source);
      if (route != routes_.end() && route->second.identity != identity) {
        (void)wire::SendRouted(*frontend_, route->second.identity, frame);
      } else if (Upstream* up = ActiveUpstream(); up && route == routes_.end()) {
        (void)wire::SendFrame(*up->socket, frame);
      }
      return;
    }
    case wire::Command::WELCOME:
      return Refuse(identity, wire::NackCode::PROTOCOL,
                    std::string(wire::CommandName(h.command)) + " is not for a broker", &h);
  }
  Refuse(identity, wire::NackCode::PROTOCOL, "unknown command", &h);
}

void Broker::Relay(const wire::Header& h, zmq::message_t& frame, const std::string& from_identity) {
  auto route = routes_.find(h.destination);
  if (route != routes_.end()) {
    std::string to = route->second.identity;
    bool gone = false;
    if (wire::SendRouted(*frontend_, to, frame, &gone)) {
      ++stats_.relayed;
      return;
    }
    if (gone) DropPeer(to, "connection gone");
    // Would block (peer too slow) or gone: the sender retries later either way.
  } else if (!from_identity.empty() && RelayUpstream(frame)) {
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
  u.lane = h.lane;
  u.reason = "no route to node " + h.destination + " at broker " + config_.id;
  if (!from_identity.empty()) {
    Reply(from_identity, u);
  } else if (Upstream* up = ActiveUpstream()) {
    SendUpstream(*up, u);  // the broker above routes it back to the sender by its id
  }
}

bool Broker::KeyStillValid(const std::string& identity, zmq::message_t& frame,
                           const wire::Header& h) {
  // A connection admitted before a newer directory revoked its key (or its grace period ended)
  // is refused from then on, and forgotten.
  const crypto::DirectoryKey* k = keys_->FindByCurve(CurveKeyOf(frame));
  Status usable = k ? keys_->Usable(*k, clock_.NowMs())
                    : Status::Error("its key is no longer in the directory of keys (version " +
                                    std::to_string(keys_->version()) + ")");
  if (usable.ok()) return true;
  ++keys_revoked_;
  auto peer = peers_.find(identity);
  if (peer != peers_.end()) {
    for (const auto& id : peer->second.node_ids) {
      auto route = routes_.find(id);
      if (route != routes_.end() && route->second.identity == identity) routes_.erase(route);
    }
    peers_.erase(peer);
    log_.warn("broker {}: dropped a connection: {}", config_.id, usable.message());
  }
  Refuse(identity, wire::NackCode::FORBIDDEN, "this connection's key: " + usable.message(), &h);
  return false;
}

bool Broker::MaySpeakFor(const std::string& identity, zmq::message_t& frame,
                         const wire::Header& h) {
  std::string user = UserIdOf(frame);
  if (user == h.source) return true;
  // A broker below registers the nodes it serves, and only those (the directory lists them).
  const crypto::DirectoryKey* key = keys_->FindByCurve(CurveKeyOf(frame));
  if (crypto::IsBrokerKeyId(user) && key && key->Serves(h.source)) return true;
  ++stats_.forbidden;
  Refuse(identity, wire::NackCode::FORBIDDEN,
         "this connection's key is " + (user.empty() ? std::string("no one's") : user + "'s") +
             " (directory of keys): it may not say HELLO as " + h.source +
             (crypto::IsBrokerKeyId(user) ? " (not a node this broker serves)" : ""),
         &h);
  return false;
}

void Broker::ConnectUpstream(Upstream& up, int64_t mono) {
  if (up.socket) up.socket->close();
  up.socket = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
  zmq::socket_t& s = *up.socket;
  if (keys_) {  // this broker is the upstream's client; its key says it is a broker
    s.set(zmq::sockopt::curve_serverkey, up.key);
    s.set(zmq::sockopt::curve_publickey, curve_public_);
    s.set(zmq::sockopt::curve_secretkey, curve_secret_);
  }
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::immediate, 1);
  s.set(zmq::sockopt::sndhwm, 200'000);
  s.set(zmq::sockopt::rcvhwm, 200'000);
  s.connect(up.endpoint);
  up.connected = mono;
  up.heard = 0;
  RegisterAll(up);
}

void Broker::RegisterAll(Upstream& up) {
  for (auto& [node_id, route] : routes_) SendUpstream(up, HelloFor(node_id, route));
}

wire::Header Broker::HelloFor(const std::string& node_id, const Route& route) const {
  wire::Header h;
  h.command = wire::Command::HELLO;
  h.source = node_id;
  h.incarnation = route.incarnation;
  h.nonce = route.nonce;
  return h;
}

bool Broker::UpstreamAlive(const Upstream& up, int64_t mono) const {
  // `heard` is reset when the socket is made: any value is an answer since.
  return up.socket && up.heard > 0 &&
         mono - up.heard <= config_.heartbeat_interval_ms * config_.heartbeat_liveness;
}

Broker::Upstream* Broker::ActiveUpstream() {
  if (upstreams_.empty()) return nullptr;
  int64_t mono = clock_.MonoMs();
  if (UpstreamAlive(upstreams_[active_upstream_], mono)) return &upstreams_[active_upstream_];
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    if (UpstreamAlive(upstreams_[i], mono)) {
      log_.info("broker {}: relaying upward through {} ({} is not answering)", config_.id,
                upstreams_[i].endpoint, upstreams_[active_upstream_].endpoint);
      active_upstream_ = i;
      return &upstreams_[i];
    }
  }
  return nullptr;
}

bool Broker::RelayUpstream(zmq::message_t& frame) {
  Upstream* first = ActiveUpstream();
  if (!first) return false;
  if (wire::SendFrame(*first->socket, frame)) return true;
  int64_t mono = clock_.MonoMs();
  for (auto& up : upstreams_) {  // its pipe is full or gone: another twin that is alive
    if (&up != first && UpstreamAlive(up, mono) && wire::SendFrame(*up.socket, frame)) return true;
  }
  return false;
}

void Broker::UpstreamHello(const std::string& node_id, const Route& route) {
  for (auto& up : upstreams_) SendUpstream(up, HelloFor(node_id, route));
}

void Broker::SendUpstream(Upstream& up, const wire::Header& h) {
  if (up.socket) (void)wire::SendFrame(*up.socket, wire::EncodeFrame(h));
}

void Broker::OnUpstream(size_t index, zmq::message_t& frame, size_t parts) {
  if (parts != 1) {
    ++stats_.refused;
    ++stats_.refused_by["upstream"];
    log_.warn("refused a message of {} frames from upstream", parts);
    return;
  }
  auto parsed = wire::ParseFrame(wire::View(frame), config_.max_body_bytes);
  if (!parsed.header) {
    ++stats_.refused;
    ++stats_.refused_by["upstream"];
    log_.warn("refused a frame from upstream: {}", parsed.error.reason);
    return;
  }
  const auto& h = *parsed.header;
  switch (h.command) {
    case wire::Command::WELCOME:
      upstream_refused_.erase(h.destination);  // the province holds it for this one now
      return;
    case wire::Command::HEARTBEAT:
      return;
    case wire::Command::NACK:
      if (h.code == wire::NackCode::NOT_REGISTERED) {
        // It does not know this connection (it restarted): register every route here with it
        // again. Not passed down: the node's frame is sent again by its outbox, and its own
        // link to this broker is fine.
        RegisterAll(upstreams_[index]);
        return;
      }
      if (h.code == wire::NackCode::ID_IN_USE && !IsDivisionCode(h.source)) {
        // The province holds this id for another live process: so does nobody here. The node
        // is told (its link shows the refusal) and loses its local route, so its neighbours
        // here cannot deliver to it while it is the rival.
        ++stats_.id_in_use;
        log_.error("upstream broker refused node {}: {}", h.destination, h.reason);
        auto route = routes_.find(h.destination);
        if (route != routes_.end()) {
          std::string identity = route->second.identity;
          (void)wire::SendRouted(*frontend_, identity, frame);
          upstream_refused_[h.destination] = {route->second.nonce, h.reason,
                                              clock_.MonoMs() + kUpstreamRefusalMs};
          auto peer = peers_.find(identity);
          if (peer != peers_.end()) peer->second.node_ids.erase(h.destination);
          routes_.erase(route);
        }
        return;
      }
      [[fallthrough]];
    case wire::Command::DELIVER:
    case wire::Command::ACK:
      Relay(h, frame, std::string());
      return;
    case wire::Command::UNREACHABLE: {
      auto route = routes_.find(h.source);
      if (route != routes_.end()) (void)wire::SendRouted(*frontend_, route->second.identity, frame);
      return;
    }
    default:
      ++stats_.refused;
      ++stats_.refused_by["upstream"];
      log_.warn("refused {} from upstream", wire::CommandName(h.command));
  }
}

std::string BrokerMetricsText(const wire::BrokerStats& s) {
  http::MetricsText m;
  http::Labels b = {{"broker", s.broker_id}};
  auto one = [&](const char* name, const char* type, const char* help, double v) {
    m.One(name, type, help, v, b);
  };
  one("zhuji_broker_peers", "gauge", "Connections (nodes and brokers below) heard from.", s.peers);
  one("zhuji_broker_routes", "gauge", "Node ids routed through this broker.", s.routes);
  one("zhuji_broker_relayed_total", "counter", "Frames relayed to a connection here.",
      static_cast<double>(s.relayed));
  one("zhuji_broker_upstream_relayed_total", "counter", "Frames relayed to the broker above.",
      static_cast<double>(s.upstream_relayed));
  one("zhuji_broker_unreachable_total", "counter",
      "Frames answered UNREACHABLE (no route, no upstream).", static_cast<double>(s.unreachable));
  m.Family("zhuji_broker_refused_total", "counter", "Frames and registrations refused, by reason.");
  for (const auto& [reason, n] : s.refused_by) {
    m.Sample("zhuji_broker_refused_total", {{"broker", s.broker_id}, {"reason", reason}},
             static_cast<double>(n));
  }
  one("zhuji_broker_curve_refused_total", "counter",
      "Connections refused by ZAP (CURVE key not in the directory of keys, or revoked).",
      static_cast<double>(s.keys_refused));
  one("zhuji_broker_upstream_up", "gauge",
      "1 when a broker above is alive (0 also when none is configured).", s.upstream_up ? 1 : 0);
  return m.text();
}

}  // namespace zhuji::broker
