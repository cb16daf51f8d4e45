// Issue #15: the province's broker is a pair of processes (HA twins). The province's node is
// connected to both; a city's broker registers its nodes with both and relays through the first
// alive. Killing either twin while traffic flows both ways stops nothing and loses nothing: the
// nodes' retries carry what was in the dead one, through the other.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

// Both twins know the way to every node: the province directly, the city and county through
// the city broker's registration with each.
bool BothTwinsRouteAll(Harness& h, int a, int b) {
  return h.BrokerStatsOf(a).routes >= 3 && h.BrokerStatsOf(b).routes >= 3;
}

void WaitAll(Harness& h, const std::string& node, const std::string& prefix, size_t n) {
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix(node, prefix) >= n; }, seconds(180)))
      << node << " holds " << h.CountPrefix(node, prefix) << " of " << n << " \"" << prefix
      << "\" after 180 s";
}

TEST(ProvincePair, KillingEitherTwinDuringTrafficStopsNothingAndLosesNothing) {
  Harness h;
  int a = h.StartBroker();
  int b = h.StartBroker();
  int city = h.StartBroker({"--upstream", h.BrokerEndpoint(a), "--upstream", h.BrokerEndpoint(b)});
  NodeSpec province{"440000", "province", "", "", ""};
  province.more_brokers = {b};
  h.AddNode(province, a);
  h.AddNode({"440100", "city", "440000", "", ""}, city);
  h.AddNode({"440106", "county", "440100", "", ""}, city);
  for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);
  ASSERT_TRUE(Harness::WaitFor([&] { return BothTwinsRouteAll(h, a, b); }, seconds(60)))
      << "the twins never both routed the three nodes";

  // Twin a dies while 2,000 notices are on their way each way: the rest goes through b.
  h.Send("440106", "440000", "up1", 2000);
  h.Send("440000", "440106", "down1", 2000);
  h.Send("440100", "440000", "city1", 500);
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440000", "up1") > 0; }, seconds(60)))
      << "no traffic reached the province through twin a";
  uint64_t relayed_b = h.BrokerStatsOf(b).relayed;
  h.KillBroker(a, SIGKILL);
  h.Send("440106", "440000", "up2", 500);
  h.Send("440000", "440106", "down2", 500);
  WaitAll(h, "440000", "up1", 2000);
  WaitAll(h, "440106", "down1", 2000);
  WaitAll(h, "440000", "city1", 500);
  WaitAll(h, "440000", "up2", 500);
  WaitAll(h, "440106", "down2", 500);
  EXPECT_GT(h.BrokerStatsOf(b).relayed, relayed_b) << "nothing went through twin b";
  for (const char* id : {"440000", "440100", "440106"}) {
    EXPECT_TRUE(h.NodeRunning(id)) << id << " died with twin a";
  }
  EXPECT_TRUE(h.BrokerRunning(city)) << "the city broker died with twin a";

  // a comes back, b dies: traffic moves back to a.
  h.RestartBroker(a);
  ASSERT_TRUE(Harness::WaitFor([&] { return BothTwinsRouteAll(h, a, b); }, seconds(60)))
      << "twin a did not get its routes back after its restart";
  h.Send("440106", "440000", "up3", 1000);
  h.Send("440000", "440106", "down3", 1000);
  h.KillBroker(b, SIGKILL);
  WaitAll(h, "440000", "up3", 1000);
  WaitAll(h, "440106", "down3", 1000);

  // Exactly once, everything.
  auto up = h.Inbox("440000");
  auto down = h.Inbox("440106");
  ExpectEachOnce(up, "440106", "up1", 2000);
  ExpectEachOnce(up, "440106", "up2", 500);
  ExpectEachOnce(up, "440106", "up3", 1000);
  ExpectEachOnce(up, "440100", "city1", 500);
  ExpectEachOnce(down, "440000", "down1", 2000);
  ExpectEachOnce(down, "440000", "down2", 500);
  ExpectEachOnce(down, "440000", "down3", 1000);
}

}  // namespace
}  // namespace zhuji::testing
