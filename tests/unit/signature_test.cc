// Signature suites, the signed directory of keys and signed envelopes (issue #10).
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/crypto/envelope_signature.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/suite.h"

namespace zhuji::crypto {
namespace {

std::string Unhex(const std::string& hex) {
  std::string out;
  EXPECT_TRUE(FromHex(hex, &out)) << hex;
  return out;
}

// RFC 8032 section 7.1, test 1: the empty message.
TEST(Suite, Ed25519MatchesRfc8032) {
  const Suite& s = *FindSuite("ed25519");
  std::string seed = Unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::string pub = Unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  std::string sig = s.Sign(seed + pub, "");
  EXPECT_EQ(ToHex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6"
            "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(s.Verify(pub, "", sig));
  EXPECT_FALSE(s.Verify(pub, "x", sig));
  EXPECT_EQ(ToHex(s.Hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

// GB/T 32905-2016 Appendix A: SM3("abc").
TEST(Suite, Sm3MatchesTheStandardsExample) {
  const Suite& s = *FindSuite("sm2-sm3");
  EXPECT_EQ(ToHex(s.Hash("abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Suite, EachSuiteSignsAndRefusesAChangedMessageOrAnotherKey) {
  for (std::string_view name : SuiteNames()) {
    SCOPED_TRACE(std::string(name));
    const Suite& s = *FindSuite(name);
    auto [pub, sec] = s.NewKeyPair();
    auto [other_pub, other_sec] = s.NewKeyPair();
    EXPECT_EQ(pub.size(), s.public_key_bytes());
    EXPECT_EQ(sec.size(), s.secret_key_bytes());
    std::string message = "定密 determination 440106";
    std::string sig = s.Sign(sec, message);
    EXPECT_TRUE(s.Verify(pub, message, sig));
    std::string changed = message;
    changed[3] ^= 1;
    EXPECT_FALSE(s.Verify(pub, changed, sig));
    EXPECT_FALSE(s.Verify(other_pub, message, sig));
    std::string bad_sig = sig;
    bad_sig[bad_sig.size() / 2] ^= 0x40;
    EXPECT_FALSE(s.Verify(pub, message, bad_sig));
    EXPECT_FALSE(s.Verify(pub.substr(1), message, sig)) << "a truncated key verified";
    EXPECT_FALSE(s.Verify(std::string(pub.size(), '\x07'), message, sig)) << "junk key verified";
    EXPECT_THROW(s.Sign(sec.substr(1), message), std::invalid_argument);
  }
  EXPECT_EQ(FindSuite("rsa"), nullptr);
}

// Keys of every id below, a directory key of the province, and the signed directory.
struct Fixture {
  explicit Fixture(const std::string& suite = "ed25519") : suite_name(suite) {
    province = NewKeyPair("directory:gd", *FindSuite(suite));
    for (const char* id : {"440000", "440106", "440104"}) {
      keys[id] = NewKeyPair(id, *FindSuite(suite));
      entries.push_back({keys[id].pub, KeyState::kActive, 0, "", {}});
    }
  }
  std::string Signed(uint64_t version, const KeyPair& by) const {
    auto text = KeyDirectory::Sign(KeyDirectory::Render(entries, version, suite_name), by);
    EXPECT_TRUE(text.ok()) << text.message();
    return text.value();
  }
  KeyDirectory Directory(uint64_t version = 1) const {
    auto d = KeyDirectory::ParseSigned(Signed(version, province), "keys.toml", suite_name,
                                       province.pub.sign);
    EXPECT_TRUE(d.ok()) << d.message();
    return d.value();
  }
  std::string suite_name;
  KeyPair province;
  std::map<std::string, KeyPair> keys;
  std::vector<DirectoryKey> entries;
};

TEST(SignedDirectory, VerifiesWithThePinnedKeyOnly) {
  for (std::string_view suite : SuiteNames()) {
    Fixture f{std::string(suite)};
    std::string text = f.Signed(3, f.province);
    auto d = KeyDirectory::ParseSigned(text, "keys.toml", f.suite_name, f.province.pub.sign);
    ASSERT_TRUE(d.ok()) << d.message();
    EXPECT_EQ(d.value().version(), 3u);
    EXPECT_EQ(d.value().text(), text);
    // Signed by another key (the attacker's own "province"): refused naming why.
    KeyPair impostor = NewKeyPair("directory:gd", *FindSuite(suite));
    auto forged = KeyDirectory::ParseSigned(f.Signed(3, impostor), "keys.toml", f.suite_name,
                                            f.province.pub.sign);
    ASSERT_FALSE(forged.ok());
    EXPECT_NE(forged.message().find("does not verify with the pinned directory key"),
              std::string::npos)
        << forged.message();
    // One byte changed after signing (a key swapped for the attacker's).
    std::string changed = text;
    changed[changed.find("440104")] = '9';
    EXPECT_FALSE(KeyDirectory::ParseSigned(changed, "k", f.suite_name, f.province.pub.sign).ok());
    // Not signed at all.
    auto bare = KeyDirectory::ParseSigned(KeyDirectory::Render(f.entries, 3, f.suite_name), "k",
                                          f.suite_name, f.province.pub.sign);
    EXPECT_NE(bare.message().find("not signed"), std::string::npos) << bare.message();
  }
}

TEST(SignedDirectory, RotationKeepsTheOldKeyUntilItsGraceEndsAndRevocationRefusesIt) {
  Fixture f;
  KeyPair next = NewKeyPair("440106");
  for (auto& e : f.entries) {
    if (e.keys.id == "440106") {
      e.state = KeyState::kRetiring;
      e.until_ms = 2'000'000;
    }
  }
  f.entries.push_back({next.pub, KeyState::kActive, 0, "", {}});
  KeyDirectory d = f.Directory(2);
  const DirectoryKey* old = d.FindByFingerprint(Fingerprint(f.keys["440106"].pub));
  ASSERT_NE(old, nullptr);
  EXPECT_TRUE(d.Usable(*old, 1'999'999).ok());
  Status late = d.Usable(*old, 2'000'001);
  EXPECT_NE(late.message().find("grace period ended"), std::string::npos) << late.message();
  EXPECT_EQ(d.Find("440106")->sign, next.pub.sign) << "the new key is the active one";
  f.entries.front().state = KeyState::kRevoked;  // 440000's key
  KeyDirectory v3 = f.Directory(3);
  Status revoked = v3.Usable(*v3.FindByFingerprint(Fingerprint(f.keys["440000"].pub)), 0);
  EXPECT_NE(revoked.message().find("revoked (directory version 3)"), std::string::npos)
      << revoked.message();
}

// A signed envelope from 440106 to 440000.
std::string Envelope(const Signer* signer, const std::string& origin = "440106",
                     const std::string& text = "notice") {
  capnp::MallocMessageBuilder m;
  auto e = m.initRoot<schema::Envelope>();
  EnvelopeId id = NewEnvelopeId();
  e.setId(AsData(IdView(id)));
  e.setOrigin(origin);
  e.setDestination("440000");
  e.setSentAt(1'000);
  e.setKind(schema::Kind::NOTICE);
  e.setBody(AsData(text));
  e.setLinkSeq(7);
  if (signer) signer->Sign(e);
  return ToBytes(m);
}

Verification Check(const std::string& bytes, const KeyDirectory& d, int64_t now = 1'000) {
  auto msg = ReadMessage(bytes);
  return VerifyEnvelope(msg->Root<schema::Envelope>(), d, now);
}

TEST(SignedEnvelope, VerifiesForItsOriginAndRefusesEveryForgery) {
  for (std::string_view suite : SuiteNames()) {
    SCOPED_TRACE(std::string(suite));
    Fixture f{std::string(suite)};
    KeyDirectory d = f.Directory();
    Signer county = Signer::From(f.keys["440106"]).value();
    Signer other = Signer::From(f.keys["440104"]).value();
    EXPECT_TRUE(Check(Envelope(&county), d).ok()) << Check(Envelope(&county), d).reason;

    Verification unsigned_ = Check(Envelope(nullptr), d);
    EXPECT_NE(unsigned_.reason.find("not signed"), std::string::npos) << unsigned_.reason;
    // 440104's own key, claiming to be 440106.
    Verification wrong = Check(Envelope(&other, "440106"), d);
    EXPECT_EQ(wrong.outcome, Verification::Outcome::kInvalid);
    EXPECT_NE(wrong.reason.find("signed by 440104's key"), std::string::npos) << wrong.reason;
    // One byte of the body changed after signing.
    std::string bytes = Envelope(&county, "440106", "MARKER-TEXT");
    bytes[bytes.find("MARKER-TEXT")] = 'N';
    Verification changed = Check(bytes, d);
    EXPECT_EQ(changed.outcome, Verification::Outcome::kInvalid);
    EXPECT_NE(changed.reason.find("does not verify"), std::string::npos) << changed.reason;
    // A key the directory does not list (yet).
    Signer stranger = Signer::From(NewKeyPair("440106", *FindSuite(suite))).value();
    EXPECT_EQ(Check(Envelope(&stranger), d).outcome, Verification::Outcome::kUnknownKey);
  }
}

TEST(SignedEnvelope, ARevokedKeyIsRefusedOnceTheDirectorySaysSo) {
  Fixture f;
  Signer county = Signer::From(f.keys["440106"]).value();
  std::string bytes = Envelope(&county);
  EXPECT_TRUE(Check(bytes, f.Directory(1)).ok());
  for (auto& e : f.entries) {
    if (e.keys.id == "440106") e.state = KeyState::kRevoked;
  }
  KeyDirectory v2 = f.Directory(2);
  Verification v = Check(bytes, v2);
  EXPECT_EQ(v.outcome, Verification::Outcome::kInvalid);
  EXPECT_NE(v.reason.find("revoked"), std::string::npos) << v.reason;
  // Audited later without asking the key's state now, the signature itself still holds.
  auto msg = ReadMessage(bytes);
  EXPECT_TRUE(VerifyEnvelope(msg->Root<schema::Envelope>(), v2, std::nullopt).ok());
}

// ---- envelopes signed together: hash trees (issue #11) ------------------------------------

// `n` envelopes of 440106 signed as one batch; their bytes.
std::vector<std::string> SignedBatch(const Signer& signer, size_t n) {
  std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> messages;
  std::vector<schema::Envelope::Builder> envelopes;
  for (size_t i = 0; i < n; ++i) {
    messages.push_back(std::make_unique<capnp::MallocMessageBuilder>());
    auto e = messages.back()->initRoot<schema::Envelope>();
    EnvelopeId id = NewEnvelopeIdAt(1'000);
    e.setId(AsData(IdView(id)));
    e.setOrigin("440106");
    e.setDestination("440000");
    e.setSentAt(1'000);
    e.setKind(schema::Kind::NOTICE);
    e.setBody(AsData("MARKER-" + std::to_string(1000 + i)));
    e.setLinkSeq(i + 1);
    signer.Reserve(e);  // as the outbox stores it before the commit signs it
    envelopes.push_back(e);
  }
  signer.SignBatch(envelopes);
  std::vector<std::string> out;
  for (auto& m : messages) out.push_back(ToBytes(*m));
  return out;
}

TEST(BatchSignature, EachEnvelopeOfATreeVerifiesAloneAndOneSignatureServesTheTree) {
  for (std::string_view suite : SuiteNames()) {
    SCOPED_TRACE(std::string(suite));
    Fixture f{std::string(suite)};
    KeyDirectory d = f.Directory();
    Signer county = Signer::From(f.keys["440106"]).value();
    for (size_t n : {1, 2, 3, 5, 63, 64, 65, 130}) {
      SCOPED_TRACE(n);
      auto batch = SignedBatch(county, n);
      std::set<std::string> signatures;
      for (const auto& bytes : batch) {
        EXPECT_TRUE(Check(bytes, d).ok()) << Check(bytes, d).reason;  // alone, offline
        auto msg = ReadMessage(bytes);
        auto e = msg->Root<schema::Envelope>();
        signatures.insert(std::string(AsView(e.getSignature())));
        EXPECT_LE(e.getSignatureProof().size(), 6u * 32) << "a path longer than 64 leaves need";
        if (n == 1) {
          EXPECT_EQ(e.getSignatureProof().size(), 0u) << "one envelope: signed alone";
        }
      }
      EXPECT_EQ(signatures.size(), (n + kMaxTreeLeaves - 1) / kMaxTreeLeaves)
          << "one signature per tree of up to " << kMaxTreeLeaves;
      VerifiedRoots verified;
      for (const auto& bytes : batch) {
        auto msg = ReadMessage(bytes);
        EXPECT_TRUE(VerifyEnvelope(msg->Root<schema::Envelope>(), d, 1'000, &verified).ok());
      }
    }
  }
}

TEST(BatchSignature, AChangedEnvelopeOrPathIsRefusedEvenAfterItsTreeWasChecked) {
  Fixture f;
  KeyDirectory d = f.Directory();
  Signer county = Signer::From(f.keys["440106"]).value();
  auto batch = SignedBatch(county, 5);
  VerifiedRoots verified;  // the receiver has checked the tree's root already
  for (const auto& bytes : batch) {
    auto msg = ReadMessage(bytes);
    ASSERT_TRUE(VerifyEnvelope(msg->Root<schema::Envelope>(), d, 1'000, &verified).ok());
  }
  auto check = [&](const std::string& bytes) {
    auto msg = ReadMessage(bytes);
    return VerifyEnvelope(msg->Root<schema::Envelope>(), d, 1'000, &verified);
  };
  // One byte of a body changed: its leaf no longer leads to the signed root.
  std::string changed = batch[2];
  changed[changed.find("MARKER-1002")] = 'N';
  EXPECT_NE(check(changed).reason.find("does not verify"), std::string::npos);
  // Another envelope's path, or a path with one side flipped.
  auto with = [&](const std::string& bytes, auto edit) {
    auto msg = ReadMessage(bytes);
    capnp::MallocMessageBuilder copy;
    copy.setRoot(msg->Root<schema::Envelope>());
    edit(copy.getRoot<schema::Envelope>());
    return ToBytes(copy);
  };
  auto other = ReadMessage(batch[3]);
  std::string other_path(AsView(other->Root<schema::Envelope>().getSignatureProof()));
  EXPECT_FALSE(check(with(batch[2], [&](schema::Envelope::Builder e) {
                 e.setSignatureProof(AsData(other_path));
               })).ok());
  EXPECT_FALSE(check(with(batch[2], [&](schema::Envelope::Builder e) {
                 e.setSignatureProofSides(e.getSignatureProofSides() ^ 1);
               })).ok());
  // A side bit above the path, or a path that is not whole hashes: malformed.
  Verification high = check(with(batch[2], [&](schema::Envelope::Builder e) {
    e.setSignatureProofSides(e.getSignatureProofSides() | (uint64_t{1} << 40));
  }));
  EXPECT_NE(high.reason.find("malformed"), std::string::npos) << high.reason;
  Verification deep = check(with(batch[2], [&](schema::Envelope::Builder e) {
    e.setSignatureProof(AsData(other_path + std::string(32 * 4, '\x00')));  // seven levels
  }));
  EXPECT_NE(deep.reason.find("malformed"), std::string::npos) << deep.reason;
  Verification cut = check(with(batch[2], [&](schema::Envelope::Builder e) {
    e.setSignatureProof(AsData(other_path.substr(1)));
  }));
  EXPECT_NE(cut.reason.find("malformed"), std::string::npos) << cut.reason;
  // The tree's root and path kept, the signature replaced: the cache does not take it.
  EXPECT_FALSE(check(with(batch[2], [&](schema::Envelope::Builder e) {
                 e.setSignature(AsData(std::string(64, '\x01')));
               })).ok());
}

TEST(EnvelopeIds, SortByTheTimeTheyWereMadeAndStayUnique) {
  std::set<std::string> ids;
  std::string last;
  for (int64_t t : {int64_t{1'000}, int64_t{1'000}, int64_t{1'001}, int64_t{1'750'000'000'000},
                    int64_t{1'750'000'000'001}}) {
    EnvelopeId id = NewEnvelopeIdAt(t);
    std::string bytes(IdView(id));
    EXPECT_EQ(DecodeBe64(std::string(2, '\0') + bytes.substr(0, 6)), static_cast<uint64_t>(t));
    if (!last.empty() && bytes.substr(0, 6) != last.substr(0, 6)) {
      EXPECT_LT(last, bytes);
    }
    EXPECT_TRUE(ids.insert(bytes).second) << "an id made twice";
    last = bytes;
  }
}

}  // namespace
}  // namespace zhuji::crypto
