#include "services/crypto/envelope_signature.h"

#include "services/common/capnp_io.h"
#include "services/common/ids.h"

namespace zhuji::crypto {

namespace {

constexpr std::string_view kDomain = "zhuji-envelope-v1";

void Field(std::string* out, std::string_view bytes) {
  out->append(EncodeBe64(bytes.size()));
  out->append(bytes);
}

}  // namespace

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
  return in;
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
  envelope.setSignerKeyId(fingerprint_);
  envelope.setSignature(AsData(SignMessage(SigningInput(envelope.asReader()))));
}

std::string Signer::SignMessage(std::string_view message) const {
  return suite_->Sign(secret_, suite_->Hash(message));
}

Verification VerifyMessage(const KeyDirectory& directory, const std::string& owner,
                           const std::string& key_id, std::string_view message,
                           std::string_view signature, std::optional<int64_t> now_ms,
                           const std::string& what) {
  Verification v;
  if (signature.empty() || key_id.empty()) {
    v.reason = what + " is not signed";
    return v;
  }
  const DirectoryKey* key = directory.FindByFingerprint(key_id);
  if (!key) {
    v.outcome = Verification::Outcome::kUnknownKey;
    v.reason = what + " is signed by key " + key_id +
               ", which is not in the directory of keys version " +
               std::to_string(directory.version()) + " held here";
    return v;
  }
  if (key->keys.id != owner) {
    v.reason = what + " is signed by " + key->keys.id + "'s key " + key_id + ", not by " + owner;
    return v;
  }
  if (Status st = now_ms ? directory.Usable(*key, *now_ms) : Status::Ok(); !st.ok()) {
    v.reason = what + " is signed by a key no longer valid: " + st.message();
    return v;
  }
  const Suite& suite = *FindSuite(key->keys.suite);
  std::string pub;
  FromHex(key->keys.sign, &pub);
  if (!suite.Verify(pub, suite.Hash(message), signature)) {
    v.reason = "the signature of " + what + " by key " + key_id +
               " does not verify (changed after it was signed, or forged)";
    return v;
  }
  v.outcome = Verification::Outcome::kValid;
  return v;
}

Verification VerifyEnvelope(schema::Envelope::Reader e, const KeyDirectory& directory,
                            std::optional<int64_t> now_ms) {
  std::string origin = e.getOrigin();
  return VerifyMessage(directory, origin, e.getSignerKeyId(), SigningInput(e),
                       AsView(e.getSignature()), now_ms, "the envelope from " + origin);
}

}  // namespace zhuji::crypto
