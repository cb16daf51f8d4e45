// zhuji-verify: `zhuji verify ENVELOPE-ID` and `zhuji audit verify` (issue #10), offline, on a
// node's store or a copy of it (mdb_copy DIR COPY, or the files of a stopped node).
#include <filesystem>
#include <iostream>

#include "services/common/json.h"
#include "services/config/config.h"
#include "tools/args.h"
#include "tools/verify/verify.h"

namespace {

constexpr const char* kUsage = R"(zhuji verify / zhuji audit verify — check a node's store, offline

  zhuji verify ENVELOPE-ID --data-dir DIR [trust] [--code CODE]
        one received envelope: whose key signed it and whether the signature verifies; with
        --code, a printed document's 验证码 (the console's 书面通知, 回执, 定密授权决定书,
        定密责任人指定书): whether it is this envelope's, and what the envelope says, to compare
        with the paper (exit 1 when the code or the signature does not check)
  zhuji audit verify --data-dir DIR [trust] [--json]
        the audit chain (审计日志) end to end, and the signature of every envelope kept
        (received and to send); names each entry that does not verify; exit 1 if any

  DIR is a node's data directory, or a copy of its store (mdb_copy DIR/store COPY). Trust:
    --config FILE            the node's configuration: its data_dir, pinned directory key, suite
    --directory-key HEX      the province's directory key (the stored directory's signature is
                             checked with it); --suite ed25519|sm2-sm3
    --key-directory FILE     check against this directory of keys instead of the stored one
)";

int Run(const zhuji::tools::Args& args) {
  using namespace zhuji;
  const auto& pos = args.positionals();
  bool audit = !pos.empty() && pos[0] == "audit";
  if (args.Flag("help") || pos.empty() || (audit && (pos.size() < 2 || pos[1] != "verify")) ||
      (!audit && pos.size() != 2)) {
    std::cout << kUsage;
    return args.Flag("help") ? 0 : 2;
  }
  args.Allow(
      {"config", "data-dir", "directory-key", "suite", "key-directory", "json", "help", "code"});
  tools::DirectoryTrust trust;
  std::string dir = args.Get("data-dir");
  if (args.Has("config")) {
    auto c = config::LoadNodeConfig(args.Get("config"));
    if (dir.empty()) dir = c.data_dir;
    trust.pinned_key = c.security.directory_key;
    trust.suite = c.security.suite;
  }
  trust.pinned_key = args.Get("directory-key", trust.pinned_key);
  trust.suite = args.Get("suite", trust.suite);
  trust.file = args.Get("key-directory");
  if (dir.empty()) throw tools::UsageError("give --data-dir DIR (or --config FILE)");
  // A node's data directory holds its store in store/; a copy may be the store folder itself.
  if (std::filesystem::exists(dir + "/store/data.mdb")) dir += "/store";
  if (!std::filesystem::exists(dir + "/data.mdb")) {
    throw std::runtime_error("no store at " + dir + " (no data.mdb)");
  }
  store::Env env({dir, 1ull << 20, /*read_only=*/true, 0});
  auto txn = env.BeginRead();
  if (!audit) {
    std::vector<std::string> lines;
    bool ok = tools::VerifyOne(txn, trust, pos[1], &lines, args.Get("code"));
    for (auto& l : lines) std::cout << l << "\n";
    return ok ? 0 : 1;
  }
  tools::StoreVerification v = tools::VerifyStore(txn, trust);
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("ok").Bool(v.ok()).Key("auditEntries").Uint(v.audit_entries);
    j.Key("auditError").String(v.audit_error).Key("verified").Uint(v.verified);
    j.Key("unsigned").Uint(v.unsigned_).Key("failures").BeginArray();
    for (auto& f : v.failures) j.String(f);
    j.EndArray().EndObject();
    std::cout << j.str() << "\n";
    return v.ok() ? 0 : 1;
  }
  std::cout << "审计日志 audit chain: " << v.audit_entries << " entr(ies), "
            << (v.audit_error.empty() ? "verified end to end" : "BROKEN: " + v.audit_error)
            << "\n签名 signatures: " << v.verified << " envelope(s) verified, " << v.unsigned_
            << " unsigned, " << v.failures.size() << " do NOT verify\n";
  for (auto& f : v.failures) std::cout << "  ✗ " << f << "\n";
  std::cout << (v.ok() ? "完整 the store verifies\n" : "被篡改 the store does NOT verify\n");
  return v.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    zhuji::tools::Args args(argc, argv, {"json", "help"});
    return Run(args);
  } catch (const zhuji::tools::UsageError& e) {
    std::cerr << "zhuji: " << e.what() << "\n(see zhuji audit --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zhuji: " << e.what() << "\n";
    return 1;
  }
}
