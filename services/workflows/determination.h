#pragma once
// An organ's own determination (GD Art. 25-28): its 保密事项一览表 (the list of secret matters it
// extracts from the scopes of secret matters, approved by its 法定定密责任人), and the procedure
// that determines a secret inside the organ — the handler's (承办人) proposal referring to an
// entry of the list, the 定密责任人's approval, direct correction or return (Art. 27), within 10
// WD of the day the matter arose (Art. 28), managed at the proposed level meanwhile. An approved
// determination is an entry of the organ's register of state secrets.
//
// Pure: values and steps; the node stores them, opens the Art. 28 duty and checks nothing else.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/classification.h"
#include "services/workflows/matter.h"
#include "services/workflows/responsible.h"

namespace zhuji::workflows {

// GD Art. 28: an organ with authority determines within 10 WD of the day the matter arose.
inline constexpr int kDetermineWorkingDays = 10;
inline constexpr const char* kStepDetermine = "确定 determine (GD Art. 28)";

// One line of a 保密事项一览表 (GD Art. 25 ¶2).
struct ScopeEntry {
  int no = 0;              // 1, 2, 3 … in the list
  std::string name;        // 国家秘密具体事项名称
  std::string basis;       // 法律法规依据: the scope of secret matters it is taken from
  Protection protection;   // 密级, 保密期限 (or 解密条件, 解密时间)
  std::string scope;       // 知悉范围
  std::string department;  // 承办部门
};

struct ScopeList {
  std::string organ;  // address
  uint64_t version = 0;
  std::vector<ScopeEntry> entries;
  std::string approved_by;  // the 法定定密责任人 (GD Art. 26)
  int64_t approved_at = 0;
  const ScopeEntry* Entry(int no) const;
};

// GD Art. 25, 26: a new version of the organ's list, approved by its live 法定定密责任人 `by`.
// Every entry has its name, basis, a valid mark, 知悉范围 and department; none beyond the organ's
// authority (`reg.organ_ceiling`; an organ without original authority has no list to determine
// by: GD Art. 29). Entries are numbered 1, 2, 3 … as given.
Result<ScopeList> ApproveScopeList(const ScopeList* held, std::vector<ScopeEntry> entries,
                                   const ResponsibleRegister& reg, const std::string& by,
                                   calendar::Date today, int64_t now);

enum class DeterminationState {
  kProposed,  // 承办意见 written; waiting for the 定密责任人 (managed at the proposed level)
  kReturned,  // 退回重新办理: back with the handler
  kApproved,  // 批准 (maybe corrected): in the organ's register of state secrets
  kReleased,  // 解除 (GD Art. 38-40) or 保密期限届满自行解密: managed as an internal matter (Art.
              // 39)
};
const char* DeterminationStateZh(DeterminationState s);
const char* DeterminationStateName(DeterminationState s);  // proposed, returned, approved

struct Determination {
  std::string id;  // "<organ>/<year>-D<serial>": the register number
  std::string organ, organ_name;
  std::string title;
  int entry_no = 0;           // the 一览表 entry it refers to
  uint64_t list_version = 0;  // … in this version of the list
  std::string entry_name;
  Protection proposed;                     // the handler's proposal
  std::string scope;                       // 知悉范围: the persons, in words
  std::vector<std::string> scope_organs;   // 知悉范围: the other organs in it ("<node>/<code>")
  std::string basis, reasons, key_points;  // 依据和理由, 保密要点
  std::string handler;                     // 承办人
  calendar::Date arose_on;                 // GD Art. 28: its 10 WD run from this day
  int64_t proposed_at = 0;
  DeterminationState state = DeterminationState::kProposed;
  Protection protection;   // as approved (the proposal, or the correction)
  bool corrected = false;  // 直接纠正 by the 定密责任人 (GD Art. 27 ②)
  std::string approved_by;
  int64_t approved_at = 0;
  std::string return_reason;
  int64_t due_at = 0;  // the Art. 28 deadline as the node computed it
  std::vector<TrailEvent> history;
  // After approval (services/workflows/secret_change.h, GD Art. 34-40).
  uint64_t version = 0;          // 1 once approved, +1 per later decision: a newer copy wins
  calendar::Date determined_on;  // 确定之日: the approval day; a term runs from it
  int reviewed_year = 0;         // GD Art. 34: the last year it was reviewed (or decided on)
  calendar::Date released_on;    // kReleased: since that day
  std::string release_reason;
};

struct Proposal {
  std::string title;
  int entry_no = 0;
  Protection protection;
  std::string scope, basis, reasons, key_points, handler;
  calendar::Date arose_on;
  std::vector<std::string> scope_organs = {};  // the other organs in the 知悉范围 (node-checked)
};

// GD Art. 27 (一), 28: the handler's written proposal, referring to an entry of the organ's list:
// level no higher than the entry's; a 知悉范围, basis and reasons; the day the matter arose not
// after today. A new one (`held` null) or again after a return.
Result<Determination> ProposeDetermination(const Determination* held, std::string id,
                                           const ScopeList& list, const Proposal& p,
                                           calendar::Date today, int64_t now);
// GD Art. 27 (二), 16 ¶3: a live 定密责任人 of the organ approves it as proposed, or corrects it
// directly (`correction`: another level, term or scope is given), within their own ceiling.
// `corrected_organs`: a corrected list of the organs in scope (null: as proposed).
Result<Determination> ApproveDetermination(const Determination& d, const ResponsibleRegister& reg,
                                           const std::string& by,
                                           const std::optional<Protection>& correction,
                                           const std::string& corrected_scope,
                                           const std::vector<std::string>* corrected_organs,
                                           calendar::Date today, int64_t now);
// GD Art. 27 (二): … or returns it to the handler to be done again (退回重新办理), saying why.
Result<Determination> ReturnDetermination(const Determination& d, const ResponsibleRegister& reg,
                                          const std::string& by, std::string reason,
                                          calendar::Date today, int64_t now);

}  // namespace zhuji::workflows
