#include "services/node/delivery.h"

#include <algorithm>
#include <tuple>

#include "services/common/ids.h"
#include "services/crypto/keys.h"
#include "services/node/deadletters.h"
#include "services/wire/header.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {

// The destination of one of our envelopes that no resend can cure, named by the NACK: the
// destination node itself (it refused the envelope), or a broker on the way that refused it as
// too large for it. Empty for any other NACK.
std::string RefusedForGood(const wire::Header& h) {
  if (h.seq == 0) return "";
  if (IsDivisionCode(h.source)) {
    bool permanent = h.code == wire::NackCode::MALFORMED || h.code == wire::NackCode::WRONG_NODE ||
                     h.code == wire::NackCode::TOO_LARGE || h.code == wire::NackCode::BAD_SIGNATURE;
    return permanent ? wire::LinkName(h.source, h.lane) : "";
  }
  return h.code == wire::NackCode::TOO_LARGE && IsDivisionCode(h.refused_for)
             ? wire::LinkName(h.refused_for, h.lane)
             : "";
}

// The link a receipt from its destination (ACK, NACK) is about.
std::string LinkOf(const wire::Header& h) { return wire::LinkName(h.source, h.lane); }

// A receipt's header to the origin of `link`.
void Address(wire::Header& h, std::string_view link) {
  h.destination = wire::LinkNode(link);
  h.lane = wire::LinkLane(link);
}

}  // namespace

DeliveryLoop::DeliveryLoop(const config::NodeConfig& config, zmq::context_t& ctx, Writer& writer,
                           Outbox& outbox, Pump& pump, Inbox& inbox, Health& health,
                           const Clock& clock, spdlog::logger& log)
    : config_(config),
      ctx_(ctx),
      writer_(writer),
      outbox_(outbox),
      pump_(pump),
      inbox_(inbox),
      health_(health),
      clock_(clock),
      log_(log) {
  writer_.AddSeal([this](store::Txn& txn) { TrimIn(txn); });
}

void DeliveryLoop::TrimIn(store::Txn& txn) {
  if (untrimmed_.empty()) return;
  for (auto& [dest, upto] : untrimmed_) outbox_.Acknowledge(txn, dest, upto);
  // Acknowledgements are taken only between commits (Advance), so all of these are trimmed once
  // this one commits; if it does not, they stay owed.
  writer_.AfterCommit([this] {
    untrimmed_.clear();
    trim_due_mono_ = INT64_MAX;
  });
}

void DeliveryLoop::Trim() {
  if (untrimmed_.empty() || !writer_.writable()) return;
  (void)writer_.Commit([](store::Txn&) { return Status::Ok(); });  // the seal trims
}

void DeliveryLoop::Start(uint64_t incarnation) {
  uint64_t nonce = DecodeBe64(IdView(NewEnvelopeId()).substr(0, 8)) | 1;  // this process
  std::optional<crypto::KeyPair> keys;
  if (config_.security.curve) {
    auto read = crypto::ReadKeys(config_.security.keys_dir);
    if (!read.ok()) throw std::runtime_error("[security] curve is on: " + read.message());
    if (read.value().pub.id != config_.node_id) {
      throw std::runtime_error("[security] the keys in " + config_.security.keys_dir + " are " +
                               read.value().pub.id + "'s, not " + config_.node_id + "'s");
    }
    keys = read.value();
  }
  int64_t mono = clock_.MonoMs();
  for (size_t i = 0; i < config_.brokers.size(); ++i) {
    std::optional<CurveClient> curve;
    if (keys)
      curve = CurveClient{config_.security.broker_keys[i], keys->pub.curve, keys->curve_secret};
    links_.push_back(std::make_unique<BrokerLink>(ctx_, config_.brokers[i], config_.node_id,
                                                  incarnation, nonce, config_.transport, clock_,
                                                  log_, std::move(curve)));
    links_.back()->Connect(mono);
  }
}

void DeliveryLoop::AddPollItems(std::vector<zmq::pollitem_t>& items) {
  for (auto& l : links_) items.push_back({l->socket().handle(), 0, ZMQ_POLLIN, 0});
}

