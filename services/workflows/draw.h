#pragma once
// 双随机、一公开 (LN 四.1; issue #16): a random draw of the licensed units to inspect this round
// and of the inspectors for each, that anyone can reproduce from the published list and seed.
//
// The algorithm (published with the result; `tools/verify_draw.py` is an independent
// implementation of it):
//   key(text) = lowercase hex of SHA-256 over the UTF-8 bytes of  seed + "\n" + text
//   1. units are ranked by key("unit:" + unit id), ascending; the first `unit_count` are drawn;
//   2. for each drawn unit in that order, experts are ranked by key("expert:" + unit id + ":" +
//      expert id), ascending, and the first `experts_per_unit` that are eligible are drawn:
//      not employed by the unit, not already drawn in this round, and — when
//      `exclude_same_region` — not of the unit's region.
// Pure: no clock, no randomness of its own; the seed is chosen and published by the bureau.

#include <string>
#include <vector>

#include "services/common/result.h"

namespace zhuji::workflows {

struct DrawUnit {
  std::string id;      // e.g. the certificate holder's unified social credit code
  std::string region;  // the city (GB/T 2260) whose bureau inspects it
};

struct DrawExpert {
  std::string id;
  std::string region;  // where the expert works
  std::string unit;    // the expert's employer (a DrawUnit id, or anything else)
};

struct DrawRequest {
  std::string seed;
  std::vector<DrawUnit> units;
  std::vector<DrawExpert> experts;
  size_t unit_count = 0;
  size_t experts_per_unit = 0;
  bool exclude_same_region = true;
};

struct DrawAssignment {
  std::string unit;
  std::string region;
  std::vector<std::string> experts;
};

// Why `expert` may not inspect `unit` — employed by it, or (with `exclude_same_region`) of its
// region — or "" when nothing stands in the way. The draw's rule, also for a team chosen by the
// bureau (飞行检查).
std::string DrawConflict(const DrawExpert& expert, const DrawUnit& unit, bool exclude_same_region);

// The key of the algorithm above (64 hex digits).
std::string DrawKey(const std::string& seed, const std::string& text);

// The draw. Refused with the reason: an empty seed, duplicate ids, more units asked for than
// listed, or a unit for which too few experts are eligible (named, with how many were).
Result<std::vector<DrawAssignment>> Draw(const DrawRequest& request);

}  // namespace zhuji::workflows
