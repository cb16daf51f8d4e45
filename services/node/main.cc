// zhuji-node: one node (region + level) of the zhuji network. See DESIGN.md and README.md.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "services/calendar/calendar.h"
#include "services/common/clock.h"
#include "services/common/paths.h"
#include "services/common/service_manager.h"
#include "services/common/signals.h"
#include "services/common/time_format.h"
#include "services/config/config.h"
#include "services/config/topology.h"
#include "services/console/console.h"
#include "services/node/identity.h"
#include "services/node/node.h"
#include "services/store/store.h"

namespace {

std::atomic<bool> g_stop{false};

constexpr const char* kUsage =
    R"(zhuji-node — one node of the zhuji network (逐级上报 between levels)

Usage: zhuji-node --config FILE [--check]

  --config FILE   node configuration (TOML); see deploy/node.example.toml
  --check         validate the configuration and exit
  --help          this text

Stops cleanly on SIGTERM or SIGINT: nothing acknowledged is lost.
)";

enum class Parsed { kRun, kExit0, kBadUsage };

Parsed ParseArgs(int argc, char** argv, std::string* config_path, bool* check_only) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return Parsed::kExit0;
    } else if (a == "--config" && i + 1 < argc) {
      *config_path = argv[++i];
    } else if (a == "--check") {
      *check_only = true;
    } else {
      std::cerr << "zhuji-node: unknown argument '" << a << "'\n\n" << kUsage;
      return Parsed::kBadUsage;
    }
  }
  if (config_path->empty()) {
    std::cerr << "zhuji-node: --config FILE is required\n\n" << kUsage;
    return Parsed::kBadUsage;
  }
  return Parsed::kRun;
}

// The directory of organs named by the configuration (GD Art. 15), checked against it; the
// node's organs come from it unless the configuration lists them. Throws TopologyError.
zhuji::workflows::OrganDirectory LoadDirectory(zhuji::config::NodeConfig& config) {
  zhuji::workflows::OrganDirectory directory;
  if (config.directory_file.empty()) return directory;
  auto topology = zhuji::config::LoadTopology(config.directory_file);
  directory = topology.Directory().value();  // LoadTopology checked it
  const auto* self = directory.Node(config.node_id);
  if (!self) {
    throw zhuji::config::TopologyError(config.directory_file + ": node " + config.node_id +
                                       " is not in the directory");
  }
  if (config.organs.empty()) {
    config.organs = self->organs;
    return directory;
  }
  for (const auto& o : config.organs) {
    if (!directory.Find(o.address())) {
      throw zhuji::config::TopologyError(config.directory_file + ": organ " + o.address() +
                                         " of the node configuration is not in it");
    }
  }
  return directory;
}

// Throws spdlog::spdlog_ex when the log file cannot be opened.
std::shared_ptr<spdlog::logger> OpenLog(const zhuji::config::NodeConfig& config) {
  std::shared_ptr<spdlog::logger> log;
  if (config.log_file.empty()) {
    log = std::make_shared<spdlog::logger>("node-" + config.node_id,
                                           std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  } else {
    log = std::make_shared<spdlog::logger>(
        "node-" + config.node_id,
        std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.log_file));
  }
  log->set_level(spdlog::level::from_str(config.log_level));
  log->flush_on(spdlog::level::info);
  return log;
}

zhuji::calendar::Calendar LoadCalendar(const zhuji::config::NodeConfig& config,
                                       spdlog::logger& log) {
  std::string dir = config.calendar_dir.empty()
                        ? zhuji::calendar::DefaultCalendarDir(zhuji::BinaryDir())
                        : config.calendar_dir;
  if (dir.empty()) {
    throw std::runtime_error("no calendar folder: set calendar_dir (the deploy/calendar files)");
  }
  zhuji::calendar::Calendar calendar = zhuji::calendar::LoadCalendarDir(dir);
  for (auto& d : config.local_off_days) {
    calendar.AddLocalOffDay(*zhuji::calendar::ParseDate(d), "local day off (node config)");
  }
  log.info("calendar {} from {}: years {}{}", calendar.Version(), dir,
           calendar.Years().empty() ? std::string("none")
                                    : std::to_string(calendar.Years().front()) + "-" +
                                          std::to_string(calendar.Years().back()),
           config.local_off_days.empty() ? "" : ", with local days off");
  return calendar;
}

