// Issue #8 with real processes: no dead links (a refused envelope goes to the dead letters and
// the link goes on), a store belongs to one node, a node id to one live process.
#include <capnp/message.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "harness.h"
#include "services/common/ids.h"
#include "services/wire/socket_util.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

std::vector<std::pair<uint64_t, std::string>> DeadLetterList(Harness& h, const std::string& id) {
  tools::ControlClient client(h.ctx(), h.ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().initDeadLetter().setOp(
      schema::DeadLetterRequest::Op::LIST);
  auto reply = client.CallOk(req, Harness::kCallTimeoutMs);
  std::vector<std::pair<uint64_t, std::string>> out;
  for (auto v : reply->Root<schema::ControlReply>().getDeadLetters()) {
    out.emplace_back(v.getNumber(), v.getReason().cStr());
  }
  return out;
}

uint64_t Retry(Harness& h, const std::string& id, uint64_t number) {
  tools::ControlClient client(h.ctx(), h.ControlEndpoint(id));
  capnp::MallocMessageBuilder req;
  auto d = req.initRoot<schema::ControlRequest>().initDeadLetter();
  d.setOp(schema::DeadLetterRequest::Op::RETRY);
  d.setNumber(number);
  auto reply = client.CallOk(req, Harness::kCallTimeoutMs);
  return reply->Root<schema::ControlReply>().getDeadLetters()[0].getRequeuedSeq();
}

size_t CountText(Harness& h, const std::string& id, const std::string& prefix) {
  size_t n = 0;
  for (auto& e : h.Inbox(id)) n += e.text.rfind(prefix, 0) == 0;
  return n;
}

TEST(DeadLetter, RefusedEnvelopeIsSetAsideAndTheLinkGoesOnThenRetryDeliversIt) {
  Harness h;
  h.StartProvinceAndCounty("max_envelope_bytes = 16384");  // the province takes 16 KiB at most
  h.Send("440106", "440000", "before", 5);
  h.Send("440106", "440000", "too-big", 1, 20'000);  // refused for good by the province
  h.Send("440106", "440000", "behind", 50);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "behind #") == 50; }, seconds(60)))
      << "the envelopes behind the refused one were not delivered";
  EXPECT_EQ(CountText(h, "440000", "before #"), 5u);
  EXPECT_EQ(CountText(h, "440000", "too-big"), 0u);
  EXPECT_EQ(CountText(h, "440000", "跳过 skipped"), 1u) << "the skip consumed its sequence";

  auto dead = DeadLetterList(h, "440106");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].second.find("exceeds"), std::string::npos) << dead[0].second;
  auto st = h.Status("440106");
  EXPECT_EQ(st->Root<schema::ControlReply>().getStatus().getDeadLetters(), 1u);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.Counters("440106").outbox_depth == 0; }, seconds(60)));

  // The cause is fixed at the province (a larger limit); the operator retries: it arrives once.
  h.KillNode("440000", SIGTERM);
  h.RewriteNode({"440000", "province", "", "max_envelope_bytes = 65536", ""});
  h.StartNode("440000");
  uint64_t seq = Retry(h, "440106", dead[0].first);
  EXPECT_EQ(seq, 57u) << "queued again behind the 56 sent before";
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "too-big") == 1; }, seconds(60)));
  EXPECT_TRUE(DeadLetterList(h, "440106").empty());
  h.Send("440106", "440000", "after", 1);
  ASSERT_TRUE(Harness::WaitFor([&] { return CountText(h, "440000", "after") == 1; }, seconds(60)));
  EXPECT_EQ(CountText(h, "440000", "too-big"), 1u);
}

// A broker on the way takes less than the nodes do: its refusal names the envelope and its
// destination, and the sender sets it aside the same way.
TEST(DeadLetter, AnEnvelopeTooLargeForTheBrokerIsSetAsideAndTheLinkGoesOn) {
  Harness h;
  h.StartBroker({"--max-body-bytes", "16384"});
  h.StartProvinceAndCounty();
  h.Send("440106", "440000", "too-big-for-the-broker", 1, 20'000);
  h.Send("440106", "440000", "behind", 20);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "behind #") == 20; }, seconds(60)))
      << "the link stayed blocked behind the envelope the broker refused";
  auto dead = DeadLetterList(h, "440106");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].second.find("exceeds"), std::string::npos) << dead[0].second;
  EXPECT_EQ(CountText(h, "440000", "跳过 skipped"), 1u);
}

