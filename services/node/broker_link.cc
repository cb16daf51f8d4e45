#include "services/node/broker_link.h"

#include <algorithm>

#include "services/common/clock.h"
#include "services/wire/header.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {
constexpr int64_t kRefusedRetryMs = 3000;  // HELLO again after the broker refused our id
}  // namespace

BrokerLink::BrokerLink(zmq::context_t& ctx, std::string endpoint, std::string node_id,
                       uint64_t incarnation, uint64_t nonce, const config::TransportConfig& config,
                       const Clock& clock, spdlog::logger& log, std::optional<CurveClient> curve)
    : ctx_(ctx),
      endpoint_(std::move(endpoint)),
      node_id_(std::move(node_id)),
      incarnation_(incarnation),
      nonce_(nonce),
      config_(config),
      clock_(clock),
      curve_(std::move(curve)),
      log_(log) {}

void BrokerLink::Connect(int64_t mono_now) {
  if (socket_) socket_->close();
  socket_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);     // what was in flight is resent from the outbox
  socket_->set(zmq::sockopt::immediate, 1);  // never queue to a connection not yet made
  socket_->set(zmq::sockopt::sndhwm, 200'000);
  socket_->set(zmq::sockopt::rcvhwm, 200'000);
  socket_->set(zmq::sockopt::reconnect_ivl, 100);
  socket_->set(zmq::sockopt::reconnect_ivl_max, 2000);
  if (curve_) {  // the broker proves its key; ours admits us and binds us to our node id
    socket_->set(zmq::sockopt::curve_serverkey, curve_->server_key);
    socket_->set(zmq::sockopt::curve_publickey, curve_->public_key);
    socket_->set(zmq::sockopt::curve_secretkey, curve_->secret_key);
  }
  socket_->connect(endpoint_);
  last_heard_ = mono_now;
  next_heartbeat_ = mono_now;  // HELLO goes out on the first Tick
  SetUp(false);
}

void BrokerLink::SetUp(bool up) {
  if (up_ != up) last_change_wall_ = clock_.NowMs();
  up_ = up;
}

void BrokerLink::SayHello() {
  wire::Header h;
  h.command = wire::Command::HELLO;
  h.source = node_id_;
  h.incarnation = incarnation_;
  h.nonce = nonce_;
  Send(h);
}

bool BrokerLink::Welcomed(int64_t mono_now) {
  Heard(mono_now);
  bool was_down = !up_;
  SetUp(true);
  if (!refusal_.empty()) log_.info("broker {} now accepts node id {}", endpoint_, node_id_);
  refusal_.clear();
  if (was_down) log_.info("link to broker {} is up", endpoint_);
  return was_down;
}

void BrokerLink::RefusedId(int64_t mono_now, const std::string& reason) {
  Heard(mono_now);
  if (refusal_ != reason) log_.error("broker {} refused this node: {}", endpoint_, reason);
  refusal_ = reason;
  SetUp(false);
  next_heartbeat_ = mono_now + kRefusedRetryMs;
}

void BrokerLink::Reregister(int64_t mono_now) {
  if (up_) log_.warn("broker {} no longer knows this node; registering again", endpoint_);
  SetUp(false);
  SayHello();
  next_heartbeat_ = mono_now + std::min<int64_t>(config_.heartbeat_interval_ms, 100);
}

bool BrokerLink::Tick(int64_t mono_now) {
  int64_t silence = config_.heartbeat_interval_ms * config_.heartbeat_liveness;
  if (!refusal_.empty()) silence += kRefusedRetryMs;  // it answered; we wait before asking again
  if (mono_now - last_heard_ > silence) {
    if (up_)
      log_.warn("link to broker {} is dead (silent for {} ms); reconnecting", endpoint_,
                mono_now - last_heard_);
    Connect(mono_now);
    return true;
  }
  if (mono_now >= next_heartbeat_) {
    if (up_) {
      wire::Header h;
      h.command = wire::Command::HEARTBEAT;
      h.source = node_id_;
      Send(h);
      next_heartbeat_ = mono_now + config_.heartbeat_interval_ms;
    } else {
      SayHello();  // until welcomed, ask again soon: the first HELLO may precede the connection
      next_heartbeat_ = mono_now + std::min<int64_t>(config_.heartbeat_interval_ms, 100);
    }
  }
  return false;
}

bool BrokerLink::Send(const wire::Header& header, std::string_view body) {
  std::string head = wire::EncodeHeader(header);
  zmq::message_t frame(head.size() + body.size());
  auto* out = static_cast<char*>(frame.data());
  std::copy(head.begin(), head.end(), out);
  std::copy(body.begin(), body.end(), out + head.size());
  return wire::SendFrame(*socket_, frame);
}

}  // namespace zhuji::node
