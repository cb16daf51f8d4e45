// The node's control socket: operators' requests (zhuji CLI) served on the loop thread.
#include <capnp/message.h>
#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/control_request.h"
#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "services/common/utf8.h"
#include "services/node/audit.h"
#include "services/node/deadletters.h"
#include "services/node/node.h"
#include "services/node/requests.h"
#include "services/node/supervision.h"
#include "services/wire/socket_util.h"

namespace zhuji::node {

namespace {
// Limits the node enforces itself, whatever the client (issue #8): a request is at most 1 MiB;
// one `send` queues at most 100,000 notices and 32 MiB, each within max_envelope_bytes.
constexpr size_t kMaxControlBytes = 1 << 20;
constexpr uint32_t kMaxSendCount = 100'000;
constexpr uint64_t kMaxSendTotalBytes = 32ull << 20;  // one transaction, well under a second
constexpr size_t kEnvelopeOverhead = 512;             // envelope fields around a notice's text
}  // namespace

void Node::ServeControl() {
  std::string identity;
  zmq::message_t request;
  size_t parts = 0;
  for (int i = 0; i < 256; ++i) {
    if (!wire::RecvRouted(*control_, &identity, request, true, &parts)) break;
    if (parts != 1) {
      ++counters_.refused;
      std::string why = "a control request is one frame; got " + std::to_string(parts);
      NoteError("refused a control request: " + why);
      capnp::MallocMessageBuilder reply;
      reply.initRoot<schema::ControlReply>().setError(why);
      ReplyControl(identity, reply);
      continue;
    }
    HandleControl(identity, wire::View(request));
  }
}

void Node::Commit(const std::function<void(store::Txn&)>& step) {
  auto undo = [this] {  // in-memory changes made for a transaction that did not commit
    for (auto it = on_abort_.rbegin(); it != on_abort_.rend(); ++it) (*it)();
    on_abort_.clear();
  };
  try {
    env_.Write([&](store::Txn& txn) {
      undo();                 // a step run again (map grown) starts from where it started
      after_commit_.clear();  // … and asks again
      step(txn);
    });
  } catch (...) {
    undo();
    after_commit_.clear();
    throw;
  }
  on_abort_.clear();
  auto effects = std::exchange(after_commit_, {});
  for (auto& effect : effects) effect();
}

void Node::WriteStep(const std::function<void(store::Txn&)>& step,
                     const std::function<std::string(store::Txn&)>& reply) {
  int64_t now = clock_.NowMs();
  bool kept = false;
  Commit([&](store::Txn& txn) {
    step(txn);
    kept = false;
    if (request_id_.empty()) return;
    if (reply) {  // the reply is known now: kept with the step, no second commit
      Requests::SaveReply(txn, request_id_, reply(txn), now, 0);
      kept = true;
    } else {
      Requests::Mark(txn, request_id_, now);
    }
  });
  if (!request_id_.empty()) request_wrote_ = true;
  if (kept) request_reply_kept_ = true;
}

void Node::KeepReply(std::string_view bytes) {
  if (request_id_.empty()) return;
  std::string id = std::exchange(request_id_, std::string());
  if (!std::exchange(request_wrote_, false)) return;      // refused: nothing was carried out
  if (std::exchange(request_reply_kept_, false)) return;  // kept with the step itself
  int64_t now = clock_.NowMs();
  try {
    env_.Write([&](store::Txn& txn) { Requests::SaveReply(txn, id, bytes, now); });
  } catch (const store::StoreError& e) {
    // The step is committed; only its reply is not kept: a repeat is told it was carried out.
    log_.warn("the reply to request {} could not be kept: {}", ToHex(id), e.what());
    if (e.unwritable()) StoreUnwritable(e);
  }
}

void Node::ReplyControl(const std::string& identity, capnp::MessageBuilder& reply) {
  std::string bytes = ToBytes(reply);
  KeepReply(bytes);
  if (!wire::SendRouted(*control_, identity, bytes)) {
    log_.debug("control client went away before its reply");
  }
}

void Node::HandleControl(const std::string& identity, std::string_view request) {
  request_id_.clear();
  request_wrote_ = false;
  request_reply_kept_ = false;
  capnp::MallocMessageBuilder reply;
  auto r = reply.initRoot<schema::ControlReply>();
  // `refused` in the status counts frames the node could not read; a well-formed request it will
  // not carry out (a bad destination, a step the rules refuse) is answered and noted only.
  auto refuse = [&](const std::string& why) {
    NoteError("refused a control request: " + why);
    r.setError(why);
    ReplyControl(identity, reply);
  };
  auto fail = [&](const std::string& why) {
    ++counters_.refused;
    refuse(why);
  };
  if (request.size() > kMaxControlBytes) {
    return fail("request of " + std::to_string(request.size()) + " bytes exceeds the limit of " +
                std::to_string(kMaxControlBytes));
  }
  std::unique_ptr<OwnedMessage> msg;
  try {
    msg = ReadMessage(request);
    auto req = msg->Root<schema::ControlRequest>();
    if (auto bad = FirstInvalidText(capnp::toDynamic(req)); !bad.empty()) {
      return fail("the text in " + bad + " is not valid UTF-8");
    }
    std::string_view request_id = AsView(req.getRequestId());
    if (request_id.size() > Requests::kMaxIdBytes) return fail("request id too long");
    if (!store_error_.empty() && ChangesState(req)) {
      return refuse("the store cannot be written now (" + store_error_ +
                    "); nothing was changed: try again when zhuji status no longer says so");
    }
    if (!request_id.empty() && ChangesState(req)) {
      std::optional<Requests::Done> done;
      {
        auto txn = env_.BeginRead();
        done = Requests::Find(txn, request_id);
      }
      if (done) {  // a retry: carried out once already
        log_.info("control request {} repeated: answered with the kept reply", ToHex(request_id));
        if (!done->reply.empty()) {
          (void)wire::SendRouted(*control_, identity, done->reply);
          return;
        }
        return refuse("this request (" + ToHex(request_id) + ") was carried out at " +
                      FormatCst(done->at) +
                      " but the node stopped before it kept its reply: see status or list");
      }
      request_id_ = std::string(request_id);
      request_wrote_ = false;
    }
    switch (req.which()) {
      case schema::ControlRequest::STATUS:
        FillStatus(r.initStatus());
        break;
      case schema::ControlRequest::SEND: {
        auto s = req.getSend();
        std::string to = s.getTo();
        std::string text = s.getText();
        uint32_t count = s.getCount();
        if (!IsDivisionCode(to)) {
          return refuse("destination '" + to + "' is not a six-digit node id");
        }
        if (to == config_.node_id) return refuse("a node cannot send to itself");
        if (count == 0 || count > kMaxSendCount) {
          return refuse("count must be between 1 and " + std::to_string(kMaxSendCount) +
                        " in one request");
        }
        uint64_t max_text = config_.transport.max_envelope_bytes - kEnvelopeOverhead;
        uint64_t each = std::max<uint64_t>(text.size() + 8, s.getPadTo());
        if (each > max_text) {
          return refuse("a notice of " + std::to_string(each) +
                        " bytes would exceed this node's envelope limit (max_envelope_bytes " +
                        std::to_string(config_.transport.max_envelope_bytes) + ")");
        }
        if (each * count > kMaxSendTotalBytes) {
          return refuse(std::to_string(count) + " notices of " + std::to_string(each) +
                        " bytes exceed the " + std::to_string(kMaxSendTotalBytes >> 20) +
                        " MiB one request may queue: send fewer at a time");
        }
        std::vector<QueuedEnvelope> queued;
        std::vector<std::string> ids;
        int64_t now = clock_.NowMs();
        WriteStep(
            [&](store::Txn& txn) {
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
              ids.clear();
              size_t shown = std::min<size_t>(queued.size(), 100);
              for (size_t i = 0; i < shown; ++i) {
                ids.emplace_back(IdView(queued[i].id));
              }
              auto sent = r.initSent();
              auto list = sent.initIds(ids.size());
              for (size_t i = 0; i < ids.size(); ++i) list.set(i, AsData(ids[i]));
              sent.setFirstSeq(queued.front().seq);
              sent.setLastSeq(queued.back().seq);
            },
            [&](store::Txn&) {
              // A retry of a --wait send learns what was queued (not yet acknowledged).
              return ToBytes(reply);
            });
        pump_.Enqueued(to, queued.back().seq);
        if (s.getWaitAck()) {
          waiters_.push_back({identity, to, queued.back().seq, ids, queued.front().seq});
          return;  // answered by AnswerWaiters
        }
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
          b.setId(AsData(e.id));
          b.setOrigin(e.origin);
          b.setText(e.text);
          b.setSentAt(e.sent_at);
          b.setReceivedAt(e.received_at);
        }
        break;
      }
      case schema::ControlRequest::DEADLINES:
      case schema::ControlRequest::OPEN_DEADLINE:
      case schema::ControlRequest::CLOSE_DEADLINE:
      case schema::ControlRequest::SUPERVISED:
      case schema::ControlRequest::CLOCK:
      case schema::ControlRequest::LOAD_CALENDAR:
        HandleDeadlineControl(req, r);
        break;
      case schema::ControlRequest::MATTER:
        HandleMatterControl(req.getMatter(), r);
        break;
      case schema::ControlRequest::DEAD_LETTER:
        HandleDeadLetterControl(req.getDeadLetter(), r);
        break;
      default:
        return fail("unknown control request");
    }
  } catch (const store::StoreError& e) {
    if (!e.unwritable()) throw;
    StoreUnwritable(e);
    if (std::exchange(request_wrote_, false)) {
      request_id_.clear();
      return refuse("carried out, but the node could not finish its reply (" +
                    std::string(e.what()) + "): see status or list before trying again");
    }
    return refuse("the store cannot be written now (" + std::string(e.what()) +
                  "); nothing was changed: try again when zhuji status no longer says so");
  } catch (const MalformedMessage& e) {
    return fail(std::string("malformed control request: ") + e.what());
  } catch (const kj::Exception& e) {
    return fail("malformed control request: " + std::string(e.getDescription().cStr()));
  }
  if (r.getError().size())
    NoteError("refused a control request: " + std::string(r.getError().cStr()));
  ReplyControl(identity, reply);
}

