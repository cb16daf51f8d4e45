// `zhuji bench province`: a whole province on this machine (deploy/topologies/guangdong.toml:
// 1 + 21 + 122 nodes, the province's pair of brokers and one broker per city), started as
// `zhuji cluster up` starts it. Measures the start-up, the idle memory of every process, a storm
// of 不明确事项 (every county reports one at once; the city and province organs on the TEST
// auto-review policy) up to the provincial bureau and back, and a notice from the province to
// every node. Checks that nothing was lost or doubled. Not a test: it asserts no timing.
#include <capnp/message.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "services/common/paths.h"
#include "services/workflows/matter.h"
#include "tests/support/temp_dir.h"
#include "tools/bench/bench.h"
#include "tools/cluster.h"
#include "tools/control_client.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kStormThreads = 16;  // operators reporting at the same time

constexpr const char* kProvinceUsage =
    R"(zhuji bench province — a whole province on this machine

Usage: zhuji bench province [--topology FILE] [--insecure] [--idle-seconds N] [--dir DIR] [--keep]

  --topology FILE    default deploy/topologies/guangdong.toml beside the build (144 nodes,
                     23 brokers)
  --insecure         security off (default: CURVE on every link, signed envelopes)
  --idle-seconds N   how long the started cluster idles before its memory is read (default 10)
  --dir DIR          where the run directory goes (default $TMPDIR or /var/tmp)
  --keep             keep the run directory (stores, logs) afterwards

Measures: start-up of every broker and node (each node's link up); resident memory (RSS) of
every node and broker at idle (and PSS: the machine's total without counting shared pages
twice); every county reports one 不明确事项, 16 operators at once (the city and province on the
TEST auto-review policy) — time until the last origin holds its decision, and
every matter decided exactly once; then the province sends one notice to every other node —
time until the last is acknowledged, and every node holding it exactly once.
)";

std::string ProvinceTopology() {
  for (const char* rel :
       {"/../../deploy/topologies/guangdong.toml", "/../deploy/topologies/guangdong.toml",
        "/../share/zhuji/topologies/guangdong.toml"}) {
    std::string p = BinaryDir() + rel;
    if (fs::exists(p)) return fs::canonical(p).string();
  }
  return "";
}

// A field of /proc/PID/<file> in KiB ("VmRSS:" of status, "Pss:" of smaps_rollup); 0 if gone.
long ProcKiB(pid_t pid, const char* file, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  }
  return 0;
}

struct Spread {
  double min = 0, p50 = 0, max = 0, total = 0;
};
Spread SpreadOf(std::vector<double> v) {
  Spread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.p50 = Percentile(v, 50);
  for (double x : v) s.total += x;
  return s;
}

std::string Report(ControlClient& origin, int n) {
  capnp::MallocMessageBuilder req;
  auto r = req.initRoot<schema::ControlRequest>().initMatter();
  r.setOp(schema::MatterRequest::Op::REPORT);
  r.setScope("本单位相关人员");
  r.setOrgan("jyj");
  r.setTitle("province bench #" + std::to_string(n));
  r.setMark("秘密★5年");
  SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kUnclear));
  auto reply = origin.CallOk(req, 60'000);
  return reply->Root<schema::ControlReply>().getMatterViews()[0].getId();
}

// The ids of the matters a node holds.
std::vector<std::string> MatterIds(ControlClient& node) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initMatter().setOp(schema::MatterRequest::Op::LIST);
  auto reply = node.CallOk(req, 60'000);
  std::vector<std::string> ids;
  for (auto v : reply->Root<schema::ControlReply>().getMatterViews()) ids.push_back(v.getId());
  return ids;
}

