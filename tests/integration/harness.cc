#include "harness.h"

#include <capnp/message.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "tools/control_client.h"
#include "tools/process.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::testing {

namespace fs = std::filesystem;
using tools::ControlClient;

NodeSpec DemoSpec(const std::string& id, const std::string& level, const std::string& parent,
                  const std::string& start) {
  return {id, level, parent, "",
          "directory = \"" ZHUJI_SOURCE_DIR
          "/deploy/topologies/guangdong-demo.toml\"\n"
          "[clock]\nfake_start = \"" +
              start + "\"\n"};
}

Harness::Harness() : ctx_(1) {}

Harness::~Harness() {
  for (auto& [id, n] : nodes_) tools::StopProcess(n.pid, SIGKILL, 5000);
  for (auto& b : brokers_) tools::StopProcess(b.pid, SIGKILL, 5000);
  if (::testing::Test::HasFailure()) DumpLogs();
}

void Harness::StartDemoNodes(const std::vector<std::string>& ids, const std::string& start) {
  static const std::map<std::string, std::pair<const char*, const char*>> kDemo = {
      {"440000", {"province", ""}},     {"440100", {"city", "440000"}},
      {"440300", {"city", "440000"}},   {"440106", {"county", "440100"}},
      {"440104", {"county", "440100"}}, {"440305", {"county", "440300"}}};
  StartBroker();
  for (const auto& id : ids) {
    const auto& [level, parent] = kDemo.at(id);
    AddNode(DemoSpec(id, level, parent, start));
  }
  for (const auto& id : ids) StartNode(id);
}

void Harness::DumpLogs() const {
  // What the processes said last: the first place to look when a multi-process test fails.
  for (auto& entry : fs::recursive_directory_iterator(dir())) {
    if (entry.path().extension() != ".log") continue;
    std::ifstream in(entry.path());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::cout << "---- last lines of " << entry.path().string() << "\n";
    for (size_t i = lines.size() > 40 ? lines.size() - 40 : 0; i < lines.size(); ++i) {
      std::cout << lines[i] << "\n";
    }
  }
}

void Harness::LaunchBroker(BrokerProc& b, int index) {
  // The first start binds port 0: the broker picks a free port itself and writes it to the
  // endpoint file (no check-then-bind race). A restart binds the port it had.
  std::string endpoint_file = dir() + "/broker" + std::to_string(index) + ".endpoint";
  std::filesystem::remove(endpoint_file);
  std::vector<std::string> argv = {ZHUJI_BIN_DIR "/zhuji-broker", "--id",
                                   std::string("b").append(std::to_string(index)), "--bind",
                                   b.endpoint.empty() ? "tcp://127.0.0.1:0" : b.endpoint,
                                   "--endpoint-file", endpoint_file, "--heartbeat-ms", "200",
                                   // 2 s of silence before a peer is dropped: a busy machine
                                   // (CI beside other work, sanitizers) can stall a process for
                                   // more than 600 ms, and a link declared dead that often
                                   // reconnects in a loop instead of delivering.
                                   "--liveness", "10"};
  argv.insert(argv.end(), b.extra_args.begin(), b.extra_args.end());
  std::string log = dir() + "/broker" + std::to_string(index) + ".log";
  b.pid = tools::Spawn(argv, log, false);
  // Ready when it has bound and says where; a broker that exited fails at once, with its log.
  bool bound =
      WaitFor([&] { return !tools::IsRunning(b.pid) || fs::exists(endpoint_file); }, kStartTimeout);
  if (!bound || !fs::exists(endpoint_file)) {
    std::ostringstream why;
    why << "broker " << index << " did not start (";
    if (tools::IsRunning(b.pid)) {
      why << "no endpoint file after " << kStartTimeout.count() << " s";
    } else {
      why << "it exited";
    }
    why << "); last lines of its log:\n" << tools::LogTail(log, 20);
    throw std::runtime_error(why.str());
  }
  std::ifstream in(endpoint_file);
  std::getline(in, b.endpoint);
}

int Harness::StartBroker(const std::vector<std::string>& extra_args) {
  BrokerProc b;
  b.extra_args = extra_args;
  brokers_.push_back(b);
  int index = static_cast<int>(brokers_.size()) - 1;
  LaunchBroker(brokers_.back(), index);
  return index;
}

