#include "services/node/summary_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "services/common/capnp_io.h"
#include "services/common/time_format.h"
#include "services/deadlines/deadlines.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::node {

namespace {

constexpr const char* kTable = "summaries";
constexpr int kStaleIntervals = 3;          // silent this many intervals: shown offline
constexpr int64_t kCheckEveryMs = 2'000;    // how often a change is looked for between intervals
constexpr int64_t kRetryMs = 10'000;        // waiting for the parent's acknowledgement
constexpr int64_t kFutureMs = 10 * 60'000;  // a summary made later than this ahead is not kept

std::unique_ptr<OwnedMessage> Held(store::Txn& txn, const std::string& node) {
  auto v = txn.Get(kTable, node);
  if (!v) return nullptr;
  return ReadMessage(*v);
}

void PutHeld(store::Txn& txn, schema::StatusSummary::Reader s, int64_t heard,
             const std::string& via, uint64_t sent_seq = 0) {
  capnp::MallocMessageBuilder b;
  auto h = b.initRoot<schema::HeldSummary>();
  h.setSummary(s);
  h.setHeardMs(heard);
  h.setVia(via);
  h.setAgeMs(std::max<int64_t>(s.getAgeMs(), 0));
  h.setSentSeq(sent_seq);
  txn.Put(kTable, s.getNode().cStr(), ToBytes(b));
}

// How old a held summary is now, by this node's clock and the ages its relays measured.
int64_t AgeNow(schema::HeldSummary::Reader h, int64_t now) {
  return std::max<int64_t>(now - h.getHeardMs(), 0) + h.getAgeMs();
}

// Latest wins: the later as-of, then the higher serial (a fake clock stands still).
bool Newer(schema::StatusSummary::Reader a, schema::StatusSummary::Reader b) {
  return std::pair(a.getAsOfMs(), a.getSerial()) > std::pair(b.getAsOfMs(), b.getSerial());
}

// Is `node` `ancestor` or below it in the directory?
bool AtOrBelow(const workflows::OrganDirectory& directory, std::string node,
               const std::string& ancestor) {
  for (int hops = 0; hops < 8 && !node.empty(); ++hops) {
    if (node == ancestor) return true;
    const auto* n = directory.Node(node);
    if (!n) return false;
    node = n->parent;
  }
  return false;
}

}  // namespace

SummaryService::SummaryService(const config::NodeConfig& config,
                               const workflows::OrganDirectory& directory, Writer& writer,
                               Mail& mail, StatusControl& status, const Clock& clock,
                               spdlog::logger& log)
    : config_(config),
      directory_(directory),
      writer_(writer),
      mail_(mail),
      status_(status),
      clock_(clock),
      log_(log) {}

KindEntry SummaryService::SummaryKind(const std::string& self) {
  KindEntry k;
  k.name = "summary";
  k.keep = false;  // latest wins: table `summaries`, not the inbox
  k.check = [self](const std::string& origin, std::string_view body) -> Status {
    if (Status st = CheckText<schema::SummaryReport>(body); !st.ok()) return st;
    auto msg = ReadMessage(body);
    auto list = msg->Root<schema::SummaryReport>().getSummaries();
    if (list.size() == 0 || list[0].getNode() != origin) {
      return Status::Error("a status summary starts with its sender's own (" + origin + ")");
    }
    for (auto s : list) {
      if (s.getNode() == self) {
        return Status::Error("a summary of " + self + " comes from " + self + " only");
      }
    }
    return Status::Ok();
  };
  k.describe = [](std::string_view body) {
    auto msg = ReadMessage(body);
    auto list = msg->Root<schema::SummaryReport>().getSummaries();
    return "状态摘要 status summary of " + std::to_string(list.size()) + " node(s)";
  };
  return k;
}

