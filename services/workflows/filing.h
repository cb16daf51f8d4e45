#pragma once
// 备案 (GD Art. 13, 14, 21): an organ files what it has done with the secrecy admin dept the rules
// name, within their working days; the dept answers with a receipt (回执) or refuses a filing
// that lacks a material, naming it.
//
// A filing's life: owed (its duty opens on the filer's node with the rule's period) → sent (a
// complete submission; the duty is met by its sent-at, so time on a broken link is blamed on
// no one) → 回执 receipted (the duty closes) or refused (the material named; the duty runs on
// from where it was, and the filer submits again). Pure: each step returns the new filing, the
// node to send it to, and what happens to the filer's duty. No store, no sockets.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/authorization.h"
#include "services/workflows/matter.h"
#include "services/workflows/organs.h"
#include "services/workflows/responsible.h"

namespace zhuji::workflows {

// Periods the rules fix (RULES.md "Deadlines").
inline constexpr int kGrantFilingWorkingDays = 20;        // GD Art. 13: from the decision
inline constexpr int kReceivedFilingWorkingDays = 10;     // GD Art. 14: from receipt
inline constexpr int kResponsibleFilingWorkingDays = 30;  // GD Art. 21: from the change

// What the rules leave open ([filing] on the node).
struct FilingPolicy {
  int region_report_working_days = 10;  // GD Art. 14 ¶2 "及时": county dept → city dept
};

enum class FilingKind {
  kGrant,               // GD Art. 13: a city-level grantor's grant → 广东省国家保密局
  kRevocation,          // GD Art. 13: its revocation → 广东省国家保密局
  kGrantReceived,       // GD Art. 14: the grantee → its same-level secrecy admin dept
  kRevocationReceived,  // GD Art. 14: the revoked grantee → its same-level dept
  kRegionReport,        // GD Art. 14 ¶2: a county dept's report of a 备案 to the city dept
  kResponsible,         // GD Art. 21: the list of 定密责任人 → the same-level dept
};
const char* FilingKindZh(FilingKind kind);    // "定密授权备案" …
const char* FilingKindName(FilingKind kind);  // "grant", "revocation", "grant-received", …
std::optional<FilingKind> ParseFilingKind(std::string_view text);
const char* FilingRule(FilingKind kind);  // "GD Art. 13" …

enum class FilingState {
  kOwed,       // the duty runs; nothing sent
  kSent,       // submitted complete; waiting for the 回执
  kReceipted,  // 回执: done
  kRefused,    // the dept refused it (a material missing): the duty runs on
};
const char* FilingStateZh(FilingState state);    // "待报送 owed" …
const char* FilingStateName(FilingState state);  // "owed", "sent", "receipted", "refused"

// The materials a filing of `kind` must carry (RULES.md "Required materials"; GD Art. 13). A
// proactive grant (GD Art. 7) had no application, so its 备案 has no application form.
std::vector<std::string> RequiredFilingMaterials(FilingKind kind, const Grant* grant);

struct Filing {
  std::string id;  // "<filer address>/<year>-B<serial>"
  uint64_t version = 0;
  FilingKind kind = FilingKind::kGrant;
  Organ filer, receiver;
  std::string subject;     // the grant's id; the filing a region report reports; "v<n>" of a list
  std::string title;       // for people: what is filed
  calendar::Date trigger;  // the decision, the receipt or the change (not counted)
  int working_days = 0;
  int64_t due_at = 0;  // 24:00 CST, as the filer's node computed it
  std::set<std::string> materials;
  int64_t first_sent_at = 0;
  int64_t sent_at = 0;      // the latest submission's sent-at
  int64_t received_at = 0;  // … and its received-at, by the receiver's node
  std::string sent_by;
  FilingState state = FilingState::kOwed;
  std::string receipt_number, answered_by;  // 回执 number; who receipted or refused
  int64_t answered_at = 0;
  std::string refusal;                     // what is missing
  std::set<std::string> asked;             // materials a refusal asked for: required from then
  std::optional<Grant> grant;              // what a grant-related filing files
  std::vector<ResponsiblePerson> persons;  // GD Art. 21: the list filed
  std::vector<TrailEvent> history;
};

// How a step changes the filer's duty (on the filer's node).
enum class DutyChange {
  kNone,
  kOpen,   // owed: the duty opens with the rule's period from `trigger`
  kMet,    // sent: met by its sent-at; no reminder or overdue while the 回执 is awaited
  kRunOn,  // refused: the duty runs on from where it was (overdue at once if its day passed)
  kClose,  // receipted
};

struct FilingStep {
  Filing filing;
  std::string send_to;  // the node to send it to; empty: none
  DutyChange duty = DutyChange::kNone;
};

// A filing owed by `filer` to `receiver` from `trigger`: its duty opens.
FilingStep OweFiling(FilingKind kind, std::string id, const Organ& filer, const Organ& receiver,
                     std::string subject, std::string title, calendar::Date trigger,
                     const FilingPolicy& policy, int64_t now);
// The filer submits it (again after a refusal) with `materials` (added to those attached):
// refused, naming the first material missing, unless complete; the duty then runs on.
Result<FilingStep> SubmitFiling(const Filing& f, std::set<std::string> materials, std::string by,
                                int64_t now);
// The receiver's node took the submission in: its received-at. A repeat changes nothing.
FilingStep ReceiveFiling(const Filing& f, int64_t now);
// The receiving dept answers: a 回执 with its number, or a refusal naming what is missing.
Result<FilingStep> ReceiptFiling(const Filing& f, std::string receipt_number, std::string by,
                                 int64_t now);
Result<FilingStep> RefuseFiling(const Filing& f, std::string what_is_missing, std::string by,
                                int64_t now);

// A copy from node `sender` against the one held (null: none): a submission only from the
// filer's node, an answer only from the receiver's; the parties and kind never change.
Status CheckFilingCopy(const Filing* held, const Filing& copy, const std::string& sender);

}  // namespace zhuji::workflows
