#include "services/config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "services/calendar/date.h"

namespace zhuji::config {

namespace {

class Reader {
 public:
  Reader(const toml::table& table, std::string source, std::string prefix)
      : table_(table), source_(std::move(source)), prefix_(std::move(prefix)) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& problem) const {
    throw ConfigError(source_ + ": " + prefix_ + key + ": " + problem);
  }

  void String(const char* key, std::string& out) {
    known_.insert(key);
    auto node = table_[key];
    if (!node) return;
    auto v = node.value<std::string>();
    if (!v) Fail(key, "must be a string");
    out = *v;
  }
  template <typename T>
  void Int(const char* key, T& out, int64_t min, int64_t max) {
    known_.insert(key);
    auto node = table_[key];
    if (!node) return;
    // is_integer first: toml++ converts a float to an integer in value<int64_t>(), which is
    // undefined for a float out of range (found by fuzz_toml).
    if (!node.is_integer()) Fail(key, "must be an integer");
    auto v = node.value<int64_t>();
    if (!v) Fail(key, "must be an integer");
    if (*v < min || *v > max) {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(*v));
    }
    out = static_cast<T>(*v);
  }
  void StringList(const char* key, std::vector<std::string>& out) {
    known_.insert(key);
    auto node = table_[key];
    if (!node) return;
    auto* arr = node.as_array();
    if (!arr) Fail(key, "must be a list of strings");
    out.clear();
    for (auto& el : *arr) {
      auto v = el.value<std::string>();
      if (!v) Fail(key, "must be a list of strings");
      out.push_back(*v);
    }
  }
  void Known(const char* key) { known_.insert(key); }
  void Bool(const char* key, bool& out) {
    known_.insert(key);
    auto node = table_[key];
    if (!node) return;
    auto v = node.value<bool>();
    if (!v || !node.is_boolean()) Fail(key, "must be true or false");
    out = *v;
  }
  const toml::table* Table(const char* key) {
    known_.insert(key);
    auto node = table_[key];
    if (!node) return nullptr;
    auto* t = node.as_table();
    if (!t) Fail(key, "must be a table");
    return t;
  }
  void RefuseUnknown() const {
    for (auto&& [k, v] : table_) {
      (void)v;
      if (!known_.count(std::string(k.str()))) Fail(std::string(k.str()), "unknown key");
    }
  }

 private:
  const toml::table& table_;
  std::string source_;
  std::string prefix_;
  std::set<std::string> known_;
};

}  // namespace

