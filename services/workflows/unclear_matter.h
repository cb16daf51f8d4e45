#pragma once
// 不明确事项 (GD Art. 30; 保密法实施条例 Art. 25) as a pure workflow: every step is a function of
// (the matter as this node holds it, the input, now) that returns the new matter and the effects
// the node must carry out in the same transaction — the nodes to send the matter to, and the
// deadlines to open and close. No store, no sockets (DESIGN.md "What good looks like").
//
// The matter travels as a whole: each node on the path holds a copy, and every step that moves
// it sends the updated copy on.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/classification.h"
#include "services/workflows/organs.h"

namespace zhuji::workflows {

// The policy numbers (RULES.md "Deadlines"), configurable on the node.
struct EscalationPolicy {
  int report_working_days =
      10;  // GD Art. 30; 条例 Art. 25: report within 10 WD of the provisional level
  int review_working_days = 10;  // intermediate levels: the rules set no figure; policy default
  int decide_working_days = 10;  // 条例 Art. 25: the bureau decides within 10 WD of receipt
};

// GD Art. 30: what the province-level organ must submit to the bureau.
inline const std::vector<std::string> kArt30Materials = {
    "申报不明确事项公文",    // (一) report document
    "不明确事项定密申报表",  // (二) declaration form
    "不明确事项的具体内容",  // (三) the matter's content
};

enum class HopOutcome { kPending, kForwarded, kReturned, kDecided };

struct Hop {
  Organ organ;
  std::string why;
  int64_t received_at = 0;  // by this hop's node (received-at)
  int64_t sent_at = 0;      // when this hop passed it on or sent it back (sent-at)
  std::string reviewer;
  std::string opinion;  // 审核意见
  HopOutcome outcome = HopOutcome::kPending;
};

struct Decision {
  bool not_secret = false;  // "not a state secret"
  Protection protection;    // when a secret: level with term, date or condition
  std::string scope;        // 知悉范围
  std::string decided_by;   // responsible person at the bureau
  int64_t decided_at = 0;
};

enum class MatterState { kProvisional, kInReview, kReturned, kDecided };

struct Matter {
  std::string id;  // "<origin organ address>/<serial>"
  Organ origin;
  std::string title;
  Protection provisional;  // protected at this level from the moment it is set
  int64_t provisional_at = 0;
  int64_t reported_at = 0;          // the origin's sent-at (its duty is judged by it)
  std::set<std::string> materials;  // names of the materials attached
  std::vector<Hop> path;            // from EscalationPath; the last hop is the bureau
  int at = -1;                      // the hop holding it now; -1 = the origin
  MatterState state = MatterState::kProvisional;
  std::optional<Decision> decision;
  std::string return_reason;  // 退回补充: what is missing
};

struct DeadlineOpen {
  std::string item, step, rule;
  calendar::Date trigger;
  int working_days;
};
struct DeadlineClose {
  std::string item, step;
};

// What a step asks of the node, in the same transaction as storing the new matter.
struct Effects {
  std::vector<std::string> send_to;  // node ids to send the updated matter to
  std::vector<DeadlineOpen> open;
  std::vector<DeadlineClose> close;
};

struct Step {
  Matter matter;
  Effects effects;
};

// The organ sets a provisional level: the item is protected at once, and the report is due
// within 10 WD (条例 Art. 25).
Result<Step> SetProvisional(const OrganDirectory& directory, const std::string& origin_address,
                            std::string id, std::string title, const Protection& provisional,
                            int64_t now, const EscalationPolicy& policy);
// The origin reports it (or reports it again after a return): it goes to the first hop.
Result<Step> Report(const Matter& m, std::set<std::string> materials, int64_t now);
// A node received the matter for one of its organs: its review (or decision) clock starts.
Result<Step> Receive(const Matter& m, int64_t now, const EscalationPolicy& policy);
// The hop holding it forwards it with an opinion. The province-level organ's forward is the
// submission to the bureau: refused unless the GD Art. 30 materials are all there.
Result<Step> Forward(const Matter& m, std::string reviewer, std::string opinion, int64_t now);
// The hop holding it returns it one level down for more material (退回补充).
Result<Step> Return(const Matter& m, std::string reviewer, std::string what_is_missing,
                    int64_t now);
// The bureau decides; the decision goes to every organ on the path and to the origin.
Result<Step> Decide(const Matter& m, Decision decision, int64_t now);

// Deadline step names, for `zhuji deadlines`.
inline constexpr const char* kStepReport = "上报 report";
// "审核 review @ <organ>" for a reviewing hop, "确定 decide @ <bureau>" for the last one.
std::string ReviewStep(const Matter& m, int hop_index);

}  // namespace zhuji::workflows
