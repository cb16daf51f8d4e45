#include "services/crypto/key_directory.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "services/common/ids.h"
#include "services/crypto/signed_document.h"

namespace zhuji::crypto {

namespace {

constexpr std::string_view kDomain = "zhuji-directory-v1\n";  // what a directory signature covers

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read the directory of keys " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

KeyState ParseState(const std::string& s, bool* ok) {
  *ok = true;
  if (s.empty() || s == "active") return KeyState::kActive;
  if (s == "retiring") return KeyState::kRetiring;
  if (s == "revoked") return KeyState::kRevoked;
  *ok = false;
  return KeyState::kRevoked;
}

}  // namespace

bool DirectoryKey::Serves(const std::string& node_id) const {
  return std::find(serves.begin(), serves.end(), node_id) != serves.end();
}

const char* KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kActive:
      return "active";
    case KeyState::kRetiring:
      return "retiring";
    case KeyState::kRevoked:
      return "revoked";
  }
  return "revoked";
}

Result<KeyDirectory> KeyDirectory::Load(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  return Parse(text.value(), path);
}

Result<KeyDirectory> KeyDirectory::LoadSigned(const std::string& path, const std::string& suite,
                                              const std::string& pinned_sign_hex) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  return ParseSigned(text.value(), path, suite, pinned_sign_hex);
}

Result<KeyDirectory> KeyDirectory::ParseSigned(const std::string& text, const std::string& source,
                                               const std::string& suite_name,
                                               const std::string& pinned_sign_hex) {
  auto body = VerifiedBody(text, source, suite_name, pinned_sign_hex, kDomain);
  if (!body.ok()) return body.status();
  auto d = Parse(body.value(), source);
  if (!d.ok()) return d;
  if (d.value().suite_ != suite_name) {
    return Status::Error(source + ": lists keys of suite '" + d.value().suite_ +
                         "', this deployment uses '" + suite_name + "'");
  }
  KeyDirectory signed_directory = d.value();
  signed_directory.text_ = text;
  return signed_directory;
}

Result<KeyDirectory> KeyDirectory::Parse(const std::string& toml_text, const std::string& source) {
  toml::table t;
  try {
    t = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::Error(source + ": " + std::string(e.description()));
  }
  KeyDirectory d;
  d.text_ = toml_text;
  // Integers only: toml++ would convert a float, undefined when out of range.
  int64_t version = t["version"].is_integer() ? t["version"].value_or(int64_t{0}) : 0;
  d.version_ = version > 0 ? static_cast<uint64_t>(version) : 0;
  if (d.version_ == 0) return Status::Error(source + ": no version (a positive number)");
  d.suite_ = t["suite"].value_or(std::string("ed25519"));
  if (!FindSuite(d.suite_)) return Status::Error(source + ": unknown suite '" + d.suite_ + "'");
  const toml::array* keys = t["key"].as_array();
  if (!keys) return Status::Error(source + ": no [[key]] entries");
  for (const auto& node : *keys) {
    const toml::table* k = node.as_table();
    if (!k) return Status::Error(source + ": a [[key]] is not a table");
    DirectoryKey e;
    e.keys = {(*k)["id"].value_or(std::string()), (*k)["curve"].value_or(std::string()),
              (*k)["sign"].value_or(std::string()), (*k)["suite"].value_or(d.suite_)};
    std::string where = source + ": key of '" + e.keys.id + "'";
    if (e.keys.id.empty()) return Status::Error(source + ": a [[key]] without an id");
    if (Status st = CheckPublicKeys(e.keys, where); !st.ok()) return st;
    if (e.keys.suite != d.suite_) {
      return Status::Error(where + ": suite '" + e.keys.suite + "' in a directory of '" + d.suite_ +
                           "'");
    }
    bool ok = false;
    e.state = ParseState((*k)["state"].value_or(std::string()), &ok);
    if (!ok) return Status::Error(where + ": state is active, retiring or revoked");
    if (e.state == KeyState::kRetiring) {
      if (!(*k)["until"].is_integer() || (*k)["until"].value_or(int64_t{0}) <= 0) {
        return Status::Error(where + ": a retiring key needs until (ms since the epoch)");
      }
      e.until_ms = (*k)["until"].value_or(int64_t{0});
    }
    if (const toml::array* serves = (*k)["serves"].as_array()) {
      if (!IsBrokerKeyId(e.keys.id)) return Status::Error(where + ": only a broker serves nodes");
      for (const auto& n : *serves) {
        std::string id = n.value_or(std::string());
        if (!IsDivisionCode(id)) return Status::Error(where + ": serves lists node ids only");
        e.serves.push_back(id);
      }
    }
    e.fingerprint = Fingerprint(e.keys);
    if (d.by_curve_.count(e.keys.curve)) {
      return Status::Error(where + ": its CURVE key is also " +
                           d.keys_[d.by_curve_[e.keys.curve]].keys.id + "'s");
    }
    if (d.by_fingerprint_.count(e.fingerprint)) {
      return Status::Error(where + ": its signing key is listed twice");
    }
    if (e.state == KeyState::kActive && d.active_by_id_.count(e.keys.id)) {
      return Status::Error(where + ": two active keys (the older one is retiring or revoked)");
    }
    size_t index = d.keys_.size();
    d.by_curve_[e.keys.curve] = index;
    d.by_fingerprint_[e.fingerprint] = index;
    if (e.state == KeyState::kActive) d.active_by_id_[e.keys.id] = index;
    d.keys_.push_back(std::move(e));
  }
  return d;
}

