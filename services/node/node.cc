#include "services/node/node.h"

#include <capnp/message.h>
#include <kj/exception.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/audit.h"
#include "services/node/deadletters.h"
#include "services/node/identity.h"
#include "services/node/supervision.h"
#include "services/wire/header.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {
constexpr int64_t kSweepEveryMs = 60'000;  // retention: one bounded pass a minute
constexpr size_t kSweepMax = 2'000;        // entries per table per pass
constexpr int64_t kStoreProbeMs = 1'000;   // a store that cannot be written is tried this often
constexpr uint64_t kStoreHeadroomBytes = 1 << 20;  // … once its disk has this much free (or 2%)
constexpr int64_t kMaxPollMs = 100;                // the stop flag is checked at least this often
}  // namespace

Node::Node(const NodeConfig& config, workflows::OrganDirectory directory, zmq::context_t& ctx,
           store::Env& env, const Clock& clock, FakeClock* fake_clock, calendar::Calendar calendar,
           spdlog::logger& log)
    : config_(config),
      directory_(std::move(directory)),
      ctx_(ctx),
      env_(env),
      clock_(clock),
      fake_clock_(fake_clock),
      calendar_(std::move(calendar)),
      log_(log),
      outbox_(config.node_id),
      inbox_(config.node_id, config.parent, config.transport.max_envelope_bytes),
      pump_(PumpPolicy{config.transport.retry_min_ms, config.transport.retry_max_ms,
                       config.transport.window, config.transport.probe_max_ms}),
      deadlines_(calendar_, DeadlinePolicy{config.reminder_working_days}) {}

Node::~Node() = default;

void Node::Start() {
  started_at_ = clock_.NowMs();
  std::string unwritable;
  incarnation_ = ClaimStore(env_, config_.node_id, LevelName(config_.level), &unwritable);
  if (unwritable.empty()) {
    env_.Write([](store::Txn& txn) { Supervision::Recount(txn); });
  } else {
    StoreUnwritable(store::StoreError(unwritable, ENOSPC));
  }
  uint64_t nonce = DecodeBe64(IdView(NewEnvelopeId()).substr(0, 8)) | 1;  // this process
  {
    auto txn = env_.BeginRead();
    // Years published by the province since the files were installed override the files.
    auto cursor = txn.OpenCursor("calendar");
    for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
      auto y = calendar::ParseYearFile(std::string(kv->second), std::string(kv->first));
      (void)calendar_.AddYear(y, true);
    }
    next_deadline_ms_ = DeadlineBook::NextEventMs(txn);
    for (const auto& p : outbox_.Pending(txn)) {
      uint64_t acked = p.first_seq ? p.first_seq - 1 : p.last_seq;
      pump_.Track(p.destination, acked, p.last_seq);
    }
  }
  if (config_.control.rfind("ipc://", 0) == 0) {
    ::unlink(config_.control.substr(6).c_str());  // a stale socket file from a killed run
  }
  control_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::router);
  control_->set(zmq::sockopt::linger, 0);
  control_->set(zmq::sockopt::router_mandatory, 1);
  // A memory guard: requests over 1 MiB are answered with an error (control.cc); past this
  // libzmq drops the client's connection without reading it.
  control_->set(zmq::sockopt::maxmsgsize, int64_t{64} << 20);
  control_->bind(config_.control);
  int64_t mono = MonotonicMs();
  for (const auto& endpoint : config_.brokers) {
    links_.push_back(std::make_unique<BrokerLink>(ctx_, endpoint, config_.node_id, incarnation_,
                                                  nonce, config_.transport, log_));
    links_.back()->Connect(mono);
  }
  uint64_t pending = 0;
  for (auto& [d, s] : pump_.destinations()) pending += s.pending();
  if (config_.auto_review) {
    log_.warn(
        "[escalation] auto_review is on: TEST POLICY, every matter held here is forwarded or "
        "decided at once without a person");
  }
  log_.info(
      "node {} ({}, {}) serving, incarnation {}; control {}; {} envelope(s) pending in the "
      "outbox",
      config_.node_id, config_.name, LevelName(config_.level), incarnation_, config_.control,
      pending);
}

