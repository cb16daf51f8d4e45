// Issue #8 "bounded growth": over a long fake-clock run every table the node writes stays
// bounded by its retention, and nothing still needed is deleted.
#include "services/node/retention.h"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include "services/calendar/calendar.h"
#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/deadlines/deadlines.h"
#include "services/node/inbox.h"
#include "services/node/outbox.h"
#include "services/node/requests.h"
#include "services/node/supervision.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/test_kinds.h"

namespace zhuji::node {
namespace {

constexpr int64_t kDay = RetentionPolicy::kDayMs;
constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01 08:00 CST

std::string NoticeBody(const std::string& text) {
  capnp::MallocMessageBuilder m;
  m.initRoot<schema::Notice>().setText(text);
  return ToBytes(m);
}

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest()
      : sender_({sender_dir_.path(), 64 << 20, false}),
        env_({dir_.path(), 64 << 20, false}),
        cal_(calendar::LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar")),
        book_(cal_, deadlines::DeadlinePolicy{3}) {}

  // One day of a busy node: `notices` envelopes from 440106, `duties` deadlines opened and
  // closed, `duties` 督办 received and closed, `duties` operator requests.
  void Day(int day, int notices, int duties) {
    int64_t now = kStart + day * kDay;
    std::vector<std::string> envelopes;
    sender_.Write([&](store::Txn& t) {
      for (int i = 0; i < notices; ++i) {
        auto q = outbox_.Enqueue(t, {"440000", schema::Kind::NOTICE, NoticeBody("n"), {}}, now);
        envelopes.emplace_back(*outbox_.Get(t, "440000", q.seq));
      }
    });
    env_.Write([&](store::Txn& t) {
      Inbox::Batch batch(inbox_, t, now);
      for (auto& e : envelopes) {
        ASSERT_EQ(batch.Apply("440106", e).outcome, Delivery::Outcome::kApplied);
      }
      batch.Finish();
      auto today = calendar::CstDateOf(now);
      for (int i = 0; i < duties; ++i) {
        std::string item = std::string("d").append(std::to_string(day)) + "/" + std::to_string(i);
        deadlines::DeadlineRecord d;
        deadlines::DeadlineSpec spec{item,         "step",   "GD Art. 45",      "", today, 20,
                                     std::nullopt, "440100", "广州市国家保密局"};
        ASSERT_TRUE(book_.Open(t, spec, now, &d).ok());
        book_.Close(t, item, "step", now);
        d.item = item;
        Supervision::Record(t, "440106", Supervision::Body(d, "天河区", false, 0), now);
        Supervision::Record(t, "440106", Supervision::Body(d, "天河区", true, now), now);
        std::string rid = std::string("r").append(std::to_string(day)) + "/" + std::to_string(i);
        Requests::Mark(t, rid, now);
        Requests::SaveReply(t, rid, "reply", now, 0);
      }
    });
  }
  RetentionReport Sweep(int day, const RetentionPolicy& p, size_t max) {
    RetentionReport r;
    env_.Write([&](store::Txn& t) { r = Retention::Sweep(t, p, kStart + day * kDay, max); });
    return r;
  }
  uint64_t Count(const char* table) {
    auto r = env_.BeginRead();
    return r.Count(table);
  }

  TempDir sender_dir_, dir_;
  store::Env sender_, env_;
  calendar::Calendar cal_;
  deadlines::DeadlineBook book_;
  Outbox outbox_{"440106"};
  KindRegistry kinds_ = testing::KindsOf("440000");
  Inbox inbox_{"440000", 1 << 16, kinds_};
};

TEST_F(RetentionTest, TablesStayBoundedOverAYearOfTrafficAndDuplicatesAreStillRecognised) {
  RetentionPolicy p;
  p.seen_ms = 30 * kDay;
  p.inbox_ms = 60 * kDay;
  p.closed_deadline_ms = 90 * kDay;
  p.closed_supervised_ms = 90 * kDay;
  constexpr int kNotices = 200, kDuties = 20;
  uint64_t max_seen = 0, max_inbox = 0, max_items = 0, max_supervised = 0, max_requests = 0;
  for (int day = 0; day < 365; ++day) {
    Day(day, kNotices, kDuties);
    for (int pass = 0; pass < 24; ++pass) Sweep(day, p, 500);  // a pass an hour, 500 at most
    if (day >= 120) {
      max_seen = std::max(max_seen, Count("seen"));
      max_inbox = std::max(max_inbox, Count("inbox"));
      max_items = std::max(max_items, Count("deadline_items"));
      max_supervised = std::max(max_supervised, Count("supervised"));
      max_requests = std::max(max_requests, Count("requests"));
    }
  }
  // Each at most (retention + a day) of what arrives per day.
  EXPECT_LE(max_seen, 31u * kNotices);
  EXPECT_GE(max_seen, 29u * kNotices) << "ids deleted before their time";
  EXPECT_LE(max_inbox, 61u * kNotices);
  EXPECT_GE(max_inbox, 59u * kNotices);
  EXPECT_LE(max_items, 92u * kDuties);  // a round-robin pass may find them a little late
  EXPECT_LE(max_supervised, 92u * kDuties);
  EXPECT_LE(max_requests, 2u * 2 * kDuties);  // two keys per request id, a day and a bit
  // The link counters are untouched: an old envelope sent again is still a duplicate.
  auto r = env_.BeginRead();
  EXPECT_EQ(Inbox::Expected(r, "440106"), 365u * kNotices + 1);
  auto audit = r.Count("audit");
  EXPECT_GT(audit, 0u) << "the audit log is never trimmed";
}

TEST_F(RetentionTest, KeepingTheInboxIsTheDefaultAndOpenDutiesAreNeverDeleted) {
  RetentionPolicy p;  // defaults: seen 30 days, inbox kept, closed 400 days
  env_.Write([&](store::Txn& t) {
    deadlines::DeadlineRecord d;
    deadlines::DeadlineSpec spec{
        "open/1",     "step",   "GD Art. 45",      "", calendar::CstDateOf(kStart), 20,
        std::nullopt, "440100", "广州市国家保密局"};
    ASSERT_TRUE(book_.Open(t, spec, kStart, &d).ok());
  });
  for (int day = 0; day < 60; ++day) Day(day, 50, 1);
  for (int pass = 0; pass < 10; ++pass) Sweep(900, p, 10'000);  // long after everything
  EXPECT_EQ(Count("seen"), 0u);
  EXPECT_EQ(Count("inbox"), 60u * 50) << "inbox bodies are kept unless configured";
  auto r = env_.BeginRead();
  auto open = deadlines::DeadlineBook::List(r, false);
  ASSERT_EQ(open.size(), 1u) << "an open duty is never deleted, however old";
  EXPECT_EQ(open[0].item, "open/1");
  EXPECT_EQ(deadlines::DeadlineBook::List(r, true).size(), 1u)
      << "closed ones past 400 days are gone";
  EXPECT_EQ(Supervision::OpenCount(r), 0u);
}

}  // namespace
}  // namespace zhuji::node
