// `zhuji bench hop`: throughput and latency of one durable hop (zhuji-node → zhuji-broker →
// zhuji-node, three processes, fsync on every commit), next to the best case on this machine
// measured in the same run: the same LMDB batch commit and ZeroMQ round trip, in one process,
// with no broker and no workflow. Prints the machine it ran on. Not a test: it asserts nothing.
#include "tools/bench/bench.h"

#include <capnp/message.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/common/json.h"
#include "services/common/paths.h"
#include "services/store/store.h"
#include "services/wire/socket_util.h"
#include "services/workflows/matter.h"
#include "tests/support/temp_dir.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "tools/keyring.h"
#include "tools/process.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::tools {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kBenchUsage = R"(zhuji bench hop — throughput and latency of one durable hop

Usage: zhuji bench hop [--count N] [--size BYTES] [--samples N] [--window N] [--batch N]
                       [--dir DIR] [--json]

  --count N      envelopes for the throughput run (default 100000)
  --size BYTES   envelope size on the wire (default 1024)
  --samples N    one-at-a-time round trips for latency (default 1000)
  --window N     envelopes in flight, for both runs (default 16384, the node's default)
  --batch N      envelopes per receiver commit, for both runs (default 8192, the node's default)
  --dir DIR      where the stores go (default $TMPDIR or /var/tmp): the disk being measured
  --keep         keep the stores and logs (their directory is printed)
  --json         one JSON object instead of the table

       zhuji bench escalation [--count N] [--samples N] [--topology FILE] [--dir DIR]
         N unclear matters (default 200) one at a time, county → city → province → bureau and
         back on the TEST auto-review policy, next to N one-at-a-time durable hops (default 1000)
       zhuji bench filings [--count N] [--dir DIR] [--keep]
         N organs (default 1000) each file one 备案 (GD Art. 13) with the provincial bureau,
         which issues its 回执 on the TEST auto-receipt policy: filings/s end to end
       zhuji bench notices [--count N] [--rounds R] [--dir DIR] [--keep]
         广州市教育局 determines a secret known to N organs (default 1000) spread over the six
         nodes of the demo province, then R times (default 3) changes it (GD Art. 40): the time
         from each decision to the last 签收 (receipt) back at the deciding node
       zhuji bench drain [--count N] [--size BYTES] [--window N] [--batch N] [--dir DIR] [--json]
         N envelopes (default 100000) queued while the destination is down, drained once it
         starts: the drain rate next to the hop's, security off and on
       zhuji bench sign [--count N] [--size BYTES] [--batch N]
         what a signature costs per envelope, each suite (Ed25519, SM2/SM3), signed one by one
         and per batch (a hash tree, the root signed once); one core, cryptography only
       zhuji bench deadlines [--count N] [--due K] [--dir DIR]
         N open deadlines in one store (default 1000000): an idle tick, a tick with K due
         (default 1000), and a restart of a real zhuji-node to serving

Runs a broker and two nodes as separate processes with fsync on every commit, and in the same
run the best case: LMDB batch commit + ZeroMQ round trip in one process, no broker, no workflow.
)";

}  // namespace

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p / 100.0 * v.size())) - 1;
  return v[std::min(i, v.size() - 1)];
}

Machine Describe(const std::string& dir) {
  Machine m;
  m.cores = std::thread::hardware_concurrency();
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      m.cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long kb = 0;
  meminfo >> key >> kb;
  m.mem_gib = kb / 1024.0 / 1024.0;
  // Which mount holds `dir`: the longest mount point that prefixes it.
  std::ifstream mounts("/proc/mounts");
  std::string dev, mnt, type, rest;
  size_t best = 0;
  std::string canon = fs::weakly_canonical(dir).string();
  while (mounts >> dev >> mnt >> type && std::getline(mounts, rest)) {
    if (canon.rfind(mnt, 0) == 0 && mnt.size() >= best) {
      best = mnt.size();
      m.device = dev;
      m.fs_type = type;
    }
  }
  // fsync latency of a 4 KiB write, the floor under every durable commit.
  std::string path = dir + "/fsync-probe";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd >= 0) {
    std::string block(4096, 'z');
    std::vector<double> t;
    for (int i = 0; i < 50; ++i) {
      auto start = Clock::now();
      if (::pwrite(fd, block.data(), block.size(), 0) < 0) break;
      ::fdatasync(fd);
      t.push_back(Ms(Clock::now() - start));
    }
    ::close(fd);
    ::unlink(path.c_str());
    m.fsync_ms_p50 = Percentile(t, 50);
  }
  return m;
}

// "machine: …" as every benchmark prints it.
void PrintMachine(std::ostream& out, const Machine& m, const std::string& base) {
  out << "machine: " << m.cores << " cores (" << m.cpu << "), " << std::fixed
      << std::setprecision(1) << m.mem_gib << " GiB RAM; stores on " << m.device << " ("
      << m.fs_type << ") at " << base << "; fsync of 4 KiB p50 " << std::setprecision(2)
      << m.fsync_ms_p50 << " ms\n";
}

