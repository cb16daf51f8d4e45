#include "services/config/authorizing_list.h"

#include <toml++/toml.h>

#include <set>
#include <sstream>

#include "services/calendar/date.h"

namespace zhuji::config {

bool AuthorizingList::Lists(const std::string& address) const {
  for (const auto& e : organs) {
    if (e.address == address) return true;
  }
  return false;
}

Result<AuthorizingList> ParseAuthorizingList(const std::string& body, const std::string& source) {
  toml::table t;
  try {
    t = toml::parse(body, source);
  } catch (const toml::parse_error& e) {
    return Status::Error(source + ": not a 授权机关名录: " + std::string(e.description()));
  }
  AuthorizingList list;
  for (auto&& [k, v] : t) {
    std::string key(k.str());
    if (key != "version" && key != "published" && key != "source" && key != "organ") {
      return Status::Error(source + ": unknown key '" + key + "'");
    }
  }
  auto version = t["version"].value<int64_t>();
  if (!version || *version < 1) return Status::Error(source + ": version must be 1 or more");
  list.version = static_cast<uint64_t>(*version);
  list.published = t["published"].value_or(std::string());
  std::string why;
  if (!calendar::ParseInputDate(list.published, &why)) {
    return Status::Error(source + ": published must be YYYY-MM-DD (" + why + ")");
  }
  list.source = t["source"].value_or(std::string());
  std::set<std::string> seen;
  if (auto* arr = t["organ"].as_array()) {
    for (auto& el : *arr) {
      auto* o = el.as_table();
      if (!o) return Status::Error(source + ": [[organ]] entries must be tables");
      AuthorizingList::Entry e{(*o)["address"].value_or(std::string()),
                               (*o)["name"].value_or(std::string())};
      for (auto&& [k, v] : *o) {
        if (k.str() != "address" && k.str() != "name") {
          return Status::Error(source + ": organ " + e.address + ": unknown key '" +
                               std::string(k.str()) + "'");
        }
      }
      if (e.address.empty()) return Status::Error(source + ": an [[organ]] without its address");
      if (!seen.insert(e.address).second) {
        return Status::Error(source + ": organ " + e.address + " is listed twice");
      }
      list.organs.push_back(std::move(e));
    }
  }
  return list;
}

std::string RenderAuthorizingList(const AuthorizingList& list) {
  std::ostringstream out;
  out << "# 授权机关名录 (GD Art. 15): the authorizing organs of the province\n"
      << "version = " << list.version << "\npublished = \"" << list.published << "\"\n"
      << "source = \"" << list.source << "\"\n";
  for (const auto& e : list.organs) {
    out << "\n[[organ]]\naddress = \"" << e.address << "\"\nname = \"" << e.name << "\"\n";
  }
  return out.str();
}

Status CheckAuthorizingList(const AuthorizingList& list,
                            const workflows::OrganDirectory& directory) {
  for (const auto& e : list.organs) {
    auto organ = directory.Find(e.address);
    if (!organ) return Status::Error("GD Art. 15: organ " + e.address + " is not in the directory");
    const workflows::DirectoryNode* node = directory.Node(organ->node);
    if (node->level == workflows::NodeLevel::kCounty) {
      return Status::Error("GD Art. 6: " + organ->name + " (" + e.address +
                           ") is a county-level organ: it cannot be an authorizing organ");
    }
    if (!organ->authority.has_original_authority) {
      return Status::Error("GD Art. 7: " + organ->name + " (" + e.address +
                           ") has no original classification authority to grant");
    }
  }
  return Status::Ok();
}

AuthorizingList AuthorizingListOf(const workflows::OrganDirectory& directory,
                                  const std::vector<std::string>& node_ids, uint64_t version,
                                  std::string published, std::string source) {
  AuthorizingList list;
  list.version = version;
  list.published = std::move(published);
  list.source = std::move(source);
  for (const auto& id : node_ids) {
    const workflows::DirectoryNode* node = directory.Node(id);
    if (!node) continue;
    for (const auto& o : node->organs) {
      if (o.authorizing) list.organs.push_back({o.address(), o.name});
    }
  }
  return list;
}

}  // namespace zhuji::config
