#pragma once
// 不明确事项 (GD Art. 30; 保密法实施条例 Art. 25): the organ sets a provisional level (the item is
// protected at once), reports it within 10 WD, and it goes level by level (matter.h: Report,
// Receive, Forward, Return) to the province-level organ of the line, which submits it with the
// materials of Art. 30 to 广东省国家保密局; the bureau decides (Decide) and the decision comes
// back down the path.

#include <string>

#include "services/workflows/matter.h"

namespace zhuji::workflows {

// GD Art. 30: what the province-level organ must submit to the bureau.
inline const std::vector<std::string>& kArt30Materials = RequiredMaterials(MatterKind::kUnclear);

// The organ sets a provisional level, term and 知悉范围 (`scope`, required: 条例 Art. 25): the
// item is protected at once, and the report is due within 10 WD (条例 Art. 25). The route is
// computed now, from the directory.
Result<Step> SetProvisional(const OrganDirectory& directory, const std::string& origin_address,
                            std::string id, std::string title, const Protection& provisional,
                            std::string scope, int64_t now);

}  // namespace zhuji::workflows
