// A new year's calendar published by the province reaches every node, level by level, also a
// node that was offline, and provisional deadlines are recomputed (issue #3).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

// Made up for the test (the real 2027 schedule is not published yet): 01-01 and 01-04 off,
// Saturday 01-09 a make-up working day.
constexpr const char* k2027 =
    "year = 2027\nsource = \"test schedule\"\noff_days = [\"2027-01-01\", \"2027-01-04\"]\n"
    "makeup_working_days = [\"2027-01-09\"]\n";

std::string Config(const std::string& children) {
  return "children = [" + children + "]\n[clock]\nfake_start = \"2026-12-24 09:00\"\n";
}

TEST(CalendarUpdate, ProvinceLoads2027AndEveryNodeRecomputesItsProvisionalDeadlines) {
  Harness h;
  h.StartBroker();
  h.AddNode({"440000", "province", "", "", Config("\"440100\"")});
  h.AddNode({"440100", "city", "440000", "", Config("\"440106\"")});
  h.AddNode({"440106", "county", "440100", "", Config("")});
  for (auto id : {"440000", "440100", "440106"}) h.StartNode(id);

  // GD Art. 45: 10 working days from 2026-12-24 run into 2027, which has no schedule yet.
  h.OpenDeadline("440106", "objection/440106-7", "答复", "GD Art. 45", 10, "2026-12-24");
  auto before = h.Deadlines("440106");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(before[0].provisional);
  EXPECT_EQ(before[0].due_day.ToString(), "2027-01-07");  // weekends only

  h.KillNode("440100", SIGKILL);  // the city is offline when the province publishes
  EXPECT_THROW(h.LoadCalendar("440106", "2027.toml", k2027), std::runtime_error)
      << "only the province loads a calendar";
  h.LoadCalendar("440000", "2027.toml", k2027);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(h.Deadlines("440106")[0].provisional) << "the county cannot have it yet";

  h.StartNode("440100");  // back: the update waits for it, then it passes it on
  bool recomputed = Harness::WaitFor(
      [&] {
        auto d = h.Deadlines("440106");
        return !d.empty() && !d[0].provisional;
      },
      seconds(60));
  ASSERT_TRUE(recomputed) << "the county never got the 2027 schedule";
  auto after = h.Deadlines("440106")[0];
  EXPECT_EQ(after.due_day.ToString(), "2027-01-09");  // 01-04 off, 01-09 a make-up day
  EXPECT_NE(after.calendar_version, before[0].calendar_version);

  // The schedule is kept: a restarted county still counts with it.
  h.KillNode("440106", SIGTERM);
  h.StartNode("440106");
  h.OpenDeadline("440106", "objection/440106-8", "答复", "GD Art. 45", 10, "2026-12-24");
  for (auto& d : h.Deadlines("440106")) {
    EXPECT_FALSE(d.provisional) << d.item;
    EXPECT_EQ(d.due_day.ToString(), "2027-01-09") << d.item;
  }
}

TEST(CalendarUpdate, ABadYearFileIsRefusedWithTheReasonAndChangesNothing) {
  Harness h;
  h.StartBroker();
  h.AddNode({"440000", "province", "", "", Config("")});
  h.StartNode("440000");
  try {
    h.LoadCalendar("440000", "2027.toml",
                   "year = 2027\noff_days = [\"2026-12-31\"]\nmakeup_working_days = []\n");
    FAIL() << "a file with a 2026 date in 2027 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not in 2027"), std::string::npos) << e.what();
  }
  h.OpenDeadline("440000", "x", "y", "GD Art. 45", 10, "2026-12-24");
  EXPECT_TRUE(h.Deadlines("440000")[0].provisional);
}

}  // namespace
}  // namespace zhuji::testing
