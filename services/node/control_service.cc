#include "services/node/control_service.h"

#include <kj/exception.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "services/common/capnp_io.h"
#include "services/common/control_request.h"
#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "services/common/utf8.h"
#include "services/node/requests.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {
// Limits the node enforces itself, whatever the client (issue #8): a request is at most 1 MiB.
constexpr size_t kMaxControlBytes = 1 << 20;
}  // namespace

ControlService::ControlService(std::string endpoint, zmq::context_t& ctx, Writer& writer,
                               Health& health, const Clock& clock, spdlog::logger& log)
    : endpoint_(std::move(endpoint)),
      ctx_(ctx),
      writer_(writer),
      health_(health),
      clock_(clock),
      log_(log) {}

ControlService::~ControlService() = default;

void ControlService::Bind() {
  if (endpoint_.rfind("ipc://", 0) == 0) {
    ::unlink(endpoint_.substr(6).c_str());  // a stale socket file from a killed run
  }
  socket_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::router);
  socket_->set(zmq::sockopt::linger, 0);
  socket_->set(zmq::sockopt::router_mandatory, 1);
  // A memory guard: requests over 1 MiB are answered with an error; past this libzmq drops the
  // client's connection without reading it.
  socket_->set(zmq::sockopt::maxmsgsize, int64_t{64} << 20);
  socket_->bind(endpoint_);
  // Operators only: the socket file is the service user's alone (issue #10). A window between
  // bind and chmod is closed by the data directory, which is the service user's.
  if (endpoint_.rfind("ipc://", 0) == 0 && ::chmod(endpoint_.substr(6).c_str(), 0600) != 0) {
    throw std::runtime_error("cannot make the control socket " + endpoint_.substr(6) +
                             " private (chmod 600): " + std::strerror(errno));
  }
}

void ControlService::Serve() {
  std::string identity;
  zmq::message_t request;
  size_t parts = 0;
  for (int i = 0; i < 256; ++i) {
    if (!wire::RecvRouted(*socket_, &identity, request, true, &parts)) break;
    if (parts != 1) {
      capnp::MallocMessageBuilder reply;
      Refuse(identity, reply, "a control request is one frame; got " + std::to_string(parts), true);
      continue;
    }
    Handle(identity, wire::View(request));
  }
}

// `count`: the request could not be read (counted as refused in the status); a well-formed
// request the node will not carry out is answered and noted only.
void ControlService::Refuse(const std::string& identity, capnp::MessageBuilder& reply,
                            const std::string& why, bool count) {
  if (count) health_.CountRefused("control_malformed");
  health_.NoteError("refused a control request: " + why);
  reply.initRoot<schema::ControlReply>().setError(why);
  Reply(identity, reply);
}

void ControlService::Handle(const std::string& identity, std::string_view request) {
  request_id_.clear();
  request_wrote_ = false;
  request_reply_kept_ = false;
  capnp::MallocMessageBuilder reply;
  if (request.size() > kMaxControlBytes) {
    return Refuse(identity, reply,
                  "request of " + std::to_string(request.size()) + " bytes exceeds the limit of " +
                      std::to_string(kMaxControlBytes),
                  true);
  }
  try {
    auto msg = ReadMessage(request);
    auto req = msg->Root<schema::ControlRequest>();
    auto r = reply.initRoot<schema::ControlReply>();
    if (!Admit(identity, req, r, reply)) return;
    ControlCall call{identity, req, reply, r};
    Dispatch(call);
    if (call.answer_later) return;
  } catch (const store::StoreError& e) {
    if (!e.unwritable()) throw;
    writer_.Unwritable(e);
    capnp::MallocMessageBuilder refusal;
    if (std::exchange(request_wrote_, false)) {
      request_id_.clear();
      return Refuse(identity, refusal,
                    "carried out, but the node could not finish its reply (" +
                        std::string(e.what()) + "): see status or list before trying again",
                    false);
    }
    return Refuse(identity, refusal,
                  "the store cannot be written now (" + std::string(e.what()) +
                      "); nothing was changed: try again when zhuji status no longer says so",
                  false);
  } catch (const MalformedMessage& e) {
    capnp::MallocMessageBuilder refusal;
    return Refuse(identity, refusal, std::string("malformed control request: ") + e.what(), true);
  } catch (const kj::Exception& e) {
    capnp::MallocMessageBuilder refusal;
    return Refuse(identity, refusal,
                  "malformed control request: " + std::string(e.getDescription().cStr()), true);
  }
  auto r = reply.getRoot<schema::ControlReply>();
  if (r.getError().size()) {
    health_.NoteError("refused a control request: " + std::string(r.getError().cStr()));
  }
  Reply(identity, reply);
}

