#include "services/workflows/organs.h"

#include <set>

namespace zhuji::workflows {

std::string NodeOfAddress(const std::string& address) {
  return address.substr(0, address.find('/'));
}

const char* NodeLevelZh(NodeLevel level) {
  switch (level) {
    case NodeLevel::kCounty:
      return "县级";
    case NodeLevel::kCity:
      return "市级";
    case NodeLevel::kProvince:
      return "省级";
  }
  return "?";
}

const char* NodeLevelName(NodeLevel level) {
  switch (level) {
    case NodeLevel::kCounty:
      return "county";
    case NodeLevel::kCity:
      return "city";
    case NodeLevel::kProvince:
      return "province";
  }
  return "?";
}

std::optional<NodeLevel> ParseNodeLevel(std::string_view t) {
  if (t == "county") return NodeLevel::kCounty;
  if (t == "city") return NodeLevel::kCity;
  if (t == "province") return NodeLevel::kProvince;
  return std::nullopt;
}

Status OrganDirectory::AddNode(DirectoryNode node) {
  if (nodes_.count(node.id)) return Status::Error("node " + node.id + " is in the directory twice");
  std::set<std::string> codes;
  for (auto& o : node.organs) {
    o.node = node.id;
    if (o.code.empty() || o.name.empty() || o.line.empty()) {
      return Status::Error("an organ of node " + node.id + " lacks its code, name or line");
    }
    if (o.authorizing && node.level == NodeLevel::kCounty) {
      return Status::Error("GD Art. 6: " + o.name + " (" + node.id + "/" + o.code +
                           ") is a county-level organ: only province- and city-level organs "
                           "authorize (authorizing = false)");
    }
    if (!codes.insert(o.code).second) {
      return Status::Error("organ code '" + o.code + "' is used twice on node " + node.id);
    }
  }
  std::string id = node.id;
  nodes_.emplace(id, std::move(node));
  return Status::Ok();
}

Status OrganDirectory::Validate() const {
  for (auto& [id, n] : nodes_) {
    if (n.level == NodeLevel::kProvince) continue;
    auto p = nodes_.find(n.parent);
    if (p == nodes_.end()) {
      return Status::Error("node " + id + " names parent '" + n.parent + "', not in the directory");
    }
    if (static_cast<int>(p->second.level) != static_cast<int>(n.level) + 1) {
      return Status::Error("node " + id + "'s parent " + n.parent + " is not one level up");
    }
  }
  return Status::Ok();
}

bool OrganDirectory::SetAuthority(const std::string& address,
                                  const ClassificationAuthority& authority) {
  auto slash = address.find('/');
  if (slash == std::string::npos) return false;
  auto n = nodes_.find(address.substr(0, slash));
  if (n == nodes_.end()) return false;
  for (auto& o : n->second.organs) {
    if (o.code == address.substr(slash + 1)) {
      o.authority = authority;
      return true;
    }
  }
  return false;
}

void OrganDirectory::SetAuthorizing(const std::vector<std::string>& listed) {
  std::set<std::string> in(listed.begin(), listed.end());
  for (auto& [id, n] : nodes_) {
    for (auto& o : n.organs) o.authorizing = in.count(o.address()) > 0;
  }
}

std::vector<std::string> OrganDirectory::Children(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [child, n] : nodes_) {
    if (n.parent == id) out.push_back(child);
  }
  return out;
}

const DirectoryNode* OrganDirectory::Node(const std::string& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::optional<Organ> OrganDirectory::Find(const std::string& address) const {
  auto slash = address.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const DirectoryNode* n = Node(address.substr(0, slash));
  if (!n) return std::nullopt;
  std::string_view code = std::string_view(address).substr(slash + 1);
  for (auto& o : n->organs) {
    if (o.code == code) return o;
  }
  return std::nullopt;
}

std::optional<Organ> OrganDirectory::SecrecyAdmin(const std::string& node_id) const {
  const DirectoryNode* n = Node(node_id);
  if (!n) return std::nullopt;
  for (auto& o : n->organs) {
    if (o.is_secrecy_admin()) return o;
  }
  return std::nullopt;
}

Supervisor OrganDirectory::SupervisorOf(const std::string& node_id, const Organ* organ) const {
  const DirectoryNode* node = Node(node_id);
  bool bureau_itself = organ && organ->is_secrecy_admin();
  while (node) {
    if (!bureau_itself) {
      if (auto admin = SecrecyAdmin(node->id)) return {node->id, admin->name};
    }
    bureau_itself = false;  // one level up, whoever asked
    node = node->parent.empty() ? nullptr : Node(node->parent);
  }
  return {"", "国家保密局 the national bureau (outside the network)"};
}

Result<std::vector<RouteHop>> OrganDirectory::EscalationPath(const std::string& origin) const {
  auto from = Find(origin);
  if (!from) return Status::Error("no organ '" + origin + "' in the directory");
  std::vector<RouteHop> path;
  const DirectoryNode* node = Node(from->node);
  while (node->level != NodeLevel::kProvince) {
    const DirectoryNode* up = Node(node->parent);
    if (!up) return Status::Error("node " + node->id + " has no parent in the directory");
    std::optional<Organ> next;
    for (auto& o : up->organs) {
      if (o.line == from->line) next = o;
    }
    if (next) {
      path.push_back({*next, std::string("same line (") + from->line + ") one level up, " +
                                 NodeLevelZh(up->level)});
    } else if (auto admin = SecrecyAdmin(up->id)) {
      path.push_back({*admin, std::string("no ") + from->line + " organ at " + up->name +
                                  ": its secrecy admin dept (保密行政管理部门)"});
    } else {
      return Status::Error(up->name + " (" + up->id + ") has neither a " + from->line +
                           " organ nor a secrecy admin dept: the report cannot go up a level");
    }
    node = up;
  }
  // GD Art. 30, 31: the province-level organ submits to 广东省国家保密局, which decides.
  auto bureau = SecrecyAdmin(node->id);
  if (!bureau) return Status::Error("the province " + node->id + " has no secrecy admin dept");
  if (path.empty() || path.back().organ.address() != bureau->address()) {
    if (from->address() != bureau->address()) {
      path.push_back({*bureau, "provincial secrecy bureau: decides (GD Art. 30, 31)"});
    }
  }
  return path;
}

}  // namespace zhuji::workflows