TEST(Identity, NodeRefusesTheStoreOfAnotherNodeId) {
  Harness h;
  h.StartProvinceAndCounty();
  h.KillNode("440106", SIGTERM);
  // 440107's configuration pointed, by mistake, at 440106's data directory.
  h.AddNode({"440107", "county", "440100", "", "", h.dir() + "/440106"});
  try {
    h.StartNode("440107");
    FAIL() << "a node started on another node's store";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("belongs to node 440106"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(h.NodeRunning("440107"));
  h.StartNode("440106");  // its own store is untouched
}

TEST(Identity, OneDataDirectoryIsServedByOneProcess) {
  Harness h;
  h.StartProvinceAndCounty();
  h.AddNode({"440106", "county", "440100", "", "", h.dir() + "/440106", "440106-twin"});
  try {
    h.StartNode("440106-twin");
    FAIL() << "a second process started on a data directory in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another zhuji-node"), std::string::npos)
        << e.what();
  }
  h.Send("440000", "440106", "still-served", 3);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440106", "still-served") == 3; }, seconds(60)));
}

TEST(Identity, SecondLiveProcessWithTheSameIdIsRefusedByTheBrokerAndNothingIsLost) {
  Harness h;
  h.StartProvinceAndCounty();
  // A copy of 440106 (a restored backup, say) with its own store, started while 440106 runs.
  h.AddNode({"440106", "county", "440100", "", "", "", "440106-copy"});
  h.StartNode("440106-copy", false);
  std::string refusal;
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        try {
          auto st = h.Status("440106-copy");
          auto links = st->Root<schema::ControlReply>().getStatus().getLinks();
          refusal = links.size() ? links[0].getRefusal().cStr() : "";
          return !refusal.empty();
        } catch (const std::exception&) {
          return false;
        }
      },
      seconds(60)))
      << "the copy was never refused";
  EXPECT_NE(refusal.find("held by another live process"), std::string::npos) << refusal;
  EXPECT_GT(h.BrokerStatsOf(0).id_in_use, 0u);

  // The real 440106 keeps its route: everything for it arrives there, none at the copy.
  h.Send("440000", "440106", "to-real", 300);
  h.Send("440106", "440000", "from-real", 100);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440106", "to-real #") == 300; }, seconds(60)));
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "from-real #") == 100; }, seconds(60)));
  EXPECT_EQ(h.Inbox("440106-copy").size(), 0u) << "the copy received traffic";
  EXPECT_TRUE(h.Counters("440106").link_up);
  EXPECT_FALSE(h.Counters("440106-copy").link_up);

  // The real one stops for good; the copy takes the id. Its store is older than the link: the
  // province shows the link as broken, with both numbers, instead of "up, no error".
  h.KillNode("440106", SIGKILL);
  ASSERT_TRUE(Harness::WaitFor([&] { return h.Counters("440106-copy").link_up; }, seconds(60)));
  h.Send("440000", "440106", "to-copy", 1);
  std::string error;
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto st = h.Status("440000");
        for (auto d : st->Root<schema::ControlReply>().getStatus().getDestinations()) {
          if (d.getDestination() == "440106" && d.getBroken()) {
            error = d.getLastError().cStr();
            return true;
          }
        }
        return false;
      },
      seconds(60)))
      << "the province never saw the link as broken";
  EXPECT_NE(error.find("expects #1"), std::string::npos) << error;
  EXPECT_NE(error.find("#300"), std::string::npos) << error;
}

std::string RefusalOf(Harness& h, const std::string& id) {
  try {
    auto st = h.Status(id);
    auto links = st->Root<schema::ControlReply>().getStatus().getLinks();
    return links.size() ? links[0].getRefusal().cStr() : "";
  } catch (const std::exception&) {
    return "";
  }
}

