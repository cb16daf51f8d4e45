#pragma once
// A matter escalated level by level (逐级上报, RULES.md "Routes"): the model shared by the three
// procedures — 不明确事项 (unclear_matter.h, GD Art. 30), 有争议事项 (disputed_matter.h, GD Art.
// 31, 45) and the request for determination without authority (determination_request.h, GD
// Art. 29) — and the steps they share: report, receive, forward, return, decide.
//
// Every step is a pure function of (the matter as this node holds it, the input, now) that
// returns the new matter and the effects the node must carry out in the same transaction — the
// nodes to send the matter to, and the deadlines to open and close. No store, no sockets
// (DESIGN.md "What good looks like"). The matter travels as a whole: each node on the path holds
// a copy, every step that moves it sends the updated copy on, and `version` orders the copies.

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

// Periods the rules fix: constants of the rules, never settings.
inline constexpr int kReportWorkingDays = 10;  // GD Art. 29, 30; 条例 Art. 25: report within 10
inline constexpr int kDecideWorkingDays = 10;  // 条例 Art. 25 ¶2, GD Art. 29 ¶2: decide within 10
inline constexpr int kObjectionWorkingDays = 20;  // GD Art. 45: answer an objection within 20
// GD Art. 9: each organ that receives an authorization application reviews or decides it within
// 30 WD of its own receipt (docs/filings.md: per level).
inline constexpr int kApplicationWorkingDays = 30;

// What the rules leave open (RULES.md "Deadlines"), configurable on the node ([escalation]).
struct EscalationPolicy {
  int review_working_days = 10;    // intermediate levels: the rules set no figure
  int resubmit_working_days = 10;  // a matter returned to its origin (退回补充) comes back within
  int national_filing_working_days =
      10;  // 条例 Art. 25 ¶2 "及时": the province's 备案 to 国家保密局
};

enum class MatterKind {
  kUnclear,        // 不明确事项 (GD Art. 30)
  kDisputed,       // 有争议事项 (GD Art. 31, 45)
  kDetermination,  // 定密申请: a matter without authority to determine it (GD Art. 29)
  kAuthorization,  // 定密授权申请: an organ applies for classification authority (GD Art. 8, 9);
                   // `provisional` carries the ceiling and term applied for, `title` the matters
};
const char* MatterKindZh(MatterKind kind);    // "不明确事项" …
const char* MatterKindName(MatterKind kind);  // "unclear" …

// kReferred: the provincial bureau sent it to 国家保密局 (条例 Art. 25, 26).
enum class HopOutcome { kPending, kForwarded, kReturned, kDecided, kReferred };

struct Hop {
  Organ organ;
  std::string why;
  int64_t received_at = 0;  // by this hop's node (received-at)
  int64_t sent_at = 0;      // when this hop passed it on or sent it back (sent-at)
  std::string reviewer;
  std::string opinion;  // 审核意见
  HopOutcome outcome = HopOutcome::kPending;
  int64_t due_at = 0;  // its review or decision deadline, filled in by the node that tracks it
};

struct Decision {
  bool not_secret = false;  // "not a state secret"
  Protection protection;    // when a secret: level with term, date or condition
  std::string scope;        // 知悉范围
  std::string
      decided_by;  // who decided: an organ's 定密责任人, or a bureau's deciding official (签发人)
  int64_t decided_at = 0;
  // 定密授权申请 (GD Art. 9): the authorizing organ's answer: the grant made, or a refusal (the
  // reason in `scope`'s place is `refusal`).
  std::string grant_id;
  bool refused = false;
  std::string refusal;
};

// One line of the matter's history: every step appends one, so a return and a re-report stay
// visible after the matter has passed the same levels again.
struct TrailEvent {
  int64_t at = 0;
  std::string organ;   // who acted (name)
  std::string action;  // "上报 reported", "退回补充 returned" …
  std::string detail;  // opinion, what is missing, the decision …
  bool operator==(const TrailEvent&) const = default;
};

// A determination as people read it: the mark ("机密★10年"), or "非国家秘密 not a state secret".
std::string LevelText(bool not_secret, const Protection& p);

