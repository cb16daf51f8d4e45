#include "services/crypto/keys.h"

#include <sodium.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <zmq.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "services/common/ids.h"

namespace zhuji::crypto {

namespace {

std::string SecretFile(KeySlot slot) {
  return slot == KeySlot::kNext ? "next-secret.toml" : "secret.toml";
}
std::string PublicFile(KeySlot slot) {
  return slot == KeySlot::kNext ? "next-public.toml" : "public.toml";
}

bool IsHex(const std::string& s, size_t chars) {
  return s.size() == chars && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

const Suite* SuiteOf(const std::string& name) { return FindSuite(name); }

Status WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::Error("cannot write " + tmp + ": " + std::strerror(errno));
    out << text;
    if (!out.flush()) return Status::Error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (::chmod(tmp.c_str(), mode) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Error("cannot install " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<toml::table> ParseFile(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::Error(path + ": " + std::string(e.description()));
  }
}

Result<PublicKeys> PublicFrom(const toml::table& t, const std::string& path) {
  PublicKeys p;
  p.id = t["id"].value_or(std::string());
  p.curve = t["curve"].value_or(std::string());
  p.sign = t["sign"].value_or(std::string());
  p.suite = t["suite"].value_or(std::string("ed25519"));
  if (p.id.empty()) return Status::Error(path + ": no id");
  if (Status st = CheckPublicKeys(p, path); !st.ok()) return st;
  return p;
}

}  // namespace

bool IsCurveKey(const std::string& z85) {
  static const std::string kAlphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  return z85.size() == 40 && z85.find_first_not_of(kAlphabet) == std::string::npos;
}

bool IsKeyOwnerId(const std::string& id) {
  if (IsDivisionCode(id)) return true;
  for (const char* kind : {"broker:", "observer:", "directory:"}) {
    std::string_view prefix(kind);
    if (id.size() > prefix.size() && id.size() <= 64 && id.compare(0, prefix.size(), prefix) == 0) {
      return id.find_first_not_of(
                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
                 prefix.size()) == std::string::npos;
    }
  }
  return false;
}

Status CheckPublicKeys(const PublicKeys& p, const std::string& where) {
  if (!IsKeyOwnerId(p.id)) {
    return Status::Error(where +
                         ": id is a node id (six digits) or broker:, observer: or "
                         "directory: and a name of letters, digits, _ . -");
  }
  const Suite* suite = SuiteOf(p.suite);
  if (!suite) return Status::Error(where + ": unknown signature suite '" + p.suite + "'");
  if (!IsCurveKey(p.curve)) return Status::Error(where + ": curve is not a Z85 CURVE key");
  if (!IsHex(p.sign, 2 * suite->public_key_bytes())) {
    return Status::Error(where + ": sign is not a hex " + std::string(suite->name()) +
                         " public key");
  }
  return Status::Ok();
}

std::string PublicKeyLines(const PublicKeys& p) {
  return "id = \"" + p.id + "\"\nsuite = \"" + p.suite + "\"\ncurve = \"" + p.curve +
         "\"\nsign = \"" + p.sign + "\"\n";
}

std::string Fingerprint(const PublicKeys& keys) {
  const Suite* suite = SuiteOf(keys.suite);
  std::string raw;
  if (!suite || !FromHex(keys.sign, &raw)) return "";
  return ToHex(std::string_view(suite->Hash(raw)).substr(0, 8));
}

KeyPair NewKeyPair(const std::string& id, const Suite& suite) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
  KeyPair k;
  k.pub.id = id;
  k.pub.suite = std::string(suite.name());
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) {
    throw std::runtime_error(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  }
  k.pub.curve = pub;
  k.curve_secret = sec;
  sodium_memzero(sec, sizeof sec);
  auto [spk, ssk] = suite.NewKeyPair();
  k.pub.sign = ToHex(spk);
  k.sign_secret = ToHex(ssk);
  sodium_memzero(ssk.data(), ssk.size());
  return k;
}

std::string KeyDir(const std::string& dir) { return dir + "/keys"; }

bool HasKeys(const std::string& dir, KeySlot slot) {
  return std::filesystem::exists(KeyDir(dir) + "/" + SecretFile(slot));
}

Status WriteKeys(const std::string& dir, const KeyPair& keys, KeySlot slot) {
  std::string kd = KeyDir(dir);
  std::error_code ec;
  std::filesystem::create_directories(kd, ec);
  if (ec) return Status::Error("cannot create " + kd + ": " + ec.message());
  ::chmod(kd.c_str(), 0700);
  std::string secret = kd + "/" + SecretFile(slot);
  if (std::filesystem::exists(secret)) {
    return Status::Error(secret + " exists: keys are replaced only by a rotation");
  }
  std::string text = "# zhuji PRIVATE keys of " + keys.pub.id +
                     ": never copy them off this machine\n" + PublicKeyLines(keys.pub) +
                     "curve_secret = \"" + keys.curve_secret + "\"\nsign_secret = \"" +
                     keys.sign_secret + "\"\n";
  if (Status st = WriteFile(secret, text, 0600); !st.ok()) return st;
  return WriteFile(kd + "/" + PublicFile(slot),
                   "# zhuji public keys: these go into the directory of keys (密钥名录)\n" +
                       PublicKeyLines(keys.pub),
                   0644);
}

Result<KeyPair> ReadKeys(const std::string& dir, KeySlot slot) {
  std::string path = KeyDir(dir) + "/" + SecretFile(slot);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Error("no keys at " + path + " (zhuji keys init): " + std::strerror(errno));
  }
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
    return Status::Error(path + " may be read by others (mode " + mode +
                         "): refused; chmod 600 it");
  }
  auto t = ParseFile(path);
  if (!t.ok()) return t.status();
  auto pub = PublicFrom(t.value(), path);
  if (!pub.ok()) return pub.status();
  KeyPair k;
  k.pub = pub.value();
  k.curve_secret = t.value()["curve_secret"].value_or(std::string());
  k.sign_secret = t.value()["sign_secret"].value_or(std::string());
  if (!IsCurveKey(k.curve_secret)) return Status::Error(path + ": curve_secret is not a Z85 key");
  if (!IsHex(k.sign_secret, 2 * SuiteOf(k.pub.suite)->secret_key_bytes())) {
    return Status::Error(path + ": sign_secret is not a hex " + k.pub.suite + " secret key");
  }
  return k;
}

