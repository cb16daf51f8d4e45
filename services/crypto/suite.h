#pragma once
// The signature suite (issue #10): signing and hashing behind one small interface, so that a
// deployment that must use the national algorithms selects them in its configuration.
//
//   "ed25519"  Ed25519 signatures and SHA-256 (libsodium): the default
//   "sm2-sm3"  SM2 signatures with SM3 (GB/T 32918, GB/T 32905) through OpenSSL 3's default
//              provider; the signer's distinguishing id is the default one of GB/T 35276,
//              "1234567812345678"
//
// Keys and signatures are raw bytes here; files and the directory carry them as hex.
// An SM2 secret key is the private scalar (32 bytes) followed by the public point (65 bytes,
// uncompressed), because the SM2 signature hashes the signer's public key into its input.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zhuji::crypto {

class Suite {
 public:
  virtual ~Suite() = default;
  virtual std::string_view name() const = 0;
  virtual size_t public_key_bytes() const = 0;
  virtual size_t secret_key_bytes() const = 0;
  virtual size_t max_signature_bytes() const = 0;
  // A 32-byte digest (SHA-256, SM3).
  virtual std::string Hash(std::string_view data) const = 0;
  // A new key pair: {public, secret}.
  virtual std::pair<std::string, std::string> NewKeyPair() const = 0;
  // Throws std::invalid_argument for a secret key of the wrong form.
  virtual std::string Sign(std::string_view secret, std::string_view message) const = 0;
  // False for a key or signature of the wrong form, never throws.
  virtual bool Verify(std::string_view public_key, std::string_view message,
                      std::string_view signature) const = 0;
};

// The suite of this name, or null.
const Suite* FindSuite(std::string_view name);
const Suite& DefaultSuite();  // ed25519
std::vector<std::string_view> SuiteNames();

}  // namespace zhuji::crypto
