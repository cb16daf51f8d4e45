#pragma once
// A store table of whole values, each the Cap'n Proto encoding of one record keyed by its id
// (determinations, notices, statistics reports, supervision cases …): how its codec reads one
// record and all of them. `decode` throws MalformedMessage for a record that does not read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/store/store.h"

namespace zhuji::node {

template <typename Decode>
auto GetRecord(store::Txn& txn, const char* table, const std::string& key, Decode decode)
    -> std::optional<decltype(decode(std::string_view()))> {
  auto v = txn.Get(table, key);
  if (!v) return std::nullopt;
  return decode(*v);
}

// Every record of `table` whose key starts with `prefix`, in key order.
template <typename Decode>
auto ListRecords(store::Txn& txn, const char* table, Decode decode, std::string_view prefix = {})
    -> std::vector<decltype(decode(std::string_view()))> {
  std::vector<decltype(decode(std::string_view()))> out;
  auto cursor = txn.OpenCursor(table);
  for (auto kv = prefix.empty() ? cursor.First() : cursor.Seek(prefix);
       kv && kv->first.substr(0, prefix.size()) == prefix; kv = cursor.Next()) {
    out.push_back(decode(kv->second));
  }
  return out;
}

}  // namespace zhuji::node
