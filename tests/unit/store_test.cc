#include "services/store/store.h"

#include <gtest/gtest.h>

#include "services/common/ids.h"
#include "tests/support/temp_dir.h"

namespace zhuji::store {
namespace {

TEST(Store, CommittedWritesAreVisibleAndAbortedOnesAreNot) {
  TempDir dir;
  Env env({dir.path(), 1 << 20, false});
  env.Write([](Txn& t) { t.Put("meta", "a", "1"); });
  // A step that throws leaves nothing behind.
  EXPECT_THROW(env.Write([](Txn& t) {
    t.Put("meta", "b", "2");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  auto r = env.BeginRead();
  EXPECT_EQ(r.Get("meta", "a").value_or(""), "1");
  EXPECT_FALSE(r.Get("meta", "b"));
}

TEST(Store, AKeyNoRecordCanHaveIsNotFound) {
  TempDir dir;
  Env env({dir.path(), 1 << 20, false});
  auto r = env.BeginRead();
  EXPECT_FALSE(r.Get("secrets", ""));                      // empty
  EXPECT_FALSE(r.Get("secrets", std::string(4096, 'x')));  // over LMDB's key limit
}

// zhuji-verify reads a copy of a store read-only while it may be in use: tables and cursors work.
TEST(Store, AReadOnlyStoreReadsItsTables) {
  TempDir dir;
  {
    Env env({dir.path(), 1 << 20, false});
    env.Write([](Txn& t) { t.Put("inbox", "k", "v"); });
  }
  Env ro({dir.path(), 1 << 20, true});
  auto r = ro.BeginRead();
  EXPECT_EQ(r.Get("inbox", "k").value_or(""), "v");
  auto cursor = r.OpenCursor("inbox");
  ASSERT_TRUE(cursor.First());
  EXPECT_EQ(cursor.First()->second, "v");
}

TEST(Store, MapFullGrowsTheMapAndRetriesTheStep) {
  TempDir dir;
  Env env({dir.path(), 64 << 10, false});  // 64 KiB: far too small
  size_t before = env.map_size();
  int runs = 0;
  env.Write([&](Txn& t) {
    ++runs;
    for (int i = 0; i < 2000; ++i) t.Put("outbox", EncodeBe64(i), std::string(512, 'x'));
  });
  EXPECT_GT(env.map_size(), before);
  EXPECT_GT(runs, 1);
  auto r = env.BeginRead();
  EXPECT_EQ(r.Count("outbox"), 2000u);
}

TEST(Store, PutIfAbsentReportsAnExistingKey) {
  TempDir dir;
  Env env({dir.path(), 1 << 20, false});
  bool first = false, second = true;
  env.Write([&](Txn& t) {
    first = t.PutIfAbsent("seen", "id", "1");
    second = t.PutIfAbsent("seen", "id", "2");
  });
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(env.BeginRead().Get("seen", "id").value_or(""), "1");
}

TEST(Store, CursorSeeksToTheFirstKeyAtOrAfter) {
  TempDir dir;
  Env env({dir.path(), 1 << 20, false});
  env.Write([](Txn& t) {
    t.Put("links", "a", "1");
    t.Put("links", "c", "3");
  });
  auto r = env.BeginRead();
  auto c = r.OpenCursor("links");
  auto e = c.Seek("b");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->first, "c");
  EXPECT_FALSE(c.Next());
}

TEST(Store, RefusesAStoreWithANewerSchema) {
  TempDir dir;
  {
    Env env({dir.path(), 1 << 20, false});
    env.Write([](Txn& t) { t.Put("meta", "schema_version", EncodeBe64(kSchemaVersion + 1)); });
  }
  try {
    Env env({dir.path(), 1 << 20, false});
    FAIL() << "opened a store from the future";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(Store, KeepsDataAcrossReopen) {
  TempDir dir;
  {
    Env env({dir.path(), 1 << 20, false});
    env.Write([](Txn& t) { t.Put("audit", "k", "v"); });
  }
  Env env({dir.path(), 1 << 20, false});
  EXPECT_EQ(env.BeginRead().Get("audit", "k").value_or(""), "v");
}

}  // namespace
}  // namespace zhuji::store