// Opens the store and runs the node until a stop signal. Throws on what stops it.
void Serve(const zhuji::config::NodeConfig& config, zhuji::workflows::OrganDirectory directory,
           spdlog::logger& log) {
  zhuji::store::Env env(
      {config.data_dir + "/store", config.map_size_mb << 20, false, config.max_map_size_mb << 20});
  zhuji::calendar::Calendar calendar = LoadCalendar(config, log);
  zmq::context_t ctx(1);
  zhuji::SystemClock system_clock;
  std::unique_ptr<zhuji::FakeClock> fake;
  if (config.fake_clock_start_ms) {
    fake = std::make_unique<zhuji::FakeClock>(config.fake_clock_start_ms);
    log.warn("FAKE CLOCK (tests only): starting at {}", zhuji::FormatCst(fake->NowMs()));
  }
  const zhuji::Clock& clock = fake ? static_cast<const zhuji::Clock&>(*fake) : system_clock;
  {
    zhuji::node::Node node(config, std::move(directory), ctx, env, clock, fake.get(),
                           std::move(calendar), log);
    // The console (issue #17): its own threads, a client of the control socket. Made before
    // the node starts, so a TLS file it cannot use stops the node before it serves anything.
    std::unique_ptr<zhuji::console::Console> console;
    if (config.console.enabled) {
      console = std::make_unique<zhuji::console::Console>(
          zhuji::console::ConsoleConfig{config.console, config.node_id, config.control,
                                        config.reminder_working_days},
          ctx, log);
    }
    node.Start();
    if (console) node.SetConsoleUrl(console->Start());
    // systemd (Type=notify): ready once the control socket is bound and the links started.
    zhuji::NotifyReady("node " + config.node_id + " " + config.name + " serving");
    node.Run(g_stop);
    zhuji::NotifyStopping("node " + config.node_id + " stopping");
    if (console) console->Stop();
  }
  ctx.shutdown();
  ctx.close();
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  if (Parsed p = ParseArgs(argc, argv, &config_path, &check_only); p != Parsed::kRun) {
    return p == Parsed::kExit0 ? 0 : 2;
  }
  zhuji::config::NodeConfig config;
  zhuji::workflows::OrganDirectory directory;
  try {
    config = zhuji::config::LoadNodeConfig(config_path);
    directory = LoadDirectory(config);
  } catch (const zhuji::config::ConfigError& e) {
    std::cerr << "zhuji-node: bad configuration: " << e.what() << "\n";
    return 2;
  } catch (const zhuji::config::TopologyError& e) {
    std::cerr << "zhuji-node: bad directory of organs: " << e.what() << "\n";
    return 2;
  }
  if (check_only) {
    std::cout << "configuration OK: node " << config.node_id << " " << config.name << " ("
              << zhuji::workflows::NodeLevelZh(config.level) << ")\n";
    return 0;
  }
  std::shared_ptr<spdlog::logger> log;
  try {
    log = OpenLog(config);
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "zhuji-node: cannot open log: " << e.what() << "\n";
    return 1;
  }
  zhuji::InstallStopSignals(&g_stop);
  try {
    zhuji::node::DataDirLock lock(config.data_dir);
    Serve(config, std::move(directory), *log);
  } catch (const zhuji::node::IdentityError& e) {
    log->critical("node {} refuses to start: {}", config.node_id, e.what());
    std::cerr << "zhuji-node: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    log->critical("node {} stopped on error: {}", config.node_id, e.what());
    return 1;
  }
  log->info("node {} stopped", config.node_id);
  log->flush();
  return 0;
}
