// The node's control socket: operators' requests (zhuji CLI) served on the loop thread.
#include <capnp/message.h>
#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/audit.h"
#include "services/node/node.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {
constexpr size_t kMaxControlBytes = 1 << 20;
constexpr uint32_t kMaxSendCount = 1'000'000;
}  // namespace

void Node::ServeControl() {
  std::vector<zmq::message_t> parts;
  bool too_many = false;
  for (int i = 0; i < 256; ++i) {
    if (!wire::RecvAll(*control_, parts, true, 3, &too_many)) break;
    std::string identity(wire::View(parts[0]));
    if (too_many || parts.size() != 2) {
      ++counters_.refused;
      NoteError("refused a control request of " + std::to_string(parts.size()) + " frames");
      continue;
    }
    HandleControl(identity, wire::View(parts[1]));
  }
}

void Node::ReplyControl(const std::string& identity, capnp::MessageBuilder& reply) {
  std::string bytes = ToBytes(reply);
  if (!wire::SendParts(*control_, {identity, bytes})) {
    log_.debug("control client went away before its reply");
  }
}

void Node::HandleControl(const std::string& identity, std::string_view request) {
  capnp::MallocMessageBuilder reply;
  auto r = reply.initRoot<schema::ControlReply>();
  auto fail = [&](const std::string& why) {
    ++counters_.refused;
    NoteError("refused a control request: " + why);
    r.setError(why);
    ReplyControl(identity, reply);
  };
  if (request.size() > kMaxControlBytes) return fail("request too large");
  std::unique_ptr<OwnedMessage> msg;
  try {
    msg = ReadMessage(request);
    auto req = msg->Root<schema::ControlRequest>();
    switch (req.which()) {
      case schema::ControlRequest::STATUS:
        FillStatus(r.initStatus());
        break;
      case schema::ControlRequest::SEND: {
        auto s = req.getSend();
        std::string to = s.getTo();
        std::string text = s.getText();
        uint32_t count = s.getCount();
        if (!IsDivisionCode(to)) return fail("destination '" + to + "' is not a six-digit node id");
        if (to == config_.node_id) return fail("a node cannot send to itself");
        if (count == 0 || count > kMaxSendCount) {
          return fail("count must be between 1 and " + std::to_string(kMaxSendCount));
        }
        std::vector<QueuedEnvelope> queued;
        int64_t now = clock_.NowMs();
        env_.Write([&](store::Txn& txn) {
          queued.clear();
          for (uint32_t i = 1; i <= count; ++i) {
            std::string t = count > 1 ? text + " #" + std::to_string(i) : text;
            if (t.size() < s.getPadTo()) t.resize(s.getPadTo(), '.');
            capnp::MallocMessageBuilder body(static_cast<unsigned>(t.size() / 8 + 8));
            body.initRoot<schema::Notice>().setText(t);
            OutgoingEnvelope out{to, schema::Kind::NOTICE, ToBytes(body), {}};
            queued.push_back(outbox_.Enqueue(txn, out, now));
          }
          Audit::Append(txn, now, "queued",
                        std::to_string(count) + " notice(s) to " + to + " #" +
                            std::to_string(queued.front().seq) + "-" +
                            std::to_string(queued.back().seq));
        });
        pump_.Enqueued(to, queued.back().seq);
        std::vector<std::string> ids;
        size_t shown = std::min<size_t>(queued.size(), 100);
        for (size_t i = 0; i < shown; ++i) {
          ids.emplace_back(reinterpret_cast<const char*>(queued[i].id.data()), 16);
        }
        if (s.getWaitAck()) {
          waiters_.push_back({identity, to, queued.back().seq, {}, ids, queued.front().seq});
          return;  // answered by AnswerWaiters
        }
        auto sent = r.initSent();
        auto list = sent.initIds(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
          list.set(i, capnp::Data::Reader(reinterpret_cast<const uint8_t*>(ids[i].data()), 16));
        }
        sent.setFirstSeq(queued.front().seq);
        sent.setLastSeq(queued.back().seq);
        break;
      }
      case schema::ControlRequest::INBOX: {
        auto q = req.getInbox();
        auto txn = env_.BeginRead();
        auto entries = Inbox::List(txn, q.getLimit(), q.getAfterSeq());
        auto list = r.initInbox(entries.size());
        for (size_t i = 0; i < entries.size(); ++i) {
          auto& e = entries[i];
          auto b = list[i];
          b.setSeq(e.local_seq);
          b.setId(capnp::Data::Reader(reinterpret_cast<const uint8_t*>(e.id.data()), e.id.size()));
          b.setOrigin(e.origin);
          b.setText(e.text);
          b.setSentAt(e.sent_at);
          b.setReceivedAt(e.received_at);
        }
        break;
      }
      default:
        return fail("unknown control request");
    }
  } catch (const MalformedMessage& e) {
    return fail(std::string("malformed control request: ") + e.what());
  } catch (const kj::Exception& e) {
    return fail("malformed control request: " + std::string(e.getDescription().cStr()));
  }
  ReplyControl(identity, reply);
}

void Node::FillStatus(schema::NodeStatus::Builder st) {
  st.setNodeId(config_.node_id);
  st.setName(config_.name);
  st.setLevel(LevelName(config_.level));
  st.setParent(config_.parent);
  auto links = st.initLinks(links_.size());
  for (size_t i = 0; i < links_.size(); ++i) {
    links[i].setEndpoint(links_[i]->endpoint());
    links[i].setUp(links_[i]->up());
    links[i].setLastChangeMs(links_[i]->last_change_ms());
  }
  std::vector<PendingRange> pending;
  {
    auto txn = env_.BeginRead();
    pending = outbox_.Pending(txn);
  }
  uint64_t depth = 0;
  int64_t oldest = 0;
  size_t with_pending = 0;
  for (auto& p : pending) {
    depth += p.count();
    if (p.count()) ++with_pending;
    if (p.oldest_sent_at && (!oldest || p.oldest_sent_at < oldest)) oldest = p.oldest_sent_at;
  }
  st.setOutboxDepth(depth);
  st.setOldestPendingMs(oldest);
  auto dests = st.initDestinations(with_pending);
  size_t i = 0;
  for (auto& p : pending) {
    if (!p.count()) continue;
    auto d = dests[i++];
    d.setDestination(p.destination);
    d.setPending(p.count());
    d.setOldestPendingMs(p.oldest_sent_at);
    auto it = pump_.destinations().find(p.destination);
    if (it != pump_.destinations().end()) d.setLastError(it->second.last_error);
  }
  st.setLastError(last_error_);
  st.setLastErrorMs(last_error_at_);
  st.setDelivered(counters_.delivered);
  st.setDuplicates(counters_.duplicates);
  st.setRefused(counters_.refused);
  st.setAcked(counters_.acked);
  st.setNowMs(clock_.NowMs());
  st.setStartedMs(started_at_);
}

}  // namespace zhuji::node