void Harness::RestartBroker(int index) {
  auto& b = brokers_.at(index);
  if (tools::IsRunning(b.pid)) throw std::logic_error("broker still running");
  LaunchBroker(b, index);
}

void Harness::KillBroker(int index, int sig) {
  tools::StopProcess(brokers_.at(index).pid, sig, 10'000);
}

bool Harness::BrokerRunning(int index) const { return tools::IsRunning(brokers_.at(index).pid); }

void ExpectEachOnce(const std::vector<Received>& entries, const std::string& origin,
                    const std::string& prefix, uint64_t n) {
  std::multiset<uint64_t> numbers;
  for (auto& e : entries) {
    if (e.origin != origin || e.text.rfind(prefix + " #", 0) != 0) continue;
    numbers.insert(std::stoull(e.text.substr(prefix.size() + 2)));
  }
  EXPECT_EQ(numbers.size(), n) << prefix << ": notices missing or applied twice";
  for (uint64_t i = 1; i <= n; ++i) {
    if (numbers.count(i) != 1) {
      ADD_FAILURE() << prefix << " #" << i << " applied " << numbers.count(i) << " times";
      break;
    }
  }
}

CommandResult RunCommandStatus(const std::string& command) {
  std::string cmd = command + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  CommandResult r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  r.status = ::pclose(p);
  return r;
}

std::string RunCommand(const std::string& command) {
  CommandResult r = RunCommandStatus(command);
  if (r.status != 0) {
    throw std::runtime_error(command + " exited " + std::to_string(r.status) + ": " + r.output);
  }
  return r.output;
}

void Harness::AddNode(const NodeSpec& spec, int broker) {
  std::string key = spec.key();
  nodes_[key] = NodeProc{spec, broker, 0};
  std::string ndir = dir() + "/" + key;
  fs::create_directories(ndir);
  std::ofstream c(ndir + "/node.toml");
  c << "node_id = \"" << spec.id << "\"\nname = \"test " << spec.id << "\"\nlevel = \""
    << spec.level << "\"\n";
  if (!spec.parent.empty()) c << "parent = \"" << spec.parent << "\"\n";
  c << "brokers = [\""
    << (spec.broker_endpoint.empty() ? brokers_.at(broker).endpoint : spec.broker_endpoint);
  for (int more : spec.more_brokers) c << "\", \"" << brokers_.at(more).endpoint;
  c << "\"]\n"
    << "data_dir = \"" << (spec.data_dir.empty() ? ndir : spec.data_dir) << "\"\n"
    << "control = \"" << ControlEndpoint(key) << "\"\n"
    << "log_file = \"" << ndir << "/node.log\"\n"
    << spec.extra_config
    << "\n"
    // Status summaries (issue #17) only where a test asks for them: the other tests count
    // their own envelopes exactly.
    << (spec.extra_config.find("[console]") == std::string::npos
            ? "[console]\nsummary_interval_s = 0\n"
            : "")
    << "[transport]\nheartbeat_interval_ms = 200\nheartbeat_liveness = 10\n"
    << "retry_min_ms = 100\nretry_max_ms = 1000\nprobe_max_ms = 300\n"
    << spec.extra_transport << "\n";
}

void Harness::RewriteNode(const NodeSpec& spec) {
  int broker = nodes_.at(spec.key()).broker;
  pid_t pid = nodes_.at(spec.key()).pid;
  AddNode(spec, broker);
  nodes_.at(spec.key()).pid = pid;
}

int64_t Harness::CstMs(const std::string& cst) {
  auto day = calendar::ParseDate(cst.substr(0, 10));
  if (!day || cst.size() != 16) throw std::invalid_argument("not YYYY-MM-DD HH:MM: " + cst);
  int hh = std::stoi(cst.substr(11, 2)), mm = std::stoi(cst.substr(14, 2));
  return calendar::EndOfDayCstMs(*day - 1) + (hh * 60LL + mm) * 60'000;
}

namespace {
std::unique_ptr<OwnedMessage> Control(zmq::context_t& ctx, const std::string& ep,
                                      capnp::MessageBuilder& req) {
  return ControlClient(ctx, ep).CallOk(req, Harness::kCallTimeoutMs);
}
}  // namespace

void Harness::OpenDeadline(const std::string& id, const std::string& item, const std::string& step,
                           const std::string& rule, int working_days, const std::string& from) {
  capnp::MallocMessageBuilder req;
  auto o = req.initRoot<schema::ControlRequest>().initOpenDeadline();
  o.setItem(item);
  o.setStep(step);
  o.setRule(rule);
  o.setWorkingDays(static_cast<uint16_t>(working_days));
  o.setTriggerDay(calendar::ParseDate(from)->days);
  o.setHasTrigger(true);
  Control(ctx_, ControlEndpoint(id), req);
}

void Harness::CloseDeadline(const std::string& id, const std::string& item,
                            const std::string& step) {
  capnp::MallocMessageBuilder req;
  auto c = req.initRoot<schema::ControlRequest>().initCloseDeadline();
  c.setItem(item);
  c.setStep(step);
  Control(ctx_, ControlEndpoint(id), req);
}

std::vector<DeadlineItem> Harness::Deadlines(const std::string& id, bool all) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initDeadlines().setAll(all);
  auto reply = Control(ctx_, ControlEndpoint(id), req);
  std::vector<DeadlineItem> out;
  for (auto v : reply->Root<schema::ControlReply>().getDeadlines().getDeadlines()) {
    out.push_back({v.getItem(), v.getStep(), v.getRule(), v.getSupervisor(), v.getCalendarVersion(),
                   v.getState(), calendar::Date{v.getDueDay()}, v.getWorkingDays(),
                   v.getProvisional()});
  }
  return out;
}

