#pragma once
// zhuji-broker (DESIGN.md "zhuji-broker"): one ROUTER that relays frames between connected nodes
// by node id. Reads only the routing header; stores nothing, so it can restart at any time.
//
// A node (or a broker below this one) registers node ids with HELLO. A frame for a node id with
// no route goes to the upstream broker when one is configured, otherwise back to the sender as
// UNREACHABLE. Peers silent for `liveness` heartbeat intervals are dropped. Malformed, oversized
// or unregistered frames are refused with a NACK, counted and logged; the broker keeps serving.
//
// One node id, one process: the first live registration of an id holds it. A HELLO for a held
// id from another connection takes the route only when it comes from the same process (its
// `nonce`, e.g. after the node recreated its socket) or when the holder is gone (its connection
// closed, which the broker learns at once when a killed node's socket closes, or it has been
// silent for `liveness` intervals). Otherwise it is refused with NACK idInUse, naming the
// holder's incarnation, and counted; the holder keeps the route. A restarted node therefore
// takes its id back at once, while a second live copy (a restored backup, a data directory
// started twice) can never steal the route and acknowledge the other's traffic.
//
// Single-threaded: Run() owns both sockets. Borrows the context and logger.

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "broker/zap.h"
#include "services/common/clock.h"
#include "services/crypto/key_directory.h"
#include "services/wire/header.h"

namespace zhuji::broker {

struct BrokerConfig {
  std::string id = "broker";
  std::string bind = "tcp://127.0.0.1:0";
  // Endpoints of the broker(s) one level up, optional. Two make a pair (the province's HA
  // twins): this broker registers its nodes with every one and relays through the first that
  // is alive, so either may die without stopping traffic.
  std::vector<std::string> upstreams;
  int64_t heartbeat_interval_ms = 1000;
  int heartbeat_liveness = 3;
  size_t max_body_bytes = wire::kDefaultMaxEnvelopeBytes;
  // CURVE (issue #10), on when keys_dir is set: this broker's keys (keys_dir/keys/secret.toml),
  // the directory of keys that admits clients, and each upstream broker's public key (in the
  // order of `upstreams`).
  std::string keys_dir;
  std::string key_directory;
  std::vector<std::string> upstream_keys;
  // The province's directory key (hex) and the suite: when set, the directory must carry its
  // signature. The file is read again when it changes; only a newer version replaces the one held.
  std::string directory_key;
  std::string suite = "ed25519";
};

class Broker {
 public:
  // Borrows the context, clock (monotonic time for heartbeats and time-outs) and logger.
  Broker(const BrokerConfig& config, zmq::context_t& ctx, const Clock& clock, spdlog::logger& log);
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Binds (and connects upstream). Returns the endpoint actually bound. Port 0 means any free
  // port: the broker binds a random one below the kernel's ephemeral range, trying another when
  // one is taken (a port in the ephemeral range could be handed to a reconnecting node's own
  // outgoing connection, and a restarted broker could not bind it again).
  std::string Start();
  void Run(const std::atomic<bool>& stop);
  wire::BrokerStats Stats() const;
  // Stats() as the loop last copied it (at most 100 ms old); safe from any thread (/metrics).
  wire::BrokerStats Snapshot() const {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    return snapshot_;
  }

 private:
  struct Peer {
    int64_t last_heard = 0;
    std::set<std::string> node_ids;
  };
  struct Route {
    std::string identity;  // the connection that holds the id
    uint64_t incarnation = 0;
    uint64_t nonce = 0;
    int64_t since = 0;  // monotonic ms of the registration
  };

