#pragma once
// Small helpers over cppzmq shared by the broker, the node and the CLI.

#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

namespace zhuji::wire {

// Receives every part of one message (non-blocking when `dontwait`). Returns false when no
// message was waiting. Parts beyond `max_parts` are received and dropped, and `too_many` is set.
bool RecvAll(zmq::socket_t& socket, std::vector<zmq::message_t>& parts, bool dontwait,
             size_t max_parts, bool* too_many);

// Sends the parts as one message. Returns false if the socket would block or the peer is
// unroutable (ROUTER_MANDATORY); other errors throw zmq::error_t.
bool SendParts(zmq::socket_t& socket, const std::vector<std::string_view>& parts,
               bool dontwait = true);

inline std::string_view View(const zmq::message_t& m) {
  return std::string_view(static_cast<const char*>(m.data()), m.size());
}

}  // namespace zhuji::wire
