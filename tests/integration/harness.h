#pragma once
// Multi-process test harness: real zhuji-broker and zhuji-node processes in a temporary
// directory, on free loopback ports, driven through their control sockets. Every process is
// SIGKILLed and the directory removed when the harness goes away.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/wire/header.h"
#include "tests/support/temp_dir.h"
#include "tools/control_client.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::testing {

struct NodeSpec {
  std::string id;
  std::string level = "county";
  std::string parent;
  std::string extra_transport;  // extra lines for the [transport] table
  std::string extra_config;     // top-level keys, then tables, e.g. "[clock]\nfake_start = …"
  std::string data_dir;         // empty: the node's own folder in the harness directory
  // The harness's name for this process when it is not the node id (a second process started
  // with a live node's id, or with another node's store); its folder and control socket.
  std::string instance;
  std::string broker_endpoint;         // empty: the broker's own endpoint (a proxy in front of it)
  std::vector<int> more_brokers = {};  // the harness's brokers listed after the first (HA)
  std::string key() const { return instance.empty() ? id : instance; }
};

// A deadline as the node's control socket shows it (its DeadlineView, as values).
struct DeadlineItem {
  std::string item, step, rule, supervisor, calendar_version;
  std::string state;  // open, reminded, due_today, overdue, closed
  calendar::Date due_day;
  int working_days = 0;
  bool provisional = false;
};

// A matter as the node's control socket shows it: its MatterView, with the reply holding it.
using HeldMatter = tools::HeldView<schema::MatterView::Reader>;

struct SupervisedItem {
  std::string origin, item, step, rule;
  bool closed = false;
};

struct Received {
  uint64_t local_seq;
  std::string origin;
  std::string text;
};

struct NodeCounters {
  uint64_t delivered = 0, duplicates = 0, refused = 0, acked = 0, outbox_depth = 0;
  bool link_up = false;
};

// What a shell command printed (stdout and stderr) and its exit status (as from pclose).
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult RunCommandStatus(const std::string& command);

// Every "prefix #1" … "prefix #n" from `origin` in `entries` exactly once (gtest failures).
void ExpectEachOnce(const std::vector<Received>& entries, const std::string& origin,
                    const std::string& prefix, uint64_t n);
// What it printed; throws with the output when it does not exit 0.
std::string RunCommand(const std::string& command);

// A node of the demo province (deploy/topologies/guangdong-demo.toml: its organs, heads and
// grants) on a fake clock starting at `start` ("YYYY-MM-DD HH:MM" CST).
NodeSpec DemoSpec(const std::string& id, const std::string& level, const std::string& parent,
                  const std::string& start = "2025-09-24 09:00");

class Harness {
 public:
  // Generous on purpose: CI runs on a machine that may be busy with other work. A process that
  // exits early fails at once with the end of its log; only a hung one waits this long.
  static constexpr std::chrono::seconds kStartTimeout{60};
  static constexpr int kCallTimeoutMs = 30'000;  // one control or STATS call

  Harness();
  ~Harness();

  // Brokers are numbered from 0; a restarted broker keeps its port. Throws with the end of the
  // broker's log when it does not start.
  int StartBroker(const std::vector<std::string>& extra_args = {});
  void RestartBroker(int index);
  void KillBroker(int index, int sig = 9);
  std::string BrokerEndpoint(int index) const { return brokers_.at(index).endpoint; }
  bool BrokerRunning(int index) const;

  void AddNode(const NodeSpec& spec, int broker = 0);
  // Waits until its link is up; throws with the end of its logs when it exits or never does.
  // `id` is the node's key (its id, or the instance name); without `wait_for_link` it returns
  // once the process is started.
  void StartNode(const std::string& id, bool wait_for_link = true);
  void KillNode(const std::string& id, int sig = 9);
  bool NodeRunning(const std::string& id) const;
  // CPU time (user + system) the node's process has used so far, in seconds (/proc).
  double NodeCpuSeconds(const std::string& id) const;
  // SIGSTOP / SIGCONT: a node that does not answer for a while, then carries on.
  void PauseNode(const std::string& id);
  void ResumeNode(const std::string& id);
  std::string ControlEndpoint(const std::string& id) const;

