#pragma once
// 定密授权 (GD Art. 6-12): a written grant of classification authority from an authorizing organ
// (授权机关) to another organ of its region, its revocation on one of the grounds of Art. 11, its
// lapse at the end of its term (Art. 10), and the authority it gives while it lives.
//
// Pure: a grant is a value; each step returns the new grant and the nodes to send it to. The
// grant travels as a whole (like a matter): the grantor's node, the grantee's and the nodes of
// the secrecy admin depts its 备案 goes to (GD Art. 13, 14) each hold a copy, `version` orders
// them. A lapse needs no message: every node holding a copy sees its term end on its own clock.
// No store, no sockets.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/classification.h"
#include "services/workflows/matter.h"
#include "services/workflows/organs.h"

namespace zhuji::workflows {

// GD Art. 10: "授权期限一般不超过五年": a longer term needs a stated reason.
inline constexpr int kGrantUsualMaxYears = 5;
// A term beyond this is refused outright (no grant outlives the rules it was made under).
inline constexpr int kGrantMaxYears = 10;

// GD Art. 11 (一)-(六): the grounds of a revocation, 1-6.
inline constexpr int kRevokeGrounds = 6;
const char* RevokeGroundZh(int ground);  // "(一) 被授权机关不再经常产生授权范围内的国家秘密事项" …

enum class GrantState {
  kLive,        // in force until its term ends
  kRevoked,     // GD Art. 11
  kLapsed,      // GD Art. 10: the term ended, no new grant
  kSuperseded,  // GD Art. 12: replaced by a new grant (scope changed, renamed, re-granted)
};
const char* GrantStateZh(GrantState state);    // "有效" …
const char* GrantStateName(GrantState state);  // "live", "revoked", "lapsed", "superseded"

// GD Art. 12: why a grant is made again.
enum class RegrantCause { kNone, kScopeChanged, kRenamed, kExpiry };
const char* RegrantCauseZh(RegrantCause cause);
// "scope", "rename", "expiry" (the CLI's --regrant-cause values).
std::optional<RegrantCause> ParseRegrantCause(std::string_view text);

struct Grant {
  std::string id;  // "<grantor address>/<year>-G<serial>"
  uint64_t version = 0;
  std::string doc_number;  // 定密授权决定书 文号 (GD Art. 10: a written decision)
  Organ grantor, grantee;
  SecrecyLevel ceiling = SecrecyLevel::kMimi;  // the highest level the grantee may determine
  std::string matters;                         // 授权事项范围: the matters it covers
  calendar::Date from;                         // in force from (the decision's day)
  int term_months = 0;
  std::string long_term_reason;  // GD Art. 10: a term over five years says why
  bool proactive = false;        // GD Art. 7: 主动授权, without an application
  std::string task;              // … for this secret research, production or other task
  std::string application;       // GD Art. 9: the 定密授权申请 (matter id) it answers
  std::string regrants;          // GD Art. 12: the grant this one replaces
  RegrantCause regrant_cause = RegrantCause::kNone;
  std::string decided_by;  // the grantor's 签发人
  int64_t decided_at = 0;
  GrantState state = GrantState::kLive;
  int revoke_ground = 0;  // GD Art. 11: 1-6
  std::string revoke_doc, revoke_detail, revoked_by;
  int64_t revoked_at = 0;
  int64_t ended_at = 0;  // lapsed or superseded
  std::vector<TrailEvent> history;

