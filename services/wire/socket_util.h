#pragma once
// Small helpers over cppzmq shared by the broker, the node and the CLI.
//
// Protocol 2 puts one frame in every message (header.h). A peer that sends more (an old peer, a
// fuzzer) is still read to the end of its message so the socket stays usable, and the receiver
// is told how many parts there were so it can refuse the message with a reason.

#include <cstddef>
#include <string>
#include <string_view>
#include <zmq.hpp>

namespace zhuji::wire {

// Receives one message from a DEALER (or any socket without routing ids) into `frame`
// (non-blocking when `dontwait`). Returns false when no message was waiting. `parts` is set to
// the number of parts the message had; only the first is kept.
bool RecvFrame(zmq::socket_t& socket, zmq::message_t& frame, bool dontwait, size_t* parts);

// Receives one message from a ROUTER: the peer's routing id, then its frame. `parts` counts
// the parts after the routing id (1 for a well-formed message).
bool RecvRouted(zmq::socket_t& router, std::string* identity, zmq::message_t& frame, bool dontwait,
                size_t* parts);

// Sends one frame. Returns false if the socket would block; other errors throw zmq::error_t.
bool SendFrame(zmq::socket_t& socket, std::string_view frame, bool dontwait = true);
bool SendFrame(zmq::socket_t& socket, zmq::message_t& frame, bool dontwait = true);

// Sends one frame to the peer `identity` of a ROUTER. The routing id is a part only between
// this process and its own ROUTER socket, which consumes it: the peer receives one frame.
// Returns false if the peer is gone (ROUTER_MANDATORY; `*gone` is then set when given) or
// would block.
bool SendRouted(zmq::socket_t& router, std::string_view identity, std::string_view frame,
                bool* gone = nullptr);
bool SendRouted(zmq::socket_t& router, std::string_view identity, zmq::message_t& frame,
                bool* gone = nullptr);

inline std::string_view View(const zmq::message_t& m) {
  return std::string_view(static_cast<const char*>(m.data()), m.size());
}

}  // namespace zhuji::wire
