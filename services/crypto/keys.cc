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

namespace zhuji::crypto {

namespace {

constexpr const char* kSecretFile = "secret.toml";
constexpr const char* kPublicFile = "public.toml";

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, bytes, n);
  return out;
}

bool IsHex(const std::string& s, size_t chars) {
  return s.size() == chars && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

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

std::string PublicText(const PublicKeys& p) {
  return "# zhuji public keys: these go into the directory of keys (密钥名录)\nid = \"" + p.id +
         "\"\ncurve = \"" + p.curve + "\"\nsign = \"" + p.sign + "\"\n";
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
  if (p.id.empty()) return Status::Error(path + ": no id");
  if (!IsCurveKey(p.curve)) return Status::Error(path + ": curve is not a Z85 CURVE key");
  if (!IsHex(p.sign, 2 * crypto_sign_PUBLICKEYBYTES)) {
    return Status::Error(path + ": sign is not a hex Ed25519 public key");
  }
  return p;
}

}  // namespace

bool IsCurveKey(const std::string& z85) {
  static const std::string kAlphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  return z85.size() == 40 && z85.find_first_not_of(kAlphabet) == std::string::npos;
}

KeyPair NewKeyPair(const std::string& id) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
  KeyPair k;
  k.pub.id = id;
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) {
    throw std::runtime_error(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  }
  k.pub.curve = pub;
  k.curve_secret = sec;
  sodium_memzero(sec, sizeof sec);
  unsigned char spk[crypto_sign_PUBLICKEYBYTES], ssk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(spk, ssk);
  k.pub.sign = Hex(spk, sizeof spk);
  k.sign_secret = Hex(ssk, sizeof ssk);
  sodium_memzero(ssk, sizeof ssk);
  return k;
}

std::string KeyDir(const std::string& dir) { return dir + "/keys"; }

Status WriteKeys(const std::string& dir, const KeyPair& keys) {
  std::string kd = KeyDir(dir);
  std::error_code ec;
  std::filesystem::create_directories(kd, ec);
  if (ec) return Status::Error("cannot create " + kd + ": " + ec.message());
  ::chmod(kd.c_str(), 0700);
  std::string secret = kd + "/" + kSecretFile;
  if (std::filesystem::exists(secret)) {
    return Status::Error(secret + " exists: keys are replaced only by a rotation");
  }
  std::string text = "# zhuji PRIVATE keys of " + keys.pub.id +
                     ": never copy them off this machine\nid = \"" + keys.pub.id +
                     "\"\ncurve = \"" + keys.pub.curve + "\"\nsign = \"" + keys.pub.sign +
                     "\"\ncurve_secret = \"" + keys.curve_secret + "\"\nsign_secret = \"" +
                     keys.sign_secret + "\"\n";
  if (Status st = WriteFile(secret, text, 0600); !st.ok()) return st;
  return WriteFile(kd + "/" + kPublicFile, PublicText(keys.pub), 0644);
}

Result<KeyPair> ReadKeys(const std::string& dir) {
  std::string path = KeyDir(dir) + "/" + kSecretFile;
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
  if (!IsHex(k.sign_secret, 2 * crypto_sign_SECRETKEYBYTES)) {
    return Status::Error(path + ": sign_secret is not a hex Ed25519 secret key");
  }
  return k;
}

Result<PublicKeys> ReadPublicKeys(const std::string& dir) {
  std::string path = KeyDir(dir) + "/" + kPublicFile;
  auto t = ParseFile(path);
  if (!t.ok()) return t.status();
  return PublicFrom(t.value(), path);
}

}  // namespace zhuji::crypto