int64_t DeliveryLoop::NextWakeup() const {
  // With no link up nothing can be sent: the pump waits for a link (a WELCOME wakes the poll),
  // or a node offline with a backlog would spin.
  bool linked = std::any_of(links_.begin(), links_.end(), [](auto& l) { return l->up(); });
  // A trim waits while the store cannot be written (the probe says when it can again).
  int64_t wake = std::min(linked ? pump_.NextWakeup() : INT64_MAX,
                          writer_.writable() ? trim_due_mono_ : INT64_MAX);
  for (auto& l : links_) wake = std::min(wake, l->NextTick());
  return wake;
}

void DeliveryLoop::Receive(const std::vector<zmq::pollitem_t>& items, size_t first) {
  std::vector<Incoming> frames = ReadFrames(items, first);
  if (frames.empty()) return;
  Batch batch;
  Sort(frames, &batch);
  if (batch.empty()) return;
  // The store cannot be written: apply nothing and acknowledge nothing; the senders resend, and
  // acknowledgements of ours come again when we resend after recovery.
  if (!writer_.writable()) return;
  std::vector<Delivery> outcomes = Apply(batch);
  ReportRefusals(batch);
  Acknowledge(batch, outcomes);  // durable now
  Advance(batch);
}

std::vector<DeliveryLoop::Incoming> DeliveryLoop::ReadFrames(
    const std::vector<zmq::pollitem_t>& items, size_t first) {
  std::vector<Incoming> frames;
  size_t budget = config_.transport.max_batch;
  for (size_t i = 0; i < links_.size(); ++i) {
    if (!(items[first + i].revents & ZMQ_POLLIN)) continue;
    while (budget > 0) {
      Incoming in{links_[i].get(), {}};
      size_t parts = 0;
      if (!wire::RecvFrame(links_[i]->socket(), in.frame, true, &parts)) break;
      links_[i]->Heard(clock_.MonoMs());
      if (parts != 1) {
        health_.CountRefused("frame_parts");
        health_.NoteError("refused a message of " + std::to_string(parts) + " frames from broker " +
                          links_[i]->endpoint() + " (protocol 2 sends one)");
        continue;
      }
      frames.push_back(std::move(in));
      --budget;
    }
  }
  return frames;
}

void DeliveryLoop::Sort(std::vector<Incoming>& frames, Batch* batch) {
  for (auto& in : frames) {
    auto parsed = wire::ParseFrame(wire::View(in.frame), config_.transport.max_envelope_bytes);
    if (parsed.header) {
      SortOne(in, *parsed.header, parsed.body, batch);
    } else if (parsed.about && parsed.about->command == wire::Command::DELIVER) {
      AnswerUnreadableDeliver(in.link, *parsed.about, parsed.error);
    } else {
      health_.CountRefused("malformed");
      health_.NoteError("refused a frame from broker " + in.link->endpoint() + ": " +
                        parsed.error.reason);
    }
  }
}

void DeliveryLoop::SortOne(Incoming& in, const wire::Header& h, std::string_view body,
                           Batch* batch) {
  switch (h.command) {
    case wire::Command::WELCOME:
      if (in.link->Welcomed(clock_.MonoMs())) pump_.RewindAll(clock_.MonoMs());
      return;
    case wire::Command::HEARTBEAT:
      return;
    case wire::Command::DELIVER:
      if (h.destination != config_.node_id) {
        RefuseFrame(in.link, LinkOf(h), wire::NackCode::WRONG_NODE,
                    "routed to " + config_.node_id + " but addressed to '" + h.destination + "'",
                    h.message_id, h.seq);
      } else {
        batch->delivers.push_back({in.link, LinkOf(h), h.seq, body});
      }
      return;
    case wire::Command::ACK:
      if (!ReceiptVerifies(h)) return;
      batch->acks[LinkOf(h)] = std::max(batch->acks[LinkOf(h)], h.seq);
      return;
    case wire::Command::NACK:
      if (IsDivisionCode(h.source) && !ReceiptVerifies(h)) return;
      return SortNack(in, h, batch);
    case wire::Command::UNREACHABLE:
      for (uint8_t lane : {uint8_t{0}, wire::kUrgentLane}) {  // the node: both its lanes
        std::string link = wire::LinkName(h.destination, lane);
        if (lane && !pump_.destinations().count(link)) continue;
        pump_.OnUnreachable(link, clock_.MonoMs(),
                            "node " + h.destination + " is unreachable: " + h.reason);
      }
      return;
    case wire::Command::HELLO:
    case wire::Command::STATS:
      break;
  }
  health_.CountRefused("unexpected_command");
  health_.NoteError(std::string("unexpected ") + wire::CommandName(h.command) + " from broker " +
                    in.link->endpoint());
}

