#include "services/config/topology.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "services/config/config.h"

namespace zhuji::config {

const TopologyNode* Topology::FindNode(const std::string& id) const {
  for (auto& n : nodes) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

const TopologyBroker* Topology::FindBroker(const std::string& id) const {
  for (auto& b : brokers) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

namespace {

std::string Str(const toml::table& t, const char* key, const std::string& where) {
  auto node = t[key];
  if (!node) return "";
  auto v = node.value<std::string>();
  if (!v) throw TopologyError(where + ": " + key + " must be a string");
  return *v;
}

// A string or an array of strings: one id or a list of them.
std::vector<std::string> StrList(const toml::table& t, const char* key, const std::string& where) {
  auto node = t[key];
  if (!node) return {};
  if (auto v = node.value<std::string>()) return {*v};
  std::vector<std::string> out;
  auto* arr = node.as_array();
  if (!arr) throw TopologyError(where + ": " + key + " must be a string or a list of strings");
  for (auto& el : *arr) {
    auto v = el.value<std::string>();
    if (!v) throw TopologyError(where + ": " + key + " must be a string or a list of strings");
    out.push_back(*v);
  }
  return out;
}

void OnlyKeys(const toml::table& t, const std::set<std::string>& keys, const std::string& where) {
  for (auto&& [k, v] : t) {
    (void)v;
    if (!keys.count(std::string(k.str()))) {
      throw TopologyError(where + ": unknown key '" + std::string(k.str()) + "'");
    }
  }
}

int Rank(const std::string& level) {
  return level == "county" ? 0 : level == "city" ? 1 : level == "province" ? 2 : -1;
}

}  // namespace

Result<workflows::OrganDirectory> Topology::Directory() const {
  workflows::OrganDirectory d;
  for (auto& n : nodes) {
    workflows::NodeLevel level = n.level == "province" ? workflows::NodeLevel::kProvince
                                 : n.level == "city"   ? workflows::NodeLevel::kCity
                                                       : workflows::NodeLevel::kCounty;
    if (auto st = d.AddNode({n.id, n.name, level, n.parent, n.organs}); !st.ok()) return st;
  }
  if (auto st = d.Validate(); !st.ok()) return st;
  return d;
}

Topology LoadTopology(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TopologyError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Topology t = ParseTopology(text.str(), path);
  t.path = std::filesystem::absolute(path).string();
  return t;
}

Topology ParseTopology(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw TopologyError(path + " (line " + std::to_string(e.source().begin.line) +
                        "): " + std::string(e.description()));
  }
  OnlyKeys(root, {"name", "description", "broker", "node"}, path);
  Topology t;
  t.path = path;
  t.name = Str(root, "name", path);
  t.description = Str(root, "description", path);
  if (t.name.empty()) throw TopologyError(path + ": name is required");
  if (auto* arr = root["broker"].as_array()) {
    for (auto& el : *arr) {
      auto* tb = el.as_table();
      if (!tb) throw TopologyError(path + ": [[broker]] entries must be tables");
      std::string where = path + ": broker #" + std::to_string(t.brokers.size() + 1);
      OnlyKeys(*tb, {"id", "upstream"}, where);
      t.brokers.push_back({Str(*tb, "id", where), StrList(*tb, "upstream", where)});
      if (t.brokers.back().id.empty()) throw TopologyError(where + ": id is required");
    }
  }
  if (auto* arr = root["node"].as_array()) {
    for (auto& el : *arr) {
      auto* tn = el.as_table();
      if (!tn) throw TopologyError(path + ": [[node]] entries must be tables");
      std::string where = path + ": node #" + std::to_string(t.nodes.size() + 1);
      OnlyKeys(*tn, {"id", "name", "level", "parent", "broker", "organ"}, where);
      TopologyNode n{Str(*tn, "id", where),         Str(*tn, "name", where),
                     Str(*tn, "level", where),      Str(*tn, "parent", where),
                     StrList(*tn, "broker", where), {}};
      if (auto* organs = (*tn)["organ"].as_array()) {
        for (auto& oel : *organs) {
          auto* to = oel.as_table();
          std::string ow = where + " organ #" + std::to_string(n.organs.size() + 1);
          if (!to) throw TopologyError(ow + ": [[node.organ]] entries must be tables");
          OnlyKeys(*to, {"code", "name", "line", "authority", "authorizing", "head"}, ow);
          workflows::Organ o;
          o.node = n.id;
          o.code = Str(*to, "code", ow);
          o.name = Str(*to, "name", ow);
          o.line = Str(*to, "line", ow);
          std::string authority = Str(*to, "authority", ow);
          if (authority.empty() || authority == "none") {
            o.authority = {false, workflows::SecrecyLevel::kMimi};
          } else if (auto level = workflows::ParseLevel(authority)) {
            o.authority = {true, *level};
          } else {
            throw TopologyError(ow + ": authority must be none, 秘密, 机密 or 绝密, not '" +
                                authority + "'");
          }
          auto authorizing = (*to)["authorizing"].value<bool>();
          if ((*to)["authorizing"] && !authorizing) {
            throw TopologyError(ow + ": authorizing must be true or false");
          }
          o.authorizing = authorizing.value_or(false);
          o.head = Str(*to, "head", ow);
          n.organs.push_back(o);
        }
      }
      where = path + ": node " + n.id;
      if (!IsDivisionCode(n.id)) throw TopologyError(where + ": id must be a six-digit code");
      if (Rank(n.level) < 0)
        throw TopologyError(where + ": level must be county, city or province");
      for (const auto& o : n.organs) {
        if (o.authorizing && n.level == "county") {
          throw TopologyError(where + " organ " + o.code + " (" + o.name +
                              "): GD Art. 6: only province- and city-level organs authorize; a "
                              "county organ cannot be authorizing = true");
        }
      }
      t.nodes.push_back(n);
    }
  }
  if (t.brokers.empty()) throw TopologyError(path + ": at least one [[broker]] is required");
  if (t.nodes.empty()) throw TopologyError(path + ": at least one [[node]] is required");
  std::set<std::string> seen;
  for (auto& b : t.brokers) {
    if (!seen.insert("b/" + b.id).second) throw TopologyError(path + ": broker " + b.id + " twice");
    std::set<std::string> ups;
    for (auto& up : b.upstreams) {
      if (!t.FindBroker(up)) {
        throw TopologyError(path + ": broker " + b.id + ": upstream '" + up + "' not found");
      }
      if (up == b.id || !ups.insert(up).second) {
        throw TopologyError(path + ": broker " + b.id + ": upstream '" + up +
                            "' is itself or listed twice");
      }
    }
  }
  for (auto& n : t.nodes) {
    std::string where = path + ": node " + n.id;
    if (!seen.insert("n/" + n.id).second) throw TopologyError(where + " appears twice");
    if (n.brokers.empty() && t.brokers.size() == 1) n.brokers = {t.brokers[0].id};
    if (n.brokers.empty())
      throw TopologyError(where + ": broker is required (several in the file)");
    for (auto& b : n.brokers) {
      if (!t.FindBroker(b)) throw TopologyError(where + ": broker '" + b + "' not found");
    }
    if (n.level == "province") {
      if (!n.parent.empty()) throw TopologyError(where + ": a province has no parent");
      continue;
    }
    auto* p = t.FindNode(n.parent);
    if (!p) throw TopologyError(where + ": parent '" + n.parent + "' is not in the file");
    if (Rank(p->level) != Rank(n.level) + 1) {
      throw TopologyError(where + ": parent " + p->id + " is " + p->level + ", not one level up");
    }
  }
  if (auto d = t.Directory(); !d.ok()) throw TopologyError(path + ": " + d.message());
  return t;
}

}  // namespace zhuji::config