std::string KeyDirectory::Render(const std::vector<DirectoryKey>& keys, uint64_t version,
                                 const std::string& suite) {
  std::string out =
      "# 密钥名录 the directory of keys (zhuji, issue #10)\nversion = " + std::to_string(version) +
      "\nsuite = \"" + suite + "\"\n";
  for (const auto& k : keys) {
    out += "\n[[key]]\n" + PublicKeyLines(k.keys);
    if (k.state != KeyState::kActive) {
      out += "state = \"" + std::string(KeyStateName(k.state)) + "\"\n";
    }
    if (k.state == KeyState::kRetiring) out += "until = " + std::to_string(k.until_ms) + "\n";
    if (!k.serves.empty()) {
      out += "serves = [";
      for (size_t i = 0; i < k.serves.size(); ++i) {
        out += (i ? ", \"" : "\"") + k.serves[i] + "\"";
      }
      out += "]\n";
    }
  }
  return out;
}

Result<std::string> KeyDirectory::Sign(const std::string& text, const KeyPair& signer) {
  return SignDocument(text, signer, kDomain);
}

const DirectoryKey* KeyDirectory::FindByCurve(const std::string& z85) const {
  auto it = by_curve_.find(z85);
  return it == by_curve_.end() ? nullptr : &keys_[it->second];
}

const DirectoryKey* KeyDirectory::FindByFingerprint(const std::string& fingerprint) const {
  auto it = by_fingerprint_.find(fingerprint);
  return it == by_fingerprint_.end() ? nullptr : &keys_[it->second];
}

const PublicKeys* KeyDirectory::Find(const std::string& id) const {
  auto it = active_by_id_.find(id);
  return it == active_by_id_.end() ? nullptr : &keys_[it->second].keys;
}

Status KeyDirectory::Usable(const DirectoryKey& key, int64_t now_ms) const {
  std::string which = key.keys.id + "'s key " + key.fingerprint;
  switch (key.state) {
    case KeyState::kActive:
      return Status::Ok();
    case KeyState::kRetiring:
      if (now_ms <= key.until_ms) return Status::Ok();
      return Status::Error(which + " was retired (its grace period ended; directory version " +
                           std::to_string(version_) + ")");
    case KeyState::kRevoked:
      break;
  }
  return Status::Error(which + " is revoked (directory version " + std::to_string(version_) + ")");
}

}  // namespace zhuji::crypto
