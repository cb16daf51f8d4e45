#include "services/node/node.h"

#include <kj/exception.h>

#include <algorithm>

#include "services/node/identity.h"
#include "services/node/retention.h"
#include "services/node/supervision.h"

namespace zhuji::node {

namespace {
constexpr int64_t kSweepEveryMs = 60'000;  // retention: one bounded pass a minute
constexpr size_t kSweepMax = 2'000;        // entries per table per pass
constexpr int64_t kMaxPollMs = 100;        // the stop flag is checked at least this often
}  // namespace

Node::Node(const config::NodeConfig& config, workflows::OrganDirectory directory,
           zmq::context_t& ctx, store::Env& env, const Clock& clock, FakeClock* fake_clock,
           calendar::Calendar calendar, spdlog::logger& log)
    : config_(config),
      directory_(std::move(directory)),
      env_(env),
      clock_(clock),
      calendar_(std::move(calendar)),
      log_(log),
      health_(clock, log),
      writer_(env, clock, health_, log),
      outbox_(config_.node_id),
      pump_(PumpPolicy{config_.transport.retry_min_ms, config_.transport.retry_max_ms,
                       config_.transport.window, config_.transport.probe_max_ms}),
      inbox_(config_.node_id, config_.transport.max_envelope_bytes, kinds_),
      mail_(outbox_, pump_, writer_),
      delivery_(config_, ctx, writer_, outbox_, pump_, inbox_, health_, clock, log),
      control_(config_.control, ctx, writer_, health_, clock, log),
      deadlines_(config_, directory_, calendar_, writer_, mail_, log),
      keys_(config_, writer_, mail_, clock, log),
      matters_(config_, writer_, mail_, deadlines_, health_, log),
      filings_(config_, directory_, writer_, mail_, deadlines_, log),
      notices_(config_, writer_, mail_, inbox_, control_, clock),
      deadline_control_(config_, deadlines_, writer_, control_, clock, fake_clock, log),
      matter_control_(config_, directory_, matters_, filings_, writer_, control_, clock),
      filing_control_(config_, filings_, matters_, writer_, control_, clock),
      determinations_(config_, filings_, deadlines_, writer_, mail_, control_, clock),
      statistics_(config_, filings_, deadlines_, writer_, mail_, control_, clock),
      inspections_(config_, directory_, deadlines_, writer_, mail_, control_, clock),
      licensing_(config_, directory_, deadlines_, writer_, mail_, control_, clock),
      deadletter_control_(writer_, mail_, kinds_, control_, clock, log),
      status_(config_, delivery_, mail_, deadlines_, keys_, writer_, health_, clock),
      summaries_(config_, directory_, writer_, mail_, status_, clock, log),
      documents_(config_.node_id, writer_) {
  notices_.Register(kinds_, control_);
  deadlines_.Register(kinds_);
  keys_.Register(kinds_, control_);
  matters_.Register(kinds_);
  filings_.Register(kinds_);
  deadline_control_.Register(control_);
  matter_control_.Register(control_);
  filing_control_.Register(control_);
  determinations_.Register(kinds_, control_);
  statistics_.Register(kinds_, control_);
  inspections_.Register(kinds_, control_);
  licensing_.Register(kinds_, control_);
  deadletter_control_.Register(control_);
  status_.Register(control_);
  summaries_.Register(kinds_, control_);
  documents_.Register(control_);
  delivery_.OnAcked(
      [this](const std::string& dest, uint64_t acked) { notices_.OnAcked(dest, acked); });
}

void Node::Start() {
  std::string unwritable;
  uint64_t incarnation =
      ClaimStore(env_, config_.node_id, config::LevelName(config_.level), &unwritable);
  if (unwritable.empty()) {
    env_.Write([](store::Txn& txn) { Supervision::Recount(txn); });
  } else {
    writer_.Unwritable(store::StoreError(unwritable, ENOSPC));
  }
  status_.Started(clock_.NowMs(), incarnation);
  deadlines_.Load();
  if (unwritable.empty()) {
    filings_.Start(clock_.NowMs());
  } else {
    filings_.Load(clock_.NowMs());  // the rest once the store takes writes again
  }
  determinations_.Load(clock_.NowMs());
  uint64_t pending = 0;
  {
    auto txn = env_.BeginRead();
    for (const auto& p : outbox_.Pending(txn)) {
      pump_.Track(p.destination, p.first_seq ? p.first_seq - 1 : p.last_seq, p.last_seq);
      pending += p.count();
    }
  }
  keys_.Start(outbox_, inbox_);  // rotated keys are put in use before the links connect
  if (keys_.signatures()) {
    delivery_.SignReceipts(
        [this](std::string_view bytes) {
          return std::pair{keys_.signer()->fingerprint(), keys_.signer()->SignMessage(bytes)};
        },
        [this](const std::string& owner, const wire::Header& h, std::string_view bytes) {
          return keys_.VerifyBytes(
              owner, h.signer_key_id, bytes, h.signature,
              std::string("the ") + wire::CommandName(h.command) + " from " + owner);
        });
    delivery_.CheckOwnSignatures([this](std::string_view bytes) {
      try {
        auto msg = ReadMessage(bytes);
        return keys_.Verify(msg->Root<schema::Envelope>()).ok();
      } catch (const std::exception&) {
        return false;
      } catch (const kj::Exception&) {
        return false;
      }
    });
  }
  control_.Bind();
  delivery_.Start(incarnation);
  if (config_.auto_review) {
    log_.warn(
        "[escalation] auto_review is on: TEST POLICY, every matter held here is forwarded or "
        "decided at once without a person");
  }
  log_.info(
      "node {} ({}, {}) serving, incarnation {}; control {}; {} envelope(s) pending in the "
      "outbox",
      config_.node_id, config_.name, config::LevelName(config_.level), incarnation, config_.control,
      pending);
}

void Node::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    int64_t wake = delivery_.NextWakeup();
    int64_t poll_ms = std::clamp<int64_t>(wake - clock_.MonoMs(), 0, kMaxPollMs);
    try {
      Turn(poll_ms);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() == ETERM) break;
      throw;
    } catch (const store::StoreError& e) {
      if (!e.unwritable()) throw;  // corruption and the like stop the node loudly
      writer_.Unwritable(e);       // nothing of the failed step was kept or acknowledged
    }
  }
  try {
    delivery_.Trim();  // what was acknowledged leaves the outbox now rather than at the restart
  } catch (const store::StoreError&) {
  }
  log_.info("node {} stopping: {} delivered, {} acknowledged this run", config_.node_id,
            health_.counters.delivered, health_.counters.acked);
}

