#include "services/node/deadletters.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/store/audit.h"
#include "zhuji/schemas/envelope.capnp.h"
#include "zhuji/schemas/store.capnp.h"

namespace zhuji::node {

namespace {

constexpr std::string_view kTable = "deadletter";
constexpr std::string_view kLastNumber = "deadletter_last";

DeadLetterRecord Decode(std::string_view key, std::string_view value) {
  auto msg = ReadMessage(value);
  auto r = msg->Root<schema::DeadLetter>();
  DeadLetterRecord d;
  d.number = DecodeBe64(key);
  d.destination = r.getDestination();
  d.seq = r.getSeq();
  d.envelope.assign(AsView(r.getEnvelope()));
  d.reason = r.getReason();
  d.code = r.getCode();
  d.dead_at = r.getDeadAtMs();
  return d;
}

std::string Encode(const DeadLetterRecord& d) {
  capnp::MallocMessageBuilder m(static_cast<unsigned>(d.envelope.size() / 8 + 64));
  auto b = m.initRoot<schema::DeadLetter>();
  b.setDestination(d.destination);
  b.setSeq(d.seq);
  b.setEnvelope(AsData(d.envelope));
  b.setReason(d.reason);
  b.setCode(d.code);
  b.setDeadAtMs(d.dead_at);
  return ToBytes(m);
}

}  // namespace

std::optional<uint64_t> DeadLetters::Bury(store::Txn& txn, Outbox& outbox,
                                          const std::string& destination, uint64_t seq,
                                          std::string_view id, uint16_t code,
                                          const std::string& reason, int64_t now) {
  auto bytes = outbox.Get(txn, destination, seq);
  if (!bytes) return std::nullopt;
  auto msg = ReadMessage(*bytes);
  auto env = msg->Root<schema::Envelope>();
  std::string pending_id(AsView(env.getId()));
  if (env.getKind() == schema::Kind::SKIP) return std::nullopt;  // never bury a stand-in
  if (!id.empty() && id != pending_id) return std::nullopt;      // a refused older copy

  // Numbers only go up (kept in meta): a number once shown names one envelope for good.
  uint64_t number = 1;
  if (auto last = txn.Get("meta", kLastNumber); last && last->size() == 8) {
    number = DecodeBe64(*last) + 1;
  }
  txn.Put("meta", kLastNumber, EncodeBe64(number));
  DeadLetterRecord d{number, destination, seq, *bytes, reason, code, now};
  txn.Put(kTable, EncodeBe64(number), Encode(d));

  capnp::MallocMessageBuilder skip;
  auto k = skip.initRoot<schema::Skip>();
  k.setDeadLetter(number);
  k.setOriginalId(AsData(pending_id));
  k.setReason(reason);
  outbox.Replace(txn, seq, {destination, schema::Kind::SKIP, ToBytes(skip), pending_id}, now);
  store::Audit::Append(txn, now, "dead-lettered",
                       "envelope " + ToHex(pending_id) + " #" + std::to_string(seq) + " to " +
                           destination + " refused for good: " + reason + "; dead letter #" +
                           std::to_string(number) + ", a skip goes in its place");
  return number;
}

std::vector<DeadLetterRecord> DeadLetters::List(store::Txn& txn, size_t limit) {
  std::vector<DeadLetterRecord> out;
  auto cursor = txn.OpenCursor(kTable);
  for (auto kv = cursor.Last(); kv && (limit == 0 || out.size() < limit); kv = cursor.Prev()) {
    out.push_back(Decode(kv->first, kv->second));
  }
  return out;
}

std::optional<DeadLetterRecord> DeadLetters::Get(store::Txn& txn, uint64_t number) {
  auto v = txn.Get(kTable, EncodeBe64(number));
  if (!v) return std::nullopt;
  return Decode(EncodeBe64(number), *v);
}

std::optional<QueuedEnvelope> DeadLetters::Retry(store::Txn& txn, Outbox& outbox, uint64_t number,
                                                 int64_t now) {
  auto d = Get(txn, number);
  if (!d) return std::nullopt;
  auto msg = ReadMessage(d->envelope);
  auto env = msg->Root<schema::Envelope>();
  OutgoingEnvelope out{d->destination, env.getKind(), std::string(AsView(env.getBody())),
                       std::string(AsView(env.getCorrelationId()))};
  auto q = outbox.Enqueue(txn, out, now);
  txn.Del(kTable, EncodeBe64(number));
  store::Audit::Append(txn, now, "dead letter retried",
                       "dead letter #" + std::to_string(number) + " to " + d->destination +
                           " queued again as #" + std::to_string(q.seq) + " (" + ToHex(q.id) + ")");
  return q;
}

bool DeadLetters::Drop(store::Txn& txn, uint64_t number, int64_t now) {
  auto d = Get(txn, number);
  if (!d) return false;
  txn.Del(kTable, EncodeBe64(number));
  auto msg = ReadMessage(d->envelope);
  store::Audit::Append(txn, now, "dead letter dropped",
                       "dead letter #" + std::to_string(number) + " to " + d->destination + " (" +
                           ToHex(AsView(msg->Root<schema::Envelope>().getId())) +
                           ") given up by the operator; it had been refused: " + d->reason);
  return true;
}

}  // namespace zhuji::node
