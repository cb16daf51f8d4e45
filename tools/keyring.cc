#include "tools/keyring.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zhuji::tools {

namespace fs = std::filesystem;

namespace {

crypto::KeyPair KeysIn(const std::string& folder, const std::string& id) {
  if (!crypto::HasKeys(folder, crypto::KeySlot::kCurrent)) {
    if (Status st = crypto::WriteKeys(folder, crypto::NewKeyPair(id)); !st.ok()) {
      throw std::runtime_error(st.message());
    }
  }
  auto keys = crypto::ReadKeys(folder);
  if (!keys.ok()) throw std::runtime_error(keys.message());
  if (keys.value().pub.id != id) {
    throw std::runtime_error("the keys under " + folder + " are " + keys.value().pub.id +
                             "'s, not " + id + "'s");
  }
  return keys.value();
}

}  // namespace

bool HasKeyring(const std::string& root) { return fs::exists(root + "/keys.toml"); }

Keyring::Keyring(std::string root, const std::string& name) : root_(std::move(root)), name_(name) {
  directory_key_ = KeysIn(root_ + "/directory", "directory:" + name);
}

const crypto::PublicKeys& Keyring::Ensure(const std::string& folder, const std::string& id,
                                          std::vector<std::string> serves) {
  crypto::DirectoryKey entry;
  entry.keys = KeysIn(folder, id).pub;
  entry.serves = std::move(serves);
  keys_.push_back(std::move(entry));
  return keys_.back().keys;
}

CurveCredentials Keyring::Observer(const std::string& broker_curve) {
  crypto::KeyPair k = KeysIn(root_ + "/observer", "observer:" + name_);
  return {broker_curve, k.pub.curve, k.curve_secret};
}

std::string Keyring::Publish() {
  std::vector<crypto::DirectoryKey> entries = keys_;
  crypto::DirectoryKey observer;  // broker STATS for tools
  observer.keys = KeysIn(root_ + "/observer", "observer:" + name_).pub;
  entries.push_back(observer);
  uint64_t version = 1;
  std::string path = directory_file();
  if (auto held = crypto::KeyDirectory::LoadSigned(path, "ed25519", directory_key_.pub.sign);
      held.ok()) {
    std::string same = crypto::KeyDirectory::Render(entries, held.value().version(), "ed25519");
    auto signed_same = crypto::KeyDirectory::Sign(same, directory_key_);
    if (signed_same.ok() && signed_same.value() == held.value().text()) return path;
    version = held.value().version() + 1;
  }
  auto text = crypto::KeyDirectory::Sign(crypto::KeyDirectory::Render(entries, version, "ed25519"),
                                         directory_key_);
  if (!text.ok()) throw std::runtime_error(text.message());
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << text.value()) || !out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
  return path;
}

std::vector<std::string> Keyring::BrokerArgs(
    const std::string& folder, const std::vector<std::string>& upstream_curves) const {
  std::vector<std::string> args = {"--keys-dir",      folder,
                                   "--key-directory", directory_file(),
                                   "--directory-key", directory_key_.pub.sign};
  for (const auto& key : upstream_curves) {
    args.push_back("--upstream-key");
    args.push_back(key);
  }
  return args;
}

std::string Keyring::NodeSecurity(const std::vector<std::string>& broker_curves) const {
  std::string keys;
  for (const auto& key : broker_curves) keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
  return "[security]  # issue #10: CURVE to the broker, signed envelopes, the pinned directory "
         "key\n"
         "curve = true\nbroker_keys = [" +
         keys + "]\nsignatures = true\ndirectory_key = \"" + directory_key_.pub.sign +
         "\"\nkey_directory = \"" + directory_file() + "\"\nexport_directory = \"" +
         directory_file() + "\"  # the broker reads it: newer versions reach it too\n";
}

}  // namespace zhuji::tools
