#pragma once
// A directory of organs shaped like the demo topology, for the workflow tests: 深圳市 has no
// education bureau, so its secrecy admin dept reviews education reports at that level.

#include <gtest/gtest.h>

#include "services/calendar/date.h"
#include "services/workflows/organs.h"

namespace zhuji::workflows::testing {

using L = SecrecyLevel;

// The tests' clock: a day, and 2025-09-24 09:00 CST (a Wednesday before the National Day week).
constexpr int64_t kDay = 86'400'000;
inline const int64_t kT0 =
    calendar::EndOfDayCstMs(*calendar::ParseDate("2025-09-24")) + 9 * 3'600'000;

inline Organ O(const char* code, const char* name, const char* line, bool authority = false,
               L ceiling = L::kMimi) {
  Organ o;
  o.code = code;
  o.name = name;
  o.line = line;
  o.authority = {authority, ceiling};
  return o;
}

inline OrganDirectory Guangdong() {
  OrganDirectory d;
  EXPECT_TRUE(d.AddNode({"440000",
                         "广东省",
                         NodeLevel::kProvince,
                         "",
                         {O("bmj", "广东省国家保密局", "secrecy-admin", true, L::kJuemi),
                          O("jyt", "广东省教育厅", "education", true, L::kJuemi),
                          O("gat", "广东省公安厅", "public-security", true, L::kJuemi)}})
                  .ok());
  EXPECT_TRUE(d.AddNode({"440100",
                         "广州市",
                         NodeLevel::kCity,
                         "440000",
                         {O("bmj", "广州市国家保密局", "secrecy-admin", true, L::kJimi),
                          O("jyj", "广州市教育局", "education", true, L::kJimi)}})
                  .ok());
  EXPECT_TRUE(d.AddNode({"440300",
                         "深圳市",
                         NodeLevel::kCity,
                         "440000",
                         {O("bmj", "深圳市国家保密局", "secrecy-admin", true, L::kJimi),
                          O("gaj", "深圳市公安局", "public-security", true, L::kJimi)}})
                  .ok());
  EXPECT_TRUE(d.AddNode({"440106",
                         "天河区",
                         NodeLevel::kCounty,
                         "440100",
                         {O("bmj", "天河区国家保密局", "secrecy-admin"),
                          O("jyj", "天河区教育局", "education")}})
                  .ok());
  EXPECT_TRUE(d.AddNode({"440305",
                         "南山区",
                         NodeLevel::kCounty,
                         "440300",
                         {O("bmj", "南山区国家保密局", "secrecy-admin"),
                          O("jyj", "南山区教育局", "education")}})
                  .ok());
  EXPECT_TRUE(d.Validate().ok());
  return d;
}

}  // namespace zhuji::workflows::testing
