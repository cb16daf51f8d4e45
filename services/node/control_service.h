#pragma once
// The control socket (DESIGN.md "zhuji-node"): operators' requests (the zhuji CLI), served on the
// loop thread.
//
// Handle() reads one request, enforces what holds for every request (1 MiB at most, valid UTF-8,
// no write while the store cannot be written, a repeated request id answered with the reply kept
// the first time: services/node/requests.h), and hands it to the handler registered for its
// operation. A handler fills the reply; a write goes through Write(), which keeps the request id
// (and the reply) in the step's own transaction.
//
// Borrows the context, writer, health and logger. Loop thread only.

#include <capnp/message.h>
#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "services/common/clock.h"
#include "services/common/result.h"
#include "services/node/health.h"
#include "services/node/writer.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::node {

// One request being served.
struct ControlCall {
  std::string identity;  // the client's routing id
  schema::ControlRequest::Reader request;
  capnp::MessageBuilder& message;  // holds `reply`
  schema::ControlReply::Builder reply;
  bool answer_later = false;  // the handler keeps `identity` and answers with Reply() later
};
using ControlHandler = std::function<void(ControlCall&)>;

class ControlService {
 public:
  ControlService(std::string endpoint, zmq::context_t& ctx, Writer& writer, Health& health,
                 const Clock& clock, spdlog::logger& log);
  ~ControlService();

  // Binds the socket (a stale ipc socket file of a killed run is removed). Throws on a bad
  // endpoint.
  void Bind();
  void Register(schema::ControlRequest::Which which, ControlHandler handler) {
    handlers_[which] = std::move(handler);
  }
  zmq::socket_t& socket() { return *socket_; }

  // Serves what is waiting on the socket (at most 256 requests).
  void Serve();
  // Serves one request from `identity` (in-process tests call it directly).
  void Handle(const std::string& identity, std::string_view request);

  // The write of the request being served: `step` in one transaction, with the request's id
  // marked in it when it carries one, and its reply kept with it when `reply` can build it from
  // the transaction. An error from `step` aborts it: nothing was changed.
  Status Write(const std::function<Status(store::Txn&)>& step,
               const std::function<std::string(store::Txn&)>& reply = {});
  // Sends a reply (also one answered later); a request that changed something keeps it.
  void Reply(const std::string& identity, capnp::MessageBuilder& reply);

 private:
  // The checks every request passes. False when it was answered already (refused, a repeat).
  bool Admit(const std::string& identity, schema::ControlRequest::Reader req,
             schema::ControlReply::Builder r, capnp::MessageBuilder& reply);
  void Dispatch(ControlCall& call);
  void Refuse(const std::string& identity, capnp::MessageBuilder& reply, const std::string& why,
              bool count);
  void KeepReply(std::string_view reply_bytes);

  std::string endpoint_;
  zmq::context_t& ctx_;
  Writer& writer_;
  Health& health_;
  const Clock& clock_;
  spdlog::logger& log_;
  std::unique_ptr<zmq::socket_t> socket_;
  std::map<schema::ControlRequest::Which, ControlHandler> handlers_;
  std::string request_id_;  // of the request being served, if it changes something
  bool request_wrote_ = false;
  bool request_reply_kept_ = false;  // the step kept its reply in its own transaction
};

}  // namespace zhuji::node