void DeliveryLoop::SortNack(Incoming& in, const wire::Header& h, Batch* batch) {
  int64_t mono = clock_.MonoMs();
  if (h.code == wire::NackCode::NOT_REGISTERED) {
    in.link->Reregister(mono);
  } else if (h.code == wire::NackCode::ID_IN_USE) {
    in.link->RefusedId(mono, h.reason);
    health_.NoteError("broker " + in.link->endpoint() + " refused this node: " + h.reason);
  } else if (h.code == wire::NackCode::GAP) {
    if (h.seq > 0) batch->acks[LinkOf(h)] = std::max(batch->acks[LinkOf(h)], h.seq - 1);
    batch->gaps[LinkOf(h)] = h.seq;
  } else if (auto dest = RefusedForGood(h); pump_.destinations().count(dest)) {
    batch->refusals.push_back({dest, h, std::nullopt});
  } else {
    pump_.OnRefused(LinkOf(h), mono, h.reason);
    health_.NoteError("'" + h.source + "' refused envelope " + ToHex(h.message_id) + ": " +
                      h.reason);
  }
}

// Group commit: every delivery and acknowledgement of the batch in one transaction.
std::vector<Delivery> DeliveryLoop::Apply(Batch& batch) {
  std::vector<Delivery> outcomes;
  int64_t now = clock_.NowMs();
  (void)writer_.Commit([&](store::Txn& txn) {
    outcomes.clear();
    Inbox::Batch inbound(inbox_, txn, now);
    for (auto& d : batch.delivers) outcomes.push_back(inbound.Apply(d.source, d.body));
    inbound.Finish();
    for (auto& r : batch.refusals) {
      // Acknowledged already (through another broker, say) and only not yet trimmed: it was
      // delivered, and a refusal of another copy of it must not make it a dead letter.
      auto pumped = pump_.destinations().find(r.destination);
      if (pumped != pump_.destinations().end() && r.nack.seq <= pumped->second.acked) continue;
      if (r.nack.code == wire::NackCode::BAD_SIGNATURE && own_signature_ok_) {
        auto bytes = outbox_.Get(txn, r.destination, r.nack.seq);
        r.verifies_here = bytes && own_signature_ok_(*bytes);
        if (r.verifies_here) continue;
      }
      r.dead_letter = DeadLetters::Bury(txn, outbox_, r.destination, r.nack.seq, r.nack.message_id,
                                        static_cast<uint16_t>(r.nack.code), r.nack.reason, now);
    }
    return Status::Ok();
  });
  return outcomes;
}

void DeliveryLoop::ReportRefusals(const Batch& batch) {
  for (auto& r : batch.refusals) {
    if (r.verifies_here) {
      pump_.OnRefused(r.destination, clock_.MonoMs(), r.nack.reason);
      health_.NoteError("篡改? " + r.nack.source + " refused envelope #" +
                        std::to_string(r.nack.seq) + " for its signature (" + r.nack.reason +
                        "), but it verifies here: changed on the way, or " + r.destination +
                        "'s directory of keys is behind; it is sent again later");
      continue;
    }
    if (!r.dead_letter) continue;             // an older copy, or handled already
    pump_.Resend(r.destination, r.nack.seq);  // the skip now holds that sequence
    health_.NoteError(r.nack.source + " refused envelope #" + std::to_string(r.nack.seq) + " to " +
                      r.destination + " for good: " + r.nack.reason +
                      "; moved to 死信 dead letter #" + std::to_string(*r.dead_letter) +
                      " (zhuji deadletter show " + std::to_string(*r.dead_letter) +
                      "), the link goes on");
  }
}

