// Issue #15: the province's broker is a pair of processes (HA twins). The province's node is
// connected to both; a city's broker registers its nodes with both and relays through the first
// alive. Killing either twin while traffic flows both ways stops nothing and loses nothing: the
// nodes' retries carry what was in the dead one, through the other.
#include <gtest/gtest.h>
#include <signal.h>

#include <tuple>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

// Both twins know the way to every node: the province directly, the counties through their
// city broker's registration with each.
bool BothTwinsRouteAll(Harness& h, int a, int b) {
  return h.BrokerStatsOf(a).routes >= 3 && h.BrokerStatsOf(b).routes >= 3;
}

void WaitAll(Harness& h, const std::string& node, const std::string& prefix, size_t n) {
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix(node, prefix) >= n; }, seconds(180)))
      << node << " holds " << h.CountPrefix(node, prefix) << " of " << n << " \"" << prefix
      << "\" after 180 s";
}

// Two cities: 广州 lists the twins as (a, b), 深圳 as (b, a), so both twins carry traffic, and
// each kill below takes out the twin some traffic goes through. After each kill, what is sent
// must arrive through the other twin within 60 s (generous: a busy machine; failover itself is
// heartbeat × liveness, 2 s here), each notice once.
TEST(ProvincePair, KillingEitherTwinDuringTrafficStopsNothingAndLosesNothing) {
  Harness h;
  int a = h.StartBroker();
  int b = h.StartBroker();
  int gz = h.StartBroker({"--upstream", h.BrokerEndpoint(a), "--upstream", h.BrokerEndpoint(b)});
  int sz = h.StartBroker({"--upstream", h.BrokerEndpoint(b), "--upstream", h.BrokerEndpoint(a)});
  NodeSpec province{"440000", "province", "", "", ""};
  province.more_brokers = {b};
  h.AddNode(province, a);
  h.AddNode({"440106", "county", "440100", "", ""}, gz);
  h.AddNode({"440305", "county", "440300", "", ""}, sz);
  for (const char* id : {"440000", "440106", "440305"}) h.StartNode(id);
  ASSERT_TRUE(Harness::WaitFor([&] { return BothTwinsRouteAll(h, a, b); }, seconds(60)))
      << "the twins never both routed the three nodes";
  // Traffic flows through both twins before the first kill: county to county crosses the
  // province (广州's through a, 深圳's through b).
  h.Send("440106", "440305", "gz-sz0", 100);
  h.Send("440305", "440106", "sz-gz0", 100);
  WaitAll(h, "440305", "gz-sz0", 100);
  WaitAll(h, "440106", "sz-gz0", 100);
  ASSERT_GT(h.BrokerStatsOf(a).relayed, 0u);
  ASSERT_GT(h.BrokerStatsOf(b).relayed, 0u);

  int round = 0;
  for (int victim : {a, b, a}) {
    ++round;
    const std::string r = std::to_string(round);
    // In flight when the twin dies, and sent after: everything arrives, through the other.
    h.Send("440106", "440000", "up" + r, 1000);
    h.Send("440000", "440106", "down" + r, 1000);
    h.Send("440106", "440305", "gz-sz" + r, 500);
    h.Send("440305", "440106", "sz-gz" + r, 500);
    ASSERT_TRUE(
        Harness::WaitFor([&] { return h.CountPrefix("440000", "up" + r) > 0; }, seconds(60)))
        << "round " << r << ": no traffic before the kill";
    h.KillBroker(victim, SIGKILL);
    h.Send("440106", "440000", "after" + r, 200);
    h.Send("440305", "440000", "after-sz" + r, 200);
    h.Send("440000", "440305", "after-down" + r, 200);
    auto within = seconds(60);
    for (auto [node, prefix, n] : std::vector<std::tuple<std::string, std::string, size_t>>{
             {"440000", "up" + r, 1000},
             {"440106", "down" + r, 1000},
             {"440305", "gz-sz" + r, 500},
             {"440106", "sz-gz" + r, 500},
             {"440000", "after" + r, 200},
             {"440000", "after-sz" + r, 200},
             {"440305", "after-down" + r, 200}}) {
      ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix(node, prefix) >= n; }, within))
          << "round " << r << ": " << node << " holds " << h.CountPrefix(node, prefix) << " of "
          << n << " \"" << prefix << "\" 60 s after twin " << victim << " died";
    }
    for (const char* id : {"440000", "440106", "440305"}) {
      ASSERT_TRUE(h.NodeRunning(id)) << id << " died with twin " << victim;
    }
    ASSERT_TRUE(h.BrokerRunning(gz) && h.BrokerRunning(sz)) << "a city broker died with a twin";
    h.RestartBroker(victim);
    ASSERT_TRUE(Harness::WaitFor([&] { return BothTwinsRouteAll(h, a, b); }, seconds(60)))
        << "twin " << victim << " did not get its routes back after its restart";
  }

  // Exactly once, everything.
  auto at_province = h.Inbox("440000");
  auto at_gz = h.Inbox("440106");
  auto at_sz = h.Inbox("440305");
  ExpectEachOnce(at_sz, "440106", "gz-sz0", 100);
  ExpectEachOnce(at_gz, "440305", "sz-gz0", 100);
  for (int i = 1; i <= round; ++i) {
    const std::string r = std::to_string(i);
    ExpectEachOnce(at_province, "440106", "up" + r, 1000);
    ExpectEachOnce(at_gz, "440000", "down" + r, 1000);
    ExpectEachOnce(at_sz, "440106", "gz-sz" + r, 500);
    ExpectEachOnce(at_gz, "440305", "sz-gz" + r, 500);
    ExpectEachOnce(at_province, "440106", "after" + r, 200);
    ExpectEachOnce(at_province, "440305", "after-sz" + r, 200);
    ExpectEachOnce(at_sz, "440000", "after-down" + r, 200);
  }
}

}  // namespace
}  // namespace zhuji::testing
