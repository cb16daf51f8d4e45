#include "services/wire/control_client.h"

#include <chrono>
#include <stdexcept>

#include "services/common/control_request.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::wire {

ControlClient::ControlClient(zmq::context_t& ctx, std::string endpoint)
    : ctx_(ctx), endpoint_(std::move(endpoint)) {}

std::unique_ptr<OwnedMessage> ControlClient::Call(capnp::MessageBuilder& request, int timeout_ms) {
  // A request that changes something carries an id: after a timeout it is sent once more with
  // the same id, and the node carries it out once whatever happened to the first.
  auto root = request.getRoot<schema::ControlRequest>();
  bool changes = ChangesState(root.asReader());
  if (changes && root.getRequestId().size() == 0) {
    auto id = NewEnvelopeId();
    root.setRequestId(capnp::Data::Reader(id.data(), id.size()));
  }
  std::string bytes = ToBytes(request);
  zmq::message_t reply;
  bool answered = false;
  for (int attempt = 0; attempt < (changes ? 2 : 1) && !answered; ++attempt) {
    if (!socket_) {
      socket_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
      socket_->set(zmq::sockopt::linger, 0);
      socket_->connect(endpoint_);
    }
    try {
      socket_->send(zmq::buffer(bytes), zmq::send_flags::none);
      zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms));
      if (item.revents & ZMQ_POLLIN) {
        (void)socket_->recv(reply, zmq::recv_flags::none);
        answered = true;
      }
    } catch (...) {
      socket_.reset();  // interrupted: whatever answer comes later is not for the next call
      throw;
    }
    if (!answered) socket_.reset();  // a late answer must never pass for the next one's
  }
  if (!answered) {
    throw std::runtime_error(
        "node at " + endpoint_ + " did not answer within " + std::to_string(timeout_ms) + " ms" +
        (changes ? " (asked twice, with the same request id)" : "") + " (is it running?)");
  }
  capnp::ReaderOptions options = UntrustedReaderOptions();
  options.traversalLimitInWords = 1ull << 28;  // large inbox listings
  return ReadMessage(wire::View(reply), options);
}

std::unique_ptr<OwnedMessage> ControlClient::CallOk(capnp::MessageBuilder& request,
                                                    int timeout_ms) {
  auto reply = Call(request, timeout_ms);
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) throw std::runtime_error(r.getError().cStr());
  return reply;
}

}  // namespace zhuji::wire