namespace {

// Text length that makes a notice envelope exactly `size` bytes on the wire (or as near as
// Cap'n Proto's 8-byte words allow).
uint32_t PadFor(size_t size) {
  for (uint32_t len = size > 200 ? static_cast<uint32_t>(size) - 200 : 0; len < size; ++len) {
    capnp::MallocMessageBuilder body;
    body.initRoot<schema::Notice>().setText(std::string(len, 'x'));
    std::string b = ToBytes(body);
    capnp::MallocMessageBuilder m;
    auto e = m.initRoot<schema::Envelope>();
    uint8_t id[16] = {};
    e.setId(capnp::Data::Reader(id, 16));
    e.setOrigin("440106");
    e.setDestination("440000");
    e.setSentAt(1);
    e.setBody(AsData(b));
    e.setLinkSeq(1);
    if (ToBytes(m).size() >= size) return len;
  }
  return 0;
}

struct Result {
  double throughput = 0;  // acked envelopes per second
  double seconds = 0;
  double cpu_seconds = 0;  // CPU time of every process of the run, all threads, while it ran
  std::vector<double> latency_ms;
  double CpuUsPerEnvelope(uint64_t count) const { return cpu_seconds * 1e6 / count; }
};

// User + system CPU time of this process (all its threads), in seconds.
double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// User + system CPU time of process `pid` (all its threads), in seconds, from /proc/PID/stat
// (fields 14 and 15, in clock ticks); 0 when it cannot be read.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  size_t close = line.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// ---- best case: one process, DEALER → ROUTER over loopback TCP, receiver batch-commits -------

Result BestCase(const std::string& dir, uint64_t count, size_t size, uint32_t window,
                uint32_t batch, int samples) {
  zmq::context_t ctx(1);
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::rcvhwm, 200'000);
  router.set(zmq::sockopt::sndhwm, 200'000);
  router.bind("tcp://127.0.0.1:*");
  std::string endpoint = router.get(zmq::sockopt::last_endpoint);
  std::atomic<bool> stop{false};

  std::thread receiver([&] {
    store::Env env({dir + "/best-case", 1ull << 30, false});
    uint64_t stored = 0;
    while (!stop.load()) {
      zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(50));
      if (!(item.revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> got;
      std::string peer;
      size_t parts = 0;
      zmq::message_t frame;
      while (got.size() < batch && wire::RecvRouted(router, &peer, frame, true, &parts)) {
        got.push_back(std::move(frame));
      }
      env.Write([&](store::Txn& t) {
        uint64_t n = stored;
        for (auto& g : got) t.Put("inbox", EncodeBe64(++n), wire::View(g));
      });
      stored += got.size();
      std::string ack = EncodeBe64(stored);
      wire::SendRouted(router, peer, ack);
    }
  });

  zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::sndhwm, 200'000);
  dealer.set(zmq::sockopt::rcvhwm, 200'000);
  dealer.connect(endpoint);
  std::string payload(size, 'x');
  uint64_t sent = 0, acked = 0;
  auto wait_ack = [&](int timeout_ms) {
    zmq::message_t m;
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms));
    while (dealer.recv(m, zmq::recv_flags::dontwait))
      acked = std::max(acked, DecodeBe64(wire::View(m)));
  };
  Result r;
  double cpu0 = SelfCpuSeconds();
  auto start = Clock::now();
  while (acked < count) {
    while (sent < count && sent - acked < window) {
      dealer.send(zmq::buffer(payload), zmq::send_flags::none);
      ++sent;
    }
    wait_ack(100);
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = SelfCpuSeconds() - cpu0;
  r.throughput = count / r.seconds;
  for (int i = 0; i < samples; ++i) {
    auto t0 = Clock::now();
    dealer.send(zmq::buffer(payload), zmq::send_flags::none);
    ++sent;
    while (acked < sent) wait_ack(100);
    r.latency_ms.push_back(Ms(Clock::now() - t0));
  }
  stop.store(true);
  receiver.join();
  return r;
}

// ---- the real hop: broker + two nodes, three processes ---------------------------------------

struct Procs {
  std::vector<pid_t> pids;
  ~Procs() {
    for (pid_t p : pids) StopProcess(p, SIGKILL, 5000);
  }
};

// A broker on a free loopback port; returns its endpoint. `extra`: more options (CURVE).
std::string StartBenchBroker(const std::string& dir, Procs& procs,
                             const std::vector<std::string>& extra = {}) {
  fs::remove(dir + "/broker.endpoint");
  std::vector<std::string> argv = {BinaryDir() + "/zhuji-broker",
                                   "--id",
                                   "bench",
                                   "--bind",
                                   "tcp://127.0.0.1:0",
                                   "--endpoint-file",
                                   dir + "/broker.endpoint",
                                   "--log-level",
                                   "warn"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  procs.pids.push_back(Spawn(argv, dir + "/broker.log", false));
  // Generous: a busy machine can take seconds to start a process.
  for (int i = 0; i < 6000 && !fs::exists(dir + "/broker.endpoint"); ++i) {
    if (!IsRunning(procs.pids.back())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string broker;
  std::ifstream(dir + "/broker.endpoint") >> broker;
  if (broker.empty()) throw std::runtime_error("the bench broker did not start; see " + dir);
  return broker;
}

// A node with fsync on every commit; `extra` is appended to its configuration. Returns its
// control endpoint.
std::string StartBenchNode(const std::string& dir, const std::string& broker, Procs& procs,
                           const std::string& id, const std::string& level,
                           const std::string& parent, const std::string& extra) {
  std::string ndir = dir + "/" + id;
  fs::create_directories(ndir);
  std::ofstream(ndir + "/node.toml")
      << "node_id = \"" << id << "\"\nname = \"bench\"\nlevel = \"" << level << "\"\n"
      << (parent.empty() ? "" : "parent = \"" + parent + "\"\n") << "brokers = [\"" << broker
      << "\"]\ndata_dir = \"" << ndir << "\"\nlog_file = \"" << ndir
      << "/node.log\"\nlog_level = \"warn\"\n"
      << extra << "\n";
  procs.pids.push_back(Spawn({BinaryDir() + "/zhuji-node", "--config", ndir + "/node.toml"},
                             ndir + "/stderr.log", false));
  return "ipc://" + ndir + "/control.sock";
}

// A broker and the two nodes of the hop, 440106 → 440000. `secure`: CURVE on both links, every
// envelope signed and verified (Ed25519), as `zhuji cluster up` runs by default
// (tools/keyring.h). The receiver starts when asked (StartReceiver), so that a backlog can wait
// for it.
struct HopCluster {
  HopCluster(const std::string& base, const std::string& name, uint32_t window, uint32_t batch,
             bool secure)
      : dir(base + "/" + name) {
    fs::create_directories(dir);
    std::vector<std::string> broker_args;
    std::string security;
    if (secure) {
      Keyring ring(dir + "/keys", "bench");
      std::string broker_curve = ring.Ensure(dir + "/broker", crypto::BrokerKeyId("bench")).curve;
      ring.Ensure(dir + "/440106", "440106");
      ring.Ensure(dir + "/440000", "440000");
      ring.Publish();
      broker_args = ring.BrokerArgs(dir + "/broker", {});
      security = "\n" + ring.NodeSecurity({broker_curve});
    }
    broker = StartBenchBroker(dir, procs, broker_args);
    extra = "[store]\nmap_size_mb = 1024\n[transport]\nwindow = " + std::to_string(window) +
            "\nmax_batch = " + std::to_string(batch) + security;
    sender = StartBenchNode(dir, broker, procs, "440106", "county", "440100", extra);
    Ready(sender);
    client = std::make_unique<ControlClient>(ctx, sender);  // one connection, as a console keeps
  }
  void StartReceiver() {
    receiver = StartBenchNode(dir, broker, procs, "440000", "province", "", extra);
  }
  // Waits until a node's link is up (generous: a busy machine can take seconds to start one).
  void Ready(const std::string& node) {
    if (!WaitForNodeLink(ctx, node, 60'000)) {
      throw std::runtime_error("a bench node did not come up; see " + dir);
    }
  }
  // Queues `n` notices of `size` bytes on the wire to 440000; `wait`: until acknowledged.
  void Send(uint32_t n, size_t size, bool wait) {
    capnp::MallocMessageBuilder req;
    auto s = req.initRoot<schema::ControlRequest>().initSend();
    s.setTo("440000");
    s.setText("b");
    s.setCount(n);
    s.setPadTo(PadFor(size));
    s.setWaitAck(wait);
    client->CallOk(req, 120'000);  // a node that died shows up as a timeout, not a hang
  }
  uint64_t Acked() {
    capnp::MallocMessageBuilder req;
    req.initRoot<schema::ControlRequest>().setStatus();
    auto reply = client->CallOk(req, 60'000);
    return reply->Root<schema::ControlReply>().getStatus().getAcked();
  }

  std::string dir;
  zmq::context_t ctx{1};
  Procs procs;
  std::string broker, extra, sender, receiver;
  std::unique_ptr<ControlClient> client;
};

// The outbox is filled in chunks, each an fsynced commit as operators' steps would be.
constexpr uint32_t kChunk = 5000;

Result Hop(const std::string& base, uint64_t count, size_t size, uint32_t window, uint32_t batch,
           int samples, bool secure) {
  HopCluster c(base, secure ? "secure" : "plain", window, batch, secure);
  c.StartReceiver();
  c.Ready(c.receiver);
  Result r;
  // Throughput: the pump drains the outbox while it fills; the clock stops when the last
  // envelope is acknowledged. CPU: the three processes' and this one's (the control client).
  auto cpu = [&] {
    double total = SelfCpuSeconds();
    for (pid_t p : c.procs.pids) total += ProcessCpuSeconds(p);
    return total;
  };
  double cpu0 = cpu();
  auto start = Clock::now();
  uint64_t queued = 0;
  while (queued < count) {
    uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(kChunk, count - queued));
    queued += n;
    c.Send(n, size, queued == count);
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = cpu() - cpu0;
  r.throughput = count / r.seconds;
  for (int i = 0; i < samples; ++i) {
    auto t0 = Clock::now();
    c.Send(1, size, true);
    r.latency_ms.push_back(Ms(Clock::now() - t0));
  }
  return r;
}

struct DrainResult {
  double link_up_s = 0;  // the receiver started → its link up
  double seconds = 0;    // the receiver started → the last envelope acknowledged
  double throughput = 0;
};

// After an outage: `count` envelopes wait in the sender's outbox while the receiver is down;
// the clock starts when the receiver is started and stops when the sender has every one of
// them acknowledged (its status, polled every 2 ms). Start-up and reconnection are inside.
DrainResult Drain(const std::string& base, uint64_t count, size_t size, uint32_t window,
                  uint32_t batch, bool secure) {
  HopCluster c(base, secure ? "drain-secure" : "drain-plain", window, batch, secure);
  for (uint64_t queued = 0; queued < count; queued += kChunk) {
    c.Send(static_cast<uint32_t>(std::min<uint64_t>(kChunk, count - queued)), size, false);
  }
  DrainResult r;
  auto start = Clock::now();
  c.StartReceiver();
  c.Ready(c.receiver);
  r.link_up_s = std::chrono::duration<double>(Clock::now() - start).count();
  auto deadline = Clock::now() + std::chrono::minutes(10);
  while (c.Acked() < count) {
    if (Clock::now() > deadline) throw std::runtime_error("the drain did not finish; see " + c.dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.throughput = count / r.seconds;
  return r;
}

// ---- one escalation end to end, auto-reviewed, next to one durable hop ---------------------

struct EscalationRun {
  std::vector<double> end_to_end_ms;  // report request sent → the origin holds the decision
  std::vector<double> recorded_ms;    // the origin's reported-at → its notice received-at
  std::vector<double> hop_ms;         // `send --wait` county → city: one durable hop
};

// A broker and the three nodes of one route, 天河区 440106 → 广州市 440100 → 广东省 440000, with
// `topology` as their directory; the province (and the city when `city_auto`) on the TEST
// auto-review policy. Their control endpoints, once every link is up (within `wait_ms`).
struct ThreeLevels {
  std::string county, city, province;
};
ThreeLevels StartThreeLevels(const std::string& dir, const std::string& topology, Procs& procs,
                             zmq::context_t& ctx, bool city_auto, int wait_ms) {
  std::string broker = StartBenchBroker(dir, procs);
  std::string plain = "directory = \"" + topology + "\"\n";
  std::string automatic = plain + "[escalation]\nauto_review = true\n";
  ThreeLevels n{
      StartBenchNode(dir, broker, procs, "440106", "county", "440100", plain),
      StartBenchNode(dir, broker, procs, "440100", "city", "440000", city_auto ? automatic : plain),
      StartBenchNode(dir, broker, procs, "440000", "province", "", automatic)};
  for (auto& ep : {n.county, n.city, n.province}) {
    if (!WaitForNodeLink(ctx, ep, wait_ms)) {
      throw std::runtime_error("a bench node did not come up; see " + dir);
    }
  }
  return n;
}

EscalationRun Escalations(const std::string& dir, const std::string& topology, int count,
                          int hop_samples) {
  zmq::context_t ctx(1);
  Procs procs;
  // TEST POLICY: the city and province organs review and decide at once (no person).
  ThreeLevels nodes = StartThreeLevels(dir, topology, procs, ctx, true, 60'000);
  EscalationRun run;
  ControlClient origin(ctx, nodes.county);
  for (int i = 0; i < count; ++i) {
    auto t0 = Clock::now();
    capnp::MallocMessageBuilder req;
    auto r = req.initRoot<schema::ControlRequest>().initMatter();
    r.setOp(schema::MatterRequest::Op::REPORT);
    r.setScope("本单位相关人员");
    r.setOrgan("jyj");
    r.setTitle("bench #" + std::to_string(i + 1));
    r.setMark("秘密★5年");
    SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kUnclear));
    auto reply = origin.CallOk(req, 30'000);
    std::string id = reply->Root<schema::ControlReply>().getMatterViews()[0].getId();
    while (true) {
      if (Ms(Clock::now() - t0) > 60'000) {
        throw std::runtime_error("escalation " + id + " did not come back in 60 s; see " + dir);
      }
      auto held = ShowMatter(origin, id, 30'000);
      if (!held) throw std::runtime_error("escalation " + id + " is gone from the origin");
      if (held->view.getFinal() && held->view.getNoticeReceivedAt()) {
        run.end_to_end_ms.push_back(Ms(Clock::now() - t0));
        run.recorded_ms.push_back(
            static_cast<double>(held->view.getNoticeReceivedAt() - held->view.getReportedAt()));
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  for (int i = 0; i < hop_samples; ++i) {
    auto t0 = Clock::now();
    capnp::MallocMessageBuilder req;
    auto s = req.initRoot<schema::ControlRequest>().initSend();
    s.setTo("440100");
    s.setText("hop");
    s.setWaitAck(true);
    origin.CallOk(req, 30'000);
    run.hop_ms.push_back(Ms(Clock::now() - t0));
  }
  return run;
}

// The demo topology beside the build (deploy/topologies/guangdong-demo.toml).
std::string DefaultTopology() {
  for (const char* rel : {"/../../deploy/topologies/guangdong-demo.toml",
                          "/../deploy/topologies/guangdong-demo.toml"}) {
    std::string p = BinaryDir() + rel;
    if (fs::exists(p)) return fs::canonical(p).string();
  }
  return "";
}

int BenchEscalation(const Args& args, std::ostream& out) {
  int count = static_cast<int>(args.GetInt("count", 200, 1, 1'000'000));
  int samples = static_cast<int>(args.GetInt("samples", 1000, 1, 1'000'000));
  std::string topology = args.Get("topology", DefaultTopology());
  if (topology.empty() || !fs::exists(topology)) {
    throw UsageError("bench escalation: --topology FILE (the demo topology was not found)");
  }
  topology = fs::canonical(topology).string();
  std::string base = args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp");
  TempDir scratch("zhuji-bench-", base);
  out << "zhuji bench escalation\n";
  PrintMachine(out, Describe(scratch.path()), base);
  out << "load: " << count
      << " 不明确事项, one at a time, from 天河区教育局 (440106) through 广州市"
      << "教育局 (440100)\nand 广东省教育厅 to 广东省国家保密局 (440000) and back; city and "
         "province "
      << "on the TEST\nauto-review policy; then " << samples
      << " one-at-a-time durable hops 440106 → 440100 …" << std::flush;
  EscalationRun run = Escalations(scratch.path(), topology, count, samples);
  out << " done\n\n";
  auto row = [&](const char* name, const std::vector<double>& v) {
    out << "  " << std::left << std::setw(44) << name << std::right << " p50 " << std::setw(7)
        << std::setprecision(2) << Percentile(v, 50) << " ms   p99 " << std::setw(7)
        << Percentile(v, 99) << " ms\n";
  };
  row("escalation, report → decision at the origin", run.end_to_end_ms);
  row("  as the origin recorded it (ms clock)", run.recorded_ms);
  row("one durable hop (send --wait)", run.hop_ms);
  out << "  ratio      " << std::setprecision(1)
      << Percentile(run.end_to_end_ms, 50) / Percentile(run.hop_ms, 50) << " × one hop (p50)\n\n"
      << "escalation: the operator's report commit at the county, then county → city (forwarded "
         "in\n"
      << "the receiving transaction), city → province (教育厅 forwards to the bureau on the same\n"
      << "node, which decides), province → county; measured from the control request to the\n"
      << "origin's copy showing the decision (polled every 0.2 ms). hop: outbox commit → broker →\n"
      << "inbox commit → ack → outbox deletion, through the control socket.\n";
  return 0;
}

// ---- 备案 end to end: N organs each file once with the provincial bureau ---------------------

// A topology for the bench: 广东省 with its bureau, 广州市 with `organs` authorizing organs of
// their own lines, 天河区 with the grantee.
std::string FilingTopology(const std::string& dir, int organs) {
  std::ostringstream t;
  t << "name = \"bench-filings\"\n[[broker]]\nid = \"bench\"\n"
    << "[[node]]\nid = \"440000\"\nname = \"广东省\"\nlevel = \"province\"\n"
    << "[[node.organ]]\ncode = \"bmj\"\nname = \"广东省国家保密局\"\nline = \"secrecy-admin\"\n"
    << "authority = \"绝密\"\nauthorizing = true\nhead = \"局长\"\n"
    << "[[node]]\nid = \"440100\"\nname = \"广州市\"\nlevel = \"city\"\nparent = \"440000\"\n"
    << "[[node.organ]]\ncode = \"bmj\"\nname = \"广州市国家保密局\"\nline = \"secrecy-admin\"\n"
    << "authority = \"机密\"\nauthorizing = true\n";
  for (int i = 1; i <= organs; ++i) {
    t << "[[node.organ]]\ncode = \"o" << i << "\"\nname = \"广州市第" << i
      << "局\"\nline = \"bench-" << i << "\"\nauthority = \"秘密\"\nauthorizing = true\n";
  }
  t << "[[node]]\nid = \"440106\"\nname = \"天河区\"\nlevel = \"county\"\nparent = \"440100\"\n"
    << "[[node.organ]]\ncode = \"bmj\"\nname = \"天河区国家保密局\"\nline = \"secrecy-admin\"\n"
    << "[[node.organ]]\ncode = \"jyj\"\nname = \"天河区教育局\"\nline = \"education\"\n";
  std::string path = dir + "/topology.toml";
  std::ofstream(path) << t.str();
  return path;
}

// Ids of the filings the node's organs owe or wait on a 回执 for.
std::vector<std::string> OwedFilings(ControlClient& node) {
  capnp::MallocMessageBuilder req;
  auto f = req.initRoot<schema::ControlRequest>().initFiling();
  f.setOp(schema::FilingRequest::Op::LIST);
  f.setFilter("owed");
  auto reply = node.CallOk(req, 60'000);
  std::vector<std::string> ids;
  for (auto v : reply->Root<schema::ControlReply>().getFilings()) ids.push_back(v.getId());
  return ids;
}

int BenchFilings(const Args& args, std::ostream& out) {
  int count = static_cast<int>(args.GetInt("count", 1000, 1, 100'000));
  std::string base = args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp");
  TempDir scratch("zhuji-bench-", base);
  if (args.Flag("keep")) scratch.Keep();
  const std::string& dir = scratch.path();
  out << "zhuji bench filings\n";
  PrintMachine(out, Describe(dir), base);
  out << "load: " << count << " organs of 广州市 (440100) each grant authority (GD Art. 6) and "
      << "file that grant\nwith 广东省国家保密局 (440000, GD Art. 13); the bureau issues each "
      << "回执 on the TEST\nauto-receipt policy; security off, fsync on every commit"
      << (args.Flag("keep") ? "; keeping " + dir : std::string()) << "\n\nsetting up …"
      << std::flush;
  std::string topology = FilingTopology(dir, count);
  zmq::context_t ctx(1);
  Procs procs;
  // TEST POLICY: the province's bureau issues each 回执 at once.
  ThreeLevels nodes = StartThreeLevels(dir, topology, procs, ctx, false, 60'000);
  ControlClient filer(ctx, nodes.city);
  for (int i = 1; i <= count; ++i) {
    capnp::MallocMessageBuilder req;
    auto g = req.initRoot<schema::ControlRequest>().initGrant();
    g.setOp(schema::GrantRequest::Op::DECIDE);
    g.setOrgan("o" + std::to_string(i));
    g.setGrantee("440106/jyj");
    g.setCeiling("秘密");
    g.setMatters("bench");
    g.setTermMonths(36);
    g.setProactive(true);
    g.setTask("bench");
    g.setDocNumber("bench-" + std::to_string(i));
    g.setBy("bench");
    filer.CallOk(req, 60'000);
  }
  std::vector<std::string> owed = OwedFilings(filer);
  if (owed.size() != static_cast<size_t>(count)) {
    throw std::runtime_error("expected " + std::to_string(count) + " filings owed, found " +
                             std::to_string(owed.size()) + "; see " + dir);
  }
  out << " done\nsubmitting " << count << " filings, one control request each …" << std::flush;
  auto t0 = Clock::now();
  for (const auto& id : owed) {
    capnp::MallocMessageBuilder req;
    auto f = req.initRoot<schema::ControlRequest>().initFiling();
    f.setOp(schema::FilingRequest::Op::SUBMIT);
    f.setId(id);
    auto list = f.initMaterials(3);
    list.set(0, "定密授权决定书");
    list.set(1, "被授权机关近三年原始定密统计表");
    list.set(2, "被授权机关定密责任人备案表");
    f.setBy("bench");
    filer.CallOk(req, 60'000);
  }
  double submitted_s = std::chrono::duration<double>(Clock::now() - t0).count();
  auto limit = Clock::now() + std::chrono::minutes(10);
  size_t left = count;
  while ((left = OwedFilings(filer).size()) > 0) {
    if (Clock::now() > limit) {
      throw std::runtime_error(std::to_string(left) +
                               " filings without a 回执 after 10 minutes; see " + dir);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double total_s = std::chrono::duration<double>(Clock::now() - t0).count();
  out << " done\n\n"
      << "  submitted (control request → commit, one by one)  " << std::fixed
      << std::setprecision(2) << submitted_s << " s  = " << std::setprecision(0)
      << count / submitted_s << " filings/s\n"
      << "  end to end (first submit → last 回执 at the filer)  " << std::setprecision(2) << total_s
      << " s  = " << std::setprecision(0) << count / total_s << " filings/s\n\n"
      << "each filing: the filer's commit (filing + its duty met + outbox), 440100 → broker →\n"
      << "440000 (inbox commit, the 回执 in the same transaction), 440000 → broker → 440100\n"
      << "(inbox commit, the duty closed); the end is seen by polling the filer's owed list\n"
      << "every 20 ms.\n";
  return 0;
}

// ---- written notices: one decision, N organs in its 知悉范围, every 签收 back -----------------

// The six nodes of the demo province, each with its secrecy bureau; 广州市教育局 (440100/jyj)
// decides; `organs` more organs spread over the six nodes round robin.
const std::vector<std::tuple<const char*, const char*, const char*>> kNoticeNodes = {
    {"440000", "province", ""},     {"440100", "city", "440000"},   {"440300", "city", "440000"},
    {"440106", "county", "440100"}, {"440104", "county", "440100"}, {"440305", "county", "440300"}};

std::string NoticeTopology(const std::string& dir, int organs) {
  std::ostringstream t;
  t << "name = \"bench-notices\"\n[[broker]]\nid = \"bench\"\n";
  for (size_t n = 0; n < kNoticeNodes.size(); ++n) {
    auto [id, level, parent] = kNoticeNodes[n];
    t << "[[node]]\nid = \"" << id << "\"\nname = \"node " << id << "\"\nlevel = \"" << level
      << "\"\n"
      << (*parent ? std::string("parent = \"") + parent + "\"\n" : std::string())
      << "[[node.organ]]\ncode = \"bmj\"\nname = \"" << id
      << "国家保密局\"\nline = \"secrecy-admin\"\nauthority = \"" << (n == 0 ? "绝密" : "机密")
      << "\"\nhead = \"局长" << id << "\"\n";
    if (std::string(id) == "440100") {
      t << "[[node.organ]]\ncode = \"jyj\"\nname = \"广州市教育局\"\nline = \"education\"\n"
        << "authority = \"秘密\"\nhead = \"陈七\"\n";
    }
    for (int i = static_cast<int>(n) + 1; i <= organs; i += static_cast<int>(kNoticeNodes.size())) {
      t << "[[node.organ]]\ncode = \"o" << i << "\"\nname = \"第" << i << "机关\"\nline = \"bench-"
        << i << "\"\n";
    }
  }
  std::string path = dir + "/topology.toml";
  std::ofstream(path) << t.str();
  return path;
}

// How many recipients of notice `version` of `id` have receipted it, and how many there are.
std::pair<size_t, size_t> Receipted(ControlClient& node, const std::string& id, uint64_t version) {
  capnp::MallocMessageBuilder req;
  auto s = req.initRoot<schema::ControlRequest>().initSecret();
  s.setOp(schema::SecretRequest::Op::NOTICES);
  s.setId(id);
  auto reply = node.CallOk(req, 60'000);
  for (auto n : reply->Root<schema::ControlReply>().getSecretNotices()) {
    if (n.getVersion() != version) continue;
    size_t done = 0;
    for (auto r : n.getRecipients()) done += r.getReceiptedAt() != 0;
    return {done, n.getRecipients().size()};
  }
  return {0, 0};
}

int BenchNotices(const Args& args, std::ostream& out) {
  int count = static_cast<int>(args.GetInt("count", 1000, 1, 100'000));
  int rounds = static_cast<int>(args.GetInt("rounds", 3, 1, 100));
  std::string base = args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp");
  TempDir scratch("zhuji-bench-", base);
  if (args.Flag("keep")) scratch.Keep();
  const std::string& dir = scratch.path();
  out << "zhuji bench notices\n";
  PrintMachine(out, Describe(dir), base);
  out << "load: 广州市教育局 (440100/jyj) determines one secret whose 知悉范围 names " << count
      << " organs\nspread over six nodes (one broker, six zhuji-node processes), then changes it "
      << rounds
      << " time(s)\n(GD Art. 40); each copy and 签收 is one envelope per node, on the "
         "urgent lane for the\nchanges; security off, fsync on every commit"
      << (args.Flag("keep") ? "; keeping " + dir : std::string()) << "\n\nsetting up …"
      << std::flush;
  std::string topology = NoticeTopology(dir, count);
  zmq::context_t ctx(1);
  Procs procs;
  std::string broker = StartBenchBroker(dir, procs);
  std::string decider;
  for (auto [id, level, parent] : kNoticeNodes) {
    std::string ep =
        StartBenchNode(dir, broker, procs, id, level, parent, "directory = \"" + topology + "\"\n");
    if (std::string(id) == "440100") decider = ep;
  }
  for (auto [id, level, parent] : kNoticeNodes) {
    if (!WaitForNodeLink(ctx, "ipc://" + dir + "/" + id + "/control.sock", 60'000)) {
      throw std::runtime_error(std::string("node ") + id + " did not come up; see " + dir);
    }
  }
  ControlClient node(ctx, decider);
  auto secret = [&](const std::function<void(schema::SecretRequest::Builder)>& fill) {
    capnp::MallocMessageBuilder req;
    fill(req.initRoot<schema::ControlRequest>().initSecret());
    return node.CallOk(req, 60'000);
  };
  secret([](schema::SecretRequest::Builder s) {
    s.setOp(schema::SecretRequest::Op::SCOPE_APPROVE);
    s.setOrgan("jyj");
    s.setBy("陈七");
    auto e = s.initEntries(1);
    e[0].setName("bench");
    e[0].setBasis("bench");
    e[0].setMark("秘密★1年");
    e[0].setScope("bench");
    e[0].setDepartment("bench");
  });
  auto proposed = secret([&](schema::SecretRequest::Builder s) {
    s.setOp(schema::SecretRequest::Op::PROPOSE);
    s.setOrgan("jyj");
    s.setEntryNo(1);
    s.setTitle("bench");
    s.setMark("秘密★1年");
    s.setScope("bench");
    s.setBasis("bench");
    s.setReasons("bench");
    s.setBy("bench");
    auto organs = s.initScopeOrgans(count);
    for (int i = 1; i <= count; ++i) {
      auto [nid, l, p] = kNoticeNodes[(i - 1) % kNoticeNodes.size()];
      organs.set(i - 1, std::string(nid) + "/o" + std::to_string(i));
    }
  });
  std::string id = proposed->Root<schema::ControlReply>().getSecrets()[0].getId();
  auto wait_all = [&](uint64_t version) {
    auto limit = Clock::now() + std::chrono::minutes(10);
    while (true) {
      auto [done, of] = Receipted(node, id, version);
      if (of && done == of) return of;
      if (Clock::now() > limit) {
        throw std::runtime_error("notice " + std::to_string(version) + ": " + std::to_string(done) +
                                 "/" + std::to_string(of) + " receipts after 10 minutes; see " +
                                 dir);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  out << " done\n\n";
  std::vector<std::pair<std::string, double>> rows;
  auto t0 = Clock::now();
  secret([&](schema::SecretRequest::Builder s) {
    s.setOp(schema::SecretRequest::Op::APPROVE);
    s.setId(id);
    s.setBy("陈七");
  });
  double decided_ms = Ms(Clock::now() - t0);
  size_t recipients = wait_all(1);
  rows.push_back({"确定 approval, copies to every organ (ordinary lane)", Ms(Clock::now() - t0)});
  out << "  decision request (one commit: record, notice, duties, outbox)  " << std::fixed
      << std::setprecision(1) << decided_ms << " ms\n";
  for (int r = 1; r <= rounds; ++r) {
    auto t1 = Clock::now();
    secret([&](schema::SecretRequest::Builder s) {
      s.setOp(schema::SecretRequest::Op::CHANGE);
      s.setId(id);
      s.setChangeKind("change");
      s.setScope("bench scope " + std::to_string(r));
      s.setDocNumber("bench-" + std::to_string(r));
      s.setReason("bench");
      s.setBy("陈七");
    });
    wait_all(static_cast<uint64_t>(r) + 1);
    rows.push_back({"变更 change notice " + std::to_string(r) + " (GD Art. 40, urgent lane)",
                    Ms(Clock::now() - t1)});
  }
  out << "  recipients: " << recipients << " organs (" << count
      << " named; the deciding node's own are receipted at once)\n\n";
  for (auto& [name, ms] : rows) {
    out << "  " << std::setw(8) << std::setprecision(1) << ms << " ms  decision → last 签收  "
        << name << "\n";
  }
  out << "\neach: the decision's commit at 440100 (the item, the notice with every recipient, a\n"
         "duty per remote recipient, one envelope per node), 440100 → broker → five nodes (each\n"
         "stores the copy and queues its 签收 in one commit), back to 440100 (the duties\n"
         "closed); the end is seen by polling the notice every 5 ms.\n";
  return 0;
}

// The options `bench hop` and `bench drain` share, and their scratch directory (kept with
// --keep).
struct HopOptions {
  explicit HopOptions(const Args& args)
      : count(static_cast<uint64_t>(args.GetInt("count", 100'000, 1, 100'000'000))),
        size(static_cast<size_t>(args.GetInt("size", 1024, 256, 1 << 20))),
        window(static_cast<uint32_t>(args.GetInt("window", 16384, 1, 1'000'000))),
        batch(static_cast<uint32_t>(args.GetInt("batch", 8192, 1, 1'000'000))),
        base(args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp")),
        scratch("zhuji-bench-", base),
        json(args.Flag("json")),
        machine(Describe(scratch.path())) {
    if (args.Flag("keep")) scratch.Keep();  // the stores and logs, to look at afterwards
  }
  const std::string& dir() const { return scratch.path(); }
  uint64_t count;
  size_t size;
  uint32_t window, batch;
  std::string base;
  TempDir scratch;
  bool json;
  Machine machine;
};

int BenchDrain(const Args& args, std::ostream& out) {
  HopOptions o(args);
  if (!o.json) {
    out << "zhuji bench drain\n";
    PrintMachine(out, o.machine, o.base);
    out << "load: " << o.count << " envelopes of " << o.size
        << " B queued while the destination is down, then drained; next to the hop with the "
           "destination up\n\n";
  }
  struct Row {
    const char* name;
    Result hop;
    DrainResult drain;
  };
  std::vector<Row> rows;
  for (bool secure : {false, true}) {
    const char* name = secure ? "secure" : "plain";
    if (!o.json) out << name << ": hop …" << std::flush;
    Result hop = Hop(o.dir(), o.count, o.size, o.window, o.batch, 0, secure);
    if (!o.json) out << " drain …" << std::flush;
    DrainResult drain = Drain(o.dir(), o.count, o.size, o.window, o.batch, secure);
    if (!o.json) out << " done\n";
    rows.push_back({name, hop, drain});
  }
  if (o.json) {
    JsonWriter j;
    j.BeginObject();
    j.Key("count").Uint(o.count).Key("size").Uint(o.size);
    for (auto& r : rows) {
      j.Key(r.name).BeginObject();
      j.Key("hop_acked_per_s").Int(static_cast<int64_t>(r.hop.throughput));
      j.Key("drain_acked_per_s").Int(static_cast<int64_t>(r.drain.throughput));
      j.Key("drain_ms").Int(static_cast<int64_t>(r.drain.seconds * 1000));
      j.Key("link_up_ms").Int(static_cast<int64_t>(r.drain.link_up_s * 1000));
      j.Key("ratio_x1000").Int(static_cast<int64_t>(r.drain.throughput / r.hop.throughput * 1000));
      j.EndObject();
    }
    j.EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << "\n";
  for (auto& r : rows) {
    out << "  " << std::left << std::setw(7) << r.name << std::right << " hop "
        << static_cast<int64_t>(r.hop.throughput) << " acked/s; drain of " << o.count << " in "
        << std::setprecision(2) << r.drain.seconds
        << " s = " << static_cast<int64_t>(r.drain.throughput) << " acked/s (link up after "
        << r.drain.link_up_s << " s); drain / hop " << r.drain.throughput / r.hop.throughput
        << "\n";
  }
  out << "\ndrain: the clock starts when the destination node is started and stops when the "
         "sender has\nevery queued envelope acknowledged (start-up and reconnection included).\n";
  return 0;
}

}  // namespace

int CmdBench(const Args& args, std::ostream& out) {
  args.Allow({"count", "size", "samples", "dir", "json", "help", "window", "batch", "due",
              "calendar-dir", "keep", "topology", "rounds", "insecure", "idle-seconds"});
  if (args.positionals().size() >= 2 && args.positionals()[1] == "deadlines") {
    return BenchDeadlines(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "sign") {
    return BenchSign(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "escalation") {
    return BenchEscalation(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "filings") {
    return BenchFilings(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "notices") {
    return BenchNotices(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "province") {
    return BenchProvince(args, out);
  }
  if (args.positionals().size() >= 2 && args.positionals()[1] == "drain") {
    return BenchDrain(args, out);
  }
  if (args.Flag("help") || args.positionals().size() < 2 || args.positionals()[1] != "hop") {
    out << kBenchUsage;
    return args.Flag("help") ? 0 : 2;
  }
  HopOptions o(args);
  const uint64_t count = o.count;
  const size_t size = o.size;
  int samples = static_cast<int>(args.GetInt("samples", 1000, 1, 1'000'000));
  const uint32_t window = o.window, batch = o.batch;
  const std::string& dir = o.dir();
  bool json = o.json;
  if (!json) {
    out << "zhuji bench hop\n";
    PrintMachine(out, o.machine, o.base);
    out << "load: " << count << " envelopes of " << size << " B, then " << samples
        << " one at a time; fsync on every commit\n\n"
        << (args.Flag("keep") ? "keeping " + dir + " (--keep)\n" : "")
        << "best case: LMDB batch commit + ZeroMQ round trip, one process …" << std::flush;
  }
  Result best = BestCase(dir, count, size, window, batch, samples);
  if (!json) {
    out << " done\nzhuji hop, security off: zhuji-node → zhuji-broker → zhuji-node …" << std::flush;
  }
  Result hop = Hop(dir, count, size, window, batch, samples, false);
  if (!json) out << " done\nzhuji hop, security on (CURVE + Ed25519 signatures) …" << std::flush;
  Result secure = Hop(dir, count, size, window, batch, samples, true);
  double ratio = hop.throughput / best.throughput;
  double secure_ratio = secure.throughput / best.throughput;
  if (json) {
    JsonWriter j;
    j.BeginObject();
    const Machine& m = o.machine;
    j.Key("machine").BeginObject().Key("cores").Uint(m.cores).Key("cpu").String(m.cpu);
    j.Key("mem_gib").Int(static_cast<int64_t>(m.mem_gib + 0.5)).Key("device").String(m.device);
    j.Key("fs")
        .String(m.fs_type)
        .Key("fsync_4k_p50_us")
        .Int(static_cast<int64_t>(m.fsync_ms_p50 * 1000));
    j.EndObject();
    j.Key("count").Uint(count).Key("size").Uint(size).Key("samples").Int(samples);
    for (auto [name, r] : {std::pair<const char*, Result*>{"best_case", &best},
                           {"hop", &hop},
                           {"hop_secure", &secure}}) {
      j.Key(name).BeginObject();
      j.Key("acked_per_s").Int(static_cast<int64_t>(r->throughput));
      j.Key("latency_p50_us").Int(static_cast<int64_t>(Percentile(r->latency_ms, 50) * 1000));
      j.Key("latency_p99_us").Int(static_cast<int64_t>(Percentile(r->latency_ms, 99) * 1000));
      j.Key("cpu_ns_per_envelope").Int(static_cast<int64_t>(r->CpuUsPerEnvelope(count) * 1000));
      j.Key("cores_busy_x1000").Int(static_cast<int64_t>(r->cpu_seconds / r->seconds * 1000));
      j.EndObject();
    }
    j.Key("ratio_x1000").Int(static_cast<int64_t>(ratio * 1000));
    j.Key("secure_ratio_x1000").Int(static_cast<int64_t>(secure_ratio * 1000));
    j.EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << " done\n\n";
  auto row = [&](const char* name, const Result& r) {
    out << "  " << std::left << std::setw(12) << name << std::right << std::setw(10)
        << static_cast<int64_t>(r.throughput) << " acked/s   latency p50 " << std::setprecision(2)
        << Percentile(r.latency_ms, 50) << " ms, p99 " << Percentile(r.latency_ms, 99)
        << " ms   CPU " << std::setprecision(3) << r.CpuUsPerEnvelope(count) << " µs/envelope ("
        << std::setprecision(2) << r.cpu_seconds / r.seconds << " cores busy)\n";
  };
  row("best case", best);
  row("hop, plain", hop);
  row("hop, secure", secure);
  out << "  ratio      " << std::setprecision(2) << ratio << " (plain), " << secure_ratio
      << " (secure) × best case throughput\n"
      << "  security's cost: " << std::setprecision(2)
      << (1 - secure.throughput / hop.throughput) * 100 << "% of the plain hop's throughput, "
      << secure.CpuUsPerEnvelope(count) - hop.CpuUsPerEnvelope(count)
      << " µs of CPU per envelope\n\n"
      << "best case: sender window " << window << ", receiver commits each batch (≤" << batch
      << ") in one LMDB\n"
      << "transaction, then one cumulative ack; latency = send one, wait for its ack (1 fsync).\n"
      << "zhuji hop: the sender's outbox commit (chunks of 5000), pump → broker → receiver group\n"
      << "commit → ack → broker → sender's outbox deletion commit; latency = `zhuji send --wait`\n"
      << "round trip through the control socket (3 fsyncs: outbox, inbox, outbox deletion).\n"
      << "secure: the same with CURVE on both links and ZAP at the broker, each envelope signed\n"
      << "(Ed25519) by the sender and verified against the signed directory of keys before the\n"
      << "receiver applies it.\n"
      << "CPU: user + system time of every process of the run (all threads; the hop's three and\n"
      << "the benchmark's control client) during the throughput run, per envelope; on "
      << o.machine.cores << " cores\nno run can go faster than " << o.machine.cores
      << " ÷ its CPU per envelope.\n";
  return 0;
}

}  // namespace zhuji::tools
