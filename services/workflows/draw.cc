#include "services/workflows/draw.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "services/common/ids.h"

namespace zhuji::workflows {

std::string DrawKey(const std::string& seed, const std::string& text) {
  std::string input = seed + "\n" + text;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

namespace {

// Ranks `items` by their key, ascending (ties, impossible in practice, by id).
template <typename T, typename KeyOf>
std::vector<const T*> Ranked(const std::vector<T>& items, KeyOf key_of) {
  std::vector<std::pair<std::string, const T*>> keyed;
  for (const auto& item : items) keyed.emplace_back(key_of(item), &item);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  std::vector<const T*> out;
  for (auto& [key, item] : keyed) out.push_back(item);
  return out;
}

template <typename T>
Status Unique(const std::vector<T>& items, const char* what) {
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (item.id.empty()) return Status::Error(std::string(what) + " with an empty id");
    if (!seen.insert(item.id).second) {
      return Status::Error(std::string(what) + " '" + item.id + "' is listed twice");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string DrawConflict(const DrawExpert& expert, const DrawUnit& unit, bool exclude_same_region) {
  if (expert.unit == unit.id) return "works for the unit inspected";
  if (exclude_same_region && expert.region == unit.region) {
    return "is of the unit's region " + unit.region;
  }
  return "";
}

Result<std::vector<DrawAssignment>> Draw(const DrawRequest& r) {
  if (r.seed.empty()) return Status::Error("the draw needs a seed (published with its result)");
  if (auto st = Unique(r.units, "unit"); !st.ok()) return st;
  if (auto st = Unique(r.experts, "expert"); !st.ok()) return st;
  if (r.unit_count > r.units.size()) {
    return Status::Error("asked to draw " + std::to_string(r.unit_count) + " units of " +
                         std::to_string(r.units.size()) + " listed");
  }
  auto units = Ranked(r.units, [&](const DrawUnit& u) { return DrawKey(r.seed, "unit:" + u.id); });
  std::vector<DrawAssignment> out;
  std::set<std::string> drawn_experts;
  for (size_t i = 0; i < r.unit_count; ++i) {
    const DrawUnit& unit = *units[i];
    DrawAssignment a{unit.id, unit.region, {}};
    auto experts = Ranked(r.experts, [&](const DrawExpert& e) {
      return DrawKey(r.seed, "expert:" + unit.id + ":" + e.id);
    });
    size_t eligible = 0;
    for (const DrawExpert* e : experts) {
      if (drawn_experts.count(e->id) || !DrawConflict(*e, unit, r.exclude_same_region).empty()) {
        continue;
      }
      ++eligible;
      if (a.experts.size() < r.experts_per_unit) {
        a.experts.push_back(e->id);
        drawn_experts.insert(e->id);
      }
    }
    if (a.experts.size() < r.experts_per_unit) {
      return Status::Error("unit " + unit.id + " (" + unit.region + "): only " +
                           std::to_string(eligible) + " eligible expert(s) left, " +
                           std::to_string(r.experts_per_unit) + " needed");
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace zhuji::workflows
