// The delivery guarantee with real processes (DESIGN.md "Delivery guarantee"): nothing lost,
// nothing applied twice, order kept per destination, whatever is killed when.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Checks that `entries` hold "prefix #1" … "prefix #n" from `origin`, each once, in order.
void ExpectExactlyOnceInOrder(const std::vector<Received>& entries, const std::string& origin,
                              const std::string& prefix, uint64_t n) {
  std::vector<uint64_t> numbers;
  for (auto& e : entries) {
    if (e.text.rfind(prefix + " #", 0) != 0) continue;
    EXPECT_EQ(e.origin, origin) << e.text;
    numbers.push_back(std::stoull(e.text.substr(prefix.size() + 2)));
  }
  std::set<uint64_t> distinct(numbers.begin(), numbers.end());
  EXPECT_EQ(distinct.size(), numbers.size()) << "some notice of " << prefix << " applied twice";
  EXPECT_EQ(numbers.size(), n) << "notices of " << prefix << " missing or extra";
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (numbers[i] != i + 1) {
      ADD_FAILURE() << prefix << ": position " << i << " holds #" << numbers[i] << ", not #"
                    << i + 1;
      break;
    }
  }
}

TEST(Delivery, ThousandNoticesQueuedWhileDestinationDownArriveInOrder) {
  Harness h;
  h.StartBroker();
  h.AddNode({"440000", "province", "", "", ""});
  h.AddNode({"440106", "county", "440100", "", ""});
  h.StartNode("440106");
  // The province node has never run: every notice waits in the county's outbox.
  auto [first, last] = h.Send("440106", "440000", "queued", 1000);
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(last, 1000u);
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(h.Counters("440106").outbox_depth, 1000u);

  h.StartNode("440000");
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.CountPrefix("440000", "queued") >= 1000; }, seconds(60)));
  ExpectExactlyOnceInOrder(h.Inbox("440000"), "440106", "queued", 1000);
  EXPECT_TRUE(Harness::WaitFor([&] { return h.Counters("440106").outbox_depth == 0; }, seconds(60)))
      << "acknowledgements did not empty the outbox";
}

// A county whose broker is gone keeps its backlog and waits for a link without burning a core
// (it used to poll with a zero timeout while nothing could be sent). A CPU-time bound, not a
// speed: an idle node uses hundredths of a second here, a spinning one seconds.
TEST(Delivery, ANodeWithABacklogAndNoLinkWaitsWithoutSpinning) {
  Harness h;
  h.StartBroker();
  h.AddNode({"440106", "county", "440100", "", ""});
  h.StartNode("440106");
  h.KillBroker(0);
  ASSERT_TRUE(Harness::WaitFor([&] { return !h.Counters("440106").link_up; }, seconds(60)))
      << "the county never saw its link go down";
  h.Send("440106", "440000", "waiting", 200);
  double before = h.NodeCpuSeconds("440106");
  std::this_thread::sleep_for(seconds(4));  // the window measured, not a condition awaited
  double used = h.NodeCpuSeconds("440106") - before;
  EXPECT_LT(used, 0.5) << "a node with no link up used " << used << " s of CPU in 4 s: it spins";
  EXPECT_EQ(h.Counters("440106").outbox_depth, 200u) << "the backlog must wait, whole";
}

TEST(Delivery, BrokerRestartedMidStreamLosesNothing) {
  Harness h;
  h.StartProvinceAndCounty();
  for (int batch = 0; batch < 10; ++batch) {
    h.Send("440106", "440000", "restart", 500);
    if (batch == 4) {  // a clean restart
      h.KillBroker(0, SIGTERM);
      h.RestartBroker(0);
    }
    if (batch == 7) {  // a crash, and a while without any broker
      h.KillBroker(0, SIGKILL);
      std::this_thread::sleep_for(milliseconds(700));
      h.RestartBroker(0);
    }
  }
  // The batches were numbered 1..500 each time; sequence numbers tell them apart.
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.CountPrefix("440000", "restart") >= 5000; }, seconds(60)));
  auto entries = h.Inbox("440000");
  EXPECT_EQ(h.CountPrefix("440000", "restart"), 5000u);
  // In order: ten runs of #1..#500.
  uint64_t expect = 1;
  for (auto& e : entries) {
    if (e.text.rfind("restart #", 0) != 0) continue;
    ASSERT_EQ(std::stoull(e.text.substr(9)), expect) << "out of order at local seq " << e.local_seq;
    expect = expect == 500 ? 1 : expect + 1;
  }
  EXPECT_GT(h.BrokerStatsOf(0).relayed, 0u);
}

