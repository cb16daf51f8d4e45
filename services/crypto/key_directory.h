#pragma once
// The directory of keys (密钥名录, issue #10): every node's and broker's public keys, by id.
// A broker admits a CURVE client only if its key is here, and binds the connection to the id
// the key belongs to; a node checks signatures against it. One TOML file:
//
//   version = 1
//   [[key]]  id = "440106"  curve = "<Z85>"  sign = "<hex>"
//   [[key]]  id = "broker:gd"  curve = "<Z85>"  sign = "<hex>"
//
// (Published by the province and signed with its directory key: a later step of issue #10.)

#include <map>
#include <string>
#include <vector>

#include "services/common/result.h"
#include "services/crypto/keys.h"

namespace zhuji::crypto {

class KeyDirectory {
 public:
  // Refuses a file with a malformed key, or one id or one CURVE key twice.
  static Result<KeyDirectory> Load(const std::string& path);
  static Result<KeyDirectory> Parse(const std::string& toml_text, const std::string& source);
  // The file's text for `keys` (ids unique).
  static std::string Render(const std::vector<PublicKeys>& keys, uint64_t version);

  // Who holds this CURVE public key (Z85), or null.
  const PublicKeys* FindByCurve(const std::string& z85) const;
  const PublicKeys* Find(const std::string& id) const;
  uint64_t version() const { return version_; }
  size_t size() const { return by_id_.size(); }

 private:
  uint64_t version_ = 0;
  std::map<std::string, PublicKeys> by_id_;
  std::map<std::string, std::string> id_by_curve_;
};

// "broker:<name>": the id a broker's keys carry in the directory.
inline std::string BrokerKeyId(const std::string& name) { return "broker:" + name; }
inline bool IsBrokerKeyId(const std::string& id) { return id.rfind("broker:", 0) == 0; }

}  // namespace zhuji::crypto