std::vector<SupervisedItem> Harness::Supervised(const std::string& id, bool all) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().setSupervised(all);
  auto reply = Control(ctx_, ControlEndpoint(id), req);
  std::vector<SupervisedItem> out;
  for (auto v : reply->Root<schema::ControlReply>().getSupervised()) {
    auto s = v.getSupervision();
    out.push_back({v.getOrigin(), s.getItem(), s.getStep(), s.getRule(), v.getClosed()});
  }
  return out;
}

void Harness::LoadCalendar(const std::string& id, const std::string& file_name,
                           const std::string& toml) {
  capnp::MallocMessageBuilder req;
  auto l = req.initRoot<schema::ControlRequest>().initLoadCalendar();
  l.setFileName(file_name);
  l.setToml(toml);
  Control(ctx_, ControlEndpoint(id), req);
}

HeldMatter Harness::MatterStep(const std::string& id,
                               const std::function<void(schema::MatterRequest::Builder)>& fill) {
  capnp::MallocMessageBuilder req;
  fill(req.initRoot<schema::ControlRequest>().initMatter());
  auto reply = Control(ctx_, ControlEndpoint(id), req);
  auto r = reply->Root<schema::ControlReply>();
  if (!r.isMatterViews() || r.getMatterViews().size() != 1) {
    throw std::runtime_error("matter step: no matter in the reply");
  }
  auto view = r.getMatterViews()[0];
  return {std::move(reply), view};
}

std::unique_ptr<OwnedMessage> Harness::Request(
    const std::string& id, const std::function<void(schema::ControlRequest::Builder)>& fill) {
  capnp::MallocMessageBuilder req;
  fill(req.initRoot<schema::ControlRequest>());
  return Control(ctx_, ControlEndpoint(id), req);
}

std::optional<HeldMatter> Harness::MatterOn(const std::string& id, const std::string& matter) {
  ControlClient client(ctx_, ControlEndpoint(id));
  return tools::ShowMatter(client, matter, kCallTimeoutMs);
}

void Harness::SetClock(const std::string& id, const std::string& cst) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initClock().setSetMs(CstMs(cst));
  Control(ctx_, ControlEndpoint(id), req);
}

std::string Harness::ControlEndpoint(const std::string& id) const {
  return "ipc://" + dir() + "/" + id + "/control.sock";
}

void Harness::StartNode(const std::string& id, bool wait_for_link) {
  auto& n = nodes_.at(id);
  if (tools::IsRunning(n.pid)) throw std::logic_error("node " + id + " already running");
  n.pid = tools::Spawn({ZHUJI_BIN_DIR "/zhuji-node", "--config", dir() + "/" + id + "/node.toml"},
                       dir() + "/" + id + "/stderr.log", false);
  if (!wait_for_link) return;
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(kStartTimeout);
  bool up = tools::WaitForNodeLink(ctx_, ControlEndpoint(id), static_cast<int>(limit.count()),
                                   [&] { return tools::IsRunning(n.pid); });
  if (!up) {
    bool running = tools::IsRunning(n.pid);
    throw std::runtime_error(
        "node " + id + " did not come up: " +
        (running ? "no broker link up after " + std::to_string(kStartTimeout.count()) + " s"
                 : std::string("the process exited")) +
        "; last lines of its logs:\n" + tools::LogTail(dir() + "/" + id + "/stderr.log", 10) +
        tools::LogTail(dir() + "/" + id + "/node.log", 20));
  }
}