void Node::HandleDeadlineControl(schema::ControlRequest::Reader req,
                                 schema::ControlReply::Builder r) {
  int64_t now = clock_.NowMs();
  switch (req.which()) {
    case schema::ControlRequest::DEADLINES: {
      std::vector<DeadlineRecord> list;
      {
        auto txn = env_.BeginRead();
        list = DeadlineBook::List(txn, req.getDeadlines().getAll());
      }
      auto out = r.initDeadlines();
      calendar::Date today = calendar::CstDateOf(now);
      auto views = out.initDeadlines(list.size());
      for (size_t i = 0; i < list.size(); ++i) {
        std::string bytes = list[i].Encode();
        views[i].setRecord(AsData(bytes));
        views[i].setDaysLeft(calendar_.WorkingDaysBetween(today, list[i].due_day));
      }
      auto cal = out.initCalendar();
      cal.setVersion(calendar_.Version());
      auto years = calendar_.Years();
      auto ys = cal.initYears(years.size());
      for (size_t i = 0; i < years.size(); ++i) ys.set(i, years[i]);
      auto local = cal.initLocalOffDays(calendar_.local_off_days().size());
      size_t i = 0;
      for (auto& [day, why] : calendar_.local_off_days())
        local.set(i++, day.ToString() + " " + why);
      cal.setTodayDay(today.days);
      return;
    }
    case schema::ControlRequest::OPEN_DEADLINE: {
      auto o = req.getOpenDeadline();
      DeadlineSpec spec;
      spec.item = o.getItem();
      spec.step = o.getStep();
      spec.rule = o.getRule();
      spec.title = o.getTitle();
      spec.trigger =
          o.getHasTrigger() ? calendar::Date{o.getTriggerDay()} : calendar::CstDateOf(now);
      spec.working_days = o.getWorkingDays();
      if (o.getHasFixedDay()) spec.fixed_day = calendar::Date{o.getFixedDay()};
      if (!calendar::IsSupported(spec.trigger) ||
          (spec.fixed_day && !calendar::IsSupported(*spec.fixed_day))) {
        r.setError("a deadline's dates must lie within " + calendar::SupportedRange());
        return;
      }
      spec.supervisor = config_.parent;
      Status st = Status::Ok();
      DeadlineRecord d;
      WriteStep([&](store::Txn& txn) {
        st = deadlines_.Open(txn, spec, now, &d);
        RefreshNextDeadline(txn);
      });
      if (!st.ok()) {
        r.setError(st.message());
        return;
      }
      auto out = r.initDeadlines();
      auto views = out.initDeadlines(1);
      std::string bytes = d.Encode();
      views[0].setRecord(AsData(bytes));
      views[0].setDaysLeft(calendar_.WorkingDaysBetween(calendar::CstDateOf(now), d.due_day));
      out.initCalendar().setVersion(calendar_.Version());
      return;
    }
    case schema::ControlRequest::CLOSE_DEADLINE: {
      auto c = req.getCloseDeadline();
      std::optional<DeadlineRecord> was;
      Queued queued;
      WriteStep([&](store::Txn& txn) {
        queued.clear();
        was = CloseDuty(txn, c.getItem(), c.getStep(), now, &queued);
        RefreshNextDeadline(txn);
      });
      if (!was) {
        r.setError("no open deadline for " + std::string(c.getItem().cStr()) + " / " +
                   c.getStep().cStr());
        return;
      }
      for (auto& [dest, seq] : queued) pump_.Enqueued(dest, seq);
      r.setNone();
      return;
    }
    case schema::ControlRequest::SUPERVISED: {
      std::vector<SupervisedEntry> list;
      {
        auto txn = env_.BeginRead();
        list = Supervision::List(txn, req.getSupervised());
      }
      auto views = r.initSupervised(list.size());
      for (size_t i = 0; i < list.size(); ++i) {
        views[i].setOrigin(list[i].origin);
        views[i].setNotice(AsData(list[i].notice));
        views[i].setReceivedMs(list[i].received_ms);
        views[i].setClosed(list[i].closed);
      }
      return;
    }
    case schema::ControlRequest::CLOCK: {
      if (!fake_clock_) {
        r.setError(
            "this node runs on the real clock; only a test node ([clock] fake_start) can be moved");
        return;
      }
      auto c = req.getClock();
      int64_t advance = c.getAdvanceMs();
      int64_t target = c.getSetMs()                                ? c.getSetMs()
                       : advance >= 0 && advance < kEndSupportedMs ? fake_clock_->NowMs() + advance
                                                                   : kEndSupportedMs;
      if (!IsSupportedInstant(target) || (!c.getSetMs() && advance < 0)) {
        r.setError("the fake clock stays within " + calendar::SupportedRange() +
                   " (CST) and advances by a positive amount; refused " +
                   (c.getSetMs() ? "setting it to " + std::to_string(c.getSetMs()) + " ms"
                                 : "advancing it by " + std::to_string(advance) + " ms"));
        return;
      }
      fake_clock_->Set(target);
      log_.warn("fake clock moved to {}", FormatCst(fake_clock_->NowMs()));
      r.setClockMs(fake_clock_->NowMs());
      return;
    }
    case schema::ControlRequest::LOAD_CALENDAR: {
      if (config_.level != Level::kProvince) {
        r.setError(
            "a calendar year is loaded on the province node, which passes it down to every "
            "node; this node is " +
            std::string(LevelName(config_.level)));
        return;
      }
      auto l = req.getLoadCalendar();
      std::string file = l.getFileName(), toml = l.getToml();
      try {
        calendar::ParseYearFile(toml, file);
      } catch (const calendar::CalendarError& e) {
        r.setError(e.what());
        return;
      }
      CalendarApplied applied;
      WriteStep([&](store::Txn& txn) {
        applied = ApplyCalendarYear(txn, file, toml, now);
        RefreshNextDeadline(txn);
      });
      for (auto& [child, seq] : applied.forwarded) pump_.Enqueued(child, seq);
      auto out = r.initCalendarLoaded();
      out.setYear(applied.year);
      out.setVersion(calendar_.Version());
      out.setRecomputed(static_cast<uint32_t>(applied.recomputed));
      auto f = out.initForwardedTo(applied.forwarded.size());
      for (size_t i = 0; i < applied.forwarded.size(); ++i) f.set(i, applied.forwarded[i].first);
      return;
    }
    default:
      r.setError("not a deadline request");
  }
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
    links[i].setRefusal(links_[i]->refusal());
  }
  std::vector<PendingRange> pending;
  try {
    auto txn = env_.BeginRead();
    pending = outbox_.Pending(txn);
    auto c = DeadlineBook::GetCounts(txn);
    st.setDeadlinesOpen(c.open);
    st.setDeadlinesOverdue(c.overdue);
    st.setDeadlinesProvisional(c.provisional);
    st.setSupervisedOpen(Supervision::OpenCount(txn));
    st.setDeadLetters(DeadLetters::Count(txn));
    auto not_taken = txn.Get("meta", kStepsNotTaken);
    st.setStepsNotTaken(not_taken && not_taken->size() == 8 ? DecodeBe64(*not_taken) : 0);
  } catch (const store::StoreError& e) {  // status answers whatever the store says
    if (store_error_.empty()) StoreUnwritable(e);
  }
  st.setStoreError(store_error_);
  st.setStoreErrorSinceMs(store_error_.empty() ? 0 : store_error_since_);
  st.setCalendarVersion(calendar_.Version());
  auto organs = st.initOrgans(config_.organs.size());
  for (size_t i = 0; i < config_.organs.size(); ++i) {
    const auto& o = config_.organs[i];
    organs.set(i, o.address() + " " + o.name + " [" + o.line + "]");
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
    if (it != pump_.destinations().end()) {
      d.setLastError(it->second.last_error);
      d.setBroken(it->second.broken);
    }
  }
  st.setLastError(last_error_);
  st.setLastErrorMs(last_error_at_);
  st.setDelivered(counters_.delivered);
  st.setDuplicates(counters_.duplicates);
  st.setRefused(counters_.refused);
  st.setAcked(counters_.acked);
  st.setNowMs(clock_.NowMs());
  st.setStartedMs(started_at_);
  st.setIncarnation(incarnation_);
}

