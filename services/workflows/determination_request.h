#pragma once
// 定密申请 without authority (GD Art. 29): an organ with no original classification authority
// (or none up to the proposed level) protects the matter at the proposed level at once
// (先行采取保密措施), and within 10 WD of the day the matter arose reports it to the superior organ
// with authority ("报请有定密权的上级机关、单位确定"), straight to it: no level in between reviews.
// The superior is found up the escalation route: the organ of the same line one level up, or
// where a level has no organ of the line its secrecy admin dept (GD Art. 29's "没有上级机关、单位
// 的 … 业务主管部门或者保密行政管理部门"), the first of them with authority for the level. It
// decides within 10 WD of receipt and notifies in writing (matter.h: Decide).

#include <string>

#include "services/workflows/matter.h"

namespace zhuji::workflows {

// The route of a determination request: one hop, the first organ up the escalation route that
// may determine `level` (GD Art. 23, 29).
Result<std::vector<RouteHop>> DeterminationPath(const OrganDirectory& directory,
                                                const std::string& origin_address,
                                                SecrecyLevel level);

Result<Step> RequestDetermination(const OrganDirectory& directory,
                                  const std::string& origin_address, std::string id,
                                  std::string title, const Protection& proposed, std::string scope,
                                  calendar::Date arose_on, int64_t now);

}  // namespace zhuji::workflows
