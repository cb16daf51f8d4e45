// `zhuji keys …` (issue #10): a node's or broker's long-term keys, and the directory of keys.
// Runs on the machine that owns the keys; private halves are written 0600 and never printed.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "services/common/json.h"
#include "services/config/config.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "tools/commands.h"

namespace zhuji::tools {

namespace {

constexpr const char* kKeysUsage = R"(zhuji keys — long-term keys (密钥) of a node or a broker

  zhuji keys init --config FILE            a node's keys, under its keys_dir (default data_dir)
  zhuji keys init --dir DIR --id ID        keys for ID under DIR (a broker: --id broker:NAME)
  zhuji keys show (--config FILE | --dir DIR) [--json]
                                           the public halves (CURVE and signing keys)
  zhuji keys directory --out FILE [--version N] DIR...
                                           a directory of keys (密钥名录) from the public keys
                                           under each DIR

Private keys stay in DIR/keys/secret.toml (mode 0600); they are never printed.
)";

// Where the keys are and whose they are: --config (a node), or --dir and --id.
std::pair<std::string, std::string> Owner(const Args& args) {
  if (args.Has("config")) {
    auto c = config::LoadNodeConfig(args.Get("config"));
    return {c.security.keys_dir, c.node_id};
  }
  if (!args.Has("dir")) throw UsageError("keys: give --config FILE, or --dir DIR");
  return {args.Get("dir"), args.Get("id")};
}

void PrintPublic(const crypto::PublicKeys& k, bool json, std::ostream& out) {
  if (json) {
    JsonWriter j;
    j.BeginObject().Key("id").String(k.id).Key("curve").String(k.curve);
    j.Key("sign").String(k.sign).EndObject();
    out << j.str() << "\n";
    return;
  }
  out << "密钥 keys of " << k.id << "\n  curve (transport, Z85) " << k.curve
      << "\n  sign (Ed25519, hex)    " << k.sign << "\n";
}

int Init(const Args& args, std::ostream& out) {
  auto [dir, id] = Owner(args);
  if (id.empty()) throw UsageError("keys init --dir DIR needs --id ID");
  crypto::KeyPair keys = crypto::NewKeyPair(id);
  if (Status st = crypto::WriteKeys(dir, keys); !st.ok()) {
    std::cerr << "zhuji: " << st.message() << "\n";
    return 1;
  }
  out << "created " << crypto::KeyDir(dir) << "/secret.toml (0600) and public.toml\n";
  PrintPublic(keys.pub, false, out);
  return 0;
}

int Show(const Args& args, std::ostream& out) {
  auto [dir, id] = Owner(args);
  auto pub = crypto::ReadPublicKeys(dir);
  if (!pub.ok()) {
    std::cerr << "zhuji: " << pub.message() << "\n";
    return 1;
  }
  PrintPublic(pub.value(), args.Flag("json"), out);
  return 0;
}

int Directory(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  if (!args.Has("out") || pos.size() < 3) throw UsageError("keys directory --out FILE DIR...");
  std::vector<crypto::PublicKeys> keys;
  for (size_t i = 2; i < pos.size(); ++i) {
    auto pub = crypto::ReadPublicKeys(pos[i]);
    if (!pub.ok()) {
      std::cerr << "zhuji: " << pub.message() << "\n";
      return 1;
    }
    keys.push_back(pub.value());
  }
  uint64_t version = static_cast<uint64_t>(args.GetInt("version", 1, 1, 1'000'000'000));
  std::string text = crypto::KeyDirectory::Render(keys, version);
  if (auto check = crypto::KeyDirectory::Parse(text, args.Get("out")); !check.ok()) {
    std::cerr << "zhuji: " << check.message() << "\n";
    return 1;
  }
  std::ofstream file(args.Get("out"), std::ios::trunc);
  if (!(file << text) || !file.flush()) {
    std::cerr << "zhuji: cannot write " << args.Get("out") << "\n";
    return 1;
  }
  out << "wrote " << args.Get("out") << ": " << keys.size() << " key(s), version " << version
      << "\n";
  return 0;
}

}  // namespace

int CmdKeys(const Args& args, zmq::context_t&, std::ostream& out) {
  args.Allow({"config", "dir", "id", "json", "out", "version", "help"});
  const auto& pos = args.positionals();
  std::string sub = pos.size() >= 2 ? pos[1] : "";
  if (args.Flag("help") || sub.empty()) {
    out << kKeysUsage;
    return args.Flag("help") ? 0 : 2;
  }
  if (sub == "init") return Init(args, out);
  if (sub == "show") return Show(args, out);
  if (sub == "directory") return Directory(args, out);
  throw UsageError("keys: unknown subcommand '" + sub + "' (init, show, directory)");
}

}  // namespace zhuji::tools