namespace {

void FillDeadLetter(const DeadLetterRecord& d, schema::DeadLetterView::Builder v) {
  v.setNumber(d.number);
  v.setDestination(d.destination);
  v.setSeq(d.seq);
  v.setReason(d.reason);
  v.setDeadAtMs(d.dead_at);
  v.setBytes(d.envelope.size());
  auto msg = ReadMessage(d.envelope);
  auto env = msg->Root<schema::Envelope>();
  v.setId(env.getId());
  v.setSentAtMs(env.getSentAt());
  v.setKind(Inbox::KindName(env.getKind()));
  v.setSummary(Inbox::Describe(env.getKind(), AsView(env.getBody())));
}

}  // namespace

void Node::HandleDeadLetterControl(schema::DeadLetterRequest::Reader req,
                                   schema::ControlReply::Builder r) {
  using Op = schema::DeadLetterRequest::Op;
  int64_t now = clock_.NowMs();
  uint64_t number = req.getNumber();
  std::string missing = "no dead letter #" + std::to_string(number) + " on this node";
  switch (req.getOp()) {
    case Op::LIST: {
      auto txn = env_.BeginRead();
      auto list = DeadLetters::List(txn, req.getLimit());
      auto views = r.initDeadLetters(list.size());
      for (size_t i = 0; i < list.size(); ++i) FillDeadLetter(list[i], views[i]);
      return;
    }
    case Op::SHOW: {
      auto txn = env_.BeginRead();
      auto d = DeadLetters::Get(txn, number);
      if (!d) return (void)r.setError(missing);
      FillDeadLetter(*d, r.initDeadLetters(1)[0]);
      return;
    }
    case Op::RETRY: {
      std::optional<DeadLetterRecord> d;
      std::optional<QueuedEnvelope> q;
      WriteStep([&](store::Txn& txn) {
        d = DeadLetters::Get(txn, number);
        q = d ? DeadLetters::Retry(txn, outbox_, number, now) : std::nullopt;
      });
      if (!q) return (void)r.setError(missing);
      pump_.Enqueued(d->destination, q->seq);
      log_.info("dead letter #{} to {} queued again as #{}", number, d->destination, q->seq);
      auto v = r.initDeadLetters(1)[0];
      FillDeadLetter(*d, v);
      v.setRequeuedSeq(q->seq);
      return;
    }
    case Op::DROP: {
      std::optional<DeadLetterRecord> d;
      WriteStep([&](store::Txn& txn) {
        d = DeadLetters::Get(txn, number);
        if (d) DeadLetters::Drop(txn, number, now);
      });
      if (!d) return (void)r.setError(missing);
      log_.warn("dead letter #{} to {} dropped by the operator", number, d->destination);
      FillDeadLetter(*d, r.initDeadLetters(1)[0]);
      return;
    }
  }
  r.setError("unknown dead-letter operation " + std::to_string(static_cast<int>(req.getOp())));
}

}  // namespace zhuji::node
