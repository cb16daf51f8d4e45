#pragma once
// 有争议事项 (GD Art. 31, 45; 保密法实施条例 Art. 26). An organ that disagrees with a
// determination objects first to the original classifying organ (原定密机关), which must answer
// within 20 WD of receipt (GD Art. 45). If it changes its determination the dispute is settled
// there. If it does not answer in time, or upholds its determination and the objection stands,
// the objector reports the matter level by level as a disputed matter (matter.h: Report,
// Receive, Forward, Return) to 广东省国家保密局 with the materials of Art. 31. Until decided, the
// matter is protected at the highest level any party claims; the decision reaches both parties
// and every level on the path.

#include <string>

#include "services/workflows/matter.h"

namespace zhuji::workflows {

inline const std::vector<std::string>& kArt31Materials = RequiredMaterials(MatterKind::kDisputed);

// The objector objects to the classifier's determination (`classified`): the matter goes to the
// classifier's node, protected at the higher of the two claims.
Result<Step> Object(const OrganDirectory& directory, const std::string& objector_address,
                    const std::string& classifier_address, std::string id, std::string title,
                    const Protection& classified, const Claim& objection, int64_t now);
// The classifier answers (处理结果). `upheld`: it keeps its determination (the objector may then
// escalate); otherwise it adopts the objector's claim and the dispute is settled.
Result<Step> Answer(const Matter& m, std::string answered_by, std::string answer, bool upheld,
                    int64_t now);
// The objector accepts an upheld answer: settled at the classifier's determination.
Result<Step> AcceptAnswer(const Matter& m, int64_t now);
// The objector reports it as a disputed matter: after an upheld answer, after a return for more
// material, or when the classifier let the 20 WD pass (`answer_overdue`, GD Art. 31 "未予以处理").
Result<Step> Escalate(const Matter& m, std::set<std::string> materials, bool answer_overdue,
                      int64_t now);

}  // namespace zhuji::workflows