// A party's view of the level (有争议事项: every party's claim travels with the matter).
struct Claim {
  std::string organ;  // address
  std::string organ_name;
  bool not_secret = false;
  Protection protection;
};

enum class MatterState {
  kProvisional,  // set and protected, not reported yet
  kObjected,     // 有争议事项: the objection is with the original classifier (GD Art. 45)
  kAnswered,     // the classifier upheld its determination; back with the objector
  kSettled,      // the dispute ended at the classifier: no escalation
  kInReview,     // on its way up, at path[at]
  kReturned,     // 退回补充: back at the origin for more material
  kDecided,      // final: the decision is on its way down or arrived
  kWithNational,  // sent to 国家保密局 by the provincial bureau (条例 Art. 25, 26); no provincial
                  // deadline runs until its decision is recorded
};
const char* MatterStateZh(MatterState state);
struct Matter;
// As MatterStateZh, and a settled dispute as what it is: 变更 (the classifier adopted the
// objection) or 确定 (the objector accepted the answer that upheld the determination).
std::string MatterStateZh(const Matter& m);
// "provisional", "objected", "answered", "settled", "in-review", "returned", "decided" (the
// names `zhuji matter wait --state` takes; the control protocol's MatterView.state).
const char* MatterStateName(MatterState state);

// 条例 Art. 25 ¶1, Art. 26 (一): what the provincial bureau sent to 国家保密局 (outside the
// province's network) and the decision that came back.
struct NationalReferral {
  int64_t sent_at = 0;
  std::string channel;  // how it went: 机要交通, 机要通信 …
  std::string sent_by;
  std::string doc_number;     // the national decision's 文号, once recorded
  calendar::Date decided_on;  // its date
  int64_t recorded_at = 0;    // when the provincial clerk recorded it
  std::string recorded_by;
};

struct Matter {
  std::string id;  // "<origin organ address>/<year>-<serial>"
  MatterKind kind = MatterKind::kUnclear;
  uint64_t version = 0;  // +1 per step: a node ignores a copy older than the one it holds
  Organ origin;          // the reporting organ (the objector for a dispute)
  std::string title;
  Protection provisional;  // protected at this level from the moment it is set
  std::string scope;       // 知悉范围 set with it (GD Art. 23, 条例 Art. 25); a dispute: the
                           // scope of the determination objected to, if the objector gave it
  int64_t provisional_at = 0;
  int64_t reported_at = 0;          // the latest report's sent-at (again after a return)
  int64_t first_reported_at = 0;    // the first report: the report duty is judged by it
  calendar::Date arose_on;          // GD Art. 29: the day the matter arose (its 10 WD run from it)
  std::set<std::string> materials;  // names of the materials attached
  std::vector<Hop> path;            // the last hop decides
  int at = -1;                      // the hop holding it now; -1 = the origin
  MatterState state = MatterState::kProvisional;
  std::optional<Decision> decision;
  std::string return_reason;  // 退回补充: what is missing

  // 有争议事项 only.
  std::vector<Claim> claims;          // every party's claimed level
  std::optional<Organ> classifier;    // the original classifying organ (原定密机关)
  std::optional<Organ> answerer;      // GD Art. 45: the objection went to the classifier's
                                      // superior (其上级机关) instead, which answers it
  int64_t objection_received_at = 0;  // by the classifier's node
  int64_t answered_at = 0;
  std::string answered_by;
  std::string answer;   // the classifier's reply (处理结果)
  bool upheld = false;  // the classifier kept its determination

  std::vector<TrailEvent> history;
  std::optional<NationalReferral> national;  // sent to 国家保密局

  // Deadlines as the node that tracks each computed them (24:00 CST; 0 = none).
  int64_t report_due_at = 0;
  int64_t answer_due_at = 0;
  int64_t resubmit_due_at = 0;  // after a return to the origin (policy)
  // When the deciding department first received it (the report duty is met by then; a return
  // and a second arrival do not move it), 0 if not yet.
  int64_t DeciderReceivedAt() const;

