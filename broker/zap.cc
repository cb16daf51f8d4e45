#include "broker/zap.h"

#include <zmq.h>

#include <cstring>

namespace zhuji::broker {

namespace {
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";  // RFC 27: the fixed endpoint
constexpr size_t kParts = 7;  // version, request id, domain, address, identity, mechanism, key
constexpr const char* kKeyProperty = "X-Zhuji-Curve-Key";

std::string KeyOf(const zmq::message_t& raw_key) {
  char z85[41];
  zmq_z85_encode(z85, raw_key.data<uint8_t>(), 32);
  return z85;
}
}  // namespace

ZapHandler::ZapHandler(zmq::context_t& ctx, const crypto::KeyDirectory* keys, const Clock& clock,
                       spdlog::logger& log)
    : socket_(ctx, zmq::socket_type::rep), keys_(keys), clock_(clock), log_(log) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
}

void ZapHandler::Serve() {
  for (;;) {
    zmq::message_t request[kParts];
    size_t parts = 0;
    bool more = true;
    while (more) {
      zmq::message_t part;
      auto got = socket_.recv(part, parts == 0 ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
      if (!got) return;  // nothing waiting
      more = part.more();
      if (parts < kParts) request[parts] = std::move(part);
      ++parts;
    }
    Answer(request, parts);
  }
}

void ZapHandler::Answer(zmq::message_t request[7], size_t parts) {
  std::string status = "400", text = "not a CURVE handshake", user;
  std::string mechanism = parts >= 6 ? request[5].to_string() : "";
  if (parts == kParts && request[0].to_string() == "1.0" && mechanism == "CURVE" &&
      request[6].size() == 32) {
    std::string z85 = KeyOf(request[6]);
    const crypto::DirectoryKey* k = keys_->FindByCurve(z85);
    Status usable = k ? keys_->Usable(*k, clock_.NowMs()) : Status::Ok();
    if (k && usable.ok()) {
      status = "200";
      text = "OK";
      user = k->keys.id;
    } else if (k) {
      ++refused_;
      text = usable.message();
      log_.warn("refused a connection from {}: {}", request[3].to_string(), text);
    } else {
      ++refused_;
      text = "key not in the directory of keys";
      log_.warn("refused a connection from {}: CURVE key {} is not in the directory of keys",
                request[3].to_string(), z85);
    }
  } else {
    ++refused_;
    log_.warn("refused a connection: {} (mechanism '{}')", text, mechanism);
  }
  // The reply (RFC 27): version, request id, status code, status text, user id, metadata. ZAP is
  // an inproc exchange inside this process, multipart by its RFC; nothing of it is on the wire.
  // The metadata (ZMTP property list) carries the client's key, so every message tells it.
  std::string metadata;
  if (status == "200") {
    std::string key = KeyOf(request[6]);
    metadata.push_back(static_cast<char>(std::strlen(kKeyProperty)));
    metadata += kKeyProperty;
    for (int shift : {24, 16, 8, 0}) metadata.push_back(static_cast<char>(key.size() >> shift));
    metadata += key;
  }
  const std::string reply[] = {
      "1.0", parts >= 2 ? request[1].to_string() : "", status, text, user, metadata};
  for (size_t i = 0; i < 6; ++i) {
    socket_.send(zmq::buffer(reply[i]), i < 5 ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
}

std::string UserIdOf(zmq::message_t& message) {
  const char* user = zmq_msg_gets(message.handle(), "User-Id");
  return user ? user : "";
}

std::string CurveKeyOf(zmq::message_t& message) {
  const char* key = zmq_msg_gets(message.handle(), kKeyProperty);
  return key ? key : "";
}

}  // namespace zhuji::broker
