#include "services/config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "services/config/topology.h"
#include "tests/support/temp_dir.h"

namespace zhuji::config {
namespace {

const char* kGood = R"(
node_id = "440106"
name = "天河区"
level = "county"
parent = "440100"
brokers = ["tcp://127.0.0.1:47000", "tcp://127.0.0.1:47001"]
data_dir = "/tmp/x"
[transport]
window = 128
)";

std::string ErrorOf(const std::string& text) {
  try {
    ParseNodeConfig(text, "node.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ParsesAValidFileWithDefaults) {
  auto c = ParseNodeConfig(kGood, "node.toml");
  EXPECT_EQ(c.node_id, "440106");
  EXPECT_EQ(c.name, "天河区");
  EXPECT_EQ(c.level, Level::kCounty);
  EXPECT_EQ(c.brokers.size(), 2u);
  EXPECT_EQ(c.control, "ipc:///tmp/x/control.sock");
  EXPECT_EQ(c.transport.window, 128u);
  EXPECT_EQ(c.transport.retry_max_ms, 30'000);
}

TEST(Config, RefusesAnUnknownKeyAndNamesIt) {
  EXPECT_NE(ErrorOf(std::string(kGood) + "colour = \"red\"\n").find("transport.colour"),
            std::string::npos);
  std::string top = std::string("colour = 1\n") + kGood;
  EXPECT_NE(ErrorOf(top).find("colour: unknown key"), std::string::npos) << ErrorOf(top);
}

// Issue #12: GD Art. 29 (10), Art. 45 (20) and 条例 Art. 25 (10) are the rules' periods, not
// settings; only what the rules leave open is configurable.
TEST(Config, GdArt29_GdArt45_TiaoliArt25_PeriodsFixedByTheRulesAreNotSettings) {
  for (const char* key : {"report_working_days", "decide_working_days", "objection_working_days"}) {
    std::string e = ErrorOf(std::string(kGood) + "[escalation]\n" + key + " = 15\n");
    EXPECT_NE(e.find(std::string("escalation.") + key), std::string::npos) << e;
    EXPECT_NE(e.find("fixed by the rules"), std::string::npos) << e;
  }
  auto c = ParseNodeConfig(
      std::string(kGood) + "[escalation]\nreview_working_days = 5\nresubmit_working_days = 7\n",
      "node.toml");
  EXPECT_EQ(c.escalation.review_working_days, 5);
  EXPECT_EQ(c.escalation.resubmit_working_days, 7);
}

TEST(Config, RefusesABadNodeIdLevelOrParent) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = kGood;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(ErrorOf(with("\"440106\"", "\"44010\"")).find("node_id"), std::string::npos);
  EXPECT_NE(ErrorOf(with("\"county\"", "\"town\"")).find("level"), std::string::npos);
  EXPECT_NE(ErrorOf(with("parent = \"440100\"", "")).find("parent"), std::string::npos);
  EXPECT_NE(
      ErrorOf(with("\"tcp://127.0.0.1:47000\", \"tcp://127.0.0.1:47001\"", "")).find("brokers"),
      std::string::npos);
  EXPECT_NE(ErrorOf(with("window = 128", "window = 0")).find("between"), std::string::npos);
  EXPECT_NE(ErrorOf(with("window = 128", "window = \"big\"")).find("integer"), std::string::npos);
}

TEST(Config, TheDocumentedExampleIsValid) {
  auto c = LoadNodeConfig(ZHUJI_SOURCE_DIR "/deploy/node.example.toml");
  EXPECT_EQ(c.node_id, "440106");
  EXPECT_EQ(c.reminder_working_days, 3);
  EXPECT_EQ(c.fake_clock_start_ms, 0) << "the example must not run on a fake clock";
}

TEST(Config, ReadsTheDeadlineAndClockTables) {
  auto c = ParseNodeConfig(std::string(kGood) +
                               "[deadlines]\nreminder_working_days = 5\n"
                               "local_off_days = [\"2026-03-03\"]\n[clock]\n"
                               "fake_start = \"2025-09-25 09:00\"\n",
                           "node.toml");
  EXPECT_EQ(c.reminder_working_days, 5);
  EXPECT_EQ(c.local_off_days, std::vector<std::string>{"2026-03-03"});
  EXPECT_EQ(c.fake_clock_start_ms, 1758762000000);  // 2025-09-25 01:00 UTC
  EXPECT_NE(ErrorOf(std::string(kGood) + "[clock]\nfake_start = \"tomorrow\"\n").find("fake_start"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kGood) + "[deadlines]\nlocal_off_days = [\"2026-02-30\"]\n")
                .find("local_off_days"),
            std::string::npos);
}

// Issue #16 (LN 一): each licence item's application material is configurable.
TEST(Config, LnReadsTheLicenceMaterialsOfEachItem) {
  auto c = ParseNodeConfig(std::string(kGood) +
                               "[licensing.materials]\n"
                               "system-integration = [\"申请书\", \"营业执照副本\"]\n",
                           "node.toml");
  ASSERT_EQ(c.licence_materials.size(), 1u);
  EXPECT_EQ(c.licence_materials["system-integration"],
            (std::vector<std::string>{"申请书", "营业执照副本"}));
  EXPECT_NE(ErrorOf(std::string(kGood) + "[licensing.materials]\nweapons = [\"申请书\"]\n")
                .find("weapons"),
            std::string::npos)
      << "an unknown item is named";
  EXPECT_NE(ErrorOf(std::string(kGood) + "[licensing.materials]\ncarrier-production = []\n")
                .find("at least one"),
            std::string::npos);
}

TEST(Config, ReadsTheOrgansItHosts) {
  auto c = ParseNodeConfig(std::string(kGood) +
                               "[[organ]]\ncode = \"jyj\"\nname = \"天河区教育局\"\n"
                               "line = \"education\"\nauthority = \"秘密\"\n",
                           "node.toml");
  ASSERT_EQ(c.organs.size(), 1u);
  EXPECT_EQ(c.organs[0].address(), "440106/jyj");
  EXPECT_TRUE(c.organs[0].authority.has_original_authority);
  EXPECT_NE(ErrorOf(std::string(kGood) +
                    "[[organ]]\ncode = \"x\"\nname = \"n\"\nline = \"l\"\nauthority = \"秘\"\n")
                .find("organ #1.authority"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(std::string(kGood) + "[[organ]]\ncode = \"x\"\ncolour = 1\n").find("unknown key"),
      std::string::npos);
}

TEST(Config, ReportsTomlSyntaxErrorsWithTheLine) {
  auto e = ErrorOf("node_id = \n");
  EXPECT_NE(e.find("line 1"), std::string::npos) << e;
}

TEST(Topology, TheDemoTopologyLoads) {
  auto t = config::LoadTopology(ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong-demo.toml");
  EXPECT_EQ(t.name, "guangdong-demo");
  EXPECT_EQ(t.nodes.size(), 6u);
  ASSERT_TRUE(t.FindNode("440106"));
  EXPECT_EQ(t.FindNode("440106")->parent, "440100");
  EXPECT_EQ(t.FindNode("440106")->brokers, std::vector<std::string>{"gd"});
}

// Issue #15: the whole province as generated from 国家统计局's 2023 codes (tools/gen_topology.py).
TEST(Topology, GuangdongHasItsTwentyOneCitiesAndOneHundredTwentyTwoCountyLevelDivisions) {
  auto t = config::LoadTopology(ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong.toml");
  std::map<std::string, int> levels;
  std::map<std::string, int> counties_of;
  for (auto& n : t.nodes) {
    ++levels[n.level];
    if (n.level == "county") {
      ++counties_of[n.parent];
      // A county's code begins with its city's four digits (GB/T 2260).
      EXPECT_EQ(n.id.substr(0, 4), n.parent.substr(0, 4)) << n.id << " " << n.name;
      EXPECT_EQ(n.brokers, std::vector<std::string>{"gd-" + n.parent.substr(0, 4)}) << n.id;
    }
    bool bureau = false;
    for (auto& o : n.organs) bureau = bureau || o.is_secrecy_admin();
    EXPECT_TRUE(bureau) << n.id << " " << n.name << " has no secrecy bureau";
  }
  EXPECT_EQ(levels["province"], 1);
  EXPECT_EQ(levels["city"], 21);
  EXPECT_EQ(levels["county"], 122);
  EXPECT_EQ(t.FindNode("440100")->name, "广州市");
  EXPECT_EQ(counties_of["440100"], 11);
  EXPECT_EQ(t.FindNode("440305")->name, "南山区");
  // 东莞 and 中山 have no county level.
  EXPECT_EQ(t.FindNode("441900")->name, "东莞市");
  EXPECT_EQ(counties_of.count("441900"), 0u);
  EXPECT_EQ(t.FindNode("442000")->name, "中山市");
  EXPECT_EQ(counties_of.count("442000"), 0u);
  // The province's pair and one broker per city, chained to both; the province's node on both.
  EXPECT_EQ(t.brokers.size(), 23u);
  EXPECT_EQ(t.FindNode("440000")->brokers, (std::vector<std::string>{"gd-a", "gd-b"}));
  EXPECT_EQ(t.FindBroker("gd-4403")->upstreams, (std::vector<std::string>{"gd-a", "gd-b"}));
  EXPECT_TRUE(t.FindBroker("gd-a")->upstreams.empty());
  EXPECT_TRUE(t.Directory().ok());
}

// Issue #16: the Liaoning demo, generated from the same codes: the province with its bureau and
// the defence-industry department it licenses item (1) with, and three cities' bureaus.
TEST(Topology, LiaoningDemoHasTheBureauTheDefenceIndustryDepartmentAndThreeCities) {
  auto t = config::LoadTopology(ZHUJI_SOURCE_DIR "/deploy/topologies/liaoning-demo.toml");
  ASSERT_TRUE(t.FindNode("210000"));
  EXPECT_EQ(t.FindNode("210000")->name, "辽宁省");
  EXPECT_EQ(t.FindNode("210100")->name, "沈阳市");
  EXPECT_EQ(t.FindNode("210200")->name, "大连市");
  EXPECT_EQ(t.FindNode("210300")->name, "鞍山市");
  EXPECT_EQ(t.nodes.size(), 4u);
  std::vector<std::string> lines;
  for (auto& o : t.FindNode("210000")->organs) lines.push_back(o.line);
  EXPECT_EQ(lines, (std::vector<std::string>{"secrecy-admin", "defence-industry"}));
  EXPECT_TRUE(t.Directory().ok());
}

TEST(Topology, BrokerListsAreCheckedAndNamed) {
  const std::string head = "name = \"t\"\n[[broker]]\nid = \"a\"\n[[broker]]\nid = \"b\"\n";
  const std::string node = "[[node]]\nid = \"440000\"\nname = \"省\"\nlevel = \"province\"\n";
  auto error = [&](const std::string& text) {
    try {
      config::ParseTopology(text, "t.toml");
    } catch (const config::TopologyError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto t = config::ParseTopology(head + "[[broker]]\nid = \"c\"\nupstream = [\"a\", \"b\"]\n" +
                                     node + "broker = [\"a\", \"b\"]\n",
                                 "t.toml");
  EXPECT_EQ(t.FindBroker("c")->upstreams, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.FindNode("440000")->brokers, (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(error(head + node).find("broker is required"), std::string::npos) << "two brokers";
  EXPECT_NE(error(head + node + "broker = [\"a\", \"x\"]\n").find("broker 'x' not found"),
            std::string::npos);
  EXPECT_NE(error(head + "[[broker]]\nid = \"c\"\nupstream = [\"a\", \"a\"]\n" + node +
                  "broker = \"a\"\n")
                .find("listed twice"),
            std::string::npos);
  EXPECT_NE(error(head + node + "broker = [1]\n").find("a string or a list of strings"),
            std::string::npos);
}

TEST(Topology, TheDemoOrgansGiveTheRoutesOfTheRules) {
  auto t = config::LoadTopology(ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong-demo.toml");
  for (auto& n : t.nodes) {
    bool admin = false;
    for (auto& o : n.organs) admin = admin || o.is_secrecy_admin();
    EXPECT_TRUE(admin) << n.id << " has no secrecy admin dept";
  }
  auto dir = t.Directory();
  ASSERT_TRUE(dir.ok()) << dir.message();
  auto path = dir.value().EscalationPath("440106/jyj");  // 天河区教育局
  ASSERT_TRUE(path.ok()) << path.message();
  ASSERT_EQ(path.value().size(), 3u);
  EXPECT_EQ(path.value()[0].organ.name, "广州市教育局");
  EXPECT_EQ(path.value()[1].organ.name, "广东省教育厅");
  EXPECT_EQ(path.value()[2].organ.name, "广东省国家保密局");
}

TEST(Topology, RefusesAParentThatIsNotOneLevelUp) {
  TempDir dir;
  std::string path = dir.path() + "/t.toml";
  std::ofstream(path) << "name = \"x\"\n[[broker]]\nid = \"b\"\n"
                         "[[node]]\nid = \"440000\"\nname = \"p\"\nlevel = \"province\"\n"
                         "[[node]]\nid = \"440106\"\nname = \"c\"\nlevel = \"county\"\n"
                         "parent = \"440000\"\n";
  try {
    config::LoadTopology(path);
    FAIL() << "a county under a province was accepted";
  } catch (const config::TopologyError& e) {
    EXPECT_NE(std::string(e.what()).find("not one level up"), std::string::npos) << e.what();
  }
}

// Issue #10: [security] names one broker key per broker, in order; keys live under data_dir.
TEST(Config, SecurityNeedsOneBrokerKeyPerBroker) {
  std::string key = "\"" + std::string(40, 'a') + "\"";
  std::string base = std::string(kGood).substr(0, std::string(kGood).find("[transport]"));
  auto c = ParseNodeConfig(
      base + "[security]\ncurve = true\nbroker_keys = [" + key + ", " + key + "]\n", "node.toml");
  EXPECT_TRUE(c.security.curve);
  EXPECT_EQ(c.security.keys_dir, "/tmp/x");
  EXPECT_NE(ErrorOf(base + "[security]\ncurve = true\nbroker_keys = [" + key + "]\n")
                .find("security.broker_keys: one key per entry of brokers (2)"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(base + "[security]\nbroker_keys = [\"short\", \"x\"]\n").find("Z85 CURVE public key"),
      std::string::npos);
  EXPECT_NE(ErrorOf(base + "[security]\ncurve_typo = true\n").find("unknown key"),
            std::string::npos);
}

// Found by fuzz_toml (issue #10): a float where an integer belongs was converted by the TOML
// library, undefined behaviour when out of range. Refused now, naming the key.
TEST(Config, AFloatWhereAnIntegerBelongsIsRefused) {
  std::string base = std::string(kGood).substr(0, std::string(kGood).find("[transport]"));
  EXPECT_NE(ErrorOf(base + "[transport]\nmax_envelope_bytes = 4455555555555555555555540105.94\n")
                .find("transport.max_envelope_bytes: must be an integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf(base + "[transport]\nwindow = 12.0\n").find("must be an integer"),
            std::string::npos);
}

}  // namespace
}  // namespace zhuji::config
