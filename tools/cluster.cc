#include "tools/cluster.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/workflows/organs.h"
#include "tools/control_client.h"
#include "tools/keyring.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace fs = std::filesystem;

namespace {

pid_t ReadPid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << text;
  }
  fs::rename(tmp, path);
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string DefaultRunDir(const Topology& topology) {
  return (fs::current_path() / ".zhuji-run" / topology.name).string();
}

Cluster::Cluster(Topology topology, std::string run_dir, std::string bin_dir, zmq::context_t& ctx)
    : topology_(std::move(topology)),
      run_dir_(std::move(run_dir)),
      bin_dir_(std::move(bin_dir)),
      ctx_(ctx) {}

std::string Cluster::NodeDir(const std::string& id) const { return run_dir_ + "/nodes/" + id; }
std::string Cluster::BrokerDir(const std::string& id) const { return run_dir_ + "/brokers/" + id; }
std::string Cluster::ControlEndpoint(const std::string& id) const {
  return "ipc://" + NodeDir(id) + "/control.sock";
}
std::string Cluster::BrokerEndpoint(const std::string& id) const {
  return ReadFirstLine(BrokerDir(id) + "/endpoint");
}
bool Cluster::secure() const { return HasKeyring(run_dir_); }

std::vector<std::string> Cluster::Served(const std::string& broker) const {
  auto has = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), broker) != v.end();
  };
  std::vector<std::string> ids;
  for (auto& n : topology_.nodes) {
    if (has(n.brokers)) ids.push_back(n.id);
  }
  for (auto& b : topology_.brokers) {
    if (has(b.upstreams) && b.id != broker) {
      for (auto& id : Served(b.id)) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
  }
  return ids;
}

std::string Cluster::BrokerCurveKey(const std::string& id) const {
  auto pub = crypto::ReadPublicKeys(BrokerDir(id));
  if (!pub.ok()) throw std::runtime_error("broker " + id + ": " + pub.message());
  return pub.value().curve;
}

pid_t Cluster::NodePid(const std::string& id) const { return ReadPid(NodeDir(id) + "/pid"); }
pid_t Cluster::BrokerPid(const std::string& id) const { return ReadPid(BrokerDir(id) + "/pid"); }

bool Cluster::NodeRunning(const std::string& id) const { return IsRunning(NodePid(id)); }

void Cluster::StartBroker(const std::string& id, std::ostream& out) {
  const TopologyBroker* b = topology_.FindBroker(id);
  if (!b) throw std::runtime_error("no broker '" + id + "' in topology " + topology_.name);
  std::string dir = BrokerDir(id);
  fs::create_directories(dir);
  if (IsRunning(ReadPid(dir + "/pid"))) {
    out << "  broker " << id << " already running at " << BrokerEndpoint(id) << "\n";
    return;
  }
  std::string endpoint = BrokerEndpoint(id);
  // Port 0: the broker binds a free port itself and reports it (no check-then-bind race).
  std::string bind = endpoint.empty() ? "tcp://127.0.0.1:0" : endpoint;
  std::vector<std::string> argv = {
      bin_dir_ + "/zhuji-broker", "--id", id, "--bind", bind, "--endpoint-file",
      dir + "/endpoint.new"};
  std::vector<std::string> upstream_keys;
  for (auto& upstream : b->upstreams) {
    std::string up = BrokerEndpoint(upstream);
    if (up.empty()) throw std::runtime_error("start broker " + upstream + " before " + id);
    argv.push_back("--upstream");
    argv.push_back(up);
    if (secure()) upstream_keys.push_back(BrokerCurveKey(upstream));
  }
  if (secure()) {
    for (auto& a : Keyring(run_dir_, topology_.name).BrokerArgs(dir, upstream_keys)) {
      argv.push_back(a);
    }
  }
  fs::remove(dir + "/endpoint.new");
  pid_t pid = Spawn(argv, dir + "/broker.log", true);
  WriteFile(dir + "/pid", std::to_string(pid) + "\n");
  // Generous: a busy machine can take seconds to start a process.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(dir + "/endpoint.new") && std::chrono::steady_clock::now() < deadline) {
    if (!IsRunning(pid)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!fs::exists(dir + "/endpoint.new")) {
    throw std::runtime_error("broker " + id + " did not start (" +
                             (IsRunning(pid) ? "no endpoint after 60 s" : "it exited") +
                             "); last lines of " + dir + "/broker.log:\n" +
                             LogTail(dir + "/broker.log", 15));
  }
  fs::rename(dir + "/endpoint.new", dir + "/endpoint");
  out << "  broker " << id << " started (pid " << pid << ") at " << BrokerEndpoint(id) << "\n";
}

