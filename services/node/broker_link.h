#pragma once
// One node's connection to one broker (STYLE.md §13, Majordomo-style): a DEALER that registers
// with HELLO, sends a HEARTBEAT every interval, and is declared dead after `liveness` silent
// intervals, when the socket is closed and recreated and HELLO sent again.
//
// Owned by the node's loop thread, which alone touches the socket. Knows nothing of envelopes
// beyond sending the frames it is given.

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/wire/header.h"

namespace zhuji::node {

// CURVE on the link (issue #10): the broker's public key, and this node's key pair (Z85).
struct CurveClient {
  std::string server_key;
  std::string public_key;
  std::string secret_key;
};

class BrokerLink {
 public:
  // `incarnation` counts the node's starts (kept in its store); `nonce` is random per process.
  // Both go with every HELLO so the broker can tell a reconnect or a restart from a rival.
  BrokerLink(zmq::context_t& ctx, std::string endpoint, std::string node_id, uint64_t incarnation,
             uint64_t nonce, const config::TransportConfig& config, const Clock& clock,
             spdlog::logger& log, std::optional<CurveClient> curve = std::nullopt);
  BrokerLink(const BrokerLink&) = delete;
  BrokerLink& operator=(const BrokerLink&) = delete;

  // Creates the socket and says HELLO. Called at start and after a dead link.
  void Connect(int64_t mono_now);
  zmq::socket_t& socket() { return *socket_; }

  // A frame came in from this broker: it is alive.
  void Heard(int64_t mono_now) { last_heard_ = mono_now; }
  // The broker accepted our HELLO. Returns true if the link was down before.
  bool Welcomed(int64_t mono_now);
  // The broker forgot us (restarted): say HELLO again. The link counts as down until WELCOME.
  void Reregister(int64_t mono_now);
  // The broker refused our HELLO: another live process holds this node id. The link stays
  // down; HELLO is tried again every few seconds, and the reason is kept for `zhuji status`.
  void RefusedId(int64_t mono_now, const std::string& reason);
  const std::string& refusal() const { return refusal_; }

  // Heartbeats and liveness. Returns true if the link just died and was recreated.
  bool Tick(int64_t mono_now);
  int64_t NextTick() const { return next_heartbeat_; }

  // Sends one frame: the header, then `body` (a DELIVER's envelope). False if it could not be
  // queued now.
  bool Send(const wire::Header& header, std::string_view body = {});

  bool up() const { return up_; }
  const std::string& endpoint() const { return endpoint_; }
  int64_t last_change_ms() const { return last_change_wall_; }

 private:
  void SayHello();
  void SetUp(bool up);
  zmq::context_t& ctx_;
  std::string endpoint_;
  std::string node_id_;
  uint64_t incarnation_;
  uint64_t nonce_;
  config::TransportConfig config_;
  const Clock& clock_;
  std::optional<CurveClient> curve_;
  spdlog::logger& log_;
  std::unique_ptr<zmq::socket_t> socket_;
  bool up_ = false;
  int64_t last_heard_ = 0;
  int64_t next_heartbeat_ = 0;
  int64_t last_change_wall_ = 0;
  std::string refusal_;  // why the broker refused our HELLO, until it welcomes us
};

}  // namespace zhuji::node
