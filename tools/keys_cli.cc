// `zhuji keys …` (issue #10): a node's or broker's long-term keys, and the directory of keys.
// Runs on the machine that owns the keys; private halves are written 0600 and never printed.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "services/common/clock.h"
#include "services/common/json.h"
#include "services/config/config.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "tools/commands.h"

namespace zhuji::tools {

namespace {

constexpr const char* kKeysUsage = R"(zhuji keys — long-term keys (密钥) of a node or a broker

  zhuji keys init --config FILE            a node's keys, under its keys_dir (default data_dir),
                                           of its [security] suite
  zhuji keys init --dir DIR --id ID [--suite ed25519|sm2-sm3]
                                           keys for ID under DIR (a broker: --id broker:NAME;
                                           the province's directory key: --id directory:NAME)
  zhuji keys show (--config FILE | --dir DIR) [--next] [--json]
                                           the public halves (CURVE and signing keys)
  zhuji keys rotate (--config FILE | --dir DIR --id ID)
                                           new keys beside the ones in use (next-*.toml); they
                                           are put in use at the next start once the directory
                                           lists them
  zhuji keys directory --out FILE [--version N] [--from OLD] [--grace-days D]
                       [--revoke FINGERPRINT]... [--serves broker:NAME=ID,ID...]...
                       [--sign-with DIR] [--suite S] [DIR|FILE]...
                                           a directory of keys (密钥名录): the keys of OLD, then
                                           each DIR's public keys (or a public-keys FILE, such
                                           as `zhuji directory announced` writes); a new
                                           key for an id already listed makes its old key
                                           retiring for D days (default 7); --revoke marks a key
                                           revoked; --serves lists the node ids a broker may
                                           register above it (a broker speaks for no other);
                                           --sign-with signs it with the directory key in DIR
                                           (version: OLD's + 1, or 1)

Private keys stay in DIR/keys/secret.toml (mode 0600); they are never printed.
)";

// Where the keys are, whose they are and of which suite: --config (a node), or --dir and --id.
struct Owner {
  std::string dir, id, suite;
};

Owner OwnerOf(const Args& args) {
  if (args.Has("config")) {
    auto c = config::LoadNodeConfig(args.Get("config"));
    return {c.security.keys_dir, c.node_id, c.security.suite};
  }
  if (!args.Has("dir")) throw UsageError("keys: give --config FILE, or --dir DIR");
  return {args.Get("dir"), args.Get("id"), args.Get("suite", "ed25519")};
}

const crypto::Suite& SuiteNamed(const std::string& name) {
  const crypto::Suite* suite = crypto::FindSuite(name);
  if (!suite) throw UsageError("unknown signature suite '" + name + "' (ed25519, sm2-sm3)");
  return *suite;
}

void PrintPublic(const crypto::PublicKeys& k, bool json, std::ostream& out) {
  if (json) {
    JsonWriter j;
    j.BeginObject().Key("id").String(k.id).Key("suite").String(k.suite);
    j.Key("curve").String(k.curve).Key("sign").String(k.sign);
    j.Key("fingerprint").String(crypto::Fingerprint(k)).EndObject();
    out << j.str() << "\n";
    return;
  }
  out << "密钥 keys of " << k.id << "\n  curve (transport, Z85)   " << k.curve << "\n  sign ("
      << k.suite << ", hex) " << k.sign << "\n  fingerprint              " << crypto::Fingerprint(k)
      << "\n";
}

int Fail(const std::string& message) {
  std::cerr << "zhuji: " << message << "\n";
  return 1;
}

int Make(const Args& args, crypto::KeySlot slot, std::ostream& out) {
  Owner o = OwnerOf(args);
  if (o.id.empty()) throw UsageError("keys init/rotate --dir DIR needs --id ID");
  if (!crypto::IsKeyOwnerId(o.id)) {
    throw UsageError("--id '" + o.id +
                     "': a node id (six digits), or broker:NAME, observer:NAME, directory:NAME");
  }
  if (slot == crypto::KeySlot::kNext && !crypto::HasKeys(o.dir, crypto::KeySlot::kCurrent)) {
    return Fail("no keys in use under " + crypto::KeyDir(o.dir) + " to rotate (zhuji keys init)");
  }
  crypto::KeyPair keys = crypto::NewKeyPair(o.id, SuiteNamed(o.suite));
  if (Status st = crypto::WriteKeys(o.dir, keys, slot); !st.ok()) return Fail(st.message());
  if (slot == crypto::KeySlot::kNext) {
    out << "created " << crypto::KeyDir(o.dir) << "/next-secret.toml (0600) and next-public.toml\n"
        << "轮换 rotation: give next-public.toml to the province for the next directory of keys;\n"
        << "the keys in use stay in use until a start of this node finds them listed there.\n";
  } else {
    out << "created " << crypto::KeyDir(o.dir) << "/secret.toml (0600) and public.toml\n";
  }
  PrintPublic(keys.pub, false, out);
  return 0;
}

int Show(const Args& args, std::ostream& out) {
  Owner o = OwnerOf(args);
  auto pub = crypto::ReadPublicKeys(
      o.dir, args.Flag("next") ? crypto::KeySlot::kNext : crypto::KeySlot::kCurrent);
  if (!pub.ok()) return Fail(pub.message());
  PrintPublic(pub.value(), args.Flag("json"), out);
  return 0;
}

// Public keys from a key folder, or from a file of public keys (keys/public.toml,
// keys/next-public.toml, or one written by `zhuji directory announced --out DIR`).
Result<crypto::PublicKeys> PublicKeysAt(const std::string& path) {
  if (std::filesystem::is_directory(path)) return crypto::ReadPublicKeys(path);
  return crypto::ReadPublicKeysFile(path);
}

int Directory(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  if (!args.Has("out")) throw UsageError("keys directory --out FILE [DIR|FILE]...");
  std::vector<crypto::DirectoryKey> keys;
  uint64_t version = 1;
  std::string suite = args.Get("suite", "ed25519");
  if (args.Has("from")) {
    auto old = crypto::KeyDirectory::Load(args.Get("from"));
    if (!old.ok()) return Fail(old.message());
    keys = old.value().keys();
    version = old.value().version() + 1;
    suite = old.value().suite();
  }
  SuiteNamed(suite);
  int64_t now = SystemClock().NowMs();
  int64_t grace = args.GetInt("grace-days", 7, 0, 3650) * 86'400'000;
  for (size_t i = 2; i < pos.size(); ++i) {
    auto pub = PublicKeysAt(pos[i]);
    if (!pub.ok()) return Fail(pub.message());
    for (auto& k : keys) {  // rotation: the id's key in use retires after the grace period
      if (k.keys.id == pub.value().id && k.state == crypto::KeyState::kActive) {
        k.state = crypto::KeyState::kRetiring;
        k.until_ms = now + grace;
      }
    }
    crypto::DirectoryKey entry;
    entry.keys = pub.value();
    keys.push_back(entry);
  }
  for (const std::string& spec : args.GetAll("serves")) {  // broker:NAME=ID,ID,…
    size_t eq = spec.find('=');
    std::string who = spec.substr(0, eq);
    auto it = std::find_if(keys.begin(), keys.end(), [&](const crypto::DirectoryKey& k) {
      return k.keys.id == who && k.state == crypto::KeyState::kActive;
    });
    if (eq == std::string::npos || !crypto::IsBrokerKeyId(who) || it == keys.end()) {
      throw UsageError("--serves broker:NAME=ID,ID,… names a broker listed (got '" + spec + "')");
    }
    it->serves.clear();
    std::stringstream ids(spec.substr(eq + 1));
    for (std::string id; std::getline(ids, id, ',');) it->serves.push_back(id);
  }
  for (const std::string& fp : args.GetAll("revoke")) {
    auto it = std::find_if(keys.begin(), keys.end(), [&](const crypto::DirectoryKey& k) {
      return crypto::Fingerprint(k.keys) == fp;
    });
    if (it == keys.end()) return Fail("--revoke " + fp + ": no key with that fingerprint");
    it->state = crypto::KeyState::kRevoked;
    it->until_ms = 0;
  }
  if (keys.empty()) throw UsageError("keys directory: no keys (give --from OLD, or DIR...)");
  version = static_cast<uint64_t>(
      args.GetInt("version", static_cast<long long>(version), 1, 1'000'000'000));
  std::string text = crypto::KeyDirectory::Render(keys, version, suite);
  if (auto check = crypto::KeyDirectory::Parse(text, args.Get("out")); !check.ok()) {
    return Fail(check.message());
  }
  if (args.Has("sign-with")) {
    auto signer = crypto::ReadKeys(args.Get("sign-with"));
    if (!signer.ok()) return Fail(signer.message());
    auto signed_text = crypto::KeyDirectory::Sign(text, signer.value());
    if (!signed_text.ok()) return Fail(signed_text.message());
    text = signed_text.value();
  }
  std::ofstream file(args.Get("out"), std::ios::trunc);
  if (!(file << text) || !file.flush()) return Fail("cannot write " + args.Get("out"));
  out << "wrote " << args.Get("out") << ": " << keys.size() << " key(s), version " << version
      << (args.Has("sign-with") ? ", signed" : ", NOT signed (--sign-with DIR)") << "\n";
  return 0;
}

}  // namespace

int CmdKeys(const Args& args, zmq::context_t&, std::ostream& out) {
  args.Allow({"config", "dir", "id", "json", "out", "version", "help", "suite", "next", "from",
              "grace-days", "revoke", "sign-with", "serves"});
  const auto& pos = args.positionals();
  std::string sub = pos.size() >= 2 ? pos[1] : "";
  if (args.Flag("help") || sub.empty()) {
    out << kKeysUsage;
    return args.Flag("help") ? 0 : 2;
  }
  if (sub == "init") return Make(args, crypto::KeySlot::kCurrent, out);
  if (sub == "rotate") return Make(args, crypto::KeySlot::kNext, out);
  if (sub == "show") return Show(args, out);
  if (sub == "directory") return Directory(args, out);
  throw UsageError("keys: unknown subcommand '" + sub + "' (init, show, rotate, directory)");
}

}  // namespace zhuji::tools
