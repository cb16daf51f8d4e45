// zhuji-broker: relays frames between zhuji nodes by node id. Stateless; restart at any time.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "broker/broker.h"
#include "services/common/service_manager.h"
#include "services/common/signals.h"

namespace {

std::atomic<bool> g_stop{false};

constexpr const char* kUsage = R"(zhuji-broker — relays zhuji frames between nodes by node id

Usage: zhuji-broker --bind ENDPOINT [options]

  --bind ENDPOINT        where nodes connect, e.g. tcp://127.0.0.1:47000 (port 0: any free port)
  --id NAME              this broker's name in logs and stats (default: broker)
  --upstream ENDPOINT    broker one level up, for node ids not connected here; give it twice
                         for a pair (HA twins): nodes are registered with both, frames go
                         through the one in use while it answers, else the other
  --heartbeat-ms N       heartbeat interval (default 1000)
  --liveness N           silent intervals before a peer is dropped (default 3)
  --max-body-bytes N     largest envelope relayed (default 4194304)
  --endpoint-file FILE   write the bound endpoint here once listening
  --keys-dir DIR         CURVE on: this broker's keys (DIR/keys/, zhuji keys init --broker)
  --key-directory FILE   with --keys-dir: the directory of keys; only its keys connect, and a
                         HELLO for a node id is taken only from that node's key
  --upstream-key KEY     with --keys-dir and --upstream: the upstream broker's CURVE key (Z85),
                         one per --upstream, in the same order
  --directory-key HEX    the province's directory key: the directory must carry its signature;
                         the file is read again when it changes (a newer version only)
  --suite NAME           signature suite of the directory: ed25519 (default) or sm2-sm3
  --log-level LEVEL      trace, debug, info, warn, error (default info)
  --help                 this text

Keeps nothing on disk. Stops on SIGTERM or SIGINT.
)";

bool ParseInt(const char* s, long long min, long long max, long long* out) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s, &end, 10);
  if (errno || !end || *end || v < min || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  zhuji::broker::BrokerConfig config;
  std::string endpoint_file;
  std::string level = "info";
  bool have_bind = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "zhuji-broker: " << name << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    long long n = 0;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--bind") {
      config.bind = value("--bind");
      have_bind = true;
    } else if (a == "--id") {
      config.id = value("--id");
    } else if (a == "--keys-dir") {
      config.keys_dir = value("--keys-dir");
    } else if (a == "--key-directory") {
      config.key_directory = value("--key-directory");
    } else if (a == "--upstream-key") {
      config.upstream_keys.push_back(value("--upstream-key"));
    } else if (a == "--directory-key") {
      config.directory_key = value("--directory-key");
    } else if (a == "--suite") {
      config.suite = value("--suite");
    } else if (a == "--upstream") {
      config.upstreams.push_back(value("--upstream"));
    } else if (a == "--heartbeat-ms") {
      if (!ParseInt(value("--heartbeat-ms"), 10, 600000, &n)) {
        std::cerr << "zhuji-broker: --heartbeat-ms must be 10..600000\n";
        return 2;
      }
      config.heartbeat_interval_ms = n;
    } else if (a == "--liveness") {
      if (!ParseInt(value("--liveness"), 1, 100, &n)) {
        std::cerr << "zhuji-broker: --liveness must be 1..100\n";
        return 2;
      }
      config.heartbeat_liveness = static_cast<int>(n);
    } else if (a == "--max-body-bytes") {
      if (!ParseInt(value("--max-body-bytes"), 1024, 256ll << 20, &n)) {
        std::cerr << "zhuji-broker: --max-body-bytes must be 1024..268435456\n";
        return 2;
      }
      config.max_body_bytes = static_cast<size_t>(n);
    } else if (a == "--endpoint-file") {
      endpoint_file = value("--endpoint-file");
    } else if (a == "--log-level") {
      level = value("--log-level");
    } else {
      std::cerr << "zhuji-broker: unknown argument '" << a << "'\n\n" << kUsage;
      return 2;
    }
  }
  if (!have_bind) {
    std::cerr << "zhuji-broker: --bind ENDPOINT is required\n\n" << kUsage;
    return 2;
  }
  if (config.keys_dir.empty() != config.key_directory.empty()) {
    std::cerr << "zhuji-broker: --keys-dir and --key-directory go together (CURVE on)\n";
    return 2;
  }
  auto log = std::make_shared<spdlog::logger>(
      "broker-" + config.id, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  log->set_level(spdlog::level::from_str(level));
  log->flush_on(spdlog::level::info);

  zhuji::InstallStopSignals(&g_stop);

  try {
    zmq::context_t ctx(1);
    {
      zhuji::SystemClock clock;
      zhuji::broker::Broker broker(config, ctx, clock, *log);
      std::string bound = broker.Start();
      if (!endpoint_file.empty()) {
        std::string tmp = endpoint_file + ".tmp";
        std::ofstream(tmp) << bound << "\n";
        std::rename(tmp.c_str(), endpoint_file.c_str());
      }
      zhuji::NotifyReady("broker " + config.id + " listening on " + bound);
      broker.Run(g_stop);
      zhuji::NotifyStopping("broker " + config.id + " stopping");
    }
    ctx.shutdown();
    ctx.close();
  } catch (const std::exception& e) {
    log->critical("broker {} stopped on error: {}", config.id, e.what());
    return 1;
  }
  return 0;
}