void SummaryService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k = SummaryKind(config_.node_id);
  k.apply = [this](store::Txn& txn, const std::string& from, std::string_view body, int64_t now) {
    auto msg = ReadMessage(body);  // checked by the inbox already
    for (auto s : msg->Root<schema::SummaryReport>().getSummaries()) {
      // The directory, when the node has one, says who is below whom: a summary of a node not
      // below the sender is passed over (logged), the rest kept.
      if (!directory_.empty() && !AtOrBelow(directory_, s.getNode(), from)) {
        log_.warn("status summary from {}: node {} is not below it in the directory; not kept",
                  from, s.getNode().cStr());
        continue;
      }
      if (s.getAsOfMs() > now + kFutureMs) {  // its clock is ahead: it would win for ever
        log_.warn("status summary of {} from {} is dated {} ahead of this node's clock; not kept",
                  s.getNode().cStr(), from, FormatDuration(s.getAsOfMs() - now));
        continue;
      }
      auto held = Held(txn, s.getNode());
      if (held && !Newer(s, held->Root<schema::HeldSummary>().getSummary())) {
        continue;  // latest wins: an older one (relayed late) changes nothing
      }
      PutHeld(txn, s, now, from);
      changed_ = true;
    }
  };
  kinds.Register(schema::Kind::SUMMARY, std::move(k));
  control.Register(schema::ControlRequest::REGIONS, [this](ControlCall& c) { Handle(c); });
}

void SummaryService::Tick(int64_t now, int64_t mono) {
  if (config_.summary_interval_ms <= 0) return;
  if (!started_) {  // the last summary sent before a restart may still be unacknowledged
    started_ = true;
    auto txn = writer_.BeginRead();
    if (auto mine = Held(txn, config_.node_id)) {
      last_sent_seq_ = mine->Root<schema::HeldSummary>().getSentSeq();
    }
  }
  if (mono >= next_check_mono_ && mono < next_mono_) {
    next_check_mono_ = mono + kCheckEveryMs;
    auto txn = writer_.BeginRead();
    auto c = deadlines::DeadlineBook::GetCounts(txn);
    if (changed_ || std::array<uint64_t, 3>{c.open, c.overdue, c.provisional} != last_counts_) {
      next_mono_ = std::max(mono, not_before_mono_);
    }
  }
  if (mono < next_mono_) return;
  // Latest wins on the way up: nothing is queued behind an unacknowledged summary. A change
  // waits (looked at again every kRetryMs); the interval's own row is still made.
  bool waiting = false;
  if (!config_.parent.empty() && last_sent_seq_) {
    const auto& dests = mail_.pump().destinations();
    auto it = dests.find(config_.parent);
    waiting = it != dests.end() && it->second.acked < last_sent_seq_;
  }
  bool interval_due = mono >= interval_mono_;
  if (waiting && !interval_due) {
    not_before_mono_ = next_mono_ = mono + kRetryMs;
    return;
  }
  next_mono_ = mono + config_.summary_interval_ms;
  if (interval_due) interval_mono_ = next_mono_;
  if (!waiting) changed_ = false;
  // Link health and the outbox as `zhuji status` reports them.
  capnp::MallocMessageBuilder sb;
  auto st = sb.initRoot<schema::NodeStatus>();
  status_.Fill(st);

  (void)writer_.Commit([&](store::Txn& txn) {
    capnp::MallocMessageBuilder own;
    auto s = own.initRoot<schema::StatusSummary>();
    Make(txn, now, st.asReader(), s);
    uint64_t sent = last_sent_seq_;
    if (!config_.parent.empty() && !waiting) {
      // Its own first, then the latest it holds of every node below, each with its age.
      std::vector<std::unique_ptr<OwnedMessage>> below;
      auto cursor = txn.OpenCursor(kTable);
      for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
        if (kv->first == config_.node_id) continue;
        below.push_back(ReadMessage(kv->second));
      }
      capnp::MallocMessageBuilder rb;
      auto out = rb.initRoot<schema::SummaryReport>().initSummaries(
          static_cast<unsigned>(below.size() + 1));
      out.setWithCaveats(0, s.asReader());
      for (size_t j = 0; j < below.size(); ++j) {
        auto h = below[j]->Root<schema::HeldSummary>();
        out.setWithCaveats(static_cast<unsigned>(j + 1), h.getSummary());
        out[static_cast<unsigned>(j + 1)].setAgeMs(AgeNow(h, now));
      }
      sent = mail_.Post(txn, {config_.parent, schema::Kind::SUMMARY, ToBytes(rb), ""}, now).seq;
      writer_.AfterCommit([this, sent] { last_sent_seq_ = sent; });
    }
    PutHeld(txn, s.asReader(), now, config_.node_id, sent);
    return Status::Ok();
  });
}

