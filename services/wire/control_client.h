#pragma once
// A client of a node's control socket (schemas/control.capnp): one request, one reply, with a
// timeout. The operator's CLI and the node's own console (services/console) use it. One thread
// at a time.

#include <capnp/message.h>

#include <memory>
#include <string>
#include <zmq.hpp>

#include "services/common/capnp_io.h"

namespace zhuji::wire {

// The connection is kept from one call to the next (calls are one at a time); it is dropped
// after a call that timed out.
class ControlClient {
 public:
  ControlClient(zmq::context_t& ctx, std::string endpoint);
  // Sends the request and waits up to `timeout_ms` for the reply. Throws std::runtime_error
  // naming the endpoint when the node does not answer in time.
  std::unique_ptr<OwnedMessage> Call(capnp::MessageBuilder& request, int timeout_ms);
  // As Call, and throws std::runtime_error with the node's reason when the reply is a refusal.
  std::unique_ptr<OwnedMessage> CallOk(capnp::MessageBuilder& request, int timeout_ms);
  const std::string& endpoint() const { return endpoint_; }

 private:
  zmq::context_t& ctx_;
  std::string endpoint_;
  std::unique_ptr<zmq::socket_t> socket_;
};

}  // namespace zhuji::wire