  // Queues `count` notices "text #i" (or just "text" for one) from `from` to `to`; returns the
  // first and last link sequence. Throws if the node does not answer.
  std::pair<uint64_t, uint64_t> Send(const std::string& from, const std::string& to,
                                     const std::string& text, uint32_t count, uint32_t pad_to = 0);
  // The node's status reply (schema::ControlReply with its status set).
  std::unique_ptr<OwnedMessage> Status(const std::string& id);
  std::vector<Received> Inbox(const std::string& id, uint64_t after_local_seq = 0);
  // How many notices in `id`'s inbox read "prefix #n".
  size_t CountPrefix(const std::string& id, const std::string& prefix);
  // Broker 0 and the nodes `ids` of the demo province (DemoSpec, their level and parent from
  // deploy/topologies/guangdong-demo.toml) on fake clocks at `start`, each started with its link
  // up.
  void StartDemoNodes(const std::vector<std::string>& ids,
                      const std::string& start = "2025-09-24 09:00");
  // The usual pair: broker 0, province 440000 and county 440106 on it, both started.
  // `province_transport` adds lines to the province's [transport] table.
  void StartProvinceAndCounty(const std::string& province_transport = "");
  // Two broker levels: a province broker, a city broker below it (its upstream); 440000 on the
  // first, 440106 on the second, both started. Returns {province broker, city broker}.
  std::pair<int, int> StartTwoBrokerLevels();
  NodeCounters Counters(const std::string& id);

  // Deadlines over the control socket.
  void OpenDeadline(const std::string& id, const std::string& item, const std::string& step,
                    const std::string& rule, int working_days, const std::string& from_date);
  void CloseDeadline(const std::string& id, const std::string& item, const std::string& step);
  std::vector<DeadlineItem> Deadlines(const std::string& id, bool all = false);
  std::vector<SupervisedItem> Supervised(const std::string& id, bool all = false);
  // Sets a fake-clock node's clock to "YYYY-MM-DD HH:MM" China Standard Time.
  void SetClock(const std::string& id, const std::string& cst);
  // `zhuji calendar load` on a node; throws with the node's reason when refused.
  void LoadCalendar(const std::string& id, const std::string& file_name, const std::string& toml);
  static int64_t CstMs(const std::string& cst);
  // Replaces a node's configuration (it must be stopped), e.g. to start it at another time.
  void RewriteNode(const NodeSpec& spec);
  wire::BrokerStats BrokerStatsOf(int index);

  // One `zhuji matter` step on a node: `fill` sets the request. Returns the matter as the node
  // holds it after the step; throws std::runtime_error with the node's reason when refused.
  HeldMatter MatterStep(const std::string& id,
                        const std::function<void(schema::MatterRequest::Builder)>& fill);
  // One control request on a node (`fill` sets it); the reply, or std::runtime_error with the
  // node's reason when refused.
  std::unique_ptr<OwnedMessage> Request(
      const std::string& id, const std::function<void(schema::ControlRequest::Builder)>& fill);

  // The node's copy of a matter, if it has one.
  std::optional<HeldMatter> MatterOn(const std::string& id, const std::string& matter);

  // Polls `done` every 20 ms until it is true or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout);

  const std::string& dir() const { return dir_.path(); }
  zmq::context_t& ctx() { return ctx_; }

 private:
  struct BrokerProc {
    pid_t pid = 0;
    std::string endpoint;  // empty until the first start has bound a port
    std::vector<std::string> extra_args;
  };
  struct NodeProc {
    NodeSpec spec;
    int broker = 0;
    pid_t pid = 0;
  };
  void LaunchBroker(BrokerProc& b, int index);
  void DumpLogs() const;

  TempDir dir_;
  zmq::context_t ctx_;
  std::vector<BrokerProc> brokers_;
  std::map<std::string, NodeProc> nodes_;
};

}  // namespace zhuji::testing
