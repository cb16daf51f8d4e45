#include "tools/control_client.h"

#include <capnp/message.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "services/common/control_request.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"

namespace zhuji::tools {

bool WaitForNodeLink(zmq::context_t& ctx, const std::string& endpoint, int timeout_ms,
                     const std::function<bool()>& running) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  ControlClient client(ctx, endpoint);
  while (std::chrono::steady_clock::now() < deadline) {
    if (running && !running()) return false;
    try {
      capnp::MallocMessageBuilder req;
      req.initRoot<schema::ControlRequest>().setStatus();
      auto reply = client.Call(req, 500);
      auto r = reply->Root<schema::ControlReply>();
      if (r.isStatus()) {
        for (auto l : r.getStatus().getLinks()) {
          if (l.getUp()) return true;
        }
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::optional<wire::BrokerStats> QueryBrokerStats(zmq::context_t& ctx, const std::string& endpoint,
                                                  int timeout_ms, const CurveCredentials* curve) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  if (curve) {
    s.set(zmq::sockopt::curve_serverkey, curve->server_key);
    s.set(zmq::sockopt::curve_publickey, curve->public_key);
    s.set(zmq::sockopt::curve_secretkey, curve->secret_key);
  }
  s.connect(endpoint);
  wire::Header h;
  h.command = wire::Command::STATS;
  std::string bytes = wire::EncodeFrame(h);
  s.send(zmq::buffer(bytes), zmq::send_flags::none);
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms));
  if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
  zmq::message_t reply;
  (void)s.recv(reply, zmq::recv_flags::none);
  auto parsed = wire::ParseFrame(wire::View(reply), 0);
  if (!parsed.header || !parsed.header->stats) return std::nullopt;
  return parsed.header->stats;
}

void SetMaterials(schema::MatterRequest::Builder r, const std::vector<std::string>& names) {
  auto list = r.initMaterials(names.size());
  for (size_t i = 0; i < names.size(); ++i) list.set(i, names[i]);
}

std::optional<HeldView<schema::MatterView::Reader>> ShowMatter(ControlClient& client,
                                                               const std::string& id,
                                                               int timeout_ms) {
  capnp::MallocMessageBuilder req;
  auto m = req.initRoot<schema::ControlRequest>().initMatter();
  m.setOp(schema::MatterRequest::Op::SHOW);
  m.setId(id);
  auto reply = client.Call(req, timeout_ms);
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size() || !r.isMatterViews() || r.getMatterViews().size() != 1) {
    return std::nullopt;
  }
  auto view = r.getMatterViews()[0];
  return HeldView<schema::MatterView::Reader>{std::move(reply), view};
}

}  // namespace zhuji::tools