void Node::Turn(int64_t poll_ms) {
  std::vector<zmq::pollitem_t> items;
  delivery_.AddPollItems(items);
  items.push_back({control_.socket().handle(), 0, ZMQ_POLLIN, 0});
  zmq::poll(items.data(), items.size(), std::chrono::milliseconds(poll_ms));

  delivery_.Receive(items, 0);
  if (items.back().revents & ZMQ_POLLIN) control_.Serve();
  delivery_.SendDue();
  delivery_.Tick();
  int64_t mono = clock_.MonoMs();
  if (!writer_.writable()) {
    if (writer_.Probe(mono)) {
      pump_.RewindAll(mono);  // what the peers sent meanwhile comes again
      deadlines_.Load();
      filings_.Start(clock_.NowMs());
    }
    return;  // no deadline or retention writes until the store takes writes again
  }
  int64_t now = clock_.NowMs();
  filings_.Tick(now);
  determinations_.Tick(now);
  statistics_.Tick(now);
  deadlines_.FireDue(now);
  summaries_.Tick(now, mono);
  if (mono >= next_sweep_mono_) {
    next_sweep_mono_ = mono + kSweepEveryMs;
    Sweep(now);
  }
}

void Node::Sweep(int64_t now) {
  RetentionReport report;
  (void)writer_.Commit([&](store::Txn& txn) {
    report = Retention::Sweep(txn, config_.retention, now, kSweepMax);
    return Status::Ok();
  });
  if (report.total()) {
    log_.info(
        "retention: deleted {} seen id(s), {} inbox entr(ies), {} closed deadline(s), {} closed "
        "督办, {} request id(s)",
        report.seen, report.inbox, report.deadlines, report.supervised, report.requests);
  }
}

}  // namespace zhuji::node
