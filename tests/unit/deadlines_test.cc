// The deadline book against a real store, without sockets (issue #3).
#include "services/deadlines/deadlines.h"

#include <gtest/gtest.h>

#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "tests/support/temp_dir.h"

namespace zhuji::node {
namespace {

using calendar::Date;
using State = schema::Deadline::State;

Date D(const char* s) { return *calendar::ParseDate(s); }
int64_t At(const char* day, int hour = 0) {
  return calendar::EndOfDayCstMs(D(day) - 1) + hour * 3'600'000LL;
}

class DeadlineBookTest : public ::testing::Test {
 protected:
  DeadlineBookTest()
      : env_({dir_.path(), 1 << 20, false}),
        cal_(calendar::LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar")),
        book_(cal_, deadlines::DeadlinePolicy{3}) {}

  deadlines::DeadlineRecord Open(const char* item, const char* from, int days) {
    deadlines::DeadlineRecord d;
    env_.Write([&](store::Txn& t) {
      deadlines::DeadlineSpec spec{item,         "step",   "GD Art. 45",      "", D(from), days,
                                   std::nullopt, "440100", "广州市国家保密局"};
      ASSERT_TRUE(book_.Open(t, spec, At(from, 9), &d).ok());
    });
    return d;
  }
  std::vector<deadlines::DeadlineEvent> Fire(int64_t now) {
    std::vector<deadlines::DeadlineEvent> events;
    env_.Write([&](store::Txn& t) { events = book_.Fire(t, now); });
    return events;
  }

  TempDir dir_;
  store::Env env_;
  calendar::Calendar cal_;
  deadlines::DeadlineBook book_;
};

// GD Art. 45: an objection is answered within 20 working days of receipt.
TEST_F(DeadlineBookTest, GdArt45_OpenComputesTheDueDayAndTheReminderDay) {
  auto d = Open("objection/1", "2025-09-25", 20);
  // 09-26, 09-28, 09-29, 09-30 (4), 10-09…10-11 (7), 10-13…10-17 (12), 10-20…10-24 (17),
  // 10-27, 10-28, 10-29 (20).
  EXPECT_EQ(d.due_day, D("2025-10-29"));
  EXPECT_EQ(FormatCst(d.due_ms), "2025-10-30 00:00:00 CST");
  EXPECT_EQ(FormatCst(d.remind_ms), "2025-10-24 00:00:00 CST");  // 10-28, 10-27, 10-24
  EXPECT_EQ(d.calendar_version, cal_.Version());
  auto r = env_.BeginRead();
  EXPECT_EQ(deadlines::DeadlineBook::NextEventMs(r).value_or(0), d.remind_ms);
}

TEST_F(DeadlineBookTest, OpenStepsListsTheOpenDutiesOfOneItemOnly) {
  env_.Write([&](store::Txn& t) {
    for (const char* step : {"上报 report", "审核 review @ 广州市教育局", "答复异议"}) {
      deadlines::DeadlineSpec spec{"m/1", step,         "GD Art. 30", "", D("2025-09-25"),
                                   10,    std::nullopt, "",           ""};
      ASSERT_TRUE(book_.Open(t, spec, At("2025-09-25", 9)).ok());
    }
    deadlines::DeadlineSpec other{"m/10", "上报 report", "GD Art. 30", "", D("2025-09-25"),
                                  10,     std::nullopt,  "",           ""};
    ASSERT_TRUE(book_.Open(t, other, At("2025-09-25", 9)).ok());
    ASSERT_TRUE(book_.Close(t, "m/1", "上报 report", At("2025-09-26")));
  });
  auto r = env_.BeginRead();
  EXPECT_EQ(deadlines::DeadlineBook::OpenSteps(r, "m/1"),
            (std::vector<std::string>{"审核 review @ 广州市教育局", "答复异议"}))
      << "closed steps and the item m/10 are not listed";
  EXPECT_TRUE(deadlines::DeadlineBook::OpenSteps(r, "m/2").empty());
}

TEST_F(DeadlineBookTest, EventsFireInOrderAndOnlyWhenTheirTimeHasCome) {
  Open("objection/1", "2025-09-25", 20);
  EXPECT_TRUE(Fire(At("2025-10-23", 23)).empty());
  auto e = Fire(At("2025-10-24", 1));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, deadlines::DeadlineEvent::Kind::kReminder);
  e = Fire(At("2025-10-29", 8));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, deadlines::DeadlineEvent::Kind::kDueToday);
  EXPECT_TRUE(Fire(At("2025-10-29", 23)).empty());
  e = Fire(At("2025-10-30", 0));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, deadlines::DeadlineEvent::Kind::kOverdue);
  EXPECT_EQ(e[0].deadline.state, State::OVERDUE);
  EXPECT_TRUE(Fire(At("2026-01-01")).empty()) << "overdue fires once";
  auto r = env_.BeginRead();
  EXPECT_FALSE(deadlines::DeadlineBook::NextEventMs(r)) << "nothing left to wake for";
  EXPECT_EQ(deadlines::DeadlineBook::List(r, false).size(), 1u) << "listed until closed";
}