// SIGKILL of the receiver, the sender and the broker at random moments while 5,000 notices
// flow, round after round. ZHUJI_CHAOS_ROUNDS sets the rounds (default 20); ZHUJI_CHAOS_SEED
// replays a run.
TEST(Delivery, SigkillChaosEveryNoticeAppliedExactlyOnce) {
  int rounds =
      std::getenv("ZHUJI_CHAOS_ROUNDS") ? std::atoi(std::getenv("ZHUJI_CHAOS_ROUNDS")) : 20;
  unsigned seed = std::getenv("ZHUJI_CHAOS_SEED")
                      ? static_cast<unsigned>(std::atoll(std::getenv("ZHUJI_CHAOS_SEED")))
                      : std::random_device{}();
  std::cout << "chaos: " << rounds << " rounds, seed " << seed << " (ZHUJI_CHAOS_SEED=" << seed
            << " replays it)\n";
  std::mt19937 rng(seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
  auto pause = [&](int max_ms) {
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<>(0, max_ms)(rng)));
  };

  Harness h;
  h.StartProvinceAndCounty();
  int kills[3] = {0, 0, 0};
  constexpr int kBatches = 20, kPerBatch = 250;

  for (int round = 1; round <= rounds; ++round) {
    std::string prefix = std::string("r").append(std::to_string(round));
    for (int b = 0; b < kBatches; ++b) {
      // Only a reply proves the batch committed, so the sender is never killed mid-request.
      // Batches are numbered 1..250 each: the prefix carries the batch to keep texts unique.
      h.Send("440106", "440000", prefix + "b" + std::to_string(b), kPerBatch);
      if (!chance(0.15)) continue;
      pause(40);  // somewhere in the middle of delivering what is in flight
      int victim = std::uniform_int_distribution<>(0, 2)(rng);
      ++kills[victim];
      if (victim == 0) {
        h.KillNode("440000", SIGKILL);
        pause(150);
        h.StartNode("440000");
      } else if (victim == 1) {
        h.KillNode("440106", SIGKILL);
        pause(150);
        h.StartNode("440106");
      } else {
        h.KillBroker(0, SIGKILL);
        pause(150);
        h.RestartBroker(0);
      }
    }
    bool done = Harness::WaitFor(
        [&] {
          try {
            return h.Counters("440106").outbox_depth == 0;
          } catch (const std::exception&) {
            return false;
          }
        },
        seconds(120));
    ASSERT_TRUE(done) << "round " << round << ": the outbox did not drain";
    auto entries = h.Inbox("440000");
    for (int b = 0; b < kBatches; ++b) {
      ExpectExactlyOnceInOrder(entries, "440106", prefix + "b" + std::to_string(b), kPerBatch);
    }
    // Batches of a round arrive in the order they were queued.
    std::string last_batch;
    int batch_index = -1;
    for (auto& e : entries) {
      if (e.text.rfind(prefix + "b", 0) != 0) continue;
      int b = std::stoi(e.text.substr(prefix.size() + 1));
      ASSERT_GE(b, batch_index) << "round " << round << ": batch " << b << " after " << batch_index;
      batch_index = b;
    }
    if (HasFailure()) {
      std::cout << "chaos failed in round " << round << " with seed " << seed << "\n";
      return;
    }
  }
  std::cout << "chaos: SIGKILLed the receiver " << kills[0] << ", the sender " << kills[1]
            << " and the broker " << kills[2] << " times; " << rounds * kBatches * kPerBatch
            << " notices, each applied exactly once\n";
  EXPECT_GT(kills[0] + kills[1] + kills[2], 0) << "the chaos killed nothing";
}

}  // namespace
}  // namespace zhuji::testing