// How many of a node's test messages carry `text`.
size_t InboxCount(ControlClient& node, const std::string& text) {
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initInbox().setLimit(0);
  auto reply = node.CallOk(req, 60'000);
  size_t n = 0;
  for (auto e : reply->Root<schema::ControlReply>().getInbox()) n += e.getText() == text;
  return n;
}

// Polls every 20 ms, removing each entry of `pending` that `done` accepts, until none is left.
// Throws naming what is still missing after 20 minutes (generous: the machine may be busy).
template <typename Container, typename Done>
void PollUntilDone(Container& pending, Done done, const std::string& what, const std::string& dir) {
  auto limit = Clock::now() + std::chrono::minutes(20);
  size_t total = pending.size();
  while (true) {
    for (auto it = pending.begin(); it != pending.end();) {
      it = done(*it) ? pending.erase(it) : std::next(it);
    }
    if (pending.empty()) return;
    if (Clock::now() > limit) {
      throw std::runtime_error(std::to_string(pending.size()) + " of " + std::to_string(total) +
                               " " + what + " after 20 minutes; see " + dir);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int BenchProvince(const Args& args, std::ostream& out) {
  if (args.Flag("help")) {
    out << kProvinceUsage;
    return 0;
  }
  std::string topology_file = args.Get("topology", ProvinceTopology());
  if (topology_file.empty() || !fs::exists(topology_file)) {
    throw UsageError("bench province: --topology FILE (guangdong.toml was not found)");
  }
  int idle_seconds = static_cast<int>(args.GetInt("idle-seconds", 10, 0, 3600));
  bool secure = !args.Flag("insecure");
  std::string base = args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp");
  TempDir scratch("zhuji-bench-", base);
  if (args.Flag("keep")) scratch.Keep();
  const std::string run_dir = scratch.path() + "/run";
  Topology topology = config::LoadTopology(topology_file);
  std::vector<std::string> counties, others;
  std::string province;
  for (auto& n : topology.nodes) {
    if (n.level == "county") counties.push_back(n.id);
    if (n.level == "province") province = n.id;
    if (n.level != "province") others.push_back(n.id);
  }
  out << "zhuji bench province\n";
  PrintMachine(out, Describe(scratch.path()), base);
  out << "topology: " << topology_file << " — " << topology.nodes.size() << " nodes ("
      << counties.size() << " county-level), " << topology.brokers.size() << " brokers; security "
      << (secure ? "on (CURVE on every link, signed envelopes)" : "OFF") << "; fsync on every "
      << "commit" << (args.Flag("keep") ? "; keeping " + scratch.path() : std::string()) << "\n\n";

  zmq::context_t ctx(1);
  Cluster cluster(topology, run_dir, BinaryDir(), ctx);
  // TEST POLICY: the city and province organs review and decide at once (no person).
  cluster.AddNodeConfig("city", "[escalation]\nauto_review = true\n");
  cluster.AddNodeConfig("province", "[escalation]\nauto_review = true\n");
  struct Down {
    Cluster& c;
    ~Down() {
      std::ostringstream ignored;
      try {
        c.Down(ignored, false);
      } catch (...) {
      }
    }
  } down{cluster};

  out << "1. start-up: every broker, then every node until its link is up …" << std::flush;
  std::ostringstream up_log;
  auto t0 = Clock::now();
  cluster.Up(up_log, secure);
  double startup_s = Ms(Clock::now() - t0) / 1000;
  out << " " << std::fixed << std::setprecision(1) << startup_s << " s\n";

  out << "2. idle " << idle_seconds << " s, then resident memory (RSS) …" << std::flush;
  std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
  // RSS: what one process holds (as it would on a machine of its own); PSS: its share of the
  // pages it shares with the others here (libraries), so the sum is this machine's total.
  std::vector<double> node_rss, broker_rss, node_pss, broker_pss;
  for (auto& n : topology.nodes) {
    pid_t pid = cluster.NodePid(n.id);
    node_rss.push_back(ProcKiB(pid, "status", "VmRSS:") / 1024.0);
    node_pss.push_back(ProcKiB(pid, "smaps_rollup", "Pss:") / 1024.0);
  }
  for (auto& b : topology.brokers) {
    pid_t pid = cluster.BrokerPid(b.id);
    broker_rss.push_back(ProcKiB(pid, "status", "VmRSS:") / 1024.0);
    broker_pss.push_back(ProcKiB(pid, "smaps_rollup", "Pss:") / 1024.0);
  }
  Spread nr = SpreadOf(node_rss), br = SpreadOf(broker_rss);
  Spread np = SpreadOf(node_pss), bp = SpreadOf(broker_pss);
  out << " done\n   nodes   (" << node_rss.size() << "): RSS min " << std::setprecision(1) << nr.min
      << " MiB, median " << nr.p50 << ", max " << nr.max << "; PSS median " << np.p50
      << ", all nodes " << np.total << " MiB\n   brokers (" << broker_rss.size() << "): RSS min "
      << br.min << " MiB, median " << br.p50 << ", max " << br.max << "; PSS median " << bp.p50
      << ", all brokers " << bp.total << " MiB\n";

  out << "3. storm: " << counties.size() << " counties report a 不明确事项 each (教育局), from "
      << kStormThreads << " operators at once …" << std::flush;
  std::map<std::string, std::unique_ptr<ControlClient>> clients;
  for (auto& n : topology.nodes) {
    clients[n.id] = std::make_unique<ControlClient>(ctx, cluster.ControlEndpoint(n.id));
  }
  // The reports go out from kStormThreads threads at once (one control client each per county),
  // so the counties' steps, not this program, set the pace.
  std::map<std::string, std::string> pending;  // matter id -> origin node
  std::mutex pending_mutex;
  std::vector<std::string> failures;
  auto storm0 = Clock::now();
  {
    std::vector<std::thread> operators;
    for (size_t t = 0; t < kStormThreads; ++t) {
      operators.emplace_back([&, t] {
        for (size_t i = t; i < counties.size(); i += kStormThreads) {
          try {
            ControlClient own(ctx, cluster.ControlEndpoint(counties[i]));
            std::string id = Report(own, static_cast<int>(i + 1));
            std::lock_guard<std::mutex> lock(pending_mutex);
            pending[id] = counties[i];
          } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(pending_mutex);
            failures.push_back(counties[i] + ": " + e.what());
          }
        }
      });
    }
    for (auto& th : operators) th.join();
  }
  if (!failures.empty()) throw std::runtime_error("a report was refused: " + failures.front());
  double submitted_ms = Ms(Clock::now() - storm0);
  std::map<std::string, std::string> reported = pending;
  std::vector<double> decided_ms;
  PollUntilDone(
      pending,
      [&](const std::pair<const std::string, std::string>& m) {
        auto held = ShowMatter(*clients[m.second], m.first, 60'000);
        if (!held || !held->view.getFinal() || !held->view.getNoticeReceivedAt()) return false;
        decided_ms.push_back(Ms(Clock::now() - storm0));
        return true;
      },
      "matters not decided at their origin", run_dir);
  double last_decision_ms = *std::max_element(decided_ms.begin(), decided_ms.end());
  // None lost, none doubled: the bureau holds each reported matter once, each origin its own.
  std::vector<std::string> at_province = MatterIds(*clients[province]);
  std::set<std::string> unique(at_province.begin(), at_province.end());
  size_t found = 0;
  for (auto& [id, origin] : reported) found += unique.count(id);
  size_t origins_ok = 0;
  for (auto& c : counties) origins_ok += MatterIds(*clients[c]).size() == 1;
  bool storm_ok = found == reported.size() && unique.size() == at_province.size() &&
                  at_province.size() == reported.size() && origins_ok == counties.size();
  out << " done\n   all " << reported.size() << " reported in " << std::setprecision(0)
      << submitted_ms << " ms; last decision back at its origin after " << std::setprecision(1)
      << last_decision_ms / 1000 << " s (median " << Percentile(decided_ms, 50) / 1000
      << " s)\n   the bureau (" << province << ") holds " << at_province.size() << " matters, "
      << found << " of the " << reported.size() << " reported, " << unique.size()
      << " distinct; origins holding exactly one: " << origins_ok << "/" << counties.size()
      << (storm_ok ? " — none lost, none doubled\n" : " — MISMATCH\n");

  out << "4. notice: " << province << " sends one to each of the other " << others.size()
      << " nodes …" << std::flush;
  const std::string text = "省级通知 bench province";
  auto notice0 = Clock::now();
  for (auto& id : others) {
    capnp::MallocMessageBuilder req;
    auto s = req.initRoot<schema::ControlRequest>().initSend();
    s.setTo(id);
    s.setText(text);
    clients[province]->CallOk(req, 60'000);
  }
  double queued_ms = Ms(Clock::now() - notice0);
  std::set<std::string> waiting(others.begin(), others.end());
  PollUntilDone(
      waiting, [&](const std::string& id) { return InboxCount(*clients[id], text) > 0; },
      "nodes without the notice", run_dir);
  double notice_ms = Ms(Clock::now() - notice0);
  size_t once = 0;
  for (auto& id : others) once += InboxCount(*clients[id], text) == 1;
  out << " done\n   queued in " << std::setprecision(0) << queued_ms
      << " ms; the last node held it after " << std::setprecision(1) << notice_ms / 1000
      << " s; nodes holding it exactly once: " << once << "/" << others.size()
      << (once == others.size() ? " — none lost, none doubled\n" : " — MISMATCH\n");
  out << "\nstart-up: `zhuji cluster up` (brokers in dependency order, then each node until its "
         "link\nis up, one at a time); storm: from the first report request to the last "
         "origin's copy\nshowing the bureau's decision; notice: from the first send request to "
         "the last inbox\nholding it. Both end times are seen by sweeps that ask every pending "
         "node once, 20 ms\napart: a sweep's length is the resolution of the figure.\n";
  return storm_ok && once == others.size() ? 0 : 1;
}

}  // namespace zhuji::tools