  // Who the decision reaches (书面通知): every node on the path, the origin and any party.
  std::vector<std::string> NoticeNodes() const;
  // Who a settled dispute reaches: the parties, and the levels that received the matter (a
  // dispute settled before it went up reaches no level of the route).
  std::vector<std::string> SettlementNodes() const;
  // The protection while pending: the provisional level, or for a dispute the highest level any
  // party claims (保密法实施条例 Art. 25-26). nullopt when every party says "not a secret".
  std::optional<Protection> PendingProtection() const;
  bool final() const { return state == MatterState::kDecided || state == MatterState::kSettled; }
  // The organ that holds it now: the hop, the organ answering an objection, or the origin.
  const Organ& holder() const;
  // Who answers the objection (GD Art. 45): the classifier, or its superior if addressed so.
  const Organ* Answerer() const {
    return answerer ? &*answerer : classifier ? &*classifier : nullptr;
  }
};

struct DeadlineOpen {
  // Whose duty: the origin's report, the classifier's answer, or path[hop]'s review or decision.
  enum class Duty { kReport, kAnswer, kHop, kResubmit, kNationalFiling };
  std::string item, step, rule;
  calendar::Date trigger;
  int working_days;
  Duty duty;
  int hop;  // for kHop
};
struct DeadlineClose {
  std::string item, step;
};

// What a step asks of the node, in the same transaction as storing the new matter.
struct Effects {
  std::vector<std::string> send_to;  // node ids to send the updated matter to (may be its own)
  std::vector<DeadlineOpen> open;
  std::vector<DeadlineClose> close;
};

struct Step {
  Matter matter;
  Effects effects;
};

// The origin reports it (or again after a return; or, for a dispute, escalates it): it goes to
// the first hop. `materials` are added to those already attached.
Result<Step> Report(const Matter& m, std::set<std::string> materials, int64_t now);
// A node received the matter for one of its organs: its review, decision or answer clock starts.
// A repeated delivery changes nothing.
Result<Step> Receive(const Matter& m, int64_t now, const EscalationPolicy& policy);
// The hop holding it forwards it with an opinion. The province-level organ's forward to the
// bureau is the submission: refused unless the materials of GD Art. 30 / 31 are all there.
Result<Step> Forward(const Matter& m, std::string reviewer, std::string opinion, int64_t now);
// The hop holding it returns it one level down for more material (退回补充).
Result<Step> Return(const Matter& m, std::string reviewer, std::string what_is_missing,
                    int64_t now);
// The last hop decides; the decision goes to every node on the path, the origin and the parties.
Result<Step> Decide(const Matter& m, Decision decision, int64_t now);

// A copy received from node `sender`, against the copy `held` here (null: none yet). Taken only
// if it follows from it (issue #10): its version counts its steps, one trail line each, and is at
// most kMaxStepsBetweenCopies ahead, so no version is jumped to; its kind, origin, classifier
// and route (once set) are those held; its last step was taken by an organ of the sender; a
// decision first arrives from the node of the organ at the end of the route, a settlement from
// the classifier's or the objector's, and a decision held is never changed after. An older or
// equal version is not refused here (a re-delivery; the node ignores it).
inline constexpr uint64_t kMaxStepsBetweenCopies = 256;
Status CheckCopy(const Matter* held, const Matter& copy, const std::string& sender);

// 条例 Art. 25 ¶1 ("拟定为绝密级的事项 … 报国家保密行政管理部门确定") and Art. 26 (一): an unclear
// or disputed matter protected at 绝密, or one the provincial bureau would decide as 绝密, is
// determined by 国家保密局, not by the provincial bureau. `decision`: the one proposed, if any.
bool NeedsNationalBureau(const Matter& m, const Decision* decision);
// The provincial bureau holding the matter sends it to 国家保密局 (`channel`: 机要交通 …): it
// waits there, no provincial deadline running; the origin's copy shows it.
Result<Step> ReferToNational(const Matter& m, std::string channel, std::string sent_by,
                             int64_t now);
// The provincial clerk records the national bureau's decision (its 文号 and date): final, and it
// goes back down like any other decision.
Result<Step> RecordNationalDecision(const Matter& m, Decision decision, std::string doc_number,
                                    calendar::Date decided_on, std::string recorded_by,
                                    int64_t now);
