#include "services/node/notices.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/store/audit.h"

namespace zhuji::node {

namespace {
// One `send` queues at most 100,000 notices and 32 MiB, each within max_envelope_bytes (issue #8).
constexpr uint32_t kMaxSendCount = 100'000;
constexpr uint64_t kMaxSendTotalBytes = 32ull << 20;  // one transaction, well under a second
constexpr size_t kEnvelopeOverhead = 512;             // envelope fields around a notice's text
constexpr size_t kIdsShown = 100;                     // envelope ids in a send's reply

void FillSent(schema::SentReply::Builder sent, const std::vector<std::string>& ids,
              uint64_t first_seq, uint64_t last_seq) {
  auto list = sent.initIds(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) list.set(i, AsData(ids[i]));
  sent.setFirstSeq(first_seq);
  sent.setLastSeq(last_seq);
}

}  // namespace

NoticeService::NoticeService(const config::NodeConfig& config, Writer& writer, Mail& mail,
                             Inbox& inbox, ControlService& control, const Clock& clock)
    : config_(config),
      writer_(writer),
      mail_(mail),
      inbox_(inbox),
      control_(control),
      clock_(clock) {}

KindEntry NoticeService::NoticeKind() {
  KindEntry k;
  k.name = "notice";
  k.check = [](const std::string&, std::string_view body) {
    return CheckText<schema::Notice>(body);
  };
  k.describe = [](std::string_view body) -> std::string {
    return ReadMessage(body)->Root<schema::Notice>().getText();
  };
  return k;
}

KindEntry NoticeService::SkipKind() {
  KindEntry k;
  k.name = "skip";
  k.check = [](const std::string&, std::string_view body) {
    if (Status st = CheckText<schema::Skip>(body); !st.ok()) return st;
    if (ReadMessage(body)->Root<schema::Skip>().getOriginalId().size() != 16) {
      return Status::Error("skip without the refused envelope's id");
    }
    return Status::Ok();
  };
  k.describe = [](std::string_view body) {
    auto msg = ReadMessage(body);
    auto r = msg->Root<schema::Skip>();
    return "跳过 skipped: the sender's envelope " + ToHex(AsView(r.getOriginalId())) +
           " was refused here (" + r.getReason().cStr() + "); 死信 dead letter #" +
           std::to_string(r.getDeadLetter()) + " at the sender";
  };
  return k;
}

void NoticeService::Register(KindRegistry& kinds, ControlService& control) {
  kinds.Register(schema::Kind::NOTICE, NoticeKind());
  kinds.Register(schema::Kind::SKIP, SkipKind());
  control.Register(schema::ControlRequest::SEND, [this](ControlCall& c) { HandleSend(c); });
  control.Register(schema::ControlRequest::INBOX, [this](ControlCall& c) { HandleInbox(c); });
}

Status NoticeService::CheckSend(schema::SendRequest::Reader s) const {
  std::string to = s.getTo();
  uint32_t count = s.getCount();
  if (!IsDivisionCode(to)) {
    return Status::Error("destination '" + to + "' is not a six-digit node id");
  }
  if (to == config_.node_id) return Status::Error("a node cannot send to itself");
  if (count == 0 || count > kMaxSendCount) {
    return Status::Error("count must be between 1 and " + std::to_string(kMaxSendCount) +
                         " in one request");
  }
  uint64_t max_text = config_.transport.max_envelope_bytes - kEnvelopeOverhead;
  uint64_t each = std::max<uint64_t>(s.getText().size() + 8, s.getPadTo());
  if (each > max_text) {
    return Status::Error("a notice of " + std::to_string(each) +
                         " bytes would exceed this node's envelope limit (max_envelope_bytes " +
                         std::to_string(config_.transport.max_envelope_bytes) + ")");
  }
  if (each * count > kMaxSendTotalBytes) {
    return Status::Error(std::to_string(count) + " notices of " + std::to_string(each) +
                         " bytes exceed the " + std::to_string(kMaxSendTotalBytes >> 20) +
                         " MiB one request may queue: send fewer at a time");
  }
  return Status::Ok();
}

void NoticeService::HandleSend(ControlCall& call) {
  auto s = call.request.getSend();
  if (Status st = CheckSend(s); !st.ok()) return call.reply.setError(st.message());
  std::string to = s.getTo(), text = s.getText();
  uint32_t count = s.getCount();
  std::vector<QueuedEnvelope> queued;
  std::vector<std::string> ids;
  int64_t now = clock_.NowMs();
  auto step = [&](store::Txn& txn) {
    queued.clear();
    for (uint32_t i = 1; i <= count; ++i) {
      std::string t = count > 1 ? text + " #" + std::to_string(i) : text;
      if (t.size() < s.getPadTo()) t.resize(s.getPadTo(), '.');
      capnp::MallocMessageBuilder body(static_cast<unsigned>(t.size() / 8 + 8));
      body.initRoot<schema::Notice>().setText(t);
      // Straight into the outbox: the pump hears of the last one only (below).
      queued.push_back(
          mail_.outbox().Enqueue(txn, {to, schema::Kind::NOTICE, ToBytes(body), {}}, now));
    }
    store::Audit::Append(txn, now, "queued",
                         std::to_string(count) + " notice(s) to " + to + " #" +
                             std::to_string(queued.front().seq) + "-" +
                             std::to_string(queued.back().seq));
    ids.clear();
    for (size_t i = 0; i < queued.size() && i < kIdsShown; ++i)
      ids.emplace_back(IdView(queued[i].id));
    FillSent(call.reply.initSent(), ids, queued.front().seq, queued.back().seq);
    return Status::Ok();
  };
  // A retry of a --wait send learns what was queued (not yet acknowledged).
  (void)control_.Write(step, [&](store::Txn&) { return ToBytes(call.message); });
  mail_.pump().Enqueued(to, queued.back().seq);
  if (s.getWaitAck()) {
    waiters_.push_back({call.identity, to, queued.back().seq, ids, queued.front().seq});
    call.answer_later = true;  // by OnAcked
  }
}

void NoticeService::OnAcked(const std::string& destination, uint64_t acked) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->destination != destination || it->seq > acked) {
      ++it;
      continue;
    }
    capnp::MallocMessageBuilder reply;
    auto sent = reply.initRoot<schema::ControlReply>().initSent();
    FillSent(sent, it->ids, it->first_seq, it->seq);
    sent.setAcked(true);
    control_.Reply(it->identity, reply);
    it = waiters_.erase(it);
  }
}

void NoticeService::HandleInbox(ControlCall& call) {
  auto q = call.request.getInbox();
  std::vector<InboxEntry> entries;
  {
    auto txn = writer_.BeginRead();
    entries = inbox_.List(txn, q.getLimit(), q.getAfterSeq());
  }
  auto list = call.reply.initInbox(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const InboxEntry& e = entries[i];
    auto b = list[i];
    b.setSeq(e.local_seq);
    b.setId(AsData(e.id));
    b.setOrigin(e.origin);
    b.setText(e.text);
    b.setSentAt(e.sent_at);
    b.setReceivedAt(e.received_at);
  }
}

}  // namespace zhuji::node