// The copy connects to a city broker, the live 440106 to the province broker: the province
// refuses the copy, the city broker passes the refusal on and does not route to it, so the city
// node's notices for 440106 still reach the live one.
TEST(Identity, ACopyBehindACityBrokerIsRefusedUpstreamAndItsNeighboursReachTheLiveNode) {
  Harness h;
  int province = h.StartBroker();
  int city = h.StartBroker({"--upstream", h.BrokerEndpoint(province)});
  h.AddNode({"440106", "county", "440100", "", ""}, province);
  h.AddNode({"440100", "city", "440000", "", ""}, city);
  h.StartNode("440106");
  h.StartNode("440100");
  h.AddNode({"440106", "county", "440100", "", "", "", "440106-copy"}, city);
  h.StartNode("440106-copy", false);
  ASSERT_TRUE(Harness::WaitFor([&] { return !RefusalOf(h, "440106-copy").empty(); }, seconds(60)))
      << "the copy behind the city broker was never refused";
  h.Send("440100", "440106", "from-city", 50);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440106", "from-city #") == 50; }, seconds(60)));
  EXPECT_EQ(h.Inbox("440106-copy").size(), 0u) << "the city broker routed to the copy";
  EXPECT_GT(h.BrokerStatsOf(city).id_in_use, 0u);
}

// A small filesystem for one node's store: a tmpfs where the test may mount one (as root, as CI
// runs), unmounted (lazily) when the test ends.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& dir) : dir_(dir) {
    std::filesystem::create_directories(dir);
    // ZHUJI_TEST_NO_TMPFS=1 tries the fallback where mounting would work.
    mounted_ = !std::getenv("ZHUJI_TEST_NO_TMPFS") &&
               ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=3m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  // Space returns.
  bool Grow() { return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, "size=256m") == 0; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

std::string StoreErrorOf(Harness& h, const std::string& id) {
  try {
    return h.Status(id)->Root<schema::ControlReply>().getStatus().getStoreError().cStr();
  } catch (const std::exception& e) {
    return std::string("NO STATUS: ") + e.what();
  }
}

// Issue #8: a full disk is a state, not a crash. The province's store fills up while the county
// sends: it acknowledges nothing more, keeps answering status with the reason, starts again on
// the full disk and says so, and resumes by itself when space returns; every notice arrives once.
// Where no tmpfs can be mounted, a store size limit ([store] max_map_size_mb) fills it instead
// and "space returns" is the operator raising the limit.
TEST(FullDisk, StopsAcknowledgingKeepsAnsweringAndRecoversByItself) {
  Harness h;
  SmallDisk disk(h.dir() + "/small-disk");
  std::string limit = disk.mounted() ? "" : "[store]\nmap_size_mb = 1\nmax_map_size_mb = 2\n";
  std::cout << (disk.mounted() ? "store on a 3 MiB tmpfs\n"
                               : "no tmpfs (not root?): store limited to 2 MiB instead\n");
  h.StartBroker();
  h.AddNode({"440000", "province", "", "", limit, h.dir() + "/small-disk"});
  h.AddNode({"440106", "county", "440100", "", ""});
  h.StartNode("440000");
  h.StartNode("440106");
  constexpr uint32_t kCount = 600;  // 600 × 8 KiB: more than the small disk holds
  h.Send("440106", "440000", "fill", kCount, 8192);
  ASSERT_TRUE(Harness::WaitFor([&] { return !StoreErrorOf(h, "440000").empty(); }, seconds(60)))
      << "the province never found its store full";
  std::string why = StoreErrorOf(h, "440000");
  EXPECT_TRUE(why.find("No space left") != std::string::npos ||
              why.find("Input/output error") != std::string::npos ||
              why.find("maximum size") != std::string::npos ||
              why.find("MDB_MAP_FULL") != std::string::npos)
      << why;
  EXPECT_TRUE(h.NodeRunning("440000"));
  EXPECT_GT(h.Counters("440106").outbox_depth, 0u) << "everything acknowledged on a full disk?";
  size_t held = h.CountPrefix("440000", "fill");
  EXPECT_LT(held, kCount);

  // Restarted on the full disk, it starts and says so.
  h.KillNode("440000", SIGKILL);
  h.StartNode("440000");
  ASSERT_TRUE(Harness::WaitFor([&] { return !StoreErrorOf(h, "440000").empty(); }, seconds(60)))
      << "restarted on a full disk without saying so";

  // Space returns: it resumes by itself (tmpfs), or once the operator raised the limit.
  if (disk.mounted()) {
    ASSERT_TRUE(disk.Grow());
  } else {
    h.KillNode("440000", SIGTERM);
    h.RewriteNode({"440000", "province", "", "", "[store]\nmax_map_size_mb = 1024\n",
                   h.dir() + "/small-disk"});
    h.StartNode("440000");
  }
  ASSERT_TRUE(Harness::WaitFor([&] { return StoreErrorOf(h, "440000").empty(); }, seconds(60)))
      << "the province did not resume: " << StoreErrorOf(h, "440000");
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.Counters("440106").outbox_depth == 0; }, seconds(120)));
  std::multiset<std::string> texts;
  for (auto& e : h.Inbox("440000")) {
    if (e.text.rfind("fill #", 0) == 0) texts.insert(e.text.substr(0, e.text.find('.')));
  }
  EXPECT_EQ(texts.size(), kCount);
  for (uint32_t i = 1; i <= kCount; ++i) {
    if (texts.count("fill #" + std::to_string(i)) != 1) {
      ADD_FAILURE() << "fill #" << i << " arrived " << texts.count("fill #" + std::to_string(i))
                    << " times";
      break;
    }
  }
}