void Node::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    int64_t mono = MonotonicMs();
    int64_t wake = pump_.NextWakeup();
    for (auto& l : links_) wake = std::min(wake, l->NextTick());
    int64_t poll_ms = std::clamp<int64_t>(wake - mono, 0, kMaxPollMs);
    try {
      Turn(poll_ms);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() == ETERM) break;
      throw;
    } catch (const store::StoreError& e) {
      if (!e.unwritable()) throw;  // corruption and the like stop the node loudly
      StoreUnwritable(e);          // nothing of the failed step was kept or acknowledged
    }
  }
  log_.info("node {} stopping: {} delivered, {} acknowledged this run", config_.node_id,
            counters_.delivered, counters_.acked);
}

void Node::Turn(int64_t poll_ms) {
  std::vector<zmq::pollitem_t> items;
  for (auto& l : links_) items.push_back({l->socket().handle(), 0, ZMQ_POLLIN, 0});
  items.push_back({control_->handle(), 0, ZMQ_POLLIN, 0});
  zmq::poll(items.data(), items.size(), std::chrono::milliseconds(poll_ms));

  std::vector<Incoming> batch;
  size_t budget = config_.transport.max_batch;
  for (size_t i = 0; i < links_.size(); ++i) {
    if (!(items[i].revents & ZMQ_POLLIN)) continue;
    while (budget > 0) {
      Incoming in{links_[i].get(), {}};
      size_t parts = 0;
      if (!wire::RecvFrame(links_[i]->socket(), in.frame, true, &parts)) break;
      links_[i]->Heard(MonotonicMs());
      if (parts != 1) {
        ++counters_.refused;
        NoteError("refused a message of " + std::to_string(parts) + " frames from broker " +
                  links_[i]->endpoint() + " (protocol 2 sends one)");
        continue;
      }
      batch.push_back(std::move(in));
      --budget;
    }
  }
  if (!batch.empty()) ProcessBrokerBatch(batch);
  if (items.back().revents & ZMQ_POLLIN) ServeControl();
  int64_t now = clock_.NowMs();
  PumpOut();
  LinkTicks();
  int64_t mono = MonotonicMs();
  if (!store_error_.empty()) {
    if (mono >= next_store_probe_mono_) ProbeStore(mono);
    return;  // no deadline or retention writes until the store takes writes again
  }
  if (next_deadline_ms_ && *next_deadline_ms_ <= now) FireDeadlines(now);
  if (mono >= next_sweep_mono_) {
    next_sweep_mono_ = mono + kSweepEveryMs;
    Sweep(now);
  }
}

void Node::StoreUnwritable(const store::StoreError& error) {
  std::string why = error.what();
  if (error.rc() == MDB_PANIC) {  // LMDB gave up on the environment: reading needs it open again
    try {
      env_.Reopen();
    } catch (const store::StoreError& e) {
      why += "; reopening failed: " + std::string(e.what());
    }
  }
  if (store_error_.empty()) {
    store_error_since_ = clock_.NowMs();
    log_.error(
        "存储无法写入 the store cannot be written: {}; nothing more is acknowledged until it can "
        "(retrying every {} ms)",
        why, kStoreProbeMs);
  }
  store_error_ = why;
  NoteError("the store cannot be written: " + why);
  next_store_probe_mono_ = MonotonicMs() + kStoreProbeMs;
}

