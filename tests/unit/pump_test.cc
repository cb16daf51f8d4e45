#include "services/node/pump.h"

#include <gtest/gtest.h>

namespace zhuji::node {
namespace {

PumpPolicy Policy() { return PumpPolicy{100, 800, 4, 300}; }

TEST(Pump, SendsUpToTheWindowInOrder) {
  Pump p(Policy());
  p.Track("440000", 0, 10);
  auto due = p.Due(0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 1u);
  EXPECT_EQ(due[0].to_seq, 4u);
  p.MarkSent("440000", 4, 0);
  EXPECT_TRUE(p.Due(10).empty());  // window full, no ack yet
  EXPECT_EQ(p.OnAck("440000", 2, 20), 2u);
  due = p.Due(20);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 5u);
  EXPECT_EQ(due[0].to_seq, 6u);
}

TEST(Pump, GoesBackAfterABackoffWithoutProgressAndDoublesIt) {
  Pump p(Policy());
  p.Track("440000", 0, 3);
  p.MarkSent("440000", 3, 0);
  EXPECT_TRUE(p.Due(99).empty());
  auto due = p.Due(100);  // 100 ms without an ack: resend from the oldest
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 1u);
  p.MarkSent("440000", 3, 100);
  EXPECT_EQ(p.destinations().at("440000").backoff, 200);
  // The back-off is capped and retries never stop.
  int64_t t = 100;
  for (int i = 0; i < 10; ++i) {
    t += p.destinations().at("440000").backoff;
    EXPECT_FALSE(p.Due(t).empty()) << "retry " << i << " never came";
    p.MarkSent("440000", 3, t);
  }
  EXPECT_EQ(p.destinations().at("440000").backoff, 800);
}

TEST(Pump, AnAcknowledgementResetsTheBackoff) {
  Pump p(Policy());
  p.Track("440000", 0, 8);
  p.MarkSent("440000", 4, 0);
  p.Due(100);
  p.MarkSent("440000", 4, 100);
  EXPECT_EQ(p.OnAck("440000", 4, 150), 4u);
  EXPECT_EQ(p.destinations().at("440000").backoff, 100);
  EXPECT_EQ(p.OnAck("440000", 3, 160), 0u);  // stale acks change nothing
}

TEST(Pump, UnreachableDestinationIsProbedWithOneEnvelope) {
  Pump p(Policy());
  p.Track("440305", 0, 50);
  p.MarkSent("440305", 4, 0);
  p.OnUnreachable("440305", 10, "no route");
  EXPECT_TRUE(p.Due(50).empty());  // paused
  auto due = p.Due(10 + 100);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 1u);
  EXPECT_EQ(due[0].to_seq, 1u);  // a single probe
  EXPECT_EQ(p.destinations().at("440305").last_error, "no route");
  p.MarkSent("440305", 1, 110);
  p.OnAck("440305", 1, 120);  // it is back: the whole window again
  due = p.Due(120);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].to_seq, 5u);
  EXPECT_TRUE(p.destinations().at("440305").last_error.empty());
}

TEST(Pump, GdArt36_TheUrgentLaneIsDueFirstAndResumesWhenTheNodeAnswersOnTheOther) {
  Pump p(Policy());
  p.Track("440106", 0, 50);  // the ordinary lane: a backlog
  p.Track("440106!", 0, 1);  // the urgent lane: one written notice
  p.Track("440000", 0, 3);
  auto due = p.Due(0);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].destination, "440106!") << "urgent ranges come first";
  p.OnUnreachable("440106", 10, "no route");
  p.OnUnreachable("440106!", 250, "no route");  // its own probe would come later
  p.Due(110);
  p.MarkSent("440106", 1, 110);
  p.OnAck("440106", 1, 120);  // the node is back, heard on the ordinary lane
  p.Resume("440106!", 120);
  due = p.Due(120);
  ASSERT_FALSE(due.empty());
  EXPECT_EQ(due[0].destination, "440106!") << "sent now, ahead of the ordinary backlog";
  p.MarkSent("440000", 3, 120);
  p.Resume("440000", 130);  // not paused: nothing changes (no rewind of what is in flight)
  EXPECT_EQ(p.destinations().at("440000").next, 4u);
}

TEST(Pump, ProbeIntervalGrowsAndIsCapped) {
  Pump p(Policy());
  p.Track("440305", 0, 5);
  int64_t t = 0;
  std::vector<int64_t> waits;
  for (int i = 0; i < 6; ++i) {
    p.OnUnreachable("440305", t, "down");
    int64_t wait = p.destinations().at("440305").resume_at - t;
    waits.push_back(wait);
    t += wait;
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{100, 200, 300, 300, 300, 300}));
}

TEST(Pump, GapReportAcknowledgesThePrefixAndRewindsOnce) {
  Pump p(Policy());
  p.Track("440000", 0, 10);
  p.MarkSent("440000", 4, 0);
  EXPECT_EQ(p.OnGap("440000", 3, 5), 2u);
  EXPECT_EQ(p.destinations().at("440000").next, 3u);
  p.MarkSent("440000", 6, 6);
  p.OnGap("440000", 3, 7);  // a second report of the same loss right after: no second rewind
  EXPECT_EQ(p.destinations().at("440000").next, 7u);
}

TEST(Pump, RewindAllResendsEverythingUnacknowledged) {
  Pump p(Policy());
  p.Track("440000", 2, 6);
  p.MarkSent("440000", 6, 0);
  p.RewindAll(1);
  auto due = p.Due(1);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 3u);
}

// Issue #8: a receiver that asks for a sequence already acknowledged (its store is older than
// the link) makes the link broken, shown, never silently "up".
TEST(Pump, AGapBelowWhatWasAcknowledgedBreaksTheLink) {
  Pump p(PumpPolicy{100, 1000, 8, 500});
  p.Track("440000", 0, 300);
  EXPECT_EQ(p.OnAck("440000", 300, 0), 300u);
  p.Enqueued("440000", 301);
  EXPECT_EQ(p.OnGap("440000", 1, 10), 0u);
  const auto& d = p.destinations().at("440000");
  EXPECT_TRUE(d.broken);
  EXPECT_NE(d.last_error.find("expects #1"), std::string::npos) << d.last_error;
  EXPECT_NE(d.last_error.find("#300"), std::string::npos) << d.last_error;
  EXPECT_EQ(p.OnAck("440000", 301, 20), 301u);
  EXPECT_FALSE(p.destinations().at("440000").broken) << "progress mends it";
}

TEST(Pump, ResendGoesBackToAReplacedEnvelope) {
  Pump p(PumpPolicy{100, 1000, 8, 500});
  p.Track("440000", 0, 5);
  auto due = p.Due(0);
  ASSERT_EQ(due.size(), 1u);
  p.MarkSent("440000", 5, 0);
  EXPECT_TRUE(p.Due(1).empty());
  p.Resend("440000", 3);  // #3 became a skip
  due = p.Due(2);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].from_seq, 3u);
}

TEST(Pump, NextWakeupIsNowWhenWorkIsWaiting) {
  Pump p(Policy());
  EXPECT_EQ(p.NextWakeup(), INT64_MAX);
  p.Track("440000", 0, 1);
  EXPECT_EQ(p.NextWakeup(), 0);
  p.MarkSent("440000", 1, 1000);
  EXPECT_EQ(p.NextWakeup(), 1100);
}

}  // namespace
}  // namespace zhuji::node