// One raw request to a node's control socket, as any local process could send it; the reply's
// error ("" when accepted). Several parts imitate a client that does not speak the protocol.
std::string RawControl(Harness& h, const std::string& id, const std::vector<std::string>& parts) {
  zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(h.ControlEndpoint(id));
  for (size_t i = 0; i < parts.size(); ++i) {
    auto more = i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    s.send(zmq::buffer(parts[i]), more);
  }
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(Harness::kCallTimeoutMs));
  if (!(item.revents & ZMQ_POLLIN)) return "NO REPLY";
  zmq::message_t reply;
  (void)s.recv(reply);
  return ReadMessage(wire::View(reply))->Root<schema::ControlReply>().getError().cStr();
}

std::string SendRequest(const std::string& text, uint32_t count, uint32_t pad_to) {
  capnp::MallocMessageBuilder req;
  auto s = req.initRoot<schema::ControlRequest>().initSend();
  s.setTo("440000");
  s.setText(text);
  s.setCount(count);
  s.setPadTo(pad_to);
  return ToBytes(req);
}

TEST(ControlLimits, NodeRefusesInvalidUtf8OversizedAndUnboundedRequestsAndKeepsServing) {
  Harness h;
  h.StartProvinceAndCounty();
  h.AddNode({"440100", "city", "440000", "", "[clock]\nfake_start = \"2026-01-05 09:00\"\n"});
  h.StartNode("440100");
  struct Case {
    const char* what;
    std::string node;
    std::vector<std::string> parts;
    const char* error;
  };
  capnp::MallocMessageBuilder clock;
  clock.initRoot<schema::ControlRequest>().initClock().setSetMs(-1'000'000'000'000'000);
  capnp::MallocMessageBuilder matter;
  auto m = matter.initRoot<schema::ControlRequest>().initMatter();
  m.setOp(schema::MatterRequest::Op::REPORT);
  m.setScope("本单位相关人员");
  m.setOrgan("jyj");
  m.setTitle("\xe4\xb8 cut in the middle of 不");
  std::vector<Case> cases = {
      {"invalid UTF-8 in a notice",
       "440106",
       {SendRequest("bad \xff text", 1, 0)},
       "send.text is not valid UTF-8"},
      {"invalid UTF-8 in a matter title",
       "440106",
       {ToBytes(matter)},
       "matter.title is not valid UTF-8"},
      {"padding of 4e9 bytes",
       "440106",
       {SendRequest("x", 1, 4'000'000'000u)},
       "would exceed this node's envelope limit"},
      {"padding of 100 MB",
       "440106",
       {SendRequest("x", 1, 100'000'000)},
       "would exceed this node's envelope limit"},
      {"unbounded work", "440106", {SendRequest("x", 100'000, 1'000'000)}, "one request may queue"},
      {"count beyond the cap", "440106", {SendRequest("x", 2'000'000, 0)}, "between 1 and 100000"},
      {"a request of 2 MiB", "440106", {std::string(2 << 20, '\0')}, "exceeds the limit"},
      {"two frames", "440106", {SendRequest("x", 1, 0), SendRequest("y", 1, 0)}, "one frame"},
      {"a clock 30,000 years back", "440100", {ToBytes(clock)}, "stays within 2000-01-01"},
  };
  for (auto& c : cases) {
    std::string error = RawControl(h, c.node, c.parts);
    EXPECT_NE(error.find(c.error), std::string::npos) << c.what << ": got '" << error << "'";
  }
  EXPECT_EQ(h.Counters("440106").outbox_depth, 0u) << "a refused request queued something";
  h.Send("440106", "440000", "after-refusals", 1);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "after-refusals") == 1; }, seconds(60)));
}

std::string RunCli(const std::string& args) {
  return RunCommand(std::string(ZHUJI_BIN_DIR) + "/zhuji " + args);
}

// Every --json output of the CLI parses with a real JSON parser, Chinese text included.
TEST(Json, EveryListingOfTheCliParses) {
  Harness h;
  h.StartProvinceAndCounty("max_envelope_bytes = 16384");
  h.Send("440106", "440000", "定密责任人 \"quoted\" \\ back\tslash", 3);
  h.Send("440106", "440000", "too-big", 1, 20'000);  // a dead letter to list
  h.OpenDeadline("440106", "授权/2026-01", "备案", "GD Art. 14", 10, "2026-11-02");
  ASSERT_TRUE(
      Harness::WaitFor([&] { return CountText(h, "440000", "定密责任人") == 3; }, seconds(60)));
  ASSERT_TRUE(Harness::WaitFor([&] { return !DeadLetterList(h, "440106").empty(); }, seconds(60)));
  std::string topology = ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong-demo.toml";
  for (const std::string& command :
       {"broker-stats " + h.BrokerEndpoint(0) + " --json",
        std::string("calendar add 2025-09-25 10 --json"), std::string("calendar show 2026 --json"),
        "organs " + topology + " --json", "route " + topology + " 440106/jyj --json"}) {
    std::string out = RunCli(command);
    try {
      auto parsed = nlohmann::json::parse(out);
      EXPECT_FALSE(parsed.is_null()) << command;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "zhuji " << command << " printed invalid JSON (" << e.what() << "):\n"
                    << out;
    }
  }
  for (const std::string node : {"440106", "440000"}) {
    std::string control = "--control " + h.ControlEndpoint(node) + " ";
    for (const char* command :
         {"status --json", "inbox --all --json", "deadletter list --json", "deadlines --all --json",
          "deadlines --supervised --json", "matter list --json", "matter list --todo --json",
          "matter list --owing-filing --json"}) {
      std::string out = RunCli(control + command);
      try {
        auto parsed = nlohmann::json::parse(out);
        EXPECT_FALSE(parsed.is_null()) << command;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "zhuji " << command << " on " << node << " printed invalid JSON ("
                      << e.what() << "):\n"
                      << out;
      }
    }
  }
}

// Issue #9: the benchmarks are their own binary (zhuji-bench); `zhuji bench …` runs it with the
// same arguments, from the folder the CLI is in.
TEST(Cli, BenchIsItsOwnBinaryAndTheCliRunsIt) {
  std::string via_cli = RunCli("bench --help");
  EXPECT_NE(via_cli.find("zhuji bench hop"), std::string::npos) << via_cli;
  EXPECT_EQ(RunCommand(std::string(ZHUJI_BIN_DIR) + "/zhuji-bench --help"), via_cli);
}

}  // namespace
}  // namespace zhuji::testing
