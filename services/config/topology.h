#pragma once
// A topology file (deploy/topologies/*.toml): the brokers and nodes of a local cluster.
//
//   name = "guangdong-demo"
//   [[broker]]  id = "gd"                      (upstream = "<broker id>" optional, or a list of
//                                               two: the pair of HA twins one level up)
//   [[node]]    id = "440106"  name = "天河区"  level = "county"  parent = "440100"  broker = "gd"
//               (broker = ["gd-a", "gd-b"]: a node connected to both of a pair; optional when
//               the file has one broker)
//   [[node.organ]]  code = "jyj"  name = "天河区教育局"  line = "education"
//                   authority = "none" | "秘密" | "机密" | "绝密"  authorizing = false
//
// Checked on load: unique ids, six-digit node codes, a parent for every non-province node that
// exists in the file and is one level up, a broker that exists. Unknown keys are refused.

#include <stdexcept>
#include <string>
#include <vector>

#include "services/workflows/organs.h"

namespace zhuji::config {

struct TopologyBroker {
  std::string id;
  std::vector<std::string> upstreams;  // other brokers' ids (a pair for HA), or none
};

struct TopologyNode {
  std::string id;
  std::string name;
  std::string level;  // county | city | province
  std::string parent;
  std::vector<std::string> brokers;      // HA: as NodeConfig::brokers
  std::vector<workflows::Organ> organs;  // [[node.organ]]: code, name, line, authority, authorizing
};

struct Topology {
  std::string path;  // the file it was loaded from, absolute
  std::string name;
  std::string description;
  std::vector<TopologyBroker> brokers;
  std::vector<TopologyNode> nodes;
  const TopologyNode* FindNode(const std::string& id) const;
  const TopologyBroker* FindBroker(const std::string& id) const;
  // Every node and its organs, checked (GD Art. 15: the directory of organs).
  Result<workflows::OrganDirectory> Directory() const;
};

class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Both throw TopologyError naming the file, the line or key, and the problem.
Topology LoadTopology(const std::string& path);
Topology ParseTopology(const std::string& toml_text, const std::string& source_name);

}  // namespace zhuji::config
