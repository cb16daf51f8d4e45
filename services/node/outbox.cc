#include "services/node/outbox.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "services/common/capnp_io.h"
#include "services/wire/header.h"

namespace zhuji::node {

namespace {
constexpr std::string_view kOutPrefix = "out/";
std::string CounterKey(std::string_view destination) {
  return std::string(kOutPrefix) + std::string(destination);
}
}  // namespace

std::string OutboxKey(std::string_view destination, uint64_t seq) {
  std::string key(destination);
  key.push_back('\0');
  key += EncodeBe64(seq);
  return key;
}

QueuedEnvelope Outbox::Enqueue(store::Txn& txn, const OutgoingEnvelope& out, int64_t now) {
  std::string counter = CounterKey(out.destination);
  uint64_t seq = 1;
  if (auto last = txn.Get("links", counter)) seq = DecodeBe64(*last) + 1;
  txn.Put("links", counter, EncodeBe64(seq));

  return Store(txn, seq, out, now);
}

QueuedEnvelope Outbox::Replace(store::Txn& txn, uint64_t seq, const OutgoingEnvelope& out,
                               int64_t now) {
  return Store(txn, seq, out, now);
}

QueuedEnvelope Outbox::Store(store::Txn& txn, uint64_t seq, const OutgoingEnvelope& out,
                             int64_t now) {
  QueuedEnvelope q{NewEnvelopeIdAt(now), seq, now};
  std::string key = OutboxKey(out.destination, seq);
  txn.PutAtEnd("outbox", key, Build(out, q));  // a destination's sequences only grow
  if (signer_) unsealed_.push_back(std::move(key));
  return q;
}

void Outbox::Seal(store::Txn& txn) {
  if (unsealed_.empty()) return;
  std::vector<std::string> keys = std::move(unsealed_);
  unsealed_.clear();
  if (!signer_) return;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  SignStored(txn, keys);
}

void Outbox::SignStored(store::Txn& txn, const std::vector<std::string>& keys) {
  // A tree at a time, its builders in one zeroed scratch buffer kept from one commit to the
  // next: a fresh allocation per envelope showed up as page faults in the hop benchmark.
  for (size_t first = 0; first < keys.size(); first += crypto::kMaxTreeLeaves) {
    size_t n = std::min(crypto::kMaxTreeLeaves, keys.size() - first);
    std::vector<std::string> stored;  // gone when a nested step that wrote it was aborted
    std::vector<std::unique_ptr<OwnedMessage>> read;
    std::vector<size_t> sizes;  // in words, with room to spare
    size_t words = 0;
    for (size_t i = first; i < first + n; ++i) {
      auto bytes = txn.Get("outbox", keys[i]);
      if (!bytes) continue;
      read.push_back(ReadMessage(*bytes));
      stored.push_back(keys[i]);
      sizes.push_back(bytes->size() / sizeof(capnp::word) + 16);
      words += sizes.back();
    }
    if (stored.empty()) continue;  // queued by nested steps that were given up
    if (scratch_.size() < words) scratch_ = kj::heapArray<capnp::word>(words);
    std::memset(scratch_.begin(), 0, words * sizeof(capnp::word));  // builders need it zeroed
    std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> copies;
    std::vector<schema::Envelope::Builder> envelopes;
    size_t at = 0;
    for (size_t i = 0; i < stored.size(); ++i) {
      copies.push_back(std::make_unique<capnp::MallocMessageBuilder>(
          kj::arrayPtr(scratch_.begin() + at, sizes[i])));
      at += sizes[i];
      envelopes.push_back(copies.back()->initRoot<schema::Envelope>());
      crypto::CopyUnsigned(read[i]->Root<schema::Envelope>(), envelopes.back());
    }
    signer_->SignBatch(envelopes);
    for (size_t i = 0; i < stored.size(); ++i) txn.Put("outbox", stored[i], ToBytes(*copies[i]));
  }
}

std::optional<std::string> Outbox::Get(store::Txn& txn, std::string_view destination,
                                       uint64_t seq) const {
  auto v = txn.Get("outbox", OutboxKey(destination, seq));
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::string Outbox::Build(const OutgoingEnvelope& out, const QueuedEnvelope& q) const {
  // Sized to the envelope: the default first segment (8 KiB, zeroed) cost more than the rest.
  capnp::MallocMessageBuilder message(
      static_cast<unsigned>((out.body.size() + out.correlation_id.size()) / 8 + 128));
  auto e = message.initRoot<schema::Envelope>();
  e.setId(capnp::Data::Reader(q.id.data(), q.id.size()));
  e.setOrigin(origin_);
  e.setDestination(std::string(wire::LinkNode(out.destination)));
  e.setLane(wire::LinkLane(out.destination));
  e.setSentAt(q.sent_at);
  e.setKind(out.kind);
  e.setBody(AsData(out.body));
  if (!out.correlation_id.empty()) {
    e.setCorrelationId(AsData(out.correlation_id));
  }
  e.setLinkSeq(q.seq);
  // Signed with the transaction's others when it commits (Seal); stored with room for the
  // signature, so that signing it does not make it longer and split its page.
  if (signer_) signer_->Reserve(e);
  return ToBytes(message);
}

void Outbox::ForEach(store::Txn& txn, std::string_view destination, uint64_t from_seq, size_t max,
                     const std::function<void(uint64_t, std::string_view)>& fn) const {
  auto cursor = txn.OpenCursor("outbox");
  std::string prefix(destination);
  prefix.push_back('\0');
  size_t n = 0;
  for (auto e = cursor.Seek(OutboxKey(destination, from_seq)); e && n < max; e = cursor.Next()) {
    if (e->first.size() != prefix.size() + 8 || e->first.substr(0, prefix.size()) != prefix) break;
    fn(DecodeBe64(e->first.substr(prefix.size())), e->second);
    ++n;
  }
}

uint64_t Outbox::Resign(store::Txn& txn) {
  if (!signer_) return 0;
  std::vector<std::string> keys;
  {
    auto cursor = txn.OpenCursor("outbox");
    for (auto e = cursor.First(); e; e = cursor.Next()) {
      auto msg = ReadMessage(e->second);
      if (msg->Root<schema::Envelope>().getSignerKeyId() != signer_->fingerprint()) {
        keys.emplace_back(e->first);
      }
    }
  }
  SignStored(txn, keys);
  return keys.size();
}

uint64_t Outbox::Acknowledge(store::Txn& txn, std::string_view destination, uint64_t upto) const {
  auto cursor = txn.OpenCursor("outbox");
  std::string prefix(destination);
  prefix.push_back('\0');
  uint64_t removed = 0;
  for (auto e = cursor.Seek(prefix); e; e = cursor.Current()) {
    if (e->first.size() != prefix.size() + 8 || e->first.substr(0, prefix.size()) != prefix) break;
    if (DecodeBe64(e->first.substr(prefix.size())) > upto) break;
    cursor.DeleteCurrent();
    ++removed;
  }
  return removed;
}

std::vector<PendingRange> Outbox::Pending(
    store::Txn& txn, const std::function<uint64_t(const std::string&)>& acked) const {
  std::vector<PendingRange> out;
  auto links = txn.OpenCursor("links");
  for (auto e = links.Seek(kOutPrefix); e && e->first.substr(0, kOutPrefix.size()) == kOutPrefix;
       e = links.Next()) {
    PendingRange r;
    r.destination = std::string(e->first.substr(kOutPrefix.size()));
    r.last_seq = DecodeBe64(e->second);
    std::string prefix = r.destination;
    prefix.push_back('\0');
    auto box = txn.OpenCursor("outbox");
    uint64_t floor = acked ? acked(r.destination) : 0;
    auto first = box.Seek(floor ? OutboxKey(r.destination, floor + 1) : prefix);
    if (first && first->first.size() == prefix.size() + 8 &&
        first->first.substr(0, prefix.size()) == prefix) {
      r.first_seq = DecodeBe64(first->first.substr(prefix.size()));
      auto msg = ReadMessage(first->second);
      r.oldest_sent_at = msg->Root<schema::Envelope>().getSentAt();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace zhuji::node