TEST_F(DeadlineBookTest, ANodeThatWasDownFiresEverythingMissedInOrder) {
  Open("objection/1", "2025-09-25", 20);
  auto e = Fire(At("2025-11-15"));
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, deadlines::DeadlineEvent::Kind::kReminder);
  EXPECT_EQ(e[2].kind, deadlines::DeadlineEvent::Kind::kOverdue);
}

TEST_F(DeadlineBookTest, ClosingRemovesTheTimerAndKeepsTheRecord) {
  Open("objection/1", "2025-09-25", 20);
  std::optional<deadlines::DeadlineRecord> was;
  env_.Write([&](store::Txn& t) { was = book_.Close(t, "objection/1", "step", At("2025-10-01")); });
  ASSERT_TRUE(was);
  EXPECT_EQ(was->state, State::OPEN);
  EXPECT_TRUE(Fire(At("2026-01-01")).empty());
  auto r = env_.BeginRead();
  EXPECT_TRUE(deadlines::DeadlineBook::List(r, false).empty());
  ASSERT_EQ(deadlines::DeadlineBook::List(r, true).size(), 1u);
  EXPECT_EQ(deadlines::DeadlineBook::List(r, true)[0].state, State::CLOSED);
}

// Issue #8 "nothing is swallowed": a timer entry left behind for a closed duty (a crash between
// two writes of an older build, a restored store) is dropped, never turned into an overdue.
TEST_F(DeadlineBookTest, ATimerEntryOfAClosedDeadlineIsDroppedNotMadeOverdue) {
  auto d = Open("objection/1", "2025-09-25", 20);
  env_.Write([&](store::Txn& t) { book_.Close(t, "objection/1", "step", At("2025-10-01")); });
  env_.Write([&](store::Txn& t) {  // the stale entries: at the reminder and at the due time
    t.Put("deadlines", EncodeBe64(static_cast<uint64_t>(d.remind_ms)) + d.id(), "");
    t.Put("deadlines", EncodeBe64(static_cast<uint64_t>(d.due_ms)) + d.id(), "");
  });
  EXPECT_TRUE(Fire(At("2026-01-01")).empty()) << "a closed duty fired";
  auto r = env_.BeginRead();
  EXPECT_EQ(deadlines::DeadlineBook::List(r, true)[0].state, State::CLOSED);
  EXPECT_EQ(r.Count("deadlines"), 0u) << "the stale timer entries stayed";
  EXPECT_EQ(deadlines::DeadlineBook::GetCounts(r).overdue, 0u);
}

TEST_F(DeadlineBookTest, ATimerEntryThatNoLongerMatchesItsDeadlineIsDropped) {
  auto d = Open("objection/1", "2025-09-25", 20);
  env_.Write([&](store::Txn& t) {  // an entry at a time the record no longer waits for
    t.Put("deadlines", EncodeBe64(static_cast<uint64_t>(d.remind_ms - 86'400'000)) + d.id(), "");
  });
  EXPECT_TRUE(Fire(d.remind_ms - 1).empty()) << "fired at a time it was not scheduled for";
  auto e = Fire(d.remind_ms);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, deadlines::DeadlineEvent::Kind::kReminder);
}