void Cluster::StopBroker(const std::string& id, bool kill, std::ostream& out) {
  pid_t pid = ReadPid(BrokerDir(id) + "/pid");
  if (!IsRunning(pid)) {
    out << "  broker " << id << " not running\n";
    return;
  }
  if (!StopProcess(pid, kill ? SIGKILL : SIGTERM, 10'000)) StopProcess(pid, SIGKILL, 5'000);
  out << "  broker " << id << (kill ? " killed" : " stopped") << "\n";
}

void Cluster::WriteNodeConfig(const TopologyNode& n) {
  std::string dir = NodeDir(n.id);
  std::ostringstream c;
  c << "# Generated by `zhuji cluster up` from topology " << topology_.name << "\n"
    << "node_id = \"" << n.id << "\"\n"
    << "name = \"" << n.name << "\"\n"
    << "level = \"" << n.level << "\"\n";
  if (!n.parent.empty()) c << "parent = \"" << n.parent << "\"\n";
  std::string children;
  for (auto& other : topology_.nodes) {
    if (other.parent == n.id) children += (children.empty() ? "\"" : ", \"") + other.id + "\"";
  }
  c << "children = [" << children << "]\n";
  std::string brokers;
  std::vector<std::string> broker_keys;
  for (auto& b : n.brokers) {
    brokers += (brokers.empty() ? "\"" : ", \"") + BrokerEndpoint(b) + "\"";
    if (secure()) broker_keys.push_back(BrokerCurveKey(b));
  }
  c << "brokers = [" << brokers << "]  # HA: the one in use while it is up, else the next\n"
    << "data_dir = \"" << dir << "\"\n"
    << "control = \"" << ControlEndpoint(n.id) << "\"\n"
    << "log_file = \"" << dir << "/node.log\"\n"
    << "directory = \"" << topology_.path << "\"  # the organs of every node (GD Art. 15)\n";
  for (auto& o : n.organs) {
    c << "\n[[organ]]\ncode = \"" << o.code << "\"\nname = \"" << o.name << "\"\nline = \""
      << o.line << "\"\nauthority = \""
      << (o.authority.has_original_authority ? workflows::LevelZh(o.authority.ceiling) : "none")
      << "\"\nauthorizing = " << (o.authorizing ? "true" : "false") << "\n";
    if (!o.head.empty()) c << "head = \"" << o.head << "\"\n";
  }
  if (auto extra = extra_.find(n.level); extra != extra_.end()) c << "\n" << extra->second;
  if (secure()) c << "\n" << Keyring(run_dir_, topology_.name).NodeSecurity(broker_keys);
  WriteFile(NodeConfigPath(n.id), c.str());
}

void Cluster::StartNode(const std::string& id, std::ostream& out) {
  const TopologyNode* n = topology_.FindNode(id);
  if (!n) throw std::runtime_error("no node '" + id + "' in topology " + topology_.name);
  std::string dir = NodeDir(id);
  fs::create_directories(dir);
  if (NodeRunning(id)) {
    out << "  node " << id << " " << n->name << " already running\n";
    return;
  }
  for (auto& b : n->brokers) {
    if (BrokerEndpoint(b).empty()) {
      throw std::runtime_error("broker " + b + " of node " + id + " was never started");
    }
  }
  WriteNodeConfig(*n);
  pid_t pid = Spawn({bin_dir_ + "/zhuji-node", "--config", NodeConfigPath(id)},
                    dir + "/node.stderr.log", true);
  WriteFile(dir + "/pid", std::to_string(pid) + "\n");
  // Generous: a busy machine can take seconds to start a process.
  if (!WaitForNodeLink(ctx_, ControlEndpoint(id), 60'000, [&] { return NodeRunning(id); })) {
    throw std::runtime_error("node " + id + " did not come up within 60 s; see " + dir +
                             "/node.log and node.stderr.log");
  }
  out << "  node " << id << " " << n->name << " ("
      << workflows::NodeLevelZh(*workflows::ParseNodeLevel(n->level)) << ") started (pid " << pid
      << ")\n";
}

void Cluster::StopNode(const std::string& id, bool kill, std::ostream& out) {
  const TopologyNode* n = topology_.FindNode(id);
  if (!n) throw std::runtime_error("no node '" + id + "' in topology " + topology_.name);
  pid_t pid = ReadPid(NodeDir(id) + "/pid");
  if (!IsRunning(pid)) {
    out << "  node " << id << " " << n->name << " not running\n";
    return;
  }
  if (!StopProcess(pid, kill ? SIGKILL : SIGTERM, 15'000)) StopProcess(pid, SIGKILL, 5'000);
  out << "  node " << id << " " << n->name << (kill ? " killed" : " stopped") << "\n";
}

void Cluster::Up(std::ostream& out, bool secure) {
  out << "cluster " << topology_.name << " up (run dir " << run_dir_ << ")\n";
  fs::create_directories(run_dir_);
  if (secure || this->secure()) {
    Keyring ring(run_dir_, topology_.name);
    for (auto& b : topology_.brokers) {
      ring.Ensure(BrokerDir(b.id), crypto::BrokerKeyId(b.id), Served(b.id));
    }
    for (auto& n : topology_.nodes) ring.Ensure(NodeDir(n.id), n.id);
    std::string file = ring.Publish();
    out << "  安全 security on: keys of " << topology_.brokers.size() << " broker(s) and "
        << topology_.nodes.size() << " node(s); CURVE on every link; signed envelopes; the "
        << "directory of keys " << file << " signed by directory:" << topology_.name << "\n";
  } else {
    out << "  安全 security OFF (--insecure): plain TCP, unsigned envelopes\n";
  }
  // Brokers in dependency order: an upstream before the brokers below it.
  std::vector<std::string> started;
  while (started.size() < topology_.brokers.size()) {
    size_t before = started.size();
    for (auto& b : topology_.brokers) {
      if (std::find(started.begin(), started.end(), b.id) != started.end()) continue;
      bool ready = std::all_of(b.upstreams.begin(), b.upstreams.end(), [&](auto& up) {
        return std::find(started.begin(), started.end(), up) != started.end();
      });
      if (!ready) continue;
      StartBroker(b.id, out);
      started.push_back(b.id);
    }
    if (started.size() == before) throw std::runtime_error("brokers' upstreams form a cycle");
  }
  for (auto& n : topology_.nodes) StartNode(n.id, out);
}

void Cluster::Down(std::ostream& out, bool purge) {
  out << "cluster " << topology_.name << " down\n";
  for (auto& n : topology_.nodes) StopNode(n.id, false, out);
  for (auto it = topology_.brokers.rbegin(); it != topology_.brokers.rend(); ++it) {
    StopBroker(it->id, false, out);
  }
  if (purge) {
    fs::remove_all(run_dir_);
    out << "  removed " << run_dir_ << "\n";
  }
}

bool Cluster::Status(std::ostream& out, bool json) {
  bool all = true;
  JsonWriter j;
  if (json) {
    j.BeginObject().Key("cluster").String(topology_.name).Key("run_dir").String(run_dir_);
    j.Key("brokers").BeginArray();
  } else {
    out << "cluster " << topology_.name << " (run dir " << run_dir_ << ")\n";
  }
  for (auto& b : topology_.brokers) {
    pid_t pid = ReadPid(BrokerDir(b.id) + "/pid");
    bool running = IsRunning(pid);
    all = all && running;
    std::optional<wire::BrokerStats> s;
    std::optional<CurveCredentials> curve;
    if (running && secure())
      curve = Keyring(run_dir_, topology_.name).Observer(BrokerCurveKey(b.id));
    if (running) s = QueryBrokerStats(ctx_, BrokerEndpoint(b.id), 1000, curve ? &*curve : nullptr);
    if (json) {
      j.BeginObject().Key("id").String(b.id).Key("running").Bool(running);
      j.Key("endpoint").String(BrokerEndpoint(b.id));
      if (s) {
        j.Key("routes").Uint(s->routes).Key("relayed").Uint(s->relayed);
        j.Key("unreachable").Uint(s->unreachable).Key("refused").Uint(s->refused);
      }
      j.EndObject();
      continue;
    }
    out << "  broker " << std::left << std::setw(10) << b.id << (running ? "running " : "stopped ")
        << BrokerEndpoint(b.id);
    if (s) {
      out << "  routes " << s->routes << ", relayed " << s->relayed << ", unreachable "
          << s->unreachable << ", refused " << s->refused;
    }
    out << "\n";
  }
  if (json) {
    j.EndArray().Key("nodes").BeginArray();
  } else {
    out << "  node    名称          级别  state    links  outbox(待发)  oldest pending  "
           "delivered\n";
  }
  for (auto& n : topology_.nodes) {
    bool running = NodeRunning(n.id);
    all = all && running;
    std::unique_ptr<OwnedMessage> reply;
    std::string error;
    if (running) {
      try {
        ControlClient client(ctx_, ControlEndpoint(n.id));
        capnp::MallocMessageBuilder req;
        req.initRoot<schema::ControlRequest>().setStatus();
        reply = client.Call(req, 2000);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    size_t up = 0, links = 0;
    uint64_t depth = 0, delivered = 0;
    int64_t oldest_age = 0;
    if (reply) {
      auto st = reply->Root<schema::ControlReply>().getStatus();
      for (auto l : st.getLinks()) up += l.getUp();
      links = st.getLinks().size();
      depth = st.getOutboxDepth();
      delivered = st.getDelivered();
      if (st.getOldestPendingMs()) oldest_age = st.getNowMs() - st.getOldestPendingMs();
    }
    if (json) {
      j.BeginObject().Key("id").String(n.id).Key("name").String(n.name);
      j.Key("level").String(n.level).Key("running").Bool(running);
      if (reply) {
        j.Key("links_up").Uint(up).Key("links").Uint(links).Key("outbox_depth").Uint(depth);
        j.Key("oldest_pending_age_ms").Int(oldest_age).Key("delivered").Uint(delivered);
      }
      if (!error.empty()) j.Key("error").String(error);
      j.EndObject();
      continue;
    }
    std::ostringstream row;
    row << "  " << n.id << "  " << n.name;
    // Pad by display width: CJK characters take two columns.
    size_t cjk = 0;
    for (unsigned char c : n.name) cjk += (c & 0xC0) != 0x80;
    for (size_t w = cjk * 2; w < 14; ++w) row << ' ';
    row << workflows::NodeLevelZh(*workflows::ParseNodeLevel(n.level)) << "  ";
    if (!running) {
      row << "stopped";
    } else if (!reply) {
      row << "running  (no answer: " << error << ")";
    } else {
      row << "running  " << up << "/" << links << "    " << std::setw(12) << depth << "  "
          << std::setw(14) << (oldest_age ? FormatDuration(oldest_age) : "-") << "  " << delivered;
    }
    out << row.str() << "\n";
  }
  if (json) {
    j.EndArray().Key("all_running").Bool(all).EndObject();
    out << j.str() << "\n";
  }
  return all;
}

}  // namespace zhuji::tools
