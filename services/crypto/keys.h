#pragma once
// A node's (or a broker's) long-term keys (issue #10): a CURVE key pair for the transport
// (ZeroMQ CURVE, Curve25519, Z85 text) and a signing key pair of the deployment's signature
// suite (services/crypto/suite.h: Ed25519 by default, SM2 for the national algorithms; hex).
//
// The private halves live in one file, `<dir>/keys/secret.toml`, mode 0600, owned by the service
// user; it is refused if anyone else may read it. The public halves are written beside it
// (`public.toml`, 0644) for the directory of keys (services/crypto/key_directory.h). Private keys
// never leave the machine and are never logged.

#include <string>

#include "services/common/result.h"
#include "services/crypto/suite.h"

namespace zhuji::crypto {

struct PublicKeys {
  std::string id;     // the node id, "broker:<name>", or "directory:<name>"
  std::string curve;  // Z85, 40 characters
  std::string sign;   // hex: 64 characters (Ed25519) or 130 (SM2)
  std::string suite = "ed25519";
};

struct KeyPair {
  PublicKeys pub;
  std::string curve_secret;  // Z85, 40 characters
  std::string sign_secret;   // hex
};

// New random keys for `id`; the signing pair of `suite`.
KeyPair NewKeyPair(const std::string& id, const Suite& suite = DefaultSuite());

// The signing key's fingerprint: 16 hex digits of the suite's hash of the public key. An
// envelope names the key that signed it by this (Envelope.signerKeyId).
std::string Fingerprint(const PublicKeys& keys);

// `<dir>/keys/`: where a node or broker keeps its keys.
std::string KeyDir(const std::string& dir);

// Which keys of a key folder: the ones in use, or the next ones made by a rotation (they are
// put in use once the directory lists them; see docs/security.md "Rotation").
enum class KeySlot { kCurrent, kNext };

// Writes both files (secret 0600, public 0644) under KeyDir(dir). Refuses (Status) when keys of
// that slot exist already: keys in use are replaced only by a rotation, never by accident.
Status WriteKeys(const std::string& dir, const KeyPair& keys, KeySlot slot = KeySlot::kCurrent);
// Reads the private file; refused when missing, malformed, or readable by group or others.
Result<KeyPair> ReadKeys(const std::string& dir, KeySlot slot = KeySlot::kCurrent);
// Reads the public file.
Result<PublicKeys> ReadPublicKeys(const std::string& dir, KeySlot slot = KeySlot::kCurrent);
// Reads any file of public keys (public.toml, or one written by `zhuji directory announced`).
Result<PublicKeys> ReadPublicKeysFile(const std::string& path);
bool HasKeys(const std::string& dir, KeySlot slot);
// The next keys become the current ones; the current ones are kept as previous-*.toml.
Status PromoteNextKeys(const std::string& dir);

// Whose keys they may be: a node id, or "broker:", "observer:", "directory:" and a name of
// letters, digits, '_', '.', '-' (nothing that could break out of a TOML string).
bool IsKeyOwnerId(const std::string& id);
// Checks a public key set: its owner's id, a CURVE key, and a signing key of its suite. `where`
// prefixes errors.
Status CheckPublicKeys(const PublicKeys& keys, const std::string& where);
// The TOML lines of a public key set (id, suite, curve, sign).
std::string PublicKeyLines(const PublicKeys& keys);

// A Z85 CURVE key (40 characters of the Z85 alphabet).
bool IsCurveKey(const std::string& z85);

}  // namespace zhuji::crypto