TEST_F(DeadlineBookTest, TheTimerIsARangeScanOverManyDeadlines) {
  for (int i = 0; i < 200; ++i) {
    Open(("objection/" + std::to_string(i)).c_str(), i % 2 ? "2025-09-25" : "2025-03-03", 20);
  }
  auto e = Fire(At("2025-04-10"));  // only the March ones are anywhere near due
  EXPECT_EQ(e.size(), 300u) << "100 deadlines × reminder, due today, overdue";
  for (auto& ev : e) EXPECT_EQ(ev.deadline.trigger, D("2025-03-03"));
}

TEST_F(DeadlineBookTest, ProvisionalDeadlinesAreRecomputedWhenTheirYearArrives) {
  auto d = Open("objection/late", "2026-12-24", 10);
  EXPECT_TRUE(d.provisional);
  EXPECT_EQ(d.due_day, D("2027-01-07"));
  ASSERT_TRUE(cal_.AddYear(calendar::ParseYearFile(
                               "year = 2027\noff_days = [\"2027-01-01\", \"2027-01-04\"]\n"
                               "makeup_working_days = [\"2027-01-09\"]\n",
                               "2027.toml"))
                  .ok());
  size_t n = 0;
  env_.Write([&](store::Txn& t) { n = book_.RecomputeProvisional(t, At("2026-12-25")); });
  EXPECT_EQ(n, 1u);
  auto r = env_.BeginRead();
  auto list = deadlines::DeadlineBook::List(r, false);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_FALSE(list[0].provisional);
  EXPECT_EQ(list[0].due_day, D("2027-01-09"));
  EXPECT_EQ(list[0].calendar_version, cal_.Version());
  EXPECT_EQ(deadlines::DeadlineBook::NextEventMs(r).value_or(0), list[0].remind_ms);
}

TEST_F(DeadlineBookTest, GdArt46_CalendarDateDeadlineIsDueAtTheEndOfFebruary) {
  deadlines::DeadlineRecord d;
  env_.Write([&](store::Txn& t) {
    deadlines::DeadlineSpec spec{"statistics/2027",
                                 "annual",
                                 "GD Art. 46",
                                 "",
                                 D("2028-01-01"),
                                 0,
                                 calendar::EndOfFebruary(2028),
                                 "",
                                 ""};
    ASSERT_TRUE(book_.Open(t, spec, At("2028-01-01"), &d).ok());
  });
  EXPECT_EQ(d.due_day, D("2028-02-29"));
  EXPECT_TRUE(d.provisional) << "2028 has no schedule yet";
}

TEST_F(DeadlineBookTest, CountsForTheStatusFollowEveryStep) {
  auto counts = [&] {
    auto r = env_.BeginRead();
    return deadlines::DeadlineBook::GetCounts(r);
  };
  Open("a", "2025-09-25", 20);
  Open("b", "2026-12-24", 10);  // provisional: runs into 2027
  EXPECT_EQ(counts().open, 2u);
  EXPECT_EQ(counts().provisional, 1u);
  Fire(At("2025-11-15"));  // "a" goes overdue
  EXPECT_EQ(counts().overdue, 1u);
  ASSERT_TRUE(
      cal_.AddYear(calendar::ParseYearFile("year = 2027\noff_days = []\nmakeup_working_days = []\n",
                                           "2027.toml"))
          .ok());
  env_.Write([&](store::Txn& t) { book_.RecomputeProvisional(t, At("2025-11-15")); });
  EXPECT_EQ(counts().provisional, 0u);
  env_.Write([&](store::Txn& t) { book_.Close(t, "a", "step", At("2025-11-16")); });
  EXPECT_EQ(counts().open, 1u);
  EXPECT_EQ(counts().overdue, 0u);
}

TEST_F(DeadlineBookTest, OpeningTwiceIsRefused) {
  Open("objection/1", "2025-09-25", 20);
  Status st = Status::Ok();
  env_.Write([&](store::Txn& t) {
    deadlines::DeadlineSpec spec{
        "objection/1", "step", "GD Art. 45", "", D("2025-09-26"), 5, {}, "", ""};
    st = book_.Open(t, spec, At("2025-09-26"));
  });
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("already open"), std::string::npos);
}

}  // namespace
}  // namespace zhuji::node