NodeConfig ParseNodeConfig(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::string where =
        e.source().begin ? " (line " + std::to_string(e.source().begin.line) + ")" : "";
    throw ConfigError(source + where + ": " + std::string(e.description()));
  }
  NodeConfig c;
  Reader r(root, source, "");
  std::string level;
  r.String("node_id", c.node_id);
  r.String("name", c.name);
  r.String("level", level);
  r.String("parent", c.parent);
  r.StringList("brokers", c.brokers);
  r.StringList("children", c.children);
  r.String("data_dir", c.data_dir);
  r.String("control", c.control);
  r.String("log_level", c.log_level);
  r.String("log_file", c.log_file);
  if (auto* t = r.Table("transport")) {
    Reader tr(*t, source, "transport.");
    auto& x = c.transport;
    tr.Int("heartbeat_interval_ms", x.heartbeat_interval_ms, 10, 600'000);
    tr.Int("heartbeat_liveness", x.heartbeat_liveness, 1, 100);
    tr.Int("retry_min_ms", x.retry_min_ms, 1, 3'600'000);
    tr.Int("retry_max_ms", x.retry_max_ms, 1, 86'400'000);
    tr.Int("probe_max_ms", x.probe_max_ms, 1, 86'400'000);
    tr.Int("window", x.window, 1, 1'000'000);
    tr.Int("max_batch", x.max_batch, 1, 1'000'000);
    tr.Int("max_envelope_bytes", x.max_envelope_bytes, 1024, 256ll << 20);
    tr.RefuseUnknown();
    if (x.retry_max_ms < x.retry_min_ms) {
      tr.Fail("retry_max_ms", "must not be below retry_min_ms");
    }
  }
  r.String("calendar_dir", c.calendar_dir);
  r.String("directory", c.directory_file);
  if (auto* t = r.Table("escalation")) {
    Reader er(*t, source, "escalation.");
    auto& e = c.escalation;
    // Periods the rules fix are not settings (workflows/matter.h).
    for (auto [key, rule] : {std::pair{"report_working_days", "GD Art. 29, 30; 条例 Art. 25: 10"},
                             {"decide_working_days", "条例 Art. 25 ¶2, GD Art. 29 ¶2: 10"},
                             {"objection_working_days", "GD Art. 45: 20"}}) {
      if (t->contains(key)) {
        er.Fail(key, std::string("is fixed by the rules (") + rule +
                         " working days), not a setting; remove it");
      }
    }
    er.Int("review_working_days", e.review_working_days, 1, 60);
    er.Int("resubmit_working_days", e.resubmit_working_days, 1, 60);
    er.Int("national_filing_working_days", e.national_filing_working_days, 1, 60);
    er.Bool("auto_review", c.auto_review);
    er.RefuseUnknown();
  }
  if (auto* t = r.Table("filing")) {
    Reader fr(*t, source, "filing.");
    for (auto [key, rule] : {std::pair{"grant_working_days", "GD Art. 13: 20"},
                             {"received_working_days", "GD Art. 14: 10"},
                             {"responsible_working_days", "GD Art. 21: 30"}}) {
      if (t->contains(key)) {
        fr.Fail(key, std::string("is fixed by the rules (") + rule +
                         " working days), not a setting; remove it");
      }
    }
    fr.Int("region_report_working_days", c.filing.region_report_working_days, 1, 60);
    fr.RefuseUnknown();
  }
  if (auto* t = r.Table("deadlines")) {
    Reader dr(*t, source, "deadlines.");
    dr.Int("reminder_working_days", c.reminder_working_days, 0, 60);
    dr.StringList("local_off_days", c.local_off_days);
    dr.RefuseUnknown();
    for (auto& d : c.local_off_days) {
      std::string why;
      if (!calendar::ParseInputDate(d, &why)) dr.Fail("local_off_days", why);
    }
  }
  if (auto* t = r.Table("retention")) {
    Reader rr(*t, source, "retention.");
    int64_t seen = 30, inbox = 0, deadlines = 400, supervised = 400;
    rr.Int("seen_days", seen, 1, 36'500);
    rr.Int("inbox_days", inbox, 0, 36'500);
    rr.Int("closed_deadline_days", deadlines, 1, 36'500);
    rr.Int("closed_supervised_days", supervised, 1, 36'500);
    rr.RefuseUnknown();
    if (inbox != 0 && inbox < seen) {
      rr.Fail("inbox_days", "must be 0 (keep) or at least seen_days (" + std::to_string(seen) +
                                "): an envelope's id outlives its body");
    }
    auto& p = c.retention;
    p.seen_ms = seen * RetentionPolicy::kDayMs;
    p.inbox_ms = inbox * RetentionPolicy::kDayMs;
    p.closed_deadline_ms = deadlines * RetentionPolicy::kDayMs;
    p.closed_supervised_ms = supervised * RetentionPolicy::kDayMs;
  }
  if (auto* t = r.Table("console")) {
    Reader hr(*t, source, "console.");
    std::string listen;
    hr.String("listen", listen);
    if (!listen.empty()) {
      std::string why;
      auto parsed = ParseHttpListen(listen, &why);
      if (!parsed) hr.Fail("listen", why);
      c.console = *parsed;
    }
    hr.String("tls_cert", c.console.tls_cert);
    hr.String("tls_key", c.console.tls_key);
    hr.String("client_ca", c.console.client_ca);
    hr.String("users_file", c.console.users_file);
    int64_t every_s = c.summary_interval_ms / 1000;
    hr.Int("summary_interval_s", every_s, 0, 86'400);  // 0: no summaries
    c.summary_interval_ms = every_s * 1000;
    hr.RefuseUnknown();
  }
  if (auto* t = r.Table("security")) {
    Reader sr(*t, source, "security.");
    sr.Bool("curve", c.security.curve);
    sr.String("keys_dir", c.security.keys_dir);
    sr.StringList("broker_keys", c.security.broker_keys);
    sr.Bool("signatures", c.security.signatures);
    sr.String("suite", c.security.suite);
    sr.String("directory_key", c.security.directory_key);
    sr.String("key_directory", c.security.key_directory);
    sr.String("export_directory", c.security.export_directory);
    sr.RefuseUnknown();
    if (c.security.suite != "ed25519" && c.security.suite != "sm2-sm3") {
      sr.Fail("suite", "is ed25519 or sm2-sm3, not '" + c.security.suite + "'");
    }
    size_t hex = c.security.suite == "ed25519" ? 64 : 130;
    const std::string& dk = c.security.directory_key;
    if (!dk.empty() &&
        (dk.size() != hex || dk.find_first_not_of("0123456789abcdef") != std::string::npos)) {
      sr.Fail("directory_key", "must be the province's " + c.security.suite + " public key, " +
                                   std::to_string(hex) + " hex digits (zhuji keys show)");
    }
    if (c.security.signatures && dk.empty()) {
      sr.Fail("directory_key",
              "is needed with signatures = true: the directory of keys that "
              "signatures are checked against must be signed by the province");
    }
    for (const auto& k : c.security.broker_keys) {
      if (k.size() != 40) sr.Fail("broker_keys", "each is a Z85 CURVE public key of 40 characters");
    }
    if (c.security.curve && c.security.broker_keys.size() != c.brokers.size()) {
      sr.Fail("broker_keys", "one key per entry of brokers (" + std::to_string(c.brokers.size()) +
                                 "), in the same order");
    }
  }
  if (auto* t = r.Table("clock")) {
    Reader cr(*t, source, "clock.");
    std::string start;
    cr.String("fake_start", start);
    cr.RefuseUnknown();
    std::string why;
    auto day = calendar::ParseInputDate(start.substr(0, 10), &why);
    int hh = -1, mm = -1;
    if (start.size() == 16 && start[10] == ' ' && start[13] == ':') {
      hh = std::atoi(start.substr(11, 2).c_str());
      mm = std::atoi(start.substr(14, 2).c_str());
    }
    if (!day || hh < 0 || hh > 23 || mm < 0 || mm > 59) {
      cr.Fail("fake_start", "must be \"YYYY-MM-DD HH:MM\" (China Standard Time), between " +
                                calendar::SupportedRange() + (why.empty() ? "" : ": " + why));
    }
    c.fake_clock_start_ms = calendar::EndOfDayCstMs(*day - 1) + (hh * 60LL + mm) * 60'000;
  }
  r.Known("organ");
  if (auto* arr = root["organ"].as_array()) {
    for (auto& el : *arr) {
      auto* to = el.as_table();
      std::string where = "organ #" + std::to_string(c.organs.size() + 1);
      if (!to) r.Fail(where, "[[organ]] entries must be tables");
      Reader orr(*to, source, where + ".");
      workflows::Organ o;
      std::string authority;
      orr.String("code", o.code);
      orr.String("name", o.name);
      orr.String("line", o.line);
      orr.String("authority", authority);
      orr.Bool("authorizing", o.authorizing);
      orr.String("head", o.head);
      orr.RefuseUnknown();
      if (o.code.empty() || o.name.empty() || o.line.empty()) {
        orr.Fail("code", "an organ needs code, name and line");
      }
      if (authority.empty() || authority == "none") {
        o.authority = {false, workflows::SecrecyLevel::kMimi};
      } else if (auto secrecy = workflows::ParseLevel(authority)) {
        o.authority = {true, *secrecy};
      } else {
        orr.Fail("authority", "must be none, 秘密, 机密 or 绝密, not '" + authority + "'");
      }
      c.organs.push_back(o);
    }
  }
  if (auto* t = r.Table("licensing")) {
    Reader lr(*t, source, "licensing.");
    lr.Known("materials");
    lr.RefuseUnknown();
    if (auto* m = (*t)["materials"].as_table()) {
      Reader mr(*m, source, "licensing.materials.");
      for (const char* item : {"weapons-secrecy", "carrier-production", "system-integration"}) {
        std::vector<std::string> list;
        mr.StringList(item, list);
        if (m->contains(item) && list.empty()) mr.Fail(item, "lists at least one material");
        if (!list.empty()) c.licence_materials[item] = list;
      }
      mr.RefuseUnknown();
    } else if ((*t).contains("materials")) {
      lr.Fail("materials", "is a table: item code = [\"material\", …]");
    }
  }
  if (auto* t = r.Table("store")) {
    Reader sr(*t, source, "store.");
    sr.Int("map_size_mb", c.map_size_mb, 1, 1ll << 20);
    sr.Int("max_map_size_mb", c.max_map_size_mb, 0, 1ll << 22);
    sr.RefuseUnknown();
    if (c.max_map_size_mb && c.max_map_size_mb < c.map_size_mb) {
      sr.Fail("max_map_size_mb", "must be 0 (no limit) or at least map_size_mb");
    }
  }
  r.RefuseUnknown();

  if (!IsDivisionCode(c.node_id)) {
    r.Fail("node_id", c.node_id.empty() ? "is required (a six-digit GB/T 2260 code)"
                                        : "'" + c.node_id + "' is not a six-digit GB/T 2260 code");
  }
  if (auto l = workflows::ParseNodeLevel(level)) {
    c.level = *l;
  } else {
    r.Fail("level", level.empty() ? "is required (county, city or province)"
                                  : "'" + level + "' is not one of county, city, province");
  }
  if (c.level == Level::kProvince) {
    if (!c.parent.empty()) r.Fail("parent", "a province node has no parent");
  } else if (!IsDivisionCode(c.parent)) {
    r.Fail("parent",
           "a " + std::string(LevelName(c.level)) + " node needs its parent's six-digit code");
  }
  for (auto& child : c.children) {
    if (!IsDivisionCode(child)) r.Fail("children", "'" + child + "' is not a six-digit node id");
  }
  if (c.brokers.empty()) r.Fail("brokers", "at least one broker endpoint is required");
  for (auto& b : c.brokers) {
    if (b.rfind("tcp://", 0) != 0 && b.rfind("ipc://", 0) != 0) {
      r.Fail("brokers", "'" + b + "' is not a tcp:// or ipc:// endpoint");
    }
  }
  if (c.data_dir.empty()) r.Fail("data_dir", "is required");
  if (c.control.empty()) c.control = "ipc://" + c.data_dir + "/control.sock";
  if (c.security.keys_dir.empty()) c.security.keys_dir = c.data_dir;
  for (auto& o : c.organs) {
    o.node = c.node_id;
    if (o.authorizing && c.level == Level::kCounty) {
      r.Fail("organ", "GD Art. 6: " + o.name +
                          " is a county-level organ: only province- and city-level organs "
                          "authorize (authorizing = false)");
    }
  }
  // Issue #17: the console shows 定密 records; beyond loopback only with TLS and credentials.
  if (auto why = HttpExposureProblem(c.console, source + ": console"); !why.empty()) {
    throw ConfigError(why);
  }
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (!kLevels.count(c.log_level)) r.Fail("log_level", "must be trace, debug, info, warn or error");
  return c;
}

NodeConfig LoadNodeConfig(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw ConfigError(path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return ParseNodeConfig(text, path);
}

}  // namespace zhuji::config
