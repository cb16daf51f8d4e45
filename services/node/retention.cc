#include "services/node/retention.h"

#include <functional>
#include <string>
#include <vector>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/requests.h"
#include "zhuji/schemas/envelope.capnp.h"
#include "zhuji/schemas/store.capnp.h"

namespace zhuji::node {

namespace {

constexpr std::string_view kSeenUpto = "retention/seen_upto";  // be64 inbox local seq

uint64_t MetaU64(store::Txn& txn, std::string_view key) {
  auto v = txn.Get("meta", key);
  return v && v->size() == 8 ? DecodeBe64(*v) : 0;
}

// Deletes the `seen` ids of inbox entries that arrived before `cutoff`, oldest first.
size_t ExpireSeen(store::Txn& txn, int64_t cutoff, size_t max) {
  uint64_t upto = MetaU64(txn, kSeenUpto);
  std::vector<std::pair<uint64_t, std::string>> expired;  // local seq, envelope id
  {
    auto cursor = txn.OpenCursor("inbox");
    for (auto e = cursor.Seek(EncodeBe64(upto + 1)); e && expired.size() < max; e = cursor.Next()) {
      if (static_cast<int64_t>(DecodeBe64(e->second.substr(0, 8))) >= cutoff) break;
      auto msg = ReadMessage(e->second.substr(8));
      expired.emplace_back(DecodeBe64(e->first),
                           std::string(AsView(msg->Root<schema::Envelope>().getId())));
    }
  }
  for (auto& [seq, id] : expired) txn.Del("seen", id);
  if (!expired.empty()) txn.Put("meta", kSeenUpto, EncodeBe64(expired.back().first));
  return expired.size();
}

// Deletes inbox entries that arrived before `cutoff` and whose id has left `seen`.
size_t ExpireInbox(store::Txn& txn, int64_t cutoff, size_t max) {
  uint64_t upto = MetaU64(txn, kSeenUpto);
  std::vector<std::string> keys;
  {
    auto cursor = txn.OpenCursor("inbox");
    for (auto e = cursor.First(); e && keys.size() < max; e = cursor.Next()) {
      if (DecodeBe64(e->first) > upto) break;
      if (static_cast<int64_t>(DecodeBe64(e->second.substr(0, 8))) >= cutoff) break;
      keys.emplace_back(e->first);
    }
  }
  for (auto& k : keys) txn.Del("inbox", k);
  return keys.size();
}

// Visits up to `visit` entries of `table` from where the last pass stopped (wrapping at the
// end) and deletes those `expired` says are; at most `max` deletions.
size_t RoundRobin(store::Txn& txn, std::string_view table, size_t visit, size_t max,
                  const std::function<bool(std::string_view)>& expired) {
  std::string where = "retention/at/" + std::string(table);
  std::string from(txn.Get("meta", where).value_or(""));
  std::vector<std::string> doomed;
  std::string last;
  bool wrapped = false;
  {
    auto cursor = txn.OpenCursor(table);
    auto e = from.empty() ? cursor.First() : cursor.Seek(from);
    if (e && !from.empty() && e->first == from) e = cursor.Next();  // resume after it
    for (size_t n = 0; n < visit && doomed.size() < max; ++n) {
      if (!e) {
        wrapped = true;
        break;
      }
      if (expired(e->second)) doomed.emplace_back(e->first);
      last = std::string(e->first);
      e = cursor.Next();
    }
  }
  for (auto& k : doomed) txn.Del(table, k);
  if (wrapped) {
    if (!from.empty()) txn.Del("meta", where);  // start again from the first next time
  } else if (!last.empty()) {
    txn.Put("meta", where, last);
  }
  return doomed.size();
}

}  // namespace

RetentionReport Retention::Sweep(store::Txn& txn, const RetentionPolicy& p, int64_t now,
                                 size_t max) {
  RetentionReport r;
  r.seen = ExpireSeen(txn, now - p.seen_ms, max);
  if (p.inbox_ms > 0) r.inbox = ExpireInbox(txn, now - p.inbox_ms, max);
  r.deadlines = RoundRobin(txn, "deadline_items", max * 4, max, [&](std::string_view v) {
    auto msg = ReadMessage(v);
    auto d = msg->Root<schema::Deadline>();
    return d.getState() == schema::Deadline::State::CLOSED &&
           d.getClosedMs() < now - p.closed_deadline_ms;
  });
  r.supervised = RoundRobin(txn, "supervised", max * 4, max, [&](std::string_view v) {
    auto msg = ReadMessage(v);
    auto s = msg->Root<schema::Supervised>();
    return s.getClosed() && s.getReceivedMs() < now - p.closed_supervised_ms;
  });
  r.requests = Requests::Expire(txn, now, max);
  return r;
}

}  // namespace zhuji::node
