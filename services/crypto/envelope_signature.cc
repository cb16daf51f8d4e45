#include "services/crypto/envelope_signature.h"

#include <algorithm>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"

namespace zhuji::crypto {

namespace {

constexpr std::string_view kDomain = "zhuji-envelope-v1";

void Field(std::string* out, std::string_view bytes) {
  out->append(EncodeBe64(bytes.size()));
  out->append(bytes);
}

constexpr size_t kHashBytes = 32;

std::string InnerHash(const Suite& suite, std::string_view left, std::string_view right) {
  std::string in;
  in.reserve(1 + left.size() + right.size());
  in.push_back('\x01');
  in.append(left);
  in.append(right);
  return suite.Hash(in);
}

// The checks of a signature that do not depend on the signed bytes: the key is listed, the
// origin's, and usable at `now_ms`. The key when they pass; else `v` says why.
const DirectoryKey* CheckSigner(const KeyDirectory& directory, const std::string& owner,
                                const std::string& key_id, std::string_view signature,
                                std::optional<int64_t> now_ms, const std::string& what,
                                Verification& v) {
  if (signature.empty() || key_id.empty()) {
    v.reason = what + " is not signed";
    return nullptr;
  }
  const DirectoryKey* key = directory.FindByFingerprint(key_id);
  if (!key) {
    v.outcome = Verification::Outcome::kUnknownKey;
    v.reason = what + " is signed by key " + key_id +
               ", which is not in the directory of keys version " +
               std::to_string(directory.version()) + " held here";
    return nullptr;
  }
  if (key->keys.id != owner) {
    v.reason = what + " is signed by " + key->keys.id + "'s key " + key_id + ", not by " + owner;
    return nullptr;
  }
  if (Status st = now_ms ? directory.Usable(*key, *now_ms) : Status::Ok(); !st.ok()) {
    v.reason = what + " is signed by a key no longer valid: " + st.message();
    return nullptr;
  }
  return key;
}

// Whether `key` signed `digest` (a message's hash, or a tree's root).
bool SignedDigest(const DirectoryKey& key, std::string_view digest, std::string_view signature) {
  const Suite& suite = *FindSuite(key.keys.suite);
  std::string pub;
  FromHex(key.keys.sign, &pub);
  return suite.Verify(pub, digest, signature);
}

}  // namespace

void VerifiedRoots::Add(std::string entry) {
  if (entries_.size() >= kMax) entries_.clear();
  entries_.insert(std::move(entry));
}

std::string SigningInput(schema::Envelope::Reader e) {
  std::string in;
  in.reserve(128 + e.getBody().size());
  Field(&in, kDomain);
  Field(&in, AsView(e.getId()));
  Field(&in, e.getOrigin().cStr());
  Field(&in, e.getDestination().cStr());
  in.append(EncodeBe64(static_cast<uint64_t>(e.getSentAt())));
  in.append(EncodeBe64(static_cast<uint64_t>(e.getKind())));
  Field(&in, AsView(e.getBody()));
  Field(&in, AsView(e.getCorrelationId()));
  in.append(EncodeBe64(e.getLinkSeq()));
  Field(&in, e.getSignerKeyId().cStr());
  // The urgent lane has its own sequence: a copy moved to the other lane must not verify. Lane 0
  // adds nothing, so what was signed before lanes existed still verifies.
  if (e.getLane()) in.append("lane" + std::to_string(e.getLane()));
  return in;
}

void CopyUnsigned(schema::Envelope::Reader from, schema::Envelope::Builder to) {
  to.setId(from.getId());
  to.setOrigin(from.getOrigin());
  to.setDestination(from.getDestination());
  to.setSentAt(from.getSentAt());
  to.setKind(from.getKind());
  to.setBody(from.getBody());
  if (from.hasCorrelationId()) to.setCorrelationId(from.getCorrelationId());
  to.setLinkSeq(from.getLinkSeq());
  to.setLane(from.getLane());
}

Result<Signer> Signer::From(const KeyPair& keys) {
  Signer s;
  s.suite_ = FindSuite(keys.pub.suite);
  if (!s.suite_) return Status::Error("unknown signature suite '" + keys.pub.suite + "'");
  if (!FromHex(keys.sign_secret, &s.secret_) || s.secret_.size() != s.suite_->secret_key_bytes()) {
    return Status::Error("the signing key of " + keys.pub.id + " is not a " + keys.pub.suite +
                         " secret key");
  }
  s.fingerprint_ = Fingerprint(keys.pub);
  // The secret must be the public key's: else everything signed would be refused everywhere.
  std::string pub;
  FromHex(keys.pub.sign, &pub);
  std::string probe = s.suite_->Hash("zhuji-key-check");
  if (!s.suite_->Verify(pub, probe, s.suite_->Sign(s.secret_, probe))) {
    return Status::Error("the signing secret key of " + keys.pub.id +
                         " does not belong to its public key " + s.fingerprint_);
  }
  return s;
}

void Signer::Sign(schema::Envelope::Builder envelope) const {
  if (envelope.hasSignatureProof()) envelope.disownSignatureProof();  // signed alone
  envelope.setSignatureProofSides(0);
  envelope.setSignerKeyId(fingerprint_);
  envelope.setSignature(AsData(SignMessage(SigningInput(envelope.asReader()))));
}

void Signer::Reserve(schema::Envelope::Builder envelope) const {
  envelope.setSignerKeyId(fingerprint_);
  envelope.initSignature(static_cast<unsigned>(suite_->max_signature_bytes()));
  envelope.initSignatureProof(static_cast<unsigned>(kMaxTreeLevels * kHashBytes));
}

void Signer::SignBatch(std::vector<schema::Envelope::Builder>& envelopes) const {
  for (size_t first = 0; first < envelopes.size(); first += kMaxTreeLeaves) {
    size_t n = std::min(kMaxTreeLeaves, envelopes.size() - first);
    if (n == 1) {
      Sign(envelopes[first]);
      continue;
    }
    // level[0] = the leaves; each next level pairs the one below, an odd one out goes up as is.
    std::vector<std::vector<std::string>> levels(1);
    for (size_t i = 0; i < n; ++i) {
      envelopes[first + i].setSignerKeyId(fingerprint_);
      levels[0].push_back(suite_->Hash(SigningInput(envelopes[first + i].asReader())));
    }
    while (levels.back().size() > 1) {
      const auto& below = levels.back();
      std::vector<std::string> up;
      for (size_t i = 0; i < below.size(); i += 2) {
        up.push_back(i + 1 < below.size() ? InnerHash(*suite_, below[i], below[i + 1]) : below[i]);
      }
      levels.push_back(std::move(up));
    }
    std::string signature = suite_->Sign(secret_, levels.back()[0]);
    for (size_t i = 0; i < n; ++i) {
      std::string proof;
      uint64_t sides = 0;
      size_t at = i;
      for (size_t l = 0; l + 1 < levels.size(); ++l, at /= 2) {
        size_t sibling = at ^ 1;
        if (sibling >= levels[l].size()) continue;  // the odd one out: no hash on this level
        if (sibling < at) sides |= uint64_t{1} << (proof.size() / kHashBytes);
        proof += levels[l][sibling];
      }
      auto e = envelopes[first + i];
      e.setSignature(AsData(signature));
      e.setSignatureProof(AsData(proof));
      e.setSignatureProofSides(sides);
    }
  }
}

std::string Signer::SignMessage(std::string_view message) const {
  return suite_->Sign(secret_, suite_->Hash(message));
}

Verification VerifyMessage(const KeyDirectory& directory, const std::string& owner,
                           const std::string& key_id, std::string_view message,
                           std::string_view signature, std::optional<int64_t> now_ms,
                           const std::string& what) {
  Verification v;
  const DirectoryKey* key = CheckSigner(directory, owner, key_id, signature, now_ms, what, v);
  if (!key) return v;
  if (!SignedDigest(*key, FindSuite(key->keys.suite)->Hash(message), signature)) {
    v.reason = "the signature of " + what + " by key " + key_id +
               " does not verify (changed after it was signed, or forged)";
    return v;
  }
  v.outcome = Verification::Outcome::kValid;
  return v;
}

Verification VerifyEnvelope(schema::Envelope::Reader e, const KeyDirectory& directory,
                            std::optional<int64_t> now_ms, VerifiedRoots* verified) {
  std::string origin = e.getOrigin(), key_id = e.getSignerKeyId();
  std::string what = "the envelope from " + origin;
  std::string_view signature = AsView(e.getSignature());
  Verification v;
  const DirectoryKey* key = CheckSigner(directory, origin, key_id, signature, now_ms, what, v);
  if (!key) return v;
  const Suite& suite = *FindSuite(key->keys.suite);
  std::string_view proof = AsView(e.getSignatureProof());
  uint64_t sides = e.getSignatureProofSides();
  size_t levels = proof.size() / kHashBytes;
  if (proof.size() % kHashBytes != 0 || levels > kMaxTreeLevels || (sides >> levels) != 0) {
    v.reason = "the signature path of " + what + " is malformed";
    return v;
  }
  std::string node = suite.Hash(SigningInput(e));
  for (size_t level = 0; level < levels; ++level) {
    std::string_view sibling = proof.substr(level * kHashBytes, kHashBytes);
    node = (sides >> level) & 1 ? InnerHash(suite, sibling, node) : InnerHash(suite, node, sibling);
  }
  // The root's signature, once per tree: the other envelopes of a tree meet it here.
  std::string checked;
  if (verified && levels > 0) {
    checked = key_id + '\0' + std::string(signature) + node;
    if (verified->Contains(checked)) {
      v.outcome = Verification::Outcome::kValid;
      return v;
    }
  }
  if (!SignedDigest(*key, node, signature)) {
    v.reason = "the signature of " + what + " by key " + key_id +
               " does not verify (changed after it was signed, or forged)";
    return v;
  }
  if (!checked.empty()) verified->Add(std::move(checked));
  v.outcome = Verification::Outcome::kValid;
  return v;
}

}  // namespace zhuji::crypto
