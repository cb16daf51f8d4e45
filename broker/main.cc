// zhuji-broker: relays frames between zhuji nodes by node id. Stateless; restart at any time.
#include <httplib.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "broker/broker.h"
#include "services/common/http_listen.h"
#include "services/common/service_manager.h"
#include "services/common/signals.h"
#include "services/http/http_server.h"
#include "services/http/prometheus.h"

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
  --metrics HOST:PORT    serve /metrics (Prometheus text format) there, e.g. 127.0.0.1:9464
                         (port 0: any free port); off by default. Beyond loopback only with
                         --metrics-tls-cert/--metrics-tls-key and --metrics-users or
                         --metrics-client-ca
  --metrics-tls-cert F   --metrics-tls-key F   --metrics-client-ca F   --metrics-users F
                         TLS certificate and key, client CA, users file (zhuji console-user)
  --metrics-url-file F   write the URL /metrics serves on here once listening
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
  std::optional<zhuji::HttpListen> metrics;
  zhuji::HttpListen metrics_files;  // the protection, whatever the order of the flags
  std::string metrics_url_file;
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
    } else if (a == "--metrics") {
      std::string why;
      metrics = zhuji::ParseHttpListen(value("--metrics"), &why);
      if (!metrics) {
        std::cerr << "zhuji-broker: --metrics: " << why << "\n";
        return 2;
      }
    } else if (a == "--metrics-tls-cert") {
      metrics_files.tls_cert = value("--metrics-tls-cert");
    } else if (a == "--metrics-tls-key") {
      metrics_files.tls_key = value("--metrics-tls-key");
    } else if (a == "--metrics-client-ca") {
      metrics_files.client_ca = value("--metrics-client-ca");
    } else if (a == "--metrics-users") {
      metrics_files.users_file = value("--metrics-users");
    } else if (a == "--metrics-url-file") {
      metrics_url_file = value("--metrics-url-file");
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
  if (metrics) {
    metrics->tls_cert = metrics_files.tls_cert;
    metrics->tls_key = metrics_files.tls_key;
    metrics->client_ca = metrics_files.client_ca;
    metrics->users_file = metrics_files.users_file;
    // Issue #17: beyond loopback only with TLS and credentials; the broker says why and stops.
    if (auto why = zhuji::HttpExposureProblem(*metrics, "--metrics"); !why.empty()) {
      std::cerr << "zhuji-broker: " << why << "\n";
      return 2;
    }
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
      std::unique_ptr<zhuji::http::HttpServer> http;
      if (metrics && metrics->enabled) {
        http = std::make_unique<zhuji::http::HttpServer>(
            *metrics, "/metrics of broker " + config.id, *log, 1);
        http->Get("/metrics", [&broker](const httplib::Request&, httplib::Response& res) {
          res.set_content(zhuji::broker::BrokerMetricsText(broker.Snapshot()),
                          zhuji::http::MetricsText::kContentType);
        });
      }
      std::string bound = broker.Start();
      auto publish = [](const std::string& file, const std::string& text) {
        std::string tmp = file + ".tmp";
        std::ofstream(tmp) << text << "\n";
        std::rename(tmp.c_str(), file.c_str());
      };
      if (!endpoint_file.empty()) publish(endpoint_file, bound);
      if (http) {
        std::string url = http->Start() + "/metrics";
        if (!metrics_url_file.empty()) publish(metrics_url_file, url);
      }
      zhuji::NotifyReady("broker " + config.id + " listening on " + bound);
      broker.Run(g_stop);
      zhuji::NotifyStopping("broker " + config.id + " stopping");
      if (http) http->Stop();
    }
    ctx.shutdown();
    ctx.close();
  } catch (const std::exception& e) {
    log->critical("broker {} stopped on error: {}", config.id, e.what());
    return 1;
  }
  return 0;
}
