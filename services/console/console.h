#pragma once
// The clerks' web console of a node and its /metrics (issue #17; docs/console.md).
//
// It runs on the HTTP server's threads inside zhuji-node and reads the node the way the
// operator's CLI does: through the node's control socket, read-only requests only (status,
// deadlines, matters, filings, grants, 督办, dead letters). It never touches the node's loop,
// store or sockets, so the node stays single-threaded and what a page shows is what
// `zhuji … --json` prints.
//
// Borrows the ZeroMQ context and the logger.

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <zmq.hpp>

#include "services/common/http_listen.h"
#include "services/http/http_server.h"
#include "services/wire/control_client.h"

namespace zhuji::console {

struct ConsoleConfig {
  HttpListen listen;
  std::string node_id;
  std::string control;  // the node's control endpoint
  int reminder_days = 3;
};

class Console {
 public:
  // Throws std::runtime_error on what the HTTP server refuses (http_server.h).
  Console(ConsoleConfig config, zmq::context_t& ctx, spdlog::logger& log);
  // Starts serving; returns the URL.
  std::string Start() { return server_.Start(); }
  // The node is stopping: what waits for it fails at once, then the server stops.
  void Stop() {
    stopping_ = true;
    server_.Stop();
  }

 private:
  // One control request, one reply, under the mutex (one socket; the server's threads take
  // turns). Throws std::runtime_error when the node does not answer or refuses.
  std::unique_ptr<OwnedMessage> Ask(capnp::MessageBuilder& request);
  void Routes();

  ConsoleConfig config_;
  spdlog::logger& log_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  wire::ControlClient client_;
  http::HttpServer server_;
};

}  // namespace zhuji::console