void Node::ProbeStore(int64_t mono) {
  next_store_probe_mono_ = mono + kStoreProbeMs;
  // Some headroom first, or a full disk that has room for the probe alone would flap.
  struct statvfs fs {};
  if (::statvfs(env_.dir().c_str(), &fs) == 0) {
    uint64_t total = uint64_t{fs.f_blocks} * fs.f_frsize;
    uint64_t free = uint64_t{fs.f_bavail} * fs.f_frsize;
    if (free < std::max<uint64_t>(kStoreHeadroomBytes, total / 50)) return;
  }
  // The probe: 1 MiB written and committed, then deleted: room for a batch, not just for itself
  // (a store at its size limit would otherwise flap between full and not).
  std::string room(kStoreHeadroomBytes, '\0');
  auto probe = [&] {
    env_.Write([&](store::Txn& txn) { txn.Put("meta", "store_probe", room); });
    env_.Write([&](store::Txn& txn) { txn.Del("meta", "store_probe"); });
  };
  try {
    try {
      probe();
    } catch (const store::StoreError& e) {
      if (e.rc() != MDB_PANIC) throw;
      env_.Reopen();  // LMDB gave up on the environment after the failed write: open it again
      probe();
    }
  } catch (const store::StoreError& e) {
    if (!e.unwritable()) throw;
    store_error_ = e.what();
    try {  // leave nothing of the probe behind
      env_.Write([&](store::Txn& txn) { txn.Del("meta", "store_probe"); });
    } catch (const store::StoreError&) {
    }
    return;
  }
  log_.info("存储恢复 the store takes writes again after {} s; resuming",
            (clock_.NowMs() - store_error_since_) / 1000);
  store_error_.clear();
  pump_.RewindAll(mono);  // what the peers sent meanwhile comes again
  {
    auto txn = env_.BeginRead();
    next_deadline_ms_ = DeadlineBook::NextEventMs(txn);
  }
}

void Node::Sweep(int64_t now) {
  RetentionReport report;
  Commit(
      [&](store::Txn& txn) { report = Retention::Sweep(txn, config_.retention, now, kSweepMax); });
  if (report.total()) {
    log_.info(
        "retention: deleted {} seen id(s), {} inbox entr(ies), {} closed deadline(s), {} closed "
        "督办, {} request id(s)",
        report.seen, report.inbox, report.deadlines, report.supervised, report.requests);
  }
}

void Node::NoteError(std::string message) {
  log_.warn("{}", message);
  last_error_ = std::move(message);
  last_error_at_ = clock_.NowMs();
}

void Node::RefuseFrame(BrokerLink* link, const std::string& to, wire::NackCode code,
                       const std::string& reason, const std::string& message_id, uint64_t seq) {
  ++counters_.refused;
  NoteError("refused a frame from '" + to + "': " + reason);
  if (to.empty() || !IsDivisionCode(to)) return;  // nobody to answer
  wire::Header h;
  h.command = wire::Command::NACK;
  h.source = config_.node_id;
  h.destination = to;
  h.code = code;
  h.reason = reason;
  h.message_id = message_id;
  h.seq = seq;
  link->Send(h);
}

namespace {
// The destination of one of our envelopes that no resend can cure, named by the NACK: the
// destination node itself (it refused the envelope), or a broker on the way that refused it as
// too large for it. Empty for any other NACK.
std::string RefusedForGood(const wire::Header& h) {
  if (h.seq == 0) return "";
  if (IsDivisionCode(h.source)) {
    bool permanent = h.code == wire::NackCode::MALFORMED || h.code == wire::NackCode::WRONG_NODE ||
                     h.code == wire::NackCode::TOO_LARGE;
    return permanent ? h.source : "";
  }
  return h.code == wire::NackCode::TOO_LARGE && IsDivisionCode(h.refused_for) ? h.refused_for : "";
}
}  // namespace

void Node::SendAck(BrokerLink* link, const std::string& origin, uint64_t upto) {
  wire::Header h;
  h.command = wire::Command::ACK;
  h.source = config_.node_id;
  h.destination = origin;
  h.seq = upto;
  link->Send(h);
}

