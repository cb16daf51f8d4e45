#include "services/crypto/key_directory.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace zhuji::crypto {

Result<KeyDirectory> KeyDirectory::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read the directory of keys " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<KeyDirectory> KeyDirectory::Parse(const std::string& toml_text, const std::string& source) {
  toml::table t;
  try {
    t = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::Error(source + ": " + std::string(e.description()));
  }
  KeyDirectory d;
  // Integers only: toml++ would convert a float, undefined when out of range.
  int64_t version = t["version"].is_integer() ? t["version"].value_or(int64_t{0}) : 0;
  d.version_ = version > 0 ? static_cast<uint64_t>(version) : 0;
  if (d.version_ == 0) return Status::Error(source + ": no version (a positive number)");
  const toml::array* keys = t["key"].as_array();
  if (!keys) return Status::Error(source + ": no [[key]] entries");
  for (const auto& node : *keys) {
    const toml::table* k = node.as_table();
    if (!k) return Status::Error(source + ": a [[key]] is not a table");
    PublicKeys p{(*k)["id"].value_or(std::string()), (*k)["curve"].value_or(std::string()),
                 (*k)["sign"].value_or(std::string())};
    std::string where = source + ": key of '" + p.id + "'";
    if (p.id.empty()) return Status::Error(source + ": a [[key]] without an id");
    if (!IsCurveKey(p.curve)) return Status::Error(where + ": curve is not a Z85 CURVE key");
    if (p.sign.size() != 64) return Status::Error(where + ": sign is not a hex Ed25519 key");
    if (d.by_id_.count(p.id)) return Status::Error(where + ": listed twice");
    if (d.id_by_curve_.count(p.curve)) {
      return Status::Error(where + ": its CURVE key is also " + d.id_by_curve_[p.curve] + "'s");
    }
    d.id_by_curve_[p.curve] = p.id;
    d.by_id_[p.id] = p;
  }
  return d;
}

std::string KeyDirectory::Render(const std::vector<PublicKeys>& keys, uint64_t version) {
  std::string out =
      "# 密钥名录 the directory of keys (zhuji, issue #10)\nversion = " + std::to_string(version) +
      "\n";
  for (const auto& k : keys) {
    out += "\n[[key]]\nid = \"" + k.id + "\"\ncurve = \"" + k.curve + "\"\nsign = \"" + k.sign +
           "\"\n";
  }
  return out;
}

const PublicKeys* KeyDirectory::FindByCurve(const std::string& z85) const {
  auto it = id_by_curve_.find(z85);
  return it == id_by_curve_.end() ? nullptr : Find(it->second);
}

const PublicKeys* KeyDirectory::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace zhuji::crypto
