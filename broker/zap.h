#pragma once
// ZAP (ZeroMQ RFC 27) for the broker's CURVE socket (issue #10): a connection is admitted only
// if its client key is in the directory of keys, and every message from it then carries the id
// the key belongs to as its "User-Id" (a node id, or "broker:<name>" for a broker below). The
// broker binds what a connection may say to that id.
//
// A key the directory marks revoked, or retiring past its grace period, is refused with that
// reason. Serve() answers the handshakes waiting; the broker's loop polls socket(). Borrows the
// context, the directory (replaced by Use when a newer version is installed), clock and logger.

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "services/common/clock.h"
#include "services/crypto/key_directory.h"

namespace zhuji::broker {

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& ctx, const crypto::KeyDirectory* keys, const Clock& clock,
             spdlog::logger& log);
  void Use(const crypto::KeyDirectory* keys) { keys_ = keys; }
  zmq::socket_t& socket() { return socket_; }
  void Serve();
  uint64_t refused() const { return refused_; }

 private:
  void Answer(zmq::message_t request[7], size_t parts);
  zmq::socket_t socket_;
  const crypto::KeyDirectory* keys_;
  const Clock& clock_;
  spdlog::logger& log_;
  uint64_t refused_ = 0;
};

// The id a CURVE connection was admitted as ("" on a socket without ZAP).
std::string UserIdOf(zmq::message_t& message);
// The CURVE key (Z85) it was admitted with ("" on a socket without ZAP).
std::string CurveKeyOf(zmq::message_t& message);

}  // namespace zhuji::broker
