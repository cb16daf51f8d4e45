#include "services/node/supervision.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "services/store/audit.h"
#include "zhuji/schemas/envelope.capnp.h"
#include "zhuji/schemas/store.capnp.h"

namespace zhuji::node {

namespace {
constexpr std::string_view kOpenKey = "supervised_open";  // be64: rows not closed
}  // namespace

std::string Supervision::Body(const deadlines::DeadlineRecord& d, const std::string& origin_name,
                              bool closed, int64_t closed_at_ms) {
  capnp::MallocMessageBuilder m(128);
  auto b = m.initRoot<schema::Supervision>();
  b.setItem(d.item);
  b.setStep(d.step);
  b.setRule(d.rule);
  b.setTitle(d.title);
  b.setDueMs(d.due_ms);
  b.setOverdueAtMs(d.overdue_at_ms);
  b.setClosed(closed);
  b.setClosedAtMs(closed_at_ms);
  b.setOriginName(origin_name);
  b.setProvisional(d.provisional);
  b.setCalendarVersion(d.calendar_version);
  return ToBytes(m);
}

void Supervision::Record(store::Txn& txn, const std::string& origin, std::string_view body,
                         int64_t now) {
  auto msg = ReadMessage(body);
  auto s = msg->Root<schema::Supervision>();
  std::string item = s.getItem(), step = s.getStep();
  std::string key = origin + '\0' + item + '\0' + step;
  bool was_open = false;
  if (auto prev = txn.Get("supervised", key)) {
    was_open = !ReadMessage(*prev)->Root<schema::Supervised>().getClosed();
  }
  bool open = !s.getClosed();
  if (was_open != open) {
    uint64_t n = OpenCount(txn);
    txn.Put("meta", kOpenKey, EncodeBe64(open ? n + 1 : (n ? n - 1 : 0)));
  }
  capnp::MallocMessageBuilder m(64);
  auto r = m.initRoot<schema::Supervised>();
  r.setOrigin(origin);
  r.setNotice(AsData(body));
  r.setReceivedMs(now);
  r.setClosed(s.getClosed());
  txn.Put("supervised", key, ToBytes(m));
  store::Audit::Append(
      txn, now, s.getClosed() ? "supervision closed" : "supervision received",
      origin + " " + item + " / " + step + " (" + std::string(s.getRule().cStr()) + ")");
}

uint64_t Supervision::OpenCount(store::Txn& txn) {
  auto v = txn.Get("meta", kOpenKey);
  return v && v->size() == 8 ? DecodeBe64(*v) : 0;
}

void Supervision::Recount(store::Txn& txn) {
  if (txn.Get("meta", kOpenKey)) return;
  txn.Put("meta", kOpenKey, EncodeBe64(List(txn, false).size()));
}

std::vector<SupervisedEntry> Supervision::List(store::Txn& txn, bool with_closed) {
  std::vector<SupervisedEntry> out;
  auto cursor = txn.OpenCursor("supervised");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto msg = ReadMessage(kv->second);
    auto r = msg->Root<schema::Supervised>();
    if (r.getClosed() && !with_closed) continue;
    auto n = r.getNotice();
    out.push_back({r.getOrigin(), std::string(AsView(n)), r.getReceivedMs(), r.getClosed()});
  }
  return out;
}

std::string Supervision::Summary(std::string_view body) {
  auto msg = ReadMessage(body);
  auto s = msg->Root<schema::Supervision>();
  return std::string(s.getClosed() ? "督办已办结 closed: " : "逾期报告 overdue report: ") +
         s.getItem().cStr() + " / " + s.getStep().cStr() + " (" + s.getRule().cStr() + ") due " +
         FormatDueCst(s.getDueMs());
}

}  // namespace zhuji::node