// Acknowledges, once per origin, cumulatively; asks again from a gap.
void DeliveryLoop::Acknowledge(const Batch& batch, const std::vector<Delivery>& outcomes) {
  // origin's link -> (broker link, expected)
  std::map<std::string, std::pair<BrokerLink*, uint64_t>> ack_to;
  std::map<std::string, std::pair<BrokerLink*, uint64_t>> gap_to;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Delivery& o = outcomes[i];
    BrokerLink* link = batch.delivers[i].link;
    switch (o.outcome) {
      case Delivery::Outcome::kApplied:
        ++health_.counters.delivered;
        ack_to[o.link] = {link, o.expected};
        break;
      case Delivery::Outcome::kDuplicate:
        ++health_.counters.duplicates;
        ack_to[o.link] = {link, std::max(o.expected, ack_to[o.link].second)};
        break;
      case Delivery::Outcome::kGap:
        gap_to.try_emplace(o.link, link, o.expected);
        break;
      case Delivery::Outcome::kRefused:
        if (o.code == wire::NackCode::BAD_SIGNATURE || o.code == wire::NackCode::UNVERIFIED) {
          ++health_.counters.signatures_refused;
        }
        RefuseFrame(link, batch.delivers[i].source, o.code, o.reason, o.id, batch.delivers[i].seq);
        break;
    }
  }
  for (auto& [origin, le] : ack_to) SendAck(le.first, origin, le.second - 1);
  for (auto& [origin, le] : gap_to) {
    if (!ack_to.count(origin)) SendGap(le.first, origin, le.second);  // else the ACK says it
  }
}

// The pump learns what was acknowledged; operators waiting on it hear of it.
void DeliveryLoop::Advance(Batch& batch) {
  int64_t mono = clock_.MonoMs();
  for (auto& [dest, seq] : batch.acks) {
    auto it = pump_.destinations().find(dest);
    uint64_t before = it != pump_.destinations().end() ? it->second.acked : 0;
    uint64_t after = batch.gaps.count(dest) ? pump_.OnGap(dest, batch.gaps[dest], mono) : 0;
    if (!after) after = pump_.OnAck(dest, seq, mono);
    if (after > before) {
      untrimmed_[dest] = after;  // trimmed with the next commit (TrimIn)
      trim_due_mono_ = std::min(trim_due_mono_, mono + kTrimDelayMs);
      health_.counters.acked += after - before;
      if (on_acked_) on_acked_(dest, after);
      // The node answers: its other lane need not wait for its own probe.
      uint8_t other = wire::LinkLane(dest) == wire::kUrgentLane ? 0 : wire::kUrgentLane;
      pump_.Resume(wire::LinkName(wire::LinkNode(dest), other), mono);
    }
  }
}

void DeliveryLoop::SendAck(BrokerLink* link, const std::string& origin, uint64_t upto) {
  wire::Header h;
  h.command = wire::Command::ACK;
  h.source = config_.node_id;
  Address(h, origin);
  h.seq = upto;
  SendReceipt(link, h);
}

std::string DeliveryLoop::ReceiptBytes(const wire::Header& h) {
  // The lane is named only when it is not the ordinary one: receipts signed before lanes existed
  // still verify, and a receipt for one lane is not one for the other.
  return "zhuji-receipt-v1\n" + std::to_string(static_cast<int>(h.command)) + "\n" + h.source +
         "\n" + h.destination + "\n" + std::to_string(h.seq) + "\n" +
         std::to_string(static_cast<int>(h.code)) + "\n" + ToHex(h.message_id) +
         (h.lane ? "\nlane " + std::to_string(h.lane) : std::string());
}

void DeliveryLoop::SendReceipt(BrokerLink* link, wire::Header& h) {
  if (sign_receipt_) std::tie(h.signer_key_id, h.signature) = sign_receipt_(ReceiptBytes(h));
  link->Send(h);
}

