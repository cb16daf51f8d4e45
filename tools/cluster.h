#pragma once
// `zhuji cluster`: a local cluster of real broker and node processes from a topology file.
// State lives in a run directory (default ./.zhuji-run/<topology name>):
//   brokers/<id>/{endpoint,pid,broker.log}   nodes/<id>/{node.toml,pid,node.log,store/}
// Brokers bind a free loopback port on first start and keep it for restarts; node data is kept
// across down/up until `down --purge`.

#include <sys/types.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/config/topology.h"

namespace zhuji::tools {

using config::LoadTopology;
using config::Topology;
using config::TopologyBroker;
using config::TopologyError;
using config::TopologyNode;

class Cluster {
 public:
  Cluster(Topology topology, std::string run_dir, std::string bin_dir, zmq::context_t& ctx);

  // Starts every broker, then every node, that is not running; waits until each answers. With
  // `secure` (the default of `zhuji cluster up`) the run directory gets keys for every broker and
  // node and a directory of keys signed by a directory key of its own (tools/keyring.h): CURVE on
  // every link and signed envelopes. A run directory set up with keys stays secure.
  void Up(std::ostream& out, bool secure = true);
  // SIGTERM to every node, then every broker; `purge` also removes the run directory.
  void Down(std::ostream& out, bool purge);
  // A table of processes and their node status (or one JSON object). Returns false if anything
  // is not running.
  bool Status(std::ostream& out, bool json = false);

  // TOML appended to the configuration of every node of `level` written from now on (a
  // benchmark's TEST policy, e.g. "[escalation]\nauto_review = true\n").
  void AddNodeConfig(const std::string& level, const std::string& toml) { extra_[level] += toml; }

  void StartNode(const std::string& id, std::ostream& out);
  void StopNode(const std::string& id, bool kill, std::ostream& out);
  void StartBroker(const std::string& id, std::ostream& out);
  void StopBroker(const std::string& id, bool kill, std::ostream& out);

  std::string NodeDir(const std::string& id) const;
  std::string NodeConfigPath(const std::string& id) const { return NodeDir(id) + "/node.toml"; }
  std::string ControlEndpoint(const std::string& id) const;
  std::string BrokerEndpoint(const std::string& id) const;  // "" if never started
  bool NodeRunning(const std::string& id) const;
  // The process of a node or broker as last started (0 if never).
  pid_t NodePid(const std::string& id) const;
  pid_t BrokerPid(const std::string& id) const;
  const Topology& topology() const { return topology_; }
  const std::string& run_dir() const { return run_dir_; }

 private:
  std::string BrokerDir(const std::string& id) const;
  void WriteNodeConfig(const TopologyNode& n);
  bool secure() const;
  // The node ids a broker registers above it: its own nodes and those of the brokers below.
  std::vector<std::string> Served(const std::string& broker) const;
  std::string BrokerCurveKey(const std::string& id) const;

  Topology topology_;
  std::string run_dir_;
  std::string bin_dir_;
  zmq::context_t& ctx_;
  std::map<std::string, std::string> extra_;  // level -> more node configuration
};

std::string DefaultRunDir(const Topology& topology);

}  // namespace zhuji::tools
