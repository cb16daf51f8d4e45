// `zhuji bench deadlines`: a node's deadline table at scale (issue #3). Opens N deadlines in a
// real store, then measures an idle tick, a tick with K due, and a restart of a real zhuji-node
// process on that store until it answers on its control socket. Prints figures; asserts nothing.
#include <capnp/message.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <thread>

#include "services/calendar/calendar.h"
#include "services/common/paths.h"
#include "services/deadlines/deadlines.h"
#include "services/store/store.h"
#include "tests/support/temp_dir.h"
#include "tools/bench/bench.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

double MsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int BenchDeadlines(const Args& args, std::ostream& out) {
  uint64_t count = static_cast<uint64_t>(args.GetInt("count", 1'000'000, 1000, 100'000'000));
  uint64_t due = static_cast<uint64_t>(args.GetInt("due", 1000, 1, 1'000'000));
  if (due > count) throw UsageError("--due cannot exceed --count");
  std::string base = args.Get("dir", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/var/tmp");
  TempDir scratch("zhuji-bench-dl-", base);
  if (args.Flag("keep")) scratch.Keep();
  const std::string& dir = scratch.path();
  if (args.Flag("keep")) out << "keeping " << dir << " (--keep)\n";
  std::string cal_dir = args.Get("calendar-dir", calendar::DefaultCalendarDir(BinaryDir()));
  calendar::Calendar cal = calendar::LoadCalendarDir(cal_dir);
  deadlines::DeadlineBook book(cal, deadlines::DeadlinePolicy{3});
  auto d = [](const char* s) { return *calendar::ParseDate(s); };

  out << "zhuji bench deadlines: " << count << " open deadlines, " << due
      << " of them due at the measured tick; store under " << base << "\n"
      << std::flush;
  auto t_fill = SteadyClock::now();
  {
    store::Env env({dir + "/store", 1ull << 30, false});
    // `due` deadlines from 2025-03-03 (their reminders fall on 2025-03-26); the rest start on
    // days spread over 2025-06 … 2026-11, so nothing else is near.
    int64_t now = calendar::EndOfDayCstMs(d("2025-03-02"));
    const uint64_t kPerTxn = 20'000;
    for (uint64_t done = 0; done < count;) {
      env.Write([&](store::Txn& txn) {
        for (uint64_t i = done; i < std::min(count, done + kPerTxn); ++i) {
          deadlines::DeadlineSpec spec;
          spec.item = "matter/" + std::to_string(i);
          spec.step = "report";
          spec.rule = "GD Art. 30";
          spec.trigger = i < due ? d("2025-03-03") : d("2025-06-02") + static_cast<int>(i % 540);
          spec.working_days = 20;
          spec.supervisor = "440100";
          auto st = book.Open(txn, spec, now);
          if (!st.ok()) throw std::runtime_error(st.message());
        }
      });
      done = std::min(count, done + kPerTxn);
      if (done % 200'000 == 0 || done == count) {
        out << "  opened " << done << " (" << std::fixed << std::setprecision(1)
            << MsSince(t_fill) / 1000 << " s)\n"
            << std::flush;
      }
    }
  }
  double fill_s = MsSince(t_fill) / 1000;
  double store_mb = 0;
  for (auto& e : fs::directory_iterator(dir + "/store")) store_mb += fs::file_size(e.path()) / 1e6;

  store::Env env({dir + "/store", 1ull << 30, false});
  // Idle tick: what the timer does when it wakes and nothing is due — read the first key of the
  // timer table and compare (the loop itself only compares a cached time).
  std::vector<double> idle;
  int64_t before_due = calendar::EndOfDayCstMs(d("2025-03-25")) - 1;  // reminders at 03-26 00:00
  for (int i = 0; i < 2000; ++i) {
    auto t = SteadyClock::now();
    auto txn = env.BeginRead();
    auto next = deadlines::DeadlineBook::NextEventMs(txn);
    if (!next || *next <= before_due)
      throw std::runtime_error("bench setup: something is due early");
    idle.push_back(MsSince(t));
  }
  // A write transaction that finds nothing due and commits (fsync).
  std::vector<double> idle_write;
  for (int i = 0; i < 50; ++i) {
    auto t = SteadyClock::now();
    env.Write([&](store::Txn& txn) { book.Fire(txn, before_due); });
    idle_write.push_back(MsSince(t));
  }
  // The tick with `due` reminders due: fire them, move their timer entries, audit, commit.
  int64_t at = calendar::EndOfDayCstMs(d("2025-03-26")) - 12 * 3'600'000;
  size_t fired = 0;
  auto t_tick = SteadyClock::now();
  env.Write([&](store::Txn& txn) { fired = book.Fire(txn, at).size(); });
  double tick_ms = MsSince(t_tick);
  if (fired != due) {
    throw std::runtime_error("bench: fired " + std::to_string(fired) + ", expected " +
                             std::to_string(due));
  }

  // Restart to serving: a real zhuji-node on this store, until its control socket answers.
  std::string ndir = dir;
  {
    std::ofstream c(ndir + "/node.toml");
    c << "node_id = \"440106\"\nname = \"bench\"\nlevel = \"county\"\nparent = \"440100\"\n"
      << "brokers = [\"tcp://127.0.0.1:9\"]\ndata_dir = \"" << ndir << "\"\ncalendar_dir = \""
      << cal_dir << "\"\nlog_file = \"" << ndir
      << "/node.log\"\n[store]\nmap_size_mb = 1024\n"
      // The node wakes at the bench's "now" (before the measured tick): an ordinary restart.
      << "[clock]\nfake_start = \"2025-03-02 12:00\"\n";
  }
  std::vector<double> restarts;
  zmq::context_t ctx(1);
  std::string sock = ndir + "/control.sock";
  for (int i = 0; i < 3; ++i) {
    fs::remove(sock);
    auto t = SteadyClock::now();
    pid_t pid = Spawn({BinaryDir() + "/zhuji-node", "--config", ndir + "/node.toml"},
                      ndir + "/stderr.log", false);
    // The socket file appears when the node binds its control socket, after opening the store
    // and reading its deadlines and outbox; then one request proves it answers. (Connecting
    // before the bind would add ZeroMQ's reconnect interval to the figure.)
    bool up = false;
    while (!fs::exists(sock) && MsSince(t) < 120'000) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    try {
      ControlClient client(ctx, "ipc://" + sock);
      capnp::MallocMessageBuilder req;
      req.initRoot<schema::ControlRequest>().setStatus();
      client.Call(req, 10'000);
      up = true;
    } catch (const std::exception&) {
    }
    double ms = MsSince(t);
    StopProcess(pid, SIGTERM, 10'000);
    if (!up) throw std::runtime_error("the node did not come up; see " + ndir + "/node.log");
    restarts.push_back(ms);
  }

  out << std::fixed << std::setprecision(3) << "\n"
      << "  open " << count << " deadlines: " << std::setprecision(1) << fill_s << " s ("
      << static_cast<int64_t>(count / fill_s) << "/s, 20000 per commit); store " << store_mb
      << " MB\n"
      << std::setprecision(4) << "  idle tick (read the next event time): median "
      << Median(idle) * 1000 << " µs\n"
      << std::setprecision(1) << "  idle tick as a write transaction with its commit: median "
      << Median(idle_write) * 1000 << " µs (LMDB writes nothing when nothing changed)\n"
      << "  tick with " << due << " due (fire, reschedule, audit, one commit): " << tick_ms
      << " ms\n"
      << "  restart to serving (zhuji-node start → control socket answers), 3 runs:";
  for (double r : restarts) out << " " << r << " ms";
  out << "\n";
  return 0;
}

}  // namespace zhuji::tools
