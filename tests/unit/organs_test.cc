// Routes between organs (RULES.md "Routes"): 逐级上报, level by level, nothing skipped.
#include "services/workflows/organs.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using L = SecrecyLevel;
using testing::Guangdong;
using testing::O;

std::vector<std::string> Addresses(const std::vector<RouteHop>& path) {
  std::vector<std::string> out;
  for (auto& h : path) out.push_back(h.organ.address());
  return out;
}

TEST(Routes, GdArt30_UnclearMatterGoesLevelByLevelToTheProvincialBureau) {
  auto path = Guangdong().EscalationPath("440106/jyj");
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(Addresses(path.value()),
            (std::vector<std::string>{"440100/jyj", "440000/jyt", "440000/bmj"}));
  EXPECT_EQ(path.value().back().organ.name, "广东省国家保密局");
}

TEST(Routes, GdArt30_WhereALevelHasNoOrganOfTheLineItsSecrecyAdminDeptReviews) {
  auto path = Guangdong().EscalationPath("440305/jyj");
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(Addresses(path.value()),
            (std::vector<std::string>{"440300/bmj", "440000/jyt", "440000/bmj"}));
  EXPECT_NE(path.value()[0].why.find("secrecy admin dept"), std::string::npos);
}

TEST(Routes, GdArt31_NothingSkipsALevel) {
  auto dir = Guangdong();
  for (const char* origin : {"440106/jyj", "440305/jyj", "440106/bmj", "440100/jyj"}) {
    auto path = dir.EscalationPath(origin);
    ASSERT_TRUE(path.ok()) << origin << ": " << path.message();
    std::string node = std::string(origin).substr(0, 6);
    for (auto& hop : path.value()) {
      if (hop.organ.node == node) continue;  // the bureau after the province's own organ
      EXPECT_EQ(hop.organ.node, dir.Node(node)->parent) << origin << " skipped a level";
      node = hop.organ.node;
    }
    EXPECT_EQ(path.value().back().organ.address(), "440000/bmj") << origin;
  }
}

TEST(Routes, ASecrecyAdminDeptReportsToTheOneAboveAndTheBureauOnlyOnce) {
  auto path = Guangdong().EscalationPath("440106/bmj");
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(Addresses(path.value()), (std::vector<std::string>{"440100/bmj", "440000/bmj"}));
}

TEST(Routes, ALevelWithNeitherTheLineNorASecrecyAdminDeptStopsTheReport) {
  OrganDirectory d;
  ASSERT_TRUE(d.AddNode({"440000",
                         "广东省",
                         NodeLevel::kProvince,
                         "",
                         {O("bmj", "广东省国家保密局", "secrecy-admin", true, L::kJuemi)}})
                  .ok());
  ASSERT_TRUE(d.AddNode({"440100", "广州市", NodeLevel::kCity, "440000", {}}).ok());
  ASSERT_TRUE(d.AddNode({"440106",
                         "天河区",
                         NodeLevel::kCounty,
                         "440100",
                         {O("jyj", "天河区教育局", "education")}})
                  .ok());
  auto path = d.EscalationPath("440106/jyj");
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.message().find("广州市"), std::string::npos) << path.message();
}

TEST(Routes, TheDirectoryRefusesDuplicatesAndMissingParents) {
  OrganDirectory d;
  EXPECT_FALSE(d.AddNode({"440106",
                          "天河区",
                          NodeLevel::kCounty,
                          "440100",
                          {O("jyj", "a", "education"), O("jyj", "b", "education")}})
                   .ok());
  ASSERT_TRUE(d.AddNode({"440106", "天河区", NodeLevel::kCounty, "440100", {}}).ok());
  EXPECT_FALSE(d.AddNode({"440106", "天河区", NodeLevel::kCounty, "440100", {}}).ok());
  EXPECT_NE(d.Validate().message().find("440100"), std::string::npos);
  EXPECT_FALSE(Guangdong().EscalationPath("440106/nope").ok());
}

}  // namespace
}  // namespace zhuji::workflows
