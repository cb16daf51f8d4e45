#pragma once
// zhuji-broker (DESIGN.md "zhuji-broker"): one ROUTER that relays frames between connected nodes
// by node id. Reads only the routing header; stores nothing, so it can restart at any time.
//
// A node (or a broker below this one) registers node ids with HELLO. A frame for a node id with
// no route goes to the upstream broker when one is configured, otherwise back to the sender as
// UNREACHABLE. Peers silent for `liveness` heartbeat intervals are dropped. Malformed, oversized
// or unregistered frames are refused with a NACK, counted and logged; the broker keeps serving.
//
// Single-threaded: Run() owns both sockets. Borrows the context and logger.

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/wire/header.h"

namespace zhuji::broker {

struct BrokerConfig {
  std::string id = "broker";
  std::string bind = "tcp://127.0.0.1:0";
  std::string upstream;  // optional endpoint of the broker one level up
  int64_t heartbeat_interval_ms = 1000;
  int heartbeat_liveness = 3;
  size_t max_body_bytes = wire::kDefaultMaxEnvelopeBytes;
};

class Broker {
 public:
  Broker(const BrokerConfig& config, zmq::context_t& ctx, spdlog::logger& log);
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Binds (and connects upstream). Returns the endpoint actually bound (port 0 resolved).
  std::string Start();
  void Run(const std::atomic<bool>& stop);
  wire::BrokerStats Stats() const;

 private:
  struct Peer {
    int64_t last_heard = 0;
    std::set<std::string> node_ids;
  };

  void Turn(int64_t poll_ms);
  void OnFrontend(std::vector<zmq::message_t>& parts, bool too_many);
  void OnUpstream(std::vector<zmq::message_t>& parts, bool too_many);
  // Relays a node-to-node frame. `from_identity` is empty when it came from upstream.
  void Relay(const wire::Header& h, std::vector<zmq::message_t>& frames, size_t first,
             const std::string& from_identity);
  void Refuse(const std::string& identity, wire::NackCode code, const std::string& reason,
              const wire::Header* h);
  void Reply(const std::string& identity, const wire::Header& h);
  void Register(const std::string& identity, const std::string& node_id);
  void DropPeer(const std::string& identity, const char* why);
  void Sweep(int64_t mono);
  void ConnectUpstream(int64_t mono);
  void UpstreamHello(const std::string& node_id);
  void SendUpstream(const wire::Header& h);

  BrokerConfig config_;
  zmq::context_t& ctx_;
  spdlog::logger& log_;
  std::unique_ptr<zmq::socket_t> frontend_;
  std::unique_ptr<zmq::socket_t> upstream_;
  std::map<std::string, Peer> peers_;          // routing identity -> peer
  std::map<std::string, std::string> routes_;  // node id -> routing identity
  wire::BrokerStats stats_;
  int64_t upstream_heard_ = 0;
  int64_t next_heartbeat_ = 0;
};

}  // namespace zhuji::broker
