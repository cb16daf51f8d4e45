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

// The objector objects to the classifier's determination (`classified`, with its 知悉范围
// `scope` if the objector knows it): the matter goes to the classifier's node, protected at the
// highest level and the longest term claimed.
Result<Step> Object(const OrganDirectory& directory, const std::string& objector_address,
                    const std::string& classifier_address, std::string id, std::string title,
                    const Protection& classified, const Claim& objection, std::string scope,
                    int64_t now, bool to_superior = false);
// The classifier (or the superior it was addressed to) answers (处理结果). `upheld`: it keeps
// the determination (the objector may accept, or escalate); otherwise it adopts the objector's
// claim — a 变更 of the determination (GD Art. 35, 40) — which the objector's node makes final on
// receipt (Receive), unless it escalated meanwhile (ResolveFork).
// An adoption of a secret claim needs the changed determination's 知悉范围: `scope`, unless the
// objection gave it.
Result<Step> Answer(const Matter& m, std::string answered_by, std::string answer, bool upheld,
                    int64_t now, std::string scope = "");
// The objector accepts an upheld answer: settled at the classifier's determination.
Result<Step> AcceptAnswer(const Matter& m, int64_t now);
// The objector reports it as a disputed matter: after an upheld answer, after a return for more
// material, or when the classifier let its 20 WD pass (GD Art. 31 "未予以处理"): counted from the
// day the classifier received the objection (GD Art. 45), which the objector learns from the
// receipt; before the receipt arrives it cannot be overdue. A disagreement on the term alone is
// not a 有争议事项 (GD Art. 31: "是否属于国家秘密或者属于何种密级"): it stays with the classifier.
Result<Step> Escalate(const Matter& m, std::set<std::string> materials, int64_t now);
// Whether the classifier's GD Art. 45 answer is overdue at `now`, as the copy held here says.
bool AnswerOverdue(const Matter& m, int64_t now);

}  // namespace zhuji::workflows