Result<PublicKeys> ReadPublicKeys(const std::string& dir, KeySlot slot) {
  return ReadPublicKeysFile(KeyDir(dir) + "/" + PublicFile(slot));
}

Result<PublicKeys> ReadPublicKeysFile(const std::string& path) {
  auto t = ParseFile(path);
  if (!t.ok()) return t.status();
  return PublicFrom(t.value(), path);
}

Status PromoteNextKeys(const std::string& dir) {
  std::string kd = KeyDir(dir) + "/";
  auto move = [&](const std::string& from, const std::string& to) {
    if (::rename((kd + from).c_str(), (kd + to).c_str()) == 0) return Status::Ok();
    return Status::Error("cannot rename " + kd + from + " to " + to + ": " + std::strerror(errno));
  };
  for (KeySlot slot : {KeySlot::kCurrent, KeySlot::kNext}) {
    if (!std::filesystem::exists(kd + PublicFile(slot))) {
      return Status::Error("no " + kd + PublicFile(slot) + ": nothing to promote");
    }
  }
  for (const std::string& f : {PublicFile(KeySlot::kCurrent), SecretFile(KeySlot::kCurrent)}) {
    if (Status st = move(f, "previous-" + f); !st.ok()) return st;
  }
  if (Status st = move(SecretFile(KeySlot::kNext), SecretFile(KeySlot::kCurrent)); !st.ok()) {
    return st;
  }
  return move(PublicFile(KeySlot::kNext), PublicFile(KeySlot::kCurrent));
}

}  // namespace zhuji::crypto
