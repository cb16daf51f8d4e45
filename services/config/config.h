#pragma once
// One node's configuration (STYLE.md §15): a value, parsed from TOML and validated before
// anything opens. An unknown key is an error. deploy/node.example.toml documents every key.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "services/common/http_listen.h"
#include "services/common/ids.h"
#include "services/workflows/filing.h"
#include "services/workflows/matter.h"
#include "services/workflows/organs.h"

namespace zhuji::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [retention]: what a node deletes when (services/node/retention.h).
struct RetentionPolicy {
  static constexpr int64_t kDayMs = 86'400'000;
  int64_t seen_ms = 30 * kDayMs;
  int64_t inbox_ms = 0;  // 0: keep
  int64_t closed_deadline_ms = 400 * kDayMs;
  int64_t closed_supervised_ms = 400 * kDayMs;
};

using Level = workflows::NodeLevel;
inline const char* LevelName(Level level) { return workflows::NodeLevelName(level); }

struct TransportConfig {
  int64_t heartbeat_interval_ms = 1000;
  int heartbeat_liveness = 3;     // silent intervals before a link is declared dead
  int64_t retry_min_ms = 500;     // first back-off after no acknowledgement
  int64_t retry_max_ms = 30'000;  // cap: retries go on forever at this interval
  int64_t probe_max_ms = 5'000;   // cap between probes of an unreachable destination
  uint32_t window = 16384;        // envelopes in flight per destination
  uint32_t max_batch = 8192;      // envelopes applied in one transaction (group commit)
  uint64_t max_envelope_bytes = 4ull << 20;
};

// [security] (issue #10): CURVE on every broker link, with this node's keys.
struct SecurityConfig {
  bool curve = false;                    // off: plain TCP (tests of the transport alone)
  std::string keys_dir;                  // where keys/ is (zhuji keys init); default data_dir
  std::vector<std::string> broker_keys;  // each broker's CURVE public key (Z85), as `brokers`
  // Signed envelopes: sign what this node sends, and apply only what verifies against the
  // directory of keys (services/crypto/envelope_signature.h).
  bool signatures = false;
  std::string suite = "ed25519";  // or "sm2-sm3" (services/crypto/suite.h)
  std::string directory_key;      // hex: the province's directory key, pinned at install
  std::string key_directory;      // a signed directory file installed with the node (optional)
  // Where to write each newer directory this node takes (signed, as received), for the broker
  // on this host to read (zhuji-broker --key-directory): the directory reaches brokers too.
  std::string export_directory;
};

struct NodeConfig {
  std::string node_id;  // GB/T 2260 code, six digits
  std::string name;     // e.g. 天河区
  Level level = Level::kCounty;
  std::string parent;                 // parent node id; empty for a province
  std::vector<std::string> children;  // node ids one level down (calendar updates go to them)
  std::vector<std::string> brokers;   // ZeroMQ endpoints (HA): the one in use while it is up,
                                      // else the first that is
  std::string data_dir;
  std::string control;  // default ipc://<data_dir>/control.sock
  std::string log_level = "info";
  std::string log_file;  // empty: stderr
  uint64_t map_size_mb = 256;
  uint64_t max_map_size_mb = 0;  // the store never grows past this; 0: until the disk is full
  TransportConfig transport;
  SecurityConfig security;
  RetentionPolicy retention;  // [retention]: what is deleted when (services/node/retention.h)
  // [console]: the clerks' web console and /metrics (issue #17, docs/console.md); on 127.0.0.1,
  // any free port, by default. Beyond loopback only with TLS and authentication.
  HttpListen console;
  // [console] summary_interval_s: how often this node sends its parent its status summary (the
  // province's picture; services/node/summary_service.h); 0: none.
  int64_t summary_interval_ms = 300'000;

  // Working-day calendar and deadlines (issue #3).
  std::string calendar_dir;                 // year files; default: found beside the binaries
  int reminder_working_days = 3;            // RULES.md "Deadlines": remind 3 WD before
  std::vector<std::string> local_off_days;  // per-node extra days off, "YYYY-MM-DD"
  int64_t fake_clock_start_ms = 0;          // TEST ONLY: run on a fake clock from here

  // Escalations (issue #4): the directory of organs every route is computed from (GD Art. 15; a
  // file in the topology format), and the policy numbers of the escalation deadlines.
  std::string directory_file;
  workflows::EscalationPolicy escalation;
  workflows::FilingPolicy filing;  // [filing]: what the rules leave open (GD Art. 14 ¶2)
  bool auto_review = false;  // TEST ONLY: organs of this node review and decide at once (bench)
  // [licensing.materials]: the application material of each licence item on the province
  // (issue #16, LN 一: "a list per item, configurable"), keyed by the item's code
  // (weapons-secrecy, carrier-production, system-integration); an item not listed keeps the
  // default list (services/workflows/licensing.h DefaultMaterials).
  std::map<std::string, std::vector<std::string>> licence_materials;

  // The organs (机关、单位) this node hosts: [[organ]] code, name, line, authority, authorizing.
  std::vector<workflows::Organ> organs;
};

// Throws ConfigError naming the file, the key and the problem.
NodeConfig LoadNodeConfig(const std::string& path);
NodeConfig ParseNodeConfig(const std::string& toml_text, const std::string& source_name);

using zhuji::IsDivisionCode;

}  // namespace zhuji::config