void Harness::KillNode(const std::string& id, int sig) {
  tools::StopProcess(nodes_.at(id).pid, sig, 15'000);
}

void Harness::PauseNode(const std::string& id) { ::kill(nodes_.at(id).pid, SIGSTOP); }
void Harness::ResumeNode(const std::string& id) { ::kill(nodes_.at(id).pid, SIGCONT); }

bool Harness::NodeRunning(const std::string& id) const {
  return tools::IsRunning(nodes_.at(id).pid);
}

double Harness::NodeCpuSeconds(const std::string& id) const {
  std::ifstream in("/proc/" + std::to_string(nodes_.at(id).pid) + "/stat");
  std::string line;
  std::getline(in, line);
  // Fields after the command (which may hold spaces) start after its closing parenthesis;
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after it.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::unique_ptr<OwnedMessage> Harness::Status(const std::string& id) {
  ControlClient client(ctx_, ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().setStatus();
  return client.CallOk(req, kCallTimeoutMs);
}

std::pair<uint64_t, uint64_t> Harness::Send(const std::string& from, const std::string& to,
                                            const std::string& text, uint32_t count,
                                            uint32_t pad_to) {
  ControlClient client(ctx_, ControlEndpoint(from));
  capnp::MallocMessageBuilder req;
  auto s = req.initRoot<schema::ControlRequest>().initSend();
  s.setTo(to);
  s.setText(text);
  s.setCount(count);
  s.setPadTo(pad_to);
  auto reply = client.CallOk(req, kCallTimeoutMs);
  auto r = reply->Root<schema::ControlReply>();
  return {r.getSent().getFirstSeq(), r.getSent().getLastSeq()};
}

std::vector<Received> Harness::Inbox(const std::string& id, uint64_t after) {
  ControlClient client(ctx_, ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  auto q = req.initRoot<schema::ControlRequest>().initInbox();
  q.setLimit(0);
  q.setAfterSeq(after);
  auto reply = client.Call(req, kCallTimeoutMs);
  std::vector<Received> out;
  for (auto e : reply->Root<schema::ControlReply>().getInbox()) {
    out.push_back({e.getSeq(), e.getOrigin(), e.getText()});
  }
  std::reverse(out.begin(), out.end());  // oldest first
  return out;
}

size_t Harness::CountPrefix(const std::string& id, const std::string& prefix) {
  size_t n = 0;
  for (auto& e : Inbox(id)) n += e.text.rfind(prefix + " #", 0) == 0;
  return n;
}

void Harness::StartProvinceAndCounty(const std::string& province_transport) {
  if (brokers_.empty()) StartBroker();
  AddNode({"440000", "province", "", province_transport, ""});
  AddNode({"440106", "county", "440100", "", ""});
  StartNode("440000");
  StartNode("440106");
}

std::pair<int, int> Harness::StartTwoBrokerLevels() {
  int province = StartBroker();
  int city = StartBroker({"--upstream", BrokerEndpoint(province)});
  AddNode({"440000", "province", "", "", ""}, province);
  AddNode({"440106", "county", "440100", "", ""}, city);
  StartNode("440000");
  StartNode("440106");
  return {province, city};
}

NodeCounters Harness::Counters(const std::string& id) {
  ControlClient client(ctx_, ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().setStatus();
  auto reply = client.Call(req, kCallTimeoutMs);
  auto st = reply->Root<schema::ControlReply>().getStatus();
  NodeCounters c;
  c.delivered = st.getDelivered();
  c.duplicates = st.getDuplicates();
  c.refused = st.getRefused();
  c.acked = st.getAcked();
  c.outbox_depth = st.getOutboxDepth();
  for (auto l : st.getLinks()) c.link_up = c.link_up || l.getUp();
  return c;
}

wire::BrokerStats Harness::BrokerStatsOf(int index) {
  auto s = tools::QueryBrokerStats(ctx_, brokers_.at(index).endpoint, kCallTimeoutMs);
  if (!s) throw std::runtime_error("broker did not answer STATS");
  return *s;
}

bool Harness::WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
}

}  // namespace zhuji::testing
