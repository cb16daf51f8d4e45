// The matter codec and the `matters` table (services/node/matters.h).
#include "services/node/matters.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "guangdong.h"
#include "services/workflows/disputed_matter.h"
#include "tests/support/temp_dir.h"

namespace zhuji::node {
namespace {

using namespace workflows;

Matter Disputed() {
  Claim claim;
  claim.protection = Protection::Term(SecrecyLevel::kMimi, 5);
  auto s = Object(testing::Guangdong(), "440106/jyj", "440300/gaj", "440106/jyj/2025-0002", "通报",
                  Protection::Term(SecrecyLevel::kJimi, 10), claim, "", 1'000);
  EXPECT_TRUE(s.ok()) << s.message();
  auto r = Receive(s.value().matter, 2'000, EscalationPolicy{});
  return Answer(r.value().matter, "赵六", "维持", true, 3'000).value().matter;
}

TEST(Matters, ADisputedMatterSurvivesTheRoundTrip) {
  Matter m = Disputed();
  m.path[0].due_at = 77;
  auto back = Matters::Decode(Matters::Encode(m));
  ASSERT_TRUE(back.ok()) << back.message();
  const Matter& b = back.value();
  EXPECT_EQ(b.id, m.id);
  EXPECT_EQ(b.kind, MatterKind::kDisputed);
  EXPECT_EQ(b.state, MatterState::kAnswered);
  EXPECT_EQ(b.version, m.version);
  ASSERT_EQ(b.claims.size(), 2u);
  EXPECT_EQ(FormatMark(b.claims[1].protection), "秘密★5年");
  ASSERT_TRUE(b.classifier);
  EXPECT_EQ(b.classifier->name, "深圳市公安局");
  EXPECT_EQ(b.path.size(), m.path.size());
  EXPECT_EQ(b.path[0].due_at, 77);
  EXPECT_EQ(b.history.size(), m.history.size());
  EXPECT_EQ(b.answer, "维持");
  EXPECT_TRUE(b.upheld);
}

TEST(Matters, RefusesBytesThatAreNotAConsistentMatter) {
  EXPECT_FALSE(Matters::Decode("not a capnp message").ok());
  Matter m = Disputed();
  m.at = 7;  // beyond its route
  auto bad = Matters::Decode(Matters::Encode(m));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("hop 7"), std::string::npos) << bad.message();
  m = Disputed();
  m.id.clear();
  EXPECT_FALSE(Matters::Decode(Matters::Encode(m)).ok());
}

TEST(Matters, TheTableKeepsCopiesAndNumbersNewMattersPerYear) {
  TempDir dir("zhuji-matters-");
  store::Env env({dir.path(), 16 << 20, false});
  env.Write([&](store::Txn& txn) {
    EXPECT_EQ(Matters::NextId(txn, "440106/jyj", 2025), "440106/jyj/2025-0001");
    EXPECT_EQ(Matters::NextId(txn, "440106/bmj", 2025), "440106/bmj/2025-0002");
    EXPECT_EQ(Matters::NextId(txn, "440106/jyj", 2026), "440106/jyj/2026-0001");
    StoredMatter s;
    s.matter = Disputed();
    s.notice_received_at = 5;
    Matters::Put(txn, s);
  });
  auto txn = env.BeginRead();
  auto got = Matters::Get(txn, "440106/jyj/2025-0002");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->notice_received_at, 5);
  EXPECT_FALSE(Matters::Get(txn, "nope"));
  EXPECT_EQ(Matters::List(txn).size(), 1u);
}

// Found by fuzz_matter (issue #10): 1.2 KB whose pointers share one object decoded to megabytes,
// whose own encoding could no longer be read back (a node storing it would fail on every later
// read). A message is never amplified now (ReadMessage: at most 8 times its size is traversed),
// so such bytes are refused, and whatever is accepted encodes to bytes that decode again.
TEST(Matters, AnAmplifiedMessageIsRefusedAndWhatIsAcceptedReadsBack) {
  std::ifstream in(ZHUJI_SOURCE_DIR "/tests/fuzz/corpus/fuzz_matter/regression-amplified",
                   std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 1208u);
  auto m = Matters::Decode(bytes);
  EXPECT_FALSE(m.ok()) << "decoded an amplified message";
  EXPECT_NE(m.message().find("traversal limit"), std::string::npos) << m.message();
}

}  // namespace
}  // namespace zhuji::node
