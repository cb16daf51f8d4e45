// Issue #8: a node must never die because its broker did. Brokers are SIGKILLed hundreds of
// times while nodes receive at full rate (libzmq #3485: a peer gone in the middle of a
// multipart message aborted the receiving node; protocol 2 has one frame per message). Every
// node process must be alive and serving afterwards, and every notice applied exactly once.
// ZHUJI_BROKER_KILLS sets the kills per test (default 150; CI runs the default).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int KillsPerTest() {
  const char* v = std::getenv("ZHUJI_BROKER_KILLS");
  return v ? std::max(1, std::atoi(v)) : 150;
}

// Kills broker `victim` `kills` times while 440000 and 440106 send to each other without
// pause; each round queues another batch both ways, so frames are always in flight.
void KillBrokerUnderTraffic(Harness& h, int victim, int kills, unsigned seed) {
  std::mt19937 rng(seed);
  constexpr int kPerRound = 100;
  for (int k = 1; k <= kills; ++k) {
    std::string round = std::string("k").append(std::to_string(k));
    h.Send("440000", "440106", round + "down", kPerRound);
    h.Send("440106", "440000", round + "up", kPerRound);
    // Somewhere in the middle of the stream: right away, or after frames began to flow.
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<>(0, 30)(rng)));
    h.KillBroker(victim, SIGKILL);
    ASSERT_TRUE(h.NodeRunning("440000") && h.NodeRunning("440106"))
        << "a node died after broker kill " << k << " (seed " << seed << ")";
    h.RestartBroker(victim);
  }
  // Serving: every notice arrives, once; both processes are the ones started at the beginning.
  auto drained = [&](const std::string& id) {
    return Harness::WaitFor(
        [&] {
          try {
            return h.Counters(id).outbox_depth == 0;
          } catch (const std::exception&) {
            return false;
          }
        },
        seconds(120));
  };
  ASSERT_TRUE(drained("440000")) << "the province's outbox did not drain (seed " << seed << ")";
  ASSERT_TRUE(drained("440106")) << "the county's outbox did not drain (seed " << seed << ")";
  EXPECT_TRUE(h.NodeRunning("440000"));
  EXPECT_TRUE(h.NodeRunning("440106"));
  auto at_county = h.Inbox("440106");
  auto at_province = h.Inbox("440000");
  for (int k = 1; k <= kills; ++k) {
    std::string round = std::string("k").append(std::to_string(k));
    ExpectEachOnce(at_county, "440000", round + "down", kPerRound);
    ExpectEachOnce(at_province, "440106", round + "up", kPerRound);
    if (::testing::Test::HasFailure()) return;
  }
  std::cout << "SIGKILLed broker " << victim << " " << kills << " times under traffic; "
            << 2 * kills * kPerRound << " notices, each applied once; both nodes alive\n";
}

TEST(BrokerKill, NodesSurviveTheirBrokerKilledMidStreamAndLoseNothing) {
  unsigned seed = std::random_device{}();
  std::cout << "seed " << seed << "\n";
  Harness h;
  h.StartProvinceAndCounty();
  KillBrokerUnderTraffic(h, 0, KillsPerTest(), seed);
}

TEST(BrokerKill, NodesSurviveTheUpstreamBrokerKilledMidStreamAndLoseNothing) {
  unsigned seed = std::random_device{}();
  std::cout << "seed " << seed << "\n";
  Harness h;
  auto [province, city] = h.StartTwoBrokerLevels();
  KillBrokerUnderTraffic(h, province, KillsPerTest(), seed);
  EXPECT_TRUE(h.BrokerRunning(city)) << "the city broker died with its upstream";
}

}  // namespace
}  // namespace zhuji::testing