bool ControlService::Admit(const std::string& identity, schema::ControlRequest::Reader req,
                           schema::ControlReply::Builder, capnp::MessageBuilder& reply) {
  if (auto bad = FirstInvalidText(capnp::toDynamic(req)); !bad.empty()) {
    Refuse(identity, reply, "the text in " + bad + " is not valid UTF-8", true);
    return false;
  }
  std::string_view id = AsView(req.getRequestId());
  if (id.size() > Requests::kMaxIdBytes) {
    Refuse(identity, reply, "request id too long", true);
    return false;
  }
  if (!ChangesState(req)) return true;
  if (!writer_.writable()) {
    Refuse(identity, reply,
           "the store cannot be written now (" + writer_.error() +
               "); nothing was changed: try again when zhuji status no longer says so",
           false);
    return false;
  }
  if (id.empty()) return true;
  std::optional<Requests::Done> done;
  {
    auto txn = writer_.BeginRead();
    done = Requests::Find(txn, id);
  }
  if (!done) {
    request_id_ = std::string(id);
    return true;
  }
  log_.info("control request {} repeated: answered with the kept reply", ToHex(id));
  if (!done->reply.empty()) {  // a retry: carried out once already
    (void)wire::SendRouted(*socket_, identity, done->reply);
  } else {
    Refuse(identity, reply,
           "this request (" + ToHex(id) + ") was carried out at " + FormatCst(done->at) +
               " but the node stopped before it kept its reply: see status or list",
           false);
  }
  return false;
}

void ControlService::Dispatch(ControlCall& call) {
  auto it = handlers_.find(call.request.which());
  if (it == handlers_.end()) {
    health_.CountRefused("control_unknown");
    call.reply.setError("unknown control request");
    return;
  }
  it->second(call);
}

Status ControlService::Write(const std::function<Status(store::Txn&)>& step,
                             const std::function<std::string(store::Txn&)>& reply) {
  int64_t now = clock_.NowMs();
  bool kept = false;
  Status st = writer_.Commit([&](store::Txn& txn) {
    kept = false;
    if (Status s = step(txn); !s.ok()) return s;
    if (request_id_.empty()) return Status::Ok();
    if (reply) {  // the reply is known now: kept with the step, no second commit
      Requests::SaveReply(txn, request_id_, reply(txn), now, 0);
      kept = true;
    } else {
      Requests::Mark(txn, request_id_, now);
    }
    return Status::Ok();
  });
  if (st.ok() && !request_id_.empty()) request_wrote_ = true;
  if (kept) request_reply_kept_ = true;
  return st;
}

void ControlService::KeepReply(std::string_view bytes) {
  if (request_id_.empty()) return;
  std::string id = std::exchange(request_id_, std::string());
  if (!std::exchange(request_wrote_, false)) return;      // refused: nothing was carried out
  if (std::exchange(request_reply_kept_, false)) return;  // kept with the step itself
  int64_t now = clock_.NowMs();
  try {
    writer_.env().Write([&](store::Txn& txn) { Requests::SaveReply(txn, id, bytes, now); });
  } catch (const store::StoreError& e) {
    // The step is committed; only its reply is not kept: a repeat is told it was carried out.
    log_.warn("the reply to request {} could not be kept: {}", ToHex(id), e.what());
    if (e.unwritable()) writer_.Unwritable(e);
  }
}

void ControlService::Reply(const std::string& identity, capnp::MessageBuilder& reply) {
  std::string bytes = ToBytes(reply);
  KeepReply(bytes);
  if (!wire::SendRouted(*socket_, identity, bytes)) {
    log_.debug("control client went away before its reply");
  }
}

}  // namespace zhuji::node
