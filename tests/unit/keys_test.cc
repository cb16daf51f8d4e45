// Keys on disk and the directory of keys (issue #10).
#include "services/crypto/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "services/crypto/key_directory.h"
#include "tests/support/temp_dir.h"

namespace zhuji::crypto {
namespace {

std::string Render(std::initializer_list<PublicKeys> keys, uint64_t version) {
  std::vector<DirectoryKey> entries;
  for (const auto& k : keys) entries.push_back(DirectoryKey{k, KeyState::kActive, 0, "", {}});
  return KeyDirectory::Render(entries, version, "ed25519");
}

TEST(Keys, WrittenPrivateReadBackAndNeverOverwritten) {
  TempDir dir("zhuji-keys-");
  KeyPair k = NewKeyPair("440106");
  ASSERT_TRUE(WriteKeys(dir.path(), k).ok());
  struct stat st {};
  ASSERT_EQ(::stat((KeyDir(dir.path()) + "/secret.toml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the private keys are readable by others";
  auto back = ReadKeys(dir.path());
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back.value().pub.id, "440106");
  EXPECT_EQ(back.value().pub.curve, k.pub.curve);
  EXPECT_EQ(back.value().curve_secret, k.curve_secret);
  EXPECT_EQ(back.value().sign_secret, k.sign_secret);
  auto pub = ReadPublicKeys(dir.path());
  ASSERT_TRUE(pub.ok()) << pub.message();
  EXPECT_EQ(pub.value().sign, k.pub.sign);
  Status again = WriteKeys(dir.path(), NewKeyPair("440106"));
  EXPECT_NE(again.message().find("only by a rotation"), std::string::npos) << again.message();
  EXPECT_EQ(ReadKeys(dir.path()).value().pub.curve, k.pub.curve) << "the keys were replaced";
}

TEST(Keys, PrivateKeysReadableByOthersAreRefused) {
  TempDir dir("zhuji-keys-");
  ASSERT_TRUE(WriteKeys(dir.path(), NewKeyPair("440106")).ok());
  ::chmod((KeyDir(dir.path()) + "/secret.toml").c_str(), 0640);
  auto read = ReadKeys(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.message().find("mode 640"), std::string::npos) << read.message();
}

TEST(KeyDirectory, FindsByIdAndByCurveKey) {
  KeyPair a = NewKeyPair("440106"), b = NewKeyPair(BrokerKeyId("gd"));
  auto d = KeyDirectory::Parse(Render({a.pub, b.pub}, 7), "keys.toml");
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d.value().version(), 7u);
  ASSERT_NE(d.value().FindByCurve(b.pub.curve), nullptr);
  EXPECT_EQ(d.value().FindByCurve(b.pub.curve)->keys.id, "broker:gd");
  EXPECT_TRUE(IsBrokerKeyId(d.value().FindByCurve(b.pub.curve)->keys.id));
  EXPECT_EQ(d.value().Find("440106")->curve, a.pub.curve);
  EXPECT_EQ(d.value().FindByCurve(NewKeyPair("x").pub.curve), nullptr);
}

TEST(KeyDirectory, RefusesDuplicatesAndMalformedKeysNamingThem) {
  KeyPair a = NewKeyPair("440106");
  PublicKeys same_id = NewKeyPair("440106").pub;
  PublicKeys same_key{"440104", a.pub.curve, a.pub.sign};
  PublicKeys same_sign{"440104", NewKeyPair("440104").pub.curve, a.pub.sign};
  PublicKeys bad{"440305", "not-a-key", a.pub.sign};
  auto twice = KeyDirectory::Parse(Render({a.pub, same_id}, 1), "k");
  EXPECT_NE(twice.message().find("two active keys"), std::string::npos) << twice.message();
  auto shared = KeyDirectory::Parse(Render({a.pub, same_key}, 1), "k");
  EXPECT_NE(shared.message().find("also 440106's"), std::string::npos) << shared.message();
  auto signing_twice = KeyDirectory::Parse(Render({a.pub, same_sign}, 1), "k");
  EXPECT_NE(signing_twice.message().find("listed twice"), std::string::npos)
      << signing_twice.message();
  auto malformed = KeyDirectory::Parse(Render({bad}, 1), "k");
  EXPECT_NE(malformed.message().find("440305"), std::string::npos) << malformed.message();
  // An id that would break out of its TOML string (a crafted public.toml given to the province).
  PublicKeys crafted = NewKeyPair("440104").pub;
  crafted.id = "440104\"\n[[key]]\nid = \"broker:x";
  EXPECT_FALSE(CheckPublicKeys(crafted, "public.toml").ok());
  EXPECT_FALSE(IsKeyOwnerId("broker:"));
  EXPECT_TRUE(IsKeyOwnerId("broker:gd-gz") && IsKeyOwnerId("440106"));
  auto unversioned = KeyDirectory::Parse("[[key]]\nid = \"x\"\n", "k");
  EXPECT_NE(unversioned.message().find("no version"), std::string::npos);
}

}  // namespace
}  // namespace zhuji::crypto
