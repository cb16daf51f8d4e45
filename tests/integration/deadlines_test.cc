// Deadlines and 督办 with real processes on fake clocks (issue #3; RULES.md "Deadlines").
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kItem = "authorization/440106-2025-001";
constexpr const char* kStep = "备案";

std::string Clock(const std::string& start) { return "[clock]\nfake_start = \"" + start + "\"\n"; }

// A county (440106) under a city (440100), both on fake clocks from 2025-09-25 09:00 CST.
void StartCountyAndCity(Harness& h) {
  h.StartBroker();
  h.AddNode({"440100", "city", "440000", "", Clock("2025-09-25 09:00")});
  h.AddNode({"440106", "county", "440100", "", Clock("2025-09-25 09:00")});
  h.StartNode("440100");
  h.StartNode("440106");
  // GD Art. 14: file a received authorization decision within 10 working days of receipt.
  h.OpenDeadline("440106", kItem, kStep, "GD Art. 14", 10, "2025-09-25");
}

// "open", "reminded", "due_today", "overdue", "closed".
std::string StateOf(Harness& h, const std::string& node) {
  auto list = h.Deadlines(node, true);
  EXPECT_EQ(list.size(), 1u);
  return list.empty() ? "closed" : list[0].state;
}

bool WaitState(Harness& h, const std::string& node, const std::string& s) {
  return Harness::WaitFor([&] { return StateOf(h, node) == s; }, seconds(60));
}

bool WaitSupervised(Harness& h, size_t n) {
  return Harness::WaitFor([&] { return h.Supervised("440100").size() == n; }, seconds(60));
}

TEST(Deadlines, GdArt14_RemindsFallsDueGoesOverdueAndTheCityListsTheSupervision) {
  Harness h;
  StartCountyAndCity(h);
  auto d = h.Deadlines("440106");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].due_day.ToString(), "2025-10-15");  // counts the make-up days 09-28 and 10-11
  EXPECT_EQ(d[0].rule, "GD Art. 14");
  EXPECT_FALSE(d[0].provisional);
  EXPECT_EQ(d[0].supervisor, "440100");
  EXPECT_EQ(d[0].state, "open");

  // The reminder day is the 3rd working day before 10-15: 10-14, 10-13, then Saturday 10-11
  // (a make-up working day).
  h.SetClock("440106", "2025-10-10 23:59");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(StateOf(h, "440106"), "open") << "reminded too early";
  h.SetClock("440106", "2025-10-11 08:00");
  EXPECT_TRUE(WaitState(h, "440106", "reminded"));
  h.SetClock("440106", "2025-10-15 09:00");
  EXPECT_TRUE(WaitState(h, "440106", "due_today"));
  EXPECT_TRUE(h.Supervised("440100").empty()) << "督办 before the deadline passed";
  h.SetClock("440106", "2025-10-16 00:01");
  EXPECT_TRUE(WaitState(h, "440106", "overdue"));

  ASSERT_TRUE(WaitSupervised(h, 1)) << "the city never listed the 督办";
  auto s = h.Supervised("440100");
  EXPECT_EQ(s[0].origin, "440106");
  EXPECT_EQ(s[0].item, kItem);
  EXPECT_EQ(s[0].rule, "GD Art. 14");
  EXPECT_FALSE(s[0].closed);

  // Done at last: the city stops listing it (and keeps it among the closed ones).
  h.CloseDeadline("440106", kItem, kStep);
  EXPECT_TRUE(WaitSupervised(h, 0));
  auto all = h.Supervised("440100", true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].closed);
  EXPECT_EQ(StateOf(h, "440106"), "closed");
}

TEST(Deadlines, SupervisionSentWhileTheCountyIsOfflineArrivesWhenItReconnects) {
  Harness h;
  StartCountyAndCity(h);
  h.KillBroker(0, SIGKILL);  // the county is cut off
  h.SetClock("440106", "2025-10-20 10:00");
  EXPECT_TRUE(WaitState(h, "440106", "overdue")) << "overdue is decided locally, offline";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(h.Supervised("440100").empty());
  EXPECT_EQ(h.Counters("440106").outbox_depth, 1u) << "the 督办 waits in the outbox";
  h.RestartBroker(0);
  EXPECT_TRUE(WaitSupervised(h, 1)) << "the 督办 did not arrive after reconnecting";
}

TEST(Deadlines, OverdueWhileTheCountyWasDownIsFoundWhenItRestarts) {
  Harness h;
  StartCountyAndCity(h);
  h.KillNode("440106", SIGKILL);
  // The county comes back a week after the deadline passed.
  h.RewriteNode({"440106", "county", "440100", "", Clock("2025-10-22 09:00")});
  h.StartNode("440106");
  EXPECT_TRUE(WaitState(h, "440106", "overdue"));
  EXPECT_TRUE(WaitSupervised(h, 1));
}

TEST(Deadlines, TheCityKeepsTheSupervisionAcrossItsOwnRestarts) {
  Harness h;
  StartCountyAndCity(h);
  h.KillNode("440100", SIGKILL);  // the supervisor is down when the deadline passes
  h.SetClock("440106", "2025-10-16 08:00");
  EXPECT_TRUE(WaitState(h, "440106", "overdue"));
  h.StartNode("440100");
  ASSERT_TRUE(WaitSupervised(h, 1));
  h.KillNode("440100", SIGTERM);
  h.StartNode("440100");
  EXPECT_EQ(h.Supervised("440100").size(), 1u) << "listed until closed, across restarts";
}

TEST(Deadlines, ClockRequestsAreRefusedOnARealClock) {
  Harness h;
  h.StartProvinceAndCounty();
  EXPECT_THROW(h.SetClock("440106", "2030-01-01 00:00"), std::runtime_error);
}

TEST(Deadlines, ADuplicateOpenIsRefusedAndNothingChanges) {
  Harness h;
  StartCountyAndCity(h);
  EXPECT_THROW(h.OpenDeadline("440106", kItem, kStep, "GD Art. 14", 5, "2025-09-26"),
               std::runtime_error);
  auto d = h.Deadlines("440106");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].due_day.ToString(), "2025-10-15");
}

}  // namespace
}  // namespace zhuji::testing