  // The last day in force: the day before the same date `term_months` later.
  calendar::Date until() const;
  // 00:00 CST of the day after until(): the grant lapses then (GD Art. 10).
  int64_t LapsesAtMs() const;
  bool LiveAt(int64_t now) const { return state == GrantState::kLive && now < LapsesAtMs(); }
  // The nodes that hold it: the grantor's, the grantee's, and those of the secrecy admin depts
  // its 备案 goes to (GD Art. 13: the province; Art. 14 ¶2: a county grantee's city).
  std::vector<std::string> HolderNodes(const OrganDirectory& directory) const;
};

// What an authorizing organ decides (定密授权决定书).
struct GrantDecision {
  std::string doc_number;
  std::string grantee;  // address
  SecrecyLevel ceiling = SecrecyLevel::kMimi;
  std::string matters;
  int term_months = 0;
  std::string long_term_reason;
  bool proactive = false;
  std::string task;
  std::string regrants;  // GD Art. 12
  RegrantCause regrant_cause = RegrantCause::kNone;
  std::string decided_by;
  std::string application;  // GD Art. 9: the application it answers, if any
};

struct GrantStep {
  Grant grant;
  std::vector<std::string> send_to;   // other nodes that hold it
  std::vector<std::string> warnings;  // for the operator (a term over five years …)
  std::optional<Grant> superseded;    // GD Art. 12: the grant replaced, ended now
};

// GD Art. 6, 7, 10, 12 (定密暂行规定 Art. 7): `grantor` is an authorizing organ of a province or
// city node with original authority of its own; the grantee is another organ of its region (its
// node or one below); the ceiling is within the grantor's *original* authority, so authority
// received by a grant is never passed on; a written decision with a number, the matters, a
// positive term (over five years: a reason; over kGrantMaxYears: refused); a proactive grant
// names its secret task (Art. 7); a re-grant (Art. 12) names a cause and replaces a grant of the
// same grantor and grantee, which ends now. `regranted`: that grant as held here.
Result<GrantStep> DecideGrant(const OrganDirectory& directory, const std::string& grantor,
                              std::string id, const GrantDecision& decision, const Grant* regranted,
                              int64_t now);

// 定密授权申请 (GD Art. 8, 9): an organ applies for authority up to `ceiling` over `matters`
// for `term_months`; the application goes level by level (逐级) up the escalation route to the
// first authorizing organ with original authority for the ceiling; each level before it that
// cannot grant reviews it (审核意见) and forwards it, or returns it for more material; each level
// has 30 WD from its own receipt. The GD Art. 8 materials go with it from the start.
Result<std::vector<RouteHop>> ApplicationPath(const OrganDirectory& directory,
                                              const std::string& applicant, SecrecyLevel ceiling);
Result<Step> ApplyForGrant(const OrganDirectory& directory, const std::string& applicant,
                           std::string id, std::string matters, SecrecyLevel ceiling,
                           int term_months, std::set<std::string> materials, int64_t now);
// The authorizing organ answers the application it holds: the grant it made (`grant`), or a
// refusal (`grant` null, `reason` given). The answer goes back down to every level and the
// applicant, like a decision.
Result<Step> AnswerApplication(const Matter& application, const Grant* grant, std::string reason,
                               std::string by, int64_t now);

// GD Art. 11: the grantor revokes a live grant on one of the six grounds, with its written
// decision (撤销定密授权决定书) number; ground (六) and (四) need the detail.
Result<GrantStep> RevokeGrant(const OrganDirectory& directory, const Grant& grant, int ground,
                              std::string detail, std::string doc_number, std::string by,
                              int64_t now);

// GD Art. 10: a live grant whose term has ended, lapsed at its end; nullopt when it is not due.
std::optional<Grant> LapseIfDue(const Grant& grant, int64_t now);

// The authority `organ` holds at `now`: its own original authority (the directory's) and every
// live grant to it; the highest ceiling of them.
ClassificationAuthority EffectiveAuthority(const Organ& organ, const std::vector<Grant>& grants,
                                           int64_t now);

// A copy from node `sender` against the one held here (null: none): only from the grantor's
// node; the decision (grantor, grantee, ceiling, matters, term, number, day) never changes from
// one version to the next; a grant held as ended never lives again.
Status CheckGrantCopy(const Grant* held, const Grant& copy, const std::string& sender);
// What node `self` checks of a grant it is sent, against its own directory (so a node cannot
// forge one): the grantor is a province- or city-level organ (GD Art. 6) — listed as authorizing
// when the grant is new to `self` (`is_new`) —, the ceiling is within its original authority
// (GD Art. 7), the grantee is of its region, and `self` is one of the grant's holder nodes.
Status CheckGrantAgainst(const OrganDirectory& directory, const Grant& g, const std::string& self,
                         bool is_new);

}  // namespace zhuji::workflows