void Node::AnswerUnreadableDeliver(BrokerLink* link, const wire::Header& h,
                                   const wire::HeaderError& error) {
  // A copy of an envelope applied before (its ACK lost) is acknowledged, never refused: this
  // node's limits may have changed since, and a refusal would dead-letter a delivered envelope.
  uint64_t expected = 0;
  if (IsDivisionCode(h.source)) {
    try {
      auto txn = env_.BeginRead();
      expected = Inbox::Expected(txn, h.source);
    } catch (const store::StoreError&) {
      expected = 0;  // cannot tell: refuse, the sender keeps it
    }
  }
  if (h.seq > 0 && h.seq < expected) {
    ++counters_.duplicates;
    SendAck(link, h.source, expected - 1);
    return;
  }
  RefuseFrame(link, h.source, error.code, error.reason, h.message_id, h.seq);
}

void Node::ProcessBrokerBatch(std::vector<Incoming>& batch) {
  struct Deliver {
    BrokerLink* link;
    std::string source;
    uint64_t seq;
    std::string_view body;
  };
  struct Refusal {  // a destination (or a broker) refused one of our envelopes for good
    std::string destination;
    wire::Header nack;
    std::optional<uint64_t> dead_letter;
  };
  std::vector<Deliver> delivers;
  std::vector<Refusal> refusals;
  std::map<std::string, uint64_t> acks;  // destination -> highest acknowledged seq
  std::map<std::string, uint64_t> gaps;  // destination -> seq it expects
  int64_t mono = MonotonicMs();

  for (auto& in : batch) {
    auto parsed = wire::ParseFrame(wire::View(in.frame), config_.transport.max_envelope_bytes);
    if (!parsed.header) {
      if (parsed.about && parsed.about->command == wire::Command::DELIVER) {
        AnswerUnreadableDeliver(in.link, *parsed.about, parsed.error);
      } else {
        ++counters_.refused;
        NoteError("refused a frame from broker " + in.link->endpoint() + ": " +
                  parsed.error.reason);
      }
      continue;
    }
    auto& h = *parsed.header;
    switch (h.command) {
      case wire::Command::WELCOME:
        if (in.link->Welcomed(mono)) pump_.RewindAll(mono);
        break;
      case wire::Command::HEARTBEAT:
        break;
      case wire::Command::DELIVER:
        if (h.destination != config_.node_id) {
          RefuseFrame(in.link, h.source, wire::NackCode::WRONG_NODE,
                      "routed to " + config_.node_id + " but addressed to '" + h.destination + "'",
                      h.message_id, h.seq);
        } else {
          delivers.push_back({in.link, h.source, h.seq, parsed.body});
        }
        break;
      case wire::Command::ACK:
        acks[h.source] = std::max(acks[h.source], h.seq);
        break;
      case wire::Command::NACK:
        if (h.code == wire::NackCode::NOT_REGISTERED) {
          in.link->Reregister(mono);
        } else if (h.code == wire::NackCode::ID_IN_USE) {
          in.link->RefusedId(mono, h.reason);
          NoteError("broker " + in.link->endpoint() + " refused this node: " + h.reason);
        } else if (h.code == wire::NackCode::GAP) {
          if (h.seq > 0) acks[h.source] = std::max(acks[h.source], h.seq - 1);
          gaps[h.source] = h.seq;
        } else if (auto dest = RefusedForGood(h); pump_.destinations().count(dest)) {
          refusals.push_back({dest, h, std::nullopt});
        } else {
          pump_.OnRefused(h.source, mono, h.reason);
          NoteError("'" + h.source + "' refused envelope " + ToHex(h.message_id) + ": " + h.reason);
        }
        break;
      case wire::Command::UNREACHABLE:
        pump_.OnUnreachable(h.destination, mono,
                            "node " + h.destination + " is unreachable: " + h.reason);
        break;
      case wire::Command::HELLO:
      case wire::Command::STATS:
        ++counters_.refused;
        NoteError(std::string("unexpected ") + wire::CommandName(h.command) + " from broker " +
                  in.link->endpoint());
        break;
    }
  }
  if (delivers.empty() && acks.empty() && refusals.empty()) return;
  // The store cannot be written: apply nothing and acknowledge nothing; the senders resend, and
  // acknowledgements of ours come again when we resend after recovery.
  if (!store_error_.empty()) return;

  // Group commit: every delivery and acknowledgement of this batch in one transaction.
  std::vector<Delivery> outcomes;
  Queued queued;  // envelopes the applied steps queued: calendar updates, matters
  bool deadlines_changed = false;
  int64_t now = clock_.NowMs();
  Commit([&](store::Txn& txn) {
    outcomes.clear();
    queued.clear();
    Inbox::Batch inbound(inbox_, txn, now);
    for (auto& d : delivers) {
      outcomes.push_back(inbound.Apply(d.source, d.body));
      const Delivery& o = outcomes.back();
      if (o.outcome == Delivery::Outcome::kApplied && o.kind == schema::Kind::SUPERVISION) {
        Supervision::Record(txn, o.origin, o.body, now);  // 督办 from a node below
      }
      if (o.outcome == Delivery::Outcome::kApplied && o.kind == schema::Kind::CALENDAR_UPDATE) {
        auto u = ReadMessage(o.body);
        auto r = u->Root<schema::CalendarUpdate>();
        auto applied = ApplyCalendarYear(txn, r.getFileName(), r.getToml(), now);
        for (auto& f : applied.forwarded) queued.push_back(f);
        deadlines_changed = true;
      }
      if (o.outcome == Delivery::Outcome::kApplied && o.kind == schema::Kind::MATTER) {
        OnMatterEnvelope(txn, o.origin, o.body, now, &queued);
        deadlines_changed = true;
      }
    }
    inbound.Finish();
    if (deadlines_changed) RefreshNextDeadline(txn);
    for (auto& r : refusals) {
      r.dead_letter = DeadLetters::Bury(txn, outbox_, r.destination, r.nack.seq, r.nack.message_id,
                                        static_cast<uint16_t>(r.nack.code), r.nack.reason, now);
    }
    for (auto& [dest, seq] : acks) {
      auto it = pump_.destinations().find(dest);
      if (it == pump_.destinations().end() || seq <= it->second.acked) continue;
      uint64_t upto = std::min(seq, it->second.last);
      outbox_.Acknowledge(txn, dest, upto);
    }
  });

  for (auto& [dest, seq] : queued) pump_.Enqueued(dest, seq);
  for (auto& r : refusals) {
    if (!r.dead_letter) continue;             // an older copy, or handled already
    pump_.Resend(r.destination, r.nack.seq);  // the skip now holds that sequence
    NoteError(r.nack.source + " refused envelope #" + std::to_string(r.nack.seq) + " to " +
              r.destination + " for good: " + r.nack.reason + "; moved to 死信 dead letter #" +
              std::to_string(*r.dead_letter) + " (zhuji deadletter show " +
              std::to_string(*r.dead_letter) + "), the link goes on");
  }

  // Durable now: acknowledge, once per origin, cumulatively.
  std::map<std::string, std::pair<BrokerLink*, uint64_t>> ack_to;  // origin -> (link, expected)
  std::map<std::string, std::pair<BrokerLink*, uint64_t>> gap_to;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    auto& o = outcomes[i];
    auto* link = delivers[i].link;
    switch (o.outcome) {
      case Delivery::Outcome::kApplied:
        ++counters_.delivered;
        ack_to[o.origin] = {link, o.expected};
        break;
      case Delivery::Outcome::kDuplicate:
        ++counters_.duplicates;
        ack_to[o.origin] = {link, std::max(o.expected, ack_to[o.origin].second)};
        break;
      case Delivery::Outcome::kGap:
        gap_to.try_emplace(o.origin, link, o.expected);
        break;
      case Delivery::Outcome::kRefused:
        RefuseFrame(link, delivers[i].source, o.code, o.reason, o.id, delivers[i].seq);
        break;
    }
  }
  for (auto& [origin, le] : ack_to) SendAck(le.first, origin, le.second - 1);
  for (auto& [origin, le] : gap_to) {
    if (ack_to.count(origin)) continue;  // the ACK already says where we are
    wire::Header h;
    h.command = wire::Command::NACK;
    h.code = wire::NackCode::GAP;
    h.source = config_.node_id;
    h.destination = origin;
    h.seq = le.second;
    h.reason = "out of order: expected #" + std::to_string(le.second);
    le.first->Send(h);
  }

  for (auto& [dest, seq] : acks) {
    uint64_t before = pump_.destinations().count(dest) ? pump_.destinations().at(dest).acked : 0;
    uint64_t after = gaps.count(dest) ? pump_.OnGap(dest, gaps[dest], mono) : 0;
    if (!after) after = pump_.OnAck(dest, seq, mono);
    if (after > before) {
      counters_.acked += after - before;
      AnswerWaiters(dest, after);
    }
  }
}

