// Two brokers (DESIGN.md "zhuji-broker"): a city broker passes frames for node ids it does not
// serve to its upstream, the province broker, and frames for its own nodes back down.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

TEST(Upstream, CityBrokerRelaysUnknownIdsToTheProvinceBrokerAndBack) {
  Harness h;
  auto [province, city] = h.StartTwoBrokerLevels();

  h.Send("440106", "440000", "up", 200);
  h.Send("440000", "440106", "down", 200);
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440000", "up") == 200; }, seconds(60)));
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.CountPrefix("440106", "down") == 200; }, seconds(60)));
  auto city_stats = h.BrokerStatsOf(city);
  EXPECT_TRUE(city_stats.upstream_up);
  EXPECT_GT(city_stats.upstream_relayed, 0u);
  EXPECT_GE(h.BrokerStatsOf(province).routes, 2u) << "the county is routed via the city broker";
}

TEST(Upstream, ProvinceBrokerRestartIsHealedByReRegistration) {
  Harness h;
  auto [province, city] = h.StartTwoBrokerLevels();
  h.Send("440106", "440000", "before", 100);
  h.KillBroker(province, SIGKILL);
  h.Send("440106", "440000", "during", 100);
  ASSERT_TRUE(Harness::WaitFor([&] { return !h.BrokerStatsOf(city).upstream_up; }, seconds(60)))
      << "the city broker never noticed its upstream was gone";
  h.RestartBroker(province);
  h.Send("440106", "440000", "after", 100);
  for (const char* p : {"before", "during", "after"}) {
    EXPECT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440000", p) == 100; }, seconds(60)))
        << p << ": " << h.CountPrefix("440000", p) << " of 100";
  }
}

TEST(Upstream, NodeKnownNowhereIsUnreachableAndItsEnvelopesWait) {
  Harness h;
  int province = h.StartBroker();
  int city = h.StartBroker({"--upstream", h.BrokerEndpoint(province)});
  h.AddNode({"440106", "county", "440100", "", ""}, city);
  h.StartNode("440106");
  h.Send("440106", "440300", "nowhere", 3);
  EXPECT_TRUE(
      Harness::WaitFor([&] { return h.BrokerStatsOf(province).unreachable > 0; }, seconds(60)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(h.Counters("440106").outbox_depth, 3u) << "nothing is dropped for being unroutable";
}

}  // namespace
}  // namespace zhuji::testing
