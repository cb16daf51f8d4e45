#include "services/crypto/suite.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace zhuji::crypto {

namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A digest by OpenSSL, the implementation fetched once and the context kept per thread: the
// implicit fetch of EVP_sha256() (and of the one-shot SHA256()) on every call, and a context
// per call, cost as much as hashing the 65-byte inner nodes of a hash tree. OpenSSL uses the
// CPU's SHA instructions where there are some: several times libsodium's portable SHA-256.
std::string Digest(const EVP_MD* md, std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned len = 0;
  if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1) {
    throw std::runtime_error("OpenSSL: the digest is not available");
  }
  out.resize(len);
  return out;
}

const EVP_MD* Sha256() {
  static EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return kMd;
}

const EVP_MD* Sm3() {
  static EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SM3", nullptr);
  return kMd;
}

class Ed25519Suite final : public Suite {
 public:
  Ed25519Suite() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
  }
  std::string_view name() const override { return "ed25519"; }
  size_t public_key_bytes() const override { return crypto_sign_PUBLICKEYBYTES; }
  size_t secret_key_bytes() const override { return crypto_sign_SECRETKEYBYTES; }
  size_t max_signature_bytes() const override { return crypto_sign_BYTES; }
  std::string Hash(std::string_view data) const override { return Digest(Sha256(), data); }
  std::pair<std::string, std::string> NewKeyPair() const override {
    std::string pub(crypto_sign_PUBLICKEYBYTES, '\0'), sec(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pub.data()),
                        reinterpret_cast<unsigned char*>(sec.data()));
    return {pub, sec};
  }
  std::string Sign(std::string_view secret, std::string_view message) const override {
    if (secret.size() != crypto_sign_SECRETKEYBYTES) {
      throw std::invalid_argument("an Ed25519 secret key has 64 bytes");
    }
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, Bytes(message),
                         message.size(), Bytes(secret));
    return sig;
  }
  bool Verify(std::string_view pub, std::string_view message, std::string_view sig) const override {
    if (pub.size() != crypto_sign_PUBLICKEYBYTES || sig.size() != crypto_sign_BYTES) return false;
    return crypto_sign_verify_detached(Bytes(sig), Bytes(message), message.size(), Bytes(pub)) == 0;
  }
};

// OpenSSL objects freed on every path.
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

class Sm2Sm3Suite final : public Suite {
 public:
  static constexpr size_t kPrivate = 32;
  static constexpr size_t kPublic = 65;                            // 0x04 || x || y
  static constexpr std::string_view kDistId = "1234567812345678";  // GB/T 35276 default

  std::string_view name() const override { return "sm2-sm3"; }
  size_t public_key_bytes() const override { return kPublic; }
  size_t secret_key_bytes() const override { return kPrivate + kPublic; }
  size_t max_signature_bytes() const override { return 72; }  // DER of two 256-bit integers

  std::string Hash(std::string_view data) const override { return Digest(Sm3(), data); }