BrokerLink* Node::ActiveLink() {
  for (auto& l : links_) {
    if (l->up()) return l.get();
  }
  return nullptr;
}

void Node::PumpOut() {
  BrokerLink* link = ActiveLink();
  if (!link) return;
  int64_t mono = MonotonicMs();
  auto due = pump_.Due(mono);
  if (due.empty()) return;
  auto txn = env_.BeginRead();
  for (auto& r : due) {
    uint64_t sent_upto = 0;
    bool blocked = false;
    outbox_.ForEach(txn, r.destination, r.from_seq, r.to_seq - r.from_seq + 1,
                    [&](uint64_t seq, std::string_view bytes) {
                      if (blocked) return;
                      wire::Header h;
                      h.command = wire::Command::DELIVER;
                      h.source = config_.node_id;
                      h.destination = r.destination;
                      h.seq = seq;
                      if (!link->Send(h, bytes)) {
                        blocked = true;
                        return;
                      }
                      sent_upto = seq;
                    });
    if (sent_upto) pump_.MarkSent(r.destination, sent_upto, mono);
    if (blocked) break;
  }
}

void Node::LinkTicks() {
  int64_t mono = MonotonicMs();
  for (auto& l : links_) l->Tick(mono);
}

void Node::AnswerWaiters(const std::string& destination, uint64_t acked) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->destination == destination && it->seq <= acked) {
      capnp::MallocMessageBuilder reply;
      auto r = reply.initRoot<schema::ControlReply>();
      auto s = r.initSent();
      auto ids = s.initIds(it->ids.size());
      for (size_t i = 0; i < it->ids.size(); ++i) {
        ids.set(i, AsData(it->ids[i]));
      }
      s.setFirstSeq(it->first_seq);
      s.setLastSeq(it->seq);
      s.setAcked(true);
      ReplyControl(it->identity, reply);
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void Node::RefreshNextDeadline(store::Txn& txn) {
  next_deadline_ms_ = DeadlineBook::NextEventMs(txn);
}

void Node::QueueSupervision(store::Txn& txn, const DeadlineRecord& d, bool closed, int64_t now,
                            Queued* queued) {
  if (d.supervisor.empty()) return;  // the province: nobody above; listed here only
  OutgoingEnvelope out{d.supervisor, schema::Kind::SUPERVISION,
                       Supervision::Body(d, config_.name, closed, closed ? now : 0), d.item};
  queued->emplace_back(d.supervisor, outbox_.Enqueue(txn, out, now).seq);
}

std::optional<DeadlineRecord> Node::CloseDuty(store::Txn& txn, const std::string& item,
                                              const std::string& step, int64_t now,
                                              Queued* queued) {
  auto was = deadlines_.Close(txn, item, step, now);
  if (was && was->state == schema::Deadline::State::OVERDUE) {
    QueueSupervision(txn, *was, true, now, queued);
  }
  return was;
}

Node::CalendarApplied Node::ApplyCalendarYear(store::Txn& txn, const std::string& file_name,
                                              const std::string& toml, int64_t now) {
  CalendarApplied out;
  calendar::YearSchedule y = calendar::ParseYearFile(toml, file_name);  // checked already
  // The deadlines are recomputed with the new year inside the transaction; if it does not
  // commit, the calendar in memory goes back to what the store still says.
  OnAbort([this, saved = calendar_] { calendar_ = saved; });
  (void)calendar_.AddYear(y, true);
  out.year = y.year;
  txn.Put("calendar", "year/" + std::to_string(y.year), toml);
  out.recomputed = deadlines_.RecomputeProvisional(txn, now);
  capnp::MallocMessageBuilder m;
  auto u = m.initRoot<schema::CalendarUpdate>();
  u.setFileName(file_name);
  u.setToml(toml);
  u.setPublishedBy(config_.level == Level::kProvince ? config_.node_id : "");
  u.setVersion(calendar_.Version());
  std::string body = ToBytes(m);
  for (auto& child : config_.children) {
    auto q = outbox_.Enqueue(txn, {child, schema::Kind::CALENDAR_UPDATE, body, {}}, now);
    out.forwarded.emplace_back(child, q.seq);
  }
  Audit::Append(txn, now, "calendar year loaded",
                std::to_string(y.year) + " from " + file_name + ": now " + calendar_.Version() +
                    ", " + std::to_string(out.recomputed) +
                    " provisional deadline(s) recomputed, "
                    "passed to " +
                    std::to_string(out.forwarded.size()) + " node(s) below");
  AfterCommit([this, year = y.year, version = calendar_.Version(), recomputed = out.recomputed,
               passed = out.forwarded.size()] {
    log_.info(
        "calendar: {} schedule applied, now {}; {} provisional deadline(s) recomputed; passed "
        "to {} node(s) below",
        year, version, recomputed, passed);
  });
  return out;
}

void Node::FireDeadlines(int64_t now) {
  std::vector<DeadlineEvent> events;
  Queued queued;
  Commit([&](store::Txn& txn) {
    queued.clear();
    events = deadlines_.Fire(txn, now);
    for (auto& e : events) {
      if (e.kind == DeadlineEvent::Kind::kOverdue)
        QueueSupervision(txn, e.deadline, false, now, &queued);
    }
    RefreshNextDeadline(txn);
  });
  for (auto& [dest, seq] : queued) pump_.Enqueued(dest, seq);
  static const char* kWhat[] = {"提醒 reminder", "今日到期 due today", "逾期 overdue"};
  constexpr size_t kLogEach = 20;  // a node back after days may fire thousands at once
  for (size_t i = 0; i < events.size() && i < kLogEach; ++i) {
    const auto& e = events[i];
    const auto& d = e.deadline;
    log_.info("deadline {}: {} / {} ({}) due {} 24:00 CST{}{}", kWhat[static_cast<int>(e.kind)],
              d.item, d.step, d.rule, d.due_day.ToString(), d.provisional ? " (provisional)" : "",
              e.kind == DeadlineEvent::Kind::kOverdue && !d.supervisor.empty()
                  ? "; 督办 sent to " + d.supervisor
                  : "");
  }
  if (events.size() > kLogEach) {
    size_t overdue = 0;
    for (auto& e : events) overdue += e.kind == DeadlineEvent::Kind::kOverdue;
    log_.info("deadline: {} more event(s) in this tick ({} overdue in all); see zhuji deadlines",
              events.size() - kLogEach, overdue);
  }
}

}  // namespace zhuji::node
