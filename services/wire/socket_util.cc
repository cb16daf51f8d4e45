#include "services/wire/socket_util.h"

namespace zhuji::wire {

bool RecvAll(zmq::socket_t& socket, std::vector<zmq::message_t>& parts, bool dontwait,
             size_t max_parts, bool* too_many) {
  parts.clear();
  *too_many = false;
  auto flags = dontwait ? zmq::recv_flags::dontwait : zmq::recv_flags::none;
  zmq::message_t part;
  if (!socket.recv(part, flags)) return false;
  while (true) {
    bool more = part.more();
    if (parts.size() < max_parts) {
      parts.push_back(std::move(part));
    } else {
      *too_many = true;
    }
    if (!more) break;
    part = zmq::message_t();
    // The rest of a multipart message is already here: ZeroMQ delivers messages atomically.
    (void)socket.recv(part, zmq::recv_flags::none);
  }
  return true;
}

bool SendParts(zmq::socket_t& socket, const std::vector<std::string_view>& parts, bool dontwait) {
  for (size_t i = 0; i < parts.size(); ++i) {
    auto flags = dontwait ? zmq::send_flags::dontwait : zmq::send_flags::none;
    if (i + 1 < parts.size()) flags = flags | zmq::send_flags::sndmore;
    try {
      if (!socket.send(zmq::const_buffer(parts[i].data(), parts[i].size()), flags)) {
        return false;  // would block: only possible on the first part
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EHOSTUNREACH) return false;
      throw;
    }
  }
  return true;
}

}  // namespace zhuji::wire
