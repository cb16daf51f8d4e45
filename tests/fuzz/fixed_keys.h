#pragma once
// Keys the seed corpus and the fuzz targets agree on: made from fixed seeds, so a seed signed
// by make_seeds verifies in a target run days later. TESTS ONLY: anyone can make these keys.
#include <sodium.h>
#include <zmq.h>

#include <cstring>
#include <string>

#include "services/common/ids.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"

namespace zhuji::fuzzing {

inline crypto::KeyPair FixedKeys(const std::string& id, unsigned char seed_byte) {
  if (sodium_init() < 0) std::abort();
  unsigned char seed[32], pk[32], sk[64], curve_secret[32];
  std::memset(seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  std::memset(curve_secret, seed_byte ^ 0x5a, sizeof curve_secret);
  char z85_secret[41], z85_public[41];
  zmq_z85_encode(z85_secret, curve_secret, 32);
  zmq_curve_public(z85_public, z85_secret);
  crypto::KeyPair k;
  k.pub.id = id;
  k.pub.sign = ToHex(std::string_view(reinterpret_cast<char*>(pk), sizeof pk));
  k.sign_secret = ToHex(std::string_view(reinterpret_cast<char*>(sk), sizeof sk));
  k.pub.curve = z85_public;
  k.curve_secret = z85_secret;
  return k;
}

inline const crypto::KeyPair& DirectoryKey() {
  static const crypto::KeyPair k = FixedKeys("directory:fuzz", 9);
  return k;
}

// The signed directory of 440106, 440100 and 440000 (version 1).
inline const std::string& SignedDirectoryText() {
  static const std::string text = [] {
    std::vector<crypto::DirectoryKey> entries;
    unsigned char seed = 1;
    for (const char* id : {"440106", "440100", "440000"}) {
      entries.push_back({FixedKeys(id, seed++).pub, crypto::KeyState::kActive, 0, "", {}});
    }
    return crypto::KeyDirectory::Sign(crypto::KeyDirectory::Render(entries, 1, "ed25519"),
                                      DirectoryKey())
        .value();
  }();
  return text;
}

inline const crypto::KeyPair& NodeKey(const std::string& id) {
  static const crypto::KeyPair a = FixedKeys("440106", 1), b = FixedKeys("440100", 2),
                               c = FixedKeys("440000", 3);
  return id == "440106" ? a : id == "440100" ? b : c;
}

}  // namespace zhuji::fuzzing
