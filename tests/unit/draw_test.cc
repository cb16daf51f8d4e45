// 双随机、一公开 (LN 四.1; issue #16): the draw is reproducible from its published list and seed,
// by zhuji and by the independent script tools/verify_draw.py, and keeps its exclusions.
#include "services/workflows/draw.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/temp_dir.h"

namespace zhuji::workflows {
namespace {

// Twelve licensed units in 沈阳 (210100), 大连 (210200) and 鞍山 (210300); ten experts, three of
// them employed by licensed units.
DrawRequest Round(const std::string& seed) {
  DrawRequest r;
  r.seed = seed;
  const char* regions[] = {"210100", "210200", "210300"};
  for (int i = 1; i <= 12; ++i) {
    r.units.push_back({"unit-" + std::to_string(i), regions[i % 3]});
  }
  for (int i = 1; i <= 10; ++i) {
    std::string employer = i <= 3 ? "unit-" + std::to_string(i * 2) : "专家库 " + std::to_string(i);
    r.experts.push_back({"expert-" + std::to_string(i), regions[(i + 1) % 3], employer});
  }
  r.unit_count = 3;
  r.experts_per_unit = 2;
  return r;
}

nlohmann::json ToJson(const std::vector<DrawAssignment>& draw) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : draw) {
    out.push_back({{"unit", a.unit}, {"region", a.region}, {"experts", a.experts}});
  }
  return out;
}

// What tools/verify_draw.py says for the same request.
nlohmann::json ByTheScript(const DrawRequest& r) {
  nlohmann::json in = {{"seed", r.seed},
                       {"unit_count", r.unit_count},
                       {"experts_per_unit", r.experts_per_unit},
                       {"exclude_same_region", r.exclude_same_region},
                       {"units", nlohmann::json::array()},
                       {"experts", nlohmann::json::array()}};
  for (const auto& u : r.units) in["units"].push_back({{"id", u.id}, {"region", u.region}});
  for (const auto& e : r.experts) {
    in["experts"].push_back({{"id", e.id}, {"region", e.region}, {"unit", e.unit}});
  }
  TempDir dir;
  std::string path = dir.path() + "/draw.json";
  std::ofstream(path) << in.dump();
  std::string cmd = "python3 " ZHUJI_SOURCE_DIR "/tools/verify_draw.py " + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p)) output += buf;
  int status = p ? ::pclose(p) : -1;
  EXPECT_EQ(status, 0) << output;
  return nlohmann::json::parse(output, nullptr, false);
}

TEST(Draw, LnRandomDrawIsReproducible_SameListAndSeedSameResultAndTheIndependentScriptAgrees) {
  auto first = Draw(Round("辽宁省国家保密局 2026 年第 1 轮"));
  ASSERT_TRUE(first.ok()) << first.message();
  auto again = Draw(Round("辽宁省国家保密局 2026 年第 1 轮"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(first.value()), ToJson(again.value()));
  ASSERT_EQ(first.value().size(), 3u);

  // Anyone with the list and the seed gets the same result: a second implementation.
  EXPECT_EQ(ByTheScript(Round("辽宁省国家保密局 2026 年第 1 轮")), ToJson(first.value()));
  auto other = Draw(Round("辽宁省国家保密局 2026 年第 2 轮"));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(ToJson(other.value()), ToJson(first.value())) << "another seed, another draw";
  EXPECT_EQ(ByTheScript(Round("辽宁省国家保密局 2026 年第 2 轮")), ToJson(other.value()));
  EXPECT_EQ(DrawKey("s", "unit:a"), DrawKey("s", "unit:a"));
  EXPECT_EQ(DrawKey("s", "unit:a").size(), 64u);
}

TEST(Draw, LnRandomDrawKeepsItsExclusions_NoOwnEmployerNoSameRegionNoExpertTwice) {
  for (int round = 1; round <= 20; ++round) {
    DrawRequest r = Round("round " + std::to_string(round));
    auto d = Draw(r);
    ASSERT_TRUE(d.ok()) << d.message();
    std::set<std::string> experts;
    for (const auto& a : d.value()) {
      ASSERT_EQ(a.experts.size(), 2u);
      for (const auto& id : a.experts) {
        EXPECT_TRUE(experts.insert(id).second) << id << " drawn twice in round " << round;
        for (const auto& e : r.experts) {
          if (e.id != id) continue;
          EXPECT_NE(e.unit, a.unit) << id << " inspects its own employer";
          EXPECT_NE(e.region, a.region) << id << " inspects in its own region";
        }
      }
    }
  }
}

TEST(Draw, ADrawThatCannotBeMadeIsRefusedWithTheReason) {
  DrawRequest r = Round("");
  EXPECT_FALSE(Draw(r).ok());
  r = Round("s");
  r.units.push_back(r.units.front());
  EXPECT_NE(Draw(r).message().find("listed twice"), std::string::npos);
  r = Round("s");
  r.unit_count = 13;
  EXPECT_NE(Draw(r).message().find("13 units of 12"), std::string::npos);
  r = Round("s");
  r.unit_count = 6;  // 12 experts needed, 10 exist
  auto refused = Draw(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("eligible expert"), std::string::npos) << refused.message();
}

}  // namespace
}  // namespace zhuji::workflows
