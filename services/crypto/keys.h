#pragma once
// A node's (or a broker's) long-term keys (issue #10): a CURVE key pair for the transport
// (ZeroMQ CURVE, Curve25519, Z85 text) and an Ed25519 signing key pair (hex).
//
// The private halves live in one file, `<dir>/keys/secret.toml`, mode 0600, owned by the service
// user; it is refused if anyone else may read it. The public halves are written beside it
// (`public.toml`, 0644) for the directory of keys (services/crypto/key_directory.h). Private keys
// never leave the machine and are never logged.

#include <string>

#include "services/common/result.h"

namespace zhuji::crypto {

struct PublicKeys {
  std::string id;     // the node id, or "broker:<name>"
  std::string curve;  // Z85, 40 characters
  std::string sign;   // hex, 64 characters
};

struct KeyPair {
  PublicKeys pub;
  std::string curve_secret;  // Z85, 40 characters
  std::string sign_secret;   // hex, 128 characters
};

// New random keys for `id`.
KeyPair NewKeyPair(const std::string& id);

// `<dir>/keys/`: where a node or broker keeps its keys.
std::string KeyDir(const std::string& dir);

// Writes both files under KeyDir(dir). Refuses (Status) when keys exist already: a key is
// replaced only by a rotation, never by accident.
Status WriteKeys(const std::string& dir, const KeyPair& keys);
// Reads the private file; refused when missing, malformed, or readable by group or others.
Result<KeyPair> ReadKeys(const std::string& dir);
// Reads the public file.
Result<PublicKeys> ReadPublicKeys(const std::string& dir);

// A Z85 CURVE key (40 characters of the Z85 alphabet).
bool IsCurveKey(const std::string& z85);

}  // namespace zhuji::crypto
