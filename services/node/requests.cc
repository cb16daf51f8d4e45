#include "services/node/requests.h"

#include <vector>

#include "services/common/ids.h"

namespace zhuji::node {

namespace {
constexpr std::string_view kTable = "requests";
std::string IdKey(std::string_view id) { return "id/" + std::string(id); }
std::string TimeKey(int64_t at, std::string_view id) {
  return "t/" + EncodeBe64(static_cast<uint64_t>(at)) + std::string(id);
}
}  // namespace

void Requests::Mark(store::Txn& txn, std::string_view id, int64_t now) {
  if (txn.Get(kTable, IdKey(id))) return;
  txn.Put(kTable, IdKey(id), EncodeBe64(static_cast<uint64_t>(now)));
  txn.Put(kTable, TimeKey(now, id), "");
}

void Requests::SaveReply(store::Txn& txn, std::string_view id, std::string_view reply, int64_t now,
                         size_t expire_max) {
  int64_t at = now;
  if (auto v = txn.Get(kTable, IdKey(id)); v && v->size() >= 8) {
    at = static_cast<int64_t>(DecodeBe64(v->substr(0, 8)));
  } else {
    txn.Put(kTable, TimeKey(now, id), "");
  }
  std::string value = EncodeBe64(static_cast<uint64_t>(at));
  value.append(reply);
  txn.Put(kTable, IdKey(id), value);
  Expire(txn, now, expire_max);
}

std::optional<Requests::Done> Requests::Find(store::Txn& txn, std::string_view id) {
  auto v = txn.Get(kTable, IdKey(id));
  if (!v || v->size() < 8) return std::nullopt;
  return Done{static_cast<int64_t>(DecodeBe64(v->substr(0, 8))), std::string(v->substr(8))};
}

size_t Requests::Expire(store::Txn& txn, int64_t now, size_t max) {
  std::vector<std::string> expired;  // time keys; deleted once the cursor is closed
  {
    auto cursor = txn.OpenCursor(kTable);
    for (auto e = cursor.Seek("t/"); e && expired.size() < max; e = cursor.Next()) {
      if (e->first.size() < 10 || e->first.substr(0, 2) != "t/") break;
      auto at = static_cast<int64_t>(DecodeBe64(e->first.substr(2, 8)));
      if (at > now - kKeepMs) break;
      expired.emplace_back(e->first);
    }
  }
  for (auto& key : expired) {
    txn.Del(kTable, key);
    txn.Del(kTable, IdKey(key.substr(10)));
  }
  return expired.size();
}

}  // namespace zhuji::node
