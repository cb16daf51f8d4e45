#include "services/wire/socket_util.h"

namespace zhuji::wire {

namespace {

// Reads and drops the rest of a message whose first part has been read; returns the part count.
size_t DrainRest(zmq::socket_t& socket, const zmq::message_t& first) {
  size_t parts = 1;
  bool more = first.more();
  while (more) {
    zmq::message_t extra;
    // The rest of a message is already here: ZeroMQ delivers messages whole.
    (void)socket.recv(extra, zmq::recv_flags::none);
    more = extra.more();
    ++parts;
  }
  return parts;
}

zmq::recv_flags RecvFlags(bool dontwait) {
  return dontwait ? zmq::recv_flags::dontwait : zmq::recv_flags::none;
}

zmq::send_flags SendFlags(bool dontwait) {
  return dontwait ? zmq::send_flags::dontwait : zmq::send_flags::none;
}

}  // namespace

bool RecvFrame(zmq::socket_t& socket, zmq::message_t& frame, bool dontwait, size_t* parts) {
  if (!socket.recv(frame, RecvFlags(dontwait))) return false;
  *parts = DrainRest(socket, frame);
  return true;
}

bool RecvRouted(zmq::socket_t& router, std::string* identity, zmq::message_t& frame, bool dontwait,
                size_t* parts) {
  zmq::message_t id;
  if (!router.recv(id, RecvFlags(dontwait))) return false;
  identity->assign(View(id));
  if (!id.more()) {  // cannot happen on a ROUTER; treat as an empty message
    frame.rebuild(size_t{0});
    *parts = 0;
    return true;
  }
  (void)router.recv(frame, zmq::recv_flags::none);
  *parts = DrainRest(router, frame);
  return true;
}

bool SendFrame(zmq::socket_t& socket, std::string_view frame, bool dontwait) {
  return socket.send(zmq::const_buffer(frame.data(), frame.size()), SendFlags(dontwait))
      .has_value();
}

bool SendFrame(zmq::socket_t& socket, zmq::message_t& frame, bool dontwait) {
  return socket.send(frame, SendFlags(dontwait)).has_value();
}

namespace {

// The ROUTER's own routing-id part: consumed by the local socket, never sent on the wire.
bool SendRoutingId(zmq::socket_t& router, std::string_view identity, bool* gone) {
  if (gone) *gone = false;
  try {
    return router
        .send(zmq::const_buffer(identity.data(), identity.size()),
              zmq::send_flags::sndmore | zmq::send_flags::dontwait)
        .has_value();
  } catch (const zmq::error_t& e) {
    if (e.num() != EHOSTUNREACH) throw;
    if (gone) *gone = true;
    return false;
  }
}

}  // namespace

bool SendRouted(zmq::socket_t& router, std::string_view identity, std::string_view frame,
                bool* gone) {
  if (!SendRoutingId(router, identity, gone)) return false;
  (void)router.send(zmq::const_buffer(frame.data(), frame.size()), zmq::send_flags::none);
  return true;
}

bool SendRouted(zmq::socket_t& router, std::string_view identity, zmq::message_t& frame,
                bool* gone) {
  if (!SendRoutingId(router, identity, gone)) return false;
  (void)router.send(frame, zmq::send_flags::none);
  return true;
}

}  // namespace zhuji::wire
