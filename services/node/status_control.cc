#include "services/node/status_control.h"

#include "services/common/ids.h"
#include "services/node/deadletters.h"
#include "services/node/matter_service.h"
#include "services/node/supervision.h"

namespace zhuji::node {

StatusControl::StatusControl(const config::NodeConfig& config, const DeliveryLoop& delivery,
                             Mail& mail, const DeadlineService& deadlines, const KeyService& keys,
                             Writer& writer, const Health& health, const Clock& clock)
    : config_(config),
      delivery_(delivery),
      mail_(mail),
      deadlines_(deadlines),
      keys_(keys),
      writer_(writer),
      health_(health),
      clock_(clock) {}

void StatusControl::Register(ControlService& control) {
  control.Register(schema::ControlRequest::STATUS,
                   [this](ControlCall& c) { Fill(c.reply.initStatus()); });
}

void StatusControl::Fill(schema::NodeStatus::Builder st) {
  FillIdentity(st);
  std::vector<PendingRange> pending;
  FillStore(st, &pending);
  FillOutbox(st, pending);
  FillCounters(st);
}

void StatusControl::FillIdentity(schema::NodeStatus::Builder st) const {
  st.setNodeId(config_.node_id);
  st.setName(config_.name);
  st.setLevel(config::LevelName(config_.level));
  st.setParent(config_.parent);
  const auto& links = delivery_.links();
  auto out = st.initLinks(links.size());
  for (size_t i = 0; i < links.size(); ++i) {
    out[i].setEndpoint(links[i]->endpoint());
    out[i].setUp(links[i]->up());
    out[i].setLastChangeMs(links[i]->last_change_ms());
    out[i].setRefusal(links[i]->refusal());
  }
  st.setCalendarVersion(deadlines_.calendar().Version());
  auto organs = st.initOrgans(config_.organs.size());
  for (size_t i = 0; i < config_.organs.size(); ++i) {
    const auto& o = config_.organs[i];
    organs.set(i, o.address() + " " + o.name + " [" + o.line + "]");
  }
}

void StatusControl::FillStore(schema::NodeStatus::Builder st, std::vector<PendingRange>* pending) {
  try {
    auto txn = writer_.BeginRead();
    const auto& pumped = mail_.pump().destinations();
    *pending = mail_.outbox().Pending(txn, [&](const std::string& destination) -> uint64_t {
      auto it = pumped.find(destination);
      return it == pumped.end() ? 0 : it->second.acked;
    });
    auto c = deadlines::DeadlineBook::GetCounts(txn);
    st.setDeadlinesOpen(c.open);
    st.setDeadlinesOverdue(c.overdue);
    st.setDeadlinesProvisional(c.provisional);
    st.setSupervisedOpen(Supervision::OpenCount(txn));
    st.setDeadLetters(DeadLetters::Count(txn));
    auto not_taken = txn.Get("meta", kStepsNotTaken);
    st.setStepsNotTaken(not_taken && not_taken->size() == 8 ? DecodeBe64(*not_taken) : 0);
  } catch (const store::StoreError& e) {  // status answers whatever the store says
    if (writer_.writable()) writer_.Unwritable(e);
  }
  st.setStoreError(writer_.error());
  st.setStoreErrorSinceMs(writer_.writable() ? 0 : writer_.error_since());
}

void StatusControl::FillOutbox(schema::NodeStatus::Builder st,
                               const std::vector<PendingRange>& pending) {
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
  const auto& pumped = mail_.pump().destinations();
  size_t i = 0;
  for (auto& p : pending) {
    if (!p.count()) continue;
    auto d = dests[i++];
    d.setDestination(p.destination);
    d.setPending(p.count());
    d.setOldestPendingMs(p.oldest_sent_at);
    if (auto it = pumped.find(p.destination); it != pumped.end()) {
      d.setLastError(it->second.last_error);
      d.setBroken(it->second.broken);
    }
  }
}

void StatusControl::FillCounters(schema::NodeStatus::Builder st) const {
  st.setLastError(health_.last_error());
  st.setLastErrorMs(health_.last_error_at());
  st.setDelivered(health_.counters.delivered);
  st.setDuplicates(health_.counters.duplicates);
  st.setRefused(health_.counters.refused);
  st.setSignaturesRefused(health_.counters.signatures_refused);
  st.setKeyDirectoryVersion(keys_.version());
  st.setSignatures(keys_.signatures());
  st.setAcked(health_.counters.acked);
  st.setNowMs(clock_.NowMs());
  st.setStartedMs(started_at_);
  st.setIncarnation(incarnation_);
  st.setSent(health_.counters.sent);
  auto by = st.initRefusedBy(health_.refused_by.size());
  size_t i = 0;
  for (const auto& [reason, n] : health_.refused_by) {
    by[i].setName(reason);
    by[i++].setCount(n);
  }
  const auto& h = health_.commit_latency;
  auto hist = st.initCommitLatency();
  auto bounds = hist.initBoundsMs(h.kBoundsMs.size());
  for (size_t b = 0; b < h.kBoundsMs.size(); ++b) bounds.set(b, h.kBoundsMs[b]);
  auto counts = hist.initCounts(h.counts.size());
  for (size_t b = 0; b < h.counts.size(); ++b) counts.set(b, h.counts[b]);
  hist.setSumMs(h.sum_ms);
  st.setConsoleUrl(console_url_);
}

}  // namespace zhuji::node
