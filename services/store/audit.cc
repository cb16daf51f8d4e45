#include "services/store/audit.h"

#include <capnp/message.h>
#include <sodium.h>

#include <array>
#include <cstring>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "zhuji/schemas/store.capnp.h"

namespace zhuji::store {

namespace {

using Hash = std::array<uint8_t, 32>;

Hash HashEntry(const uint8_t* prev, uint64_t seq, int64_t at, std::string_view event,
               std::string_view detail) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, prev, 32);
  std::string nums = EncodeBe64(seq) + EncodeBe64(static_cast<uint64_t>(at));
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(nums.data()), nums.size());
  uint64_t len = event.size();
  std::string l = EncodeBe64(len);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(l.data()), l.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(event.data()), event.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(detail.data()), detail.size());
  Hash h;
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

constexpr std::string_view kHeadKey = "audit_head";

}  // namespace

void Audit::Append(Txn& txn, int64_t at, std::string_view event, std::string_view detail) {
  uint64_t seq = 1;
  Hash prev{};
  if (auto head = txn.Get("meta", kHeadKey); head && head->size() == 8 + 32) {
    seq = DecodeBe64(head->substr(0, 8)) + 1;
    std::memcpy(prev.data(), head->data() + 8, 32);
  }
  Hash h = HashEntry(prev.data(), seq, at, event, detail);
  capnp::MallocMessageBuilder message;
  auto e = message.initRoot<schema::AuditEntry>();
  e.setSeq(seq);
  e.setAt(at);
  e.setEvent(std::string(event));
  e.setDetail(std::string(detail));
  e.setPrevHash(capnp::Data::Reader(prev.data(), prev.size()));
  e.setHash(capnp::Data::Reader(h.data(), h.size()));
  txn.Append("audit", EncodeBe64(seq), ToBytes(message));
  std::string head = EncodeBe64(seq);
  head.append(reinterpret_cast<const char*>(h.data()), h.size());
  txn.Put("meta", kHeadKey, head);
}

Status Audit::Verify(Txn& txn, uint64_t* entries) {
  Hash prev{};
  uint64_t expected_seq = 1;
  auto cursor = txn.OpenCursor("audit");
  for (auto kv = cursor.First(); kv; kv = cursor.Next(), ++expected_seq) {
    auto msg = ReadMessage(kv->second);
    auto e = msg->Root<schema::AuditEntry>();
    if (e.getSeq() != expected_seq) {
      return Status::Error("audit entry " + std::to_string(e.getSeq()) + " found where " +
                           std::to_string(expected_seq) + " was expected");
    }
    auto p = e.getPrevHash();
    if (p.size() != 32 || std::memcmp(p.begin(), prev.data(), 32) != 0) {
      return Status::Error("audit entry " + std::to_string(expected_seq) +
                           ": previous hash does not match");
    }
    Hash h =
        HashEntry(prev.data(), e.getSeq(), e.getAt(), e.getEvent().cStr(), e.getDetail().cStr());
    auto stored = e.getHash();
    if (stored.size() != 32 || std::memcmp(stored.begin(), h.data(), 32) != 0) {
      return Status::Error("audit entry " + std::to_string(expected_seq) + ": hash does not match");
    }
    prev = h;
  }
  if (entries) *entries = expected_seq - 1;
  return Status::Ok();
}

}  // namespace zhuji::store