  void Turn(int64_t poll_ms);
  // Loads the keys and starts ZAP; the frontend becomes a CURVE server. Throws what is wrong.
  void StartCurve();
  // With CURVE, a HELLO for node id X comes from X's key, or from a broker's (which speaks for
  // the nodes below it). False (and refused, counted) otherwise.
  bool MaySpeakFor(const std::string& identity, zmq::message_t& frame, const wire::Header& h);
  void OnFrontend(const std::string& identity, zmq::message_t& frame, size_t parts);
  void OnUpstream(size_t index, zmq::message_t& frame, size_t parts);
  void OnHello(const std::string& identity, const wire::Header& h, int64_t mono);
  // Relays a node-to-node frame as it came. `from_identity` is empty when it came from upstream.
  void Relay(const wire::Header& h, zmq::message_t& frame, const std::string& from_identity);
  void Refuse(const std::string& identity, wire::NackCode code, const std::string& reason,
              const wire::Header* h);
  void Reply(const std::string& identity, const wire::Header& h);
  // The NACK of Refuse, without counting or logging it.
  void Nack(const std::string& identity, wire::NackCode code, const std::string& reason,
            const wire::Header* h);
  // False (and the HELLO refused) when another live connection holds the id.
  bool Register(const std::string& identity, const wire::Header& hello, int64_t mono);
  bool HolderAlive(const Route& route, int64_t mono);
  void DropPeer(const std::string& identity, const char* why);
  void Sweep(int64_t mono);
  struct Upstream {
    std::string endpoint;
    std::string key;  // its CURVE key (Z85) when CURVE is on
    std::unique_ptr<zmq::socket_t> socket;
    int64_t connected = 0;  // monotonic ms of the socket's creation
    int64_t heard = 0;      // monotonic ms of its last frame (0: none since `connected`)
  };
  void ConnectUpstream(Upstream& up, int64_t mono);
  void RegisterAll(Upstream& up);  // HELLO for every node routed here
  wire::Header HelloFor(const std::string& node_id, const Route& route) const;
  // Alive: it answered since the socket was made, within `heartbeat × liveness`.
  bool UpstreamAlive(const Upstream& up, int64_t mono) const;
  // Where frames for nodes not routed here go: the upstream in use while it is alive (a twin
  // that comes back does not take the traffic back: it may not know the routes yet), else the
  // first alive one; null when none is (the sender is told UNREACHABLE and probes).
  Upstream* ActiveUpstream();
  // Sends a node's frame upstream: through the active upstream, or the next alive one if that
  // send fails. False if none took it.
  bool RelayUpstream(zmq::message_t& frame);
  // HELLO for a node goes to every upstream: each must know the way down to it.
  void UpstreamHello(const std::string& node_id, const Route& route);
  void SendUpstream(Upstream& up, const wire::Header& h);

  mutable std::mutex snapshot_mu_;
  wire::BrokerStats snapshot_;
  int64_t next_snapshot_ = 0;

  BrokerConfig config_;
  zmq::context_t& ctx_;
  const Clock& clock_;
  spdlog::logger& log_;
  // CURVE: the keys admitted, and the ZAP handler that admits them (null when CURVE is off).
  std::unique_ptr<crypto::KeyDirectory> keys_;
  std::unique_ptr<ZapHandler> zap_;
  int64_t directory_mtime_ = 0;  // of the file last read, ns
  uint64_t keys_revoked_ = 0;    // frames refused: their connection's key was revoked since
  bool KeyStillValid(const std::string& identity, zmq::message_t& frame, const wire::Header& h);
  Result<crypto::KeyDirectory> ReadDirectory() const;
  void ReloadDirectory();
  uint64_t HighestDirectoryVersion() const;
  void KeepDirectoryVersion(uint64_t version) const;
  std::string curve_public_, curve_secret_;
  std::unique_ptr<zmq::socket_t> frontend_;
  std::vector<Upstream> upstreams_;
  size_t active_upstream_ = 0;
  std::map<std::string, Peer> peers_;    // routing identity -> peer
  std::map<std::string, Route> routes_;  // node id -> who holds it
  struct UpstreamRefusal {
    uint64_t nonce = 0;  // the refused process
    std::string reason;
    int64_t until = 0;
  };
  // Node ids the upstream broker refused (another live process holds them there): the process
  // refused is answered with the refusal and not routed here, until the upstream welcomes it.
  std::map<std::string, UpstreamRefusal> upstream_refused_;
  wire::BrokerStats stats_;
  int64_t next_heartbeat_ = 0;
};

// /metrics of a broker (Prometheus text format, issue #17).
std::string BrokerMetricsText(const wire::BrokerStats& s);

}  // namespace zhuji::broker
