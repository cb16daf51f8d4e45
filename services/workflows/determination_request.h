#pragma once
// 定密申请 without authority (GD Art. 29): an organ with no original classification authority
// (or none up to the proposed level) protects the matter at the proposed level at once
// (先行采取保密措施), and reports it within 10 WD to the superior organ with authority; where the
// line has none, the competent business dept or secrecy admin dept (the escalation route's
// substitutes). Intermediate organs without authority review and forward (nothing skips a
// level); the first organ on the route with the authority decides within 10 WD of receipt and
// notifies in writing (matter.h: Decide).

#include <string>

#include "services/workflows/matter.h"

namespace zhuji::workflows {

// The route of a determination request: the escalation route up to and including the first
// organ that may determine `level` (GD Art. 23, 29).
Result<std::vector<RouteHop>> DeterminationPath(const OrganDirectory& directory,
                                                const std::string& origin_address,
                                                SecrecyLevel level);

Result<Step> RequestDetermination(const OrganDirectory& directory,
                                  const std::string& origin_address, std::string id,
                                  std::string title, const Protection& proposed, int64_t now,
                                  const EscalationPolicy& policy);

}  // namespace zhuji::workflows