void SummaryService::Make(store::Txn& txn, int64_t now, schema::NodeStatus::Reader st,
                          schema::StatusSummary::Builder s) {
  s.setNode(config_.node_id);
  s.setName(config_.name);
  s.setLevel(config::LevelName(config_.level));
  s.setParent(config_.parent);
  s.setAsOfMs(now);
  s.setIntervalMs(config_.summary_interval_ms);
  auto mine = Held(txn, config_.node_id);
  s.setSerial(mine ? mine->Root<schema::HeldSummary>().getSummary().getSerial() + 1 : 1);
  std::map<std::pair<std::string, std::string>, std::array<uint32_t, 4>> duties;
  uint32_t open = 0, soon = 0, overdue = 0, provisional = 0;
  for (const auto& d : deadlines::DeadlineBook::List(txn, false)) {
    auto& c = duties[{d.rule, d.step}];
    bool is_soon = d.state == schema::Deadline::State::REMINDED ||
                   d.state == schema::Deadline::State::DUE_TODAY;
    bool is_late = d.state == schema::Deadline::State::OVERDUE;
    ++c[0];
    c[1] += is_soon;
    c[2] += is_late;
    c[3] += d.provisional;
    ++open;
    soon += is_soon;
    overdue += is_late;
    provisional += d.provisional;
  }
  auto list = s.initDuties(static_cast<unsigned>(duties.size()));
  unsigned i = 0;
  for (const auto& [key, c] : duties) {
    auto d = list[i++];
    d.setRule(key.first);
    d.setStep(key.second);
    d.setOpen(c[0]);
    d.setDueSoon(c[1]);
    d.setOverdue(c[2]);
    d.setProvisional(c[3]);
  }
  last_counts_ = {open, overdue, provisional};
  s.setOpen(open);
  s.setDueSoon(soon);
  s.setOverdue(overdue);
  s.setProvisional(provisional);
  s.setSupervisedOpen(static_cast<uint32_t>(st.getSupervisedOpen()));
  uint32_t up = 0;
  for (auto l : st.getLinks()) up += l.getUp();
  s.setLinksUp(up);
  s.setLinksTotal(st.getLinks().size());
  s.setOutboxDepth(st.getOutboxDepth());
  s.setOldestPendingMs(st.getOldestPendingMs());
  s.setStoreWritable(st.getStoreError().size() == 0);
}

void SummaryService::Handle(ControlCall& call) {
  int64_t now = clock_.NowMs();
  auto txn = writer_.BeginRead();
  // Every node of the directory at or below this one, parents before children; without a
  // directory, the summaries held.
  std::vector<std::string> nodes;
  if (!directory_.empty()) {
    nodes.push_back(config_.node_id);
    for (size_t i = 0; i < nodes.size(); ++i) {  // breadth first: the list is its own queue
      for (auto& c : directory_.Children(nodes[i])) nodes.push_back(std::move(c));
    }
  } else {
    auto cursor = txn.OpenCursor(kTable);
    for (auto kv = cursor.First(); kv; kv = cursor.Next()) nodes.emplace_back(kv->first);
  }
  auto list = call.reply.initRegions(static_cast<unsigned>(nodes.size()));
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto v = list[static_cast<unsigned>(i)];
    v.setNode(nodes[i]);
    if (const auto* d = directory_.Node(nodes[i])) {
      v.setName(d->name);
      v.setLevel(workflows::NodeLevelName(d->level));
      v.setParent(d->parent);
    }
    auto held = Held(txn, nodes[i]);
    if (!held) continue;
    auto h = held->Root<schema::HeldSummary>();
    auto s = h.getSummary();
    v.setHeard(true);
    v.setSummary(s);
    v.setHeardMs(h.getHeardMs());
    if (!directory_.Node(nodes[i])) {
      v.setName(s.getName());
      v.setLevel(s.getLevel());
      v.setParent(s.getParent());
    }
    int64_t every = std::max<int64_t>(s.getIntervalMs(), 1000);
    int64_t age = AgeNow(h, now);
    v.setStale(age > kStaleIntervals * every + 60'000);
    v.setLastHeardMs(now - age);
  }
}

}  // namespace zhuji::node
