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
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "services/node/config.h"

namespace zhuji::node {

class BrokerLink {
 public:
  BrokerLink(zmq::context_t& ctx, std::string endpoint, std::string node_id,
             const TransportConfig& config, spdlog::logger& log);
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

  // Heartbeats and liveness. Returns true if the link just died and was recreated.
  bool Tick(int64_t mono_now);
  int64_t NextTick() const { return next_heartbeat_; }

  // Sends a header (and optional body). False if it could not be queued now.
  bool Send(std::string_view header, std::string_view body = {});

  bool up() const { return up_; }
  const std::string& endpoint() const { return endpoint_; }
  int64_t last_change_ms() const { return last_change_wall_; }

 private:
  void SayHello();
  void SetUp(bool up);
  zmq::context_t& ctx_;
  std::string endpoint_;
  std::string node_id_;
  TransportConfig config_;
  spdlog::logger& log_;
  std::unique_ptr<zmq::socket_t> socket_;
  bool up_ = false;
  int64_t last_heard_ = 0;
  int64_t next_heartbeat_ = 0;
  int64_t last_change_wall_ = 0;
};

}  // namespace zhuji::node