// 条例 Art. 25 ¶2: the provincial bureau files each of its own decisions on a 不明确事项 (not the
// national bureau's) with 国家保密局 for 备案 ("及时": a policy deadline tracks it).
bool OwesNationalFiling(const Matter& m);
inline constexpr const char* kStepNationalFiling = "报国家保密局备案 file with the national bureau";

// TEST ONLY (benchmarks; `[escalation] auto_review`, off by default): the step an organ holding
// the matter takes at once — forward with a fixed opinion, or, at the last hop, decide at the
// level the matter is protected at. Never used unless a node is configured for it.
Result<Step> AutoReview(const Matter& m, int64_t now);

// Deadline step names, for `zhuji deadlines`.
inline constexpr const char* kStepReport = "上报 report";
// A matter returned to its origin (退回补充) is reported again within the policy's days.
inline constexpr const char* kStepResubmit = "补充重报 resubmit";
// The origin's trail line when a return reaches it.
inline constexpr const char* kActionReturnReceived = "收到退回 return received";
// "审核 review @ <organ>" for a reviewing hop, "确定 decide @ <organ>" for the last one.
std::string ReviewStep(const Matter& m, int hop_index);
// "答复异议 answer objection @ <classifier>": the classifier's GD Art. 45 duty.
std::string AnswerStep(const Matter& m);

// GD Art. 40: a 变更 is notified in writing to the 知悉范围 within 10 WD.
inline constexpr int kChangeNoticeWorkingDays = 10;
inline constexpr const char* kStepChangeNotice = "书面通知知悉范围 notify the 知悉范围 (变更)";

// The trail actions other code recognises.
inline constexpr const char* kActionEscalated = "报送有争议事项 escalated";
inline constexpr const char* kActionReceived = "收到 received";
inline constexpr const char* kActionAnswerUpheld = "答复：维持原定密 upheld";
inline constexpr const char* kActionAnswerAdopted = "答复：采纳异议 adopted";

// Two copies of one version that differ in their last step: two nodes stepped at once. The one
// race the procedure allows is the objector escalating after the answer's deadline while the
// answerer answers late (GD Art. 31, 45): the escalation wins, wherever the two meet, and the
// answer is kept as a late step, outside the matter's versions. Any other is refused.
enum class ForkOutcome {
  kNone,      // `copy` is the step `held` has at that version (a re-delivery), or newer
  kKeepHeld,  // held has the escalation: `copy`'s last step is the late answer
  kTakeCopy,  // copy has the escalation: held's step at that version is the late answer
  kRefuse,    // a fork the procedure does not allow
};
// `sender`: the node the copy came from (the escalation's must be the objector's, the answer's
// the answerer's).
ForkOutcome ResolveFork(const Matter& held, const Matter& copy, const std::string& sender);

// The materials the submission to the bureau needs (GD Art. 30, 31); none for GD Art. 29; for
// an authorization application those of GD Art. 8 (一)-(六), the application's own.
const std::vector<std::string>& RequiredMaterials(MatterKind kind);
// GD Art. 8 ¶2: "尚无保密事项范围的机关、单位，可以不提供第（三）项": an application that carries
// this declaration among its materials needs no 保密事项一览表.
inline constexpr const char* kNoScopeList = "声明：尚无保密事项范围（GD Art. 8 ¶2）";
inline constexpr const char* kScopeList = "本机关、本单位保密事项一览表";

namespace detail {
// A new matter of `origin` along `route`, protected at `protection` from `now` (not reported).
Matter NewMatter(MatterKind kind, std::string id, const Organ& origin, std::string title,
                 const Protection& protection, int64_t now, const std::vector<RouteHop>& route);
// A settled dispute: final at the level `claim` says, as answered by the classifier.
void Settle(Matter& m, const Claim& claim, int64_t now);
// "<step> is not possible now: matter … is …".
Status Where(const Matter& m, const char* step);
// Appends a history line (and counts the step: version + 1).
void Note(Matter& m, int64_t now, const std::string& organ, const std::string& action,
          const std::string& detail = "");
// Sends the matter to its first hop, with no check of its state (Report and Escalate check).
Result<Step> SendUp(const Matter& m, std::set<std::string> materials, int64_t now);
}  // namespace detail

}  // namespace zhuji::workflows