  std::pair<std::string, std::string> NewKeyPair() const override {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
      throw std::runtime_error("OpenSSL: cannot make an SM2 key");
    }
    Pkey key(raw);
    BIGNUM* bn = nullptr;
    std::string pub(kPublic, '\0'), priv(kPrivate, '\0');
    size_t len = 0;
    if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
        EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                        reinterpret_cast<unsigned char*>(pub.data()), pub.size(),
                                        &len) != 1 ||
        len != kPublic) {
      BN_free(bn);
      throw std::runtime_error("OpenSSL: cannot read the SM2 key made");
    }
    std::unique_ptr<BIGNUM, BnFree> owned(bn);
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(priv.data()), kPrivate);
    std::string secret = priv + pub;
    OPENSSL_cleanse(priv.data(), priv.size());
    return {pub, secret};
  }

  std::string Sign(std::string_view secret, std::string_view message) const override {
    if (secret.size() != kPrivate + kPublic) {
      throw std::invalid_argument("an SM2 secret key here has 97 bytes (private, public)");
    }
    EVP_PKEY* key = Cached(secret.substr(kPrivate), secret.substr(0, kPrivate));
    if (!key) throw std::invalid_argument("not an SM2 key pair");
    MdCtx md;
    PkeyCtx pctx;
    if (!Init(key, &md, &pctx) ||
        EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, key) != 1) {
      throw std::runtime_error("OpenSSL: cannot start an SM2 signature");
    }
    size_t len = 0;
    if (EVP_DigestSign(md.get(), nullptr, &len, Bytes(message), message.size()) != 1) {
      throw std::runtime_error("OpenSSL: SM2 signature failed");
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(message),
                       message.size()) != 1) {
      throw std::runtime_error("OpenSSL: SM2 signature failed");
    }
    sig.resize(len);
    return sig;
  }

  bool Verify(std::string_view pub, std::string_view message, std::string_view sig) const override {
    if (pub.size() != kPublic || sig.empty() || sig.size() > 80) return false;
    EVP_PKEY* key = Cached(pub, {});
    if (!key) return false;
    MdCtx md;
    PkeyCtx pctx;
    if (!Init(key, &md, &pctx) ||
        EVP_DigestVerifyInit(md.get(), nullptr, EVP_sm3(), nullptr, key) != 1) {
      return false;
    }
    return EVP_DigestVerify(md.get(), Bytes(sig), sig.size(), Bytes(message), message.size()) == 1;
  }

 private:
  // Keys read once: building an SM2 key from its bytes costs more than a signature. A few keys
  // are in use at a node (its own, its peers'); the cache is emptied when it reaches kMaxCached.
  static constexpr size_t kMaxCached = 1024;
  EVP_PKEY* Cached(std::string_view pub, std::string_view priv) const {
    std::string id = std::string(pub) + std::string(priv);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second.get();
    Pkey key = Load(pub, priv);
    if (!key) return nullptr;
    if (cache_.size() >= kMaxCached) cache_.clear();
    return cache_.emplace(std::move(id), std::move(key)).first->second.get();
  }
  mutable std::mutex mu_;
  mutable std::map<std::string, Pkey> cache_;

  // An SM2 key from its public point and, for signing, its private scalar; null if malformed.
  static Pkey Load(std::string_view pub, std::string_view priv) {
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    std::unique_ptr<BIGNUM, BnFree> bn;
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(),
                                         pub.size()) != 1) {
      return nullptr;
    }
    if (!priv.empty()) {
      bn.reset(BN_bin2bn(Bytes(priv), static_cast<int>(priv.size()), nullptr));
      if (!bn || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, bn.get()) != 1) {
        return nullptr;
      }
    }
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, priv.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                          params.get()) != 1) {
      return nullptr;
    }
    return Pkey(raw);
  }

  // A digest context whose key context carries the distinguishing id (SM2(7)).
  static bool Init(EVP_PKEY* key, MdCtx* md, PkeyCtx* pctx) {
    md->reset(EVP_MD_CTX_new());
    pctx->reset(EVP_PKEY_CTX_new(key, nullptr));
    if (!*md || !*pctx ||
        EVP_PKEY_CTX_set1_id(pctx->get(), kDistId.data(), static_cast<int>(kDistId.size())) != 1) {
      return false;
    }
    EVP_MD_CTX_set_pkey_ctx(md->get(), pctx->get());
    return true;
  }
};

}  // namespace

const Suite* FindSuite(std::string_view name) {
  static const Ed25519Suite ed25519;
  static const Sm2Sm3Suite sm2;
  if (name == ed25519.name()) return &ed25519;
  if (name == sm2.name()) return &sm2;
  return nullptr;
}

const Suite& DefaultSuite() { return *FindSuite("ed25519"); }

std::vector<std::string_view> SuiteNames() { return {"ed25519", "sm2-sm3"}; }

}  // namespace zhuji::crypto
