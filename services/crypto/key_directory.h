#pragma once
// The directory of keys (密钥名录, issue #10): every node's and broker's public keys, by id.
// A broker admits a CURVE client only if its key is here, and binds the connection to the id
// the key belongs to; a node checks each envelope's signature against it. One TOML file:
//
//   version = 7
//   suite = "ed25519"
//   [[key]]  id = "440106"  curve = "<Z85>"  sign = "<hex>"
//   [[key]]  id = "440106"  curve = …  sign = …  state = "retiring"  until = <ms since epoch>
//   [[key]]  id = "440104"  curve = …  sign = …  state = "revoked"
//   [[key]]  id = "broker:gz"  …  serves = ["440100", "440106"]   (a broker: whom it speaks for)
//   signature = "<hex>"
//
// It is published by the province, signed with the province's directory key (a key pair made
// with `zhuji keys init --id directory:NAME`, whose public half every node and broker pins in
// its configuration). The last line carries the signature over every byte before it. Versions
// only go up: a node or broker refuses a directory older than the one it holds.
//
// Rotation: the directory lists an id's new key as active and its old one as retiring until a
// time (both are valid until then); a later version marks the old one revoked (refused
// everywhere, with that reason) or drops it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/common/result.h"
#include "services/crypto/keys.h"

namespace zhuji::crypto {

enum class KeyState { kActive, kRetiring, kRevoked };
const char* KeyStateName(KeyState state);  // "active", "retiring", "revoked"

struct DirectoryKey {
  PublicKeys keys;
  KeyState state = KeyState::kActive;
  int64_t until_ms = 0;     // retiring: valid until then
  std::string fingerprint;  // Fingerprint(keys)
  // A broker's key: the node ids it may register at another broker (its own nodes and those of
  // the brokers below it). A broker speaks for no other node.
  std::vector<std::string> serves;
  bool Serves(const std::string& node_id) const;
};

class KeyDirectory {
 public:
  // An unsigned directory (a broker or tool without a pinned key; tests). Refuses a malformed
  // key, a key of another suite, one CURVE or signing key twice, or an id with two active keys.
  static Result<KeyDirectory> Parse(const std::string& toml_text, const std::string& source);
  static Result<KeyDirectory> Load(const std::string& path);
  // A signed directory: its signature must verify with `pinned_sign_hex` (the province's
  // directory key, of `suite`), or it is refused naming why.
  static Result<KeyDirectory> ParseSigned(const std::string& text, const std::string& source,
                                          const std::string& suite,
                                          const std::string& pinned_sign_hex);
  static Result<KeyDirectory> LoadSigned(const std::string& path, const std::string& suite,
                                         const std::string& pinned_sign_hex);

  // The file's text (unsigned) for `keys`.
  static std::string Render(const std::vector<DirectoryKey>& keys, uint64_t version,
                            const std::string& suite);
  // `text` with the signature line of `signer` appended.
  static Result<std::string> Sign(const std::string& text, const KeyPair& signer);

  // Who holds this CURVE public key (Z85), whatever its state; or null.
  const DirectoryKey* FindByCurve(const std::string& z85) const;
  // The key with this fingerprint (Envelope.signerKeyId), whatever its state; or null.
  const DirectoryKey* FindByFingerprint(const std::string& fingerprint) const;
  // The active key of `id`, or null.
  const PublicKeys* Find(const std::string& id) const;
  // OK if `key` may be used at `now_ms`; else why not ("revoked in directory version 7", …).
  Status Usable(const DirectoryKey& key, int64_t now_ms) const;

  uint64_t version() const { return version_; }
  const std::string& suite() const { return suite_; }
  const std::vector<DirectoryKey>& keys() const { return keys_; }
  size_t size() const { return keys_.size(); }
  // The text it was read from (signed, when read signed): what is passed on to others.
  const std::string& text() const { return text_; }

 private:
  uint64_t version_ = 0;
  std::string suite_ = "ed25519";
  std::string text_;
  std::vector<DirectoryKey> keys_;
  std::map<std::string, size_t> by_curve_, by_fingerprint_, active_by_id_;
};

// "broker:<name>": the id a broker's keys carry in the directory.
inline std::string BrokerKeyId(const std::string& name) { return "broker:" + name; }
inline bool IsBrokerKeyId(const std::string& id) { return id.rfind("broker:", 0) == 0; }

}  // namespace zhuji::crypto
