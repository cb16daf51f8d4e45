#pragma once
// Organs (机关、单位) and the routes between them (RULES.md "Words", "Routes"). Pure values: the
// directory is built from the topology or the node's configuration, and the province will
// publish it (GD Art. 15). No store, no sockets.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/result.h"
#include "services/workflows/classification.h"

namespace zhuji::workflows {

inline constexpr const char* kSecrecyAdminLine = "secrecy-admin";  // 保密行政管理部门

enum class NodeLevel { kCounty = 0, kCity = 1, kProvince = 2 };

struct Organ {
  std::string node;  // GB/T 2260 code of the hosting node
  std::string code;  // unique on its node, e.g. "jyj"
  std::string name;  // 天河区教育局
  std::string line;  // business line (业务系统): education, public-security, secrecy-admin …
  ClassificationAuthority authority;
  bool authorizing = false;  // 授权机关 (GD Art. 6: province- and city-level organs)
  std::string head;  // its 法定定密责任人 (GD Art. 16: the principal head) as installed; not sent

  std::string address() const { return node + "/" + code; }  // "<node-id>/<organ-code>"
  bool is_secrecy_admin() const { return line == kSecrecyAdminLine; }
};

struct DirectoryNode {
  std::string id;
  std::string name;
  NodeLevel level = NodeLevel::kCounty;
  std::string parent;
  std::vector<Organ> organs;
};

// One step of an escalation: who receives it, and why that organ.
struct RouteHop {
  Organ organ;
  std::string why;  // "same line one level up", "no organ of the line: secrecy admin dept" …
};

// Who supervises an organ's classification work (GD Art. 41): where its overdue duties are
// reported (逾期报告) and become 督办事项.
struct Supervisor {
  std::string node;  // the supervising dept's node; empty: outside the network (国家保密局)
  std::string name;  // 天河区国家保密局 …
};

class OrganDirectory {
 public:
  // Refuses a second node with the same id, an organ code used twice on a node, a county organ
  // flagged as authorizing (GD Art. 6), or a node that names a parent missing from the
  // directory (checked by Validate()).
  Status AddNode(DirectoryNode node);
  Status Validate() const;
  // The authority an organ holds now (its own and what live grants give it, GD Art. 6-10): the
  // node sets it as grants arrive, are revoked and lapse. False when there is no such organ.
  bool SetAuthority(const std::string& address, const ClassificationAuthority& authority);
  // GD Art. 15: the 授权机关名录 held names the authorizing organs: every organ's flag is set
  // from it (listed or not).
  void SetAuthorizing(const std::vector<std::string>& listed);

  const DirectoryNode* Node(const std::string& id) const;
  bool empty() const { return nodes_.empty(); }
  // The nodes one level below `id`.
  std::vector<std::string> Children(const std::string& id) const;
  // "440106/jyj" → the organ, or nullopt.
  std::optional<Organ> Find(const std::string& address) const;
  // The node's secrecy admin dept, if it has one.
  std::optional<Organ> SecrecyAdmin(const std::string& node_id) const;

  // 逐级上报 (GD Art. 9, 30, 31): from `origin` level by level up to the provincial secrecy bureau.
  // Each hop is the organ of the same business line on the next node up, or, where that node has
  // none, its secrecy admin dept; the last hop is the province's secrecy admin dept (广东省国家
  // 保密局). Nothing skips a level. Refused if a level has neither.
  Result<std::vector<RouteHop>> EscalationPath(const std::string& origin_address) const;

  // GD Art. 41 "保密行政管理部门 … 对本行政区域内机关、单位的定密工作情况进行监督": the secrecy
  // admin dept of the organ's own region (on its node: a county organ → the county bureau, a
  // province-level organ → the provincial bureau); for a secrecy admin dept itself, or a node
  // that has none, the one a level up. The provincial bureau's own supervisor is the national
  // bureau, outside the network (node empty). `organ` empty: the node's organs in general.
  Supervisor SupervisorOf(const std::string& node_id, const Organ* organ) const;

 private:
  std::map<std::string, DirectoryNode> nodes_;
};

// The node part of an organ's address ("440106/jyj" → "440106"); an address without an organ
// code is the node itself.
std::string NodeOfAddress(const std::string& address);

const char* NodeLevelZh(NodeLevel level);    // "县级" …
const char* NodeLevelName(NodeLevel level);  // "county" …
// "county", "city" or "province".
std::optional<NodeLevel> ParseNodeLevel(std::string_view text);

}  // namespace zhuji::workflows