bool DeliveryLoop::ReceiptVerifies(const wire::Header& h) {
  if (!verify_receipt_) return true;
  crypto::Verification v = verify_receipt_(h.source, h, ReceiptBytes(h));
  if (v.ok()) return true;
  ++health_.counters.signatures_refused;
  health_.NoteError(std::string("ignored a ") + wire::CommandName(h.command) + " \"from\" " +
                    h.source + ": " + v.reason);
  return false;
}

void DeliveryLoop::SendGap(BrokerLink* link, const std::string& origin, uint64_t expected) {
  wire::Header h;
  h.command = wire::Command::NACK;
  h.code = wire::NackCode::GAP;
  h.source = config_.node_id;
  Address(h, origin);
  h.seq = expected;
  h.reason = "out of order: expected #" + std::to_string(expected);
  SendReceipt(link, h);
}

void DeliveryLoop::AnswerUnreadableDeliver(BrokerLink* link, const wire::Header& h,
                                           const wire::HeaderError& error) {
  // A copy of an envelope applied before (its ACK lost) is acknowledged, never refused: this
  // node's limits may have changed since, and a refusal would dead-letter a delivered envelope.
  uint64_t expected = 0;
  if (IsDivisionCode(h.source)) {
    try {
      auto txn = writer_.BeginRead();
      expected = Inbox::Expected(txn, LinkOf(h));
    } catch (const store::StoreError&) {
      expected = 0;  // cannot tell: refuse, the sender keeps it
    }
  }
  if (h.seq > 0 && h.seq < expected) {
    ++health_.counters.duplicates;
    SendAck(link, LinkOf(h), expected - 1);
    return;
  }
  RefuseFrame(link, LinkOf(h), error.code, error.reason, h.message_id, h.seq);
}

void DeliveryLoop::RefuseFrame(BrokerLink* link, const std::string& to, wire::NackCode code,
                               const std::string& reason, const std::string& message_id,
                               uint64_t seq) {
  health_.CountRefused(wire::NackCodeName(code));
  health_.NoteError("refused a frame from '" + to + "': " + reason);
  if (to.empty() || !IsDivisionCode(wire::LinkNode(to))) return;  // nobody to answer
  wire::Header h;
  h.command = wire::Command::NACK;
  h.source = config_.node_id;
  Address(h, to);
  h.code = code;
  h.reason = reason;
  h.message_id = message_id;
  h.seq = seq;
  SendReceipt(link, h);
}

BrokerLink* DeliveryLoop::ActiveLink() {
  // The link in use while it is up: a broker that comes back (the province's other twin) does
  // not take the traffic back at once; it may not know every route yet.
  if (active_link_ < links_.size() && links_[active_link_]->up()) return links_[active_link_].get();
  for (size_t i = 0; i < links_.size(); ++i) {
    if (links_[i]->up()) {
      active_link_ = i;
      return links_[i].get();
    }
  }
  return nullptr;
}

void DeliveryLoop::SendDue() {
  BrokerLink* link = ActiveLink();
  if (!link) return;
  int64_t mono = clock_.MonoMs();
  auto due = pump_.Due(mono);
  if (due.empty()) return;
  auto txn = writer_.BeginRead();
  for (auto& r : due) {
    uint64_t sent_upto = 0;
    bool blocked = false;
    outbox_.ForEach(txn, r.destination, r.from_seq, r.to_seq - r.from_seq + 1,
                    [&](uint64_t seq, std::string_view bytes) {
                      if (blocked) return;
                      wire::Header h;
                      h.command = wire::Command::DELIVER;
                      h.source = config_.node_id;
                      Address(h, r.destination);
                      h.seq = seq;
                      if (!link->Send(h, bytes)) {
                        blocked = true;
                        return;
                      }
                      sent_upto = seq;
                      ++health_.counters.sent;
                    });
    if (sent_upto) pump_.MarkSent(r.destination, sent_upto, mono);
    if (blocked) break;
  }
}

void DeliveryLoop::Tick() {
  int64_t mono = clock_.MonoMs();
  for (auto& l : links_) l->Tick(mono);
  if (mono >= trim_due_mono_) Trim();
}

}  // namespace zhuji::node
