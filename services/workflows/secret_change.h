#pragma once
// A state secret after its determination (GD Art. 34-40): the yearly review, changes of level,
// term or 知悉范围, extension, shortening and release, each decided by a 定密责任人 of the organ
// that determined it, and the written notice (书面通知) that must reach every organ in the
// 知悉范围 — tracked per recipient against its deadline. An item whose term ends without an
// extension is released by itself on that day, on every node holding a copy (Art. 39).
//
// Pure: values and steps. The node stores them, sends the copies and notices, opens the duties.
//
// Dates. A term runs from 确定之日 (the approval day, `determined_on`): a term of N months ends
// with the day before the same date N months later, and the item is released by itself on that
// date (`ReleasesOn`); an item with a 解密时间 is released on that day; one with a 解密条件 only by
// a decision.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/calendar/calendar.h"
#include "services/common/result.h"
#include "services/workflows/determination.h"

namespace zhuji::workflows {

// GD Art. 36: an extension is decided within the last 30 WD before the term ends, and notified
// in writing "届满前十个工作[日]内" — read as: the notice is due by the 10th working day before
// the day the item would be released (docs/determination.md says why).
inline constexpr int kExtendWindowWorkingDays = 30;
inline constexpr int kExtendNoticeWorkingDays = 10;
// GD Art. 37, 40: a shortening, change or release is notified within 10 WD of the decision.
inline constexpr int kNoticeWorkingDays = 10;
inline constexpr const char* kStepReview = "年度审核 yearly review (GD Art. 34)";

// The first day the item is no longer secret by itself (GD Art. 39 自行解密): the end of its
// term or its 解密时间; nullopt for a 解密条件 (released only by a decision) or before approval.
std::optional<calendar::Date> ReleasesOn(const Determination& d);

// What a decision about an approved item does; kDetermine is the first copy, sent on approval.
enum class ChangeKind { kDetermine, kExtend, kShorten, kChange, kRelease };
const char* ChangeKindZh(ChangeKind k);  // 确定, 延长保密期限, 缩短保密期限, 变更, 解除
const char* ChangeKindName(ChangeKind k);  // determine, extend, shorten, change, release
std::optional<ChangeKind> ParseChangeKind(
    std::string_view name);  // extend, shorten, change, release

// Why the organ decides it (GD Art. 35, 38).
enum class ChangeGround {
  kOwn,  // 工作需要 (Art. 35 (一)), or found at the yearly review (Art. 34)
  kSuperior,  // 上级机关、单位或者业务主管部门 notified a change, decided to publish or asked
              // for release (Art. 35 (二), 38 (一))
  kSecrecyDept,  // 保密行政管理部门建议 (Art. 35 (三), 38 (二))
  kPublished,    // 正式公布 (release only; Art. 40: no notice)
};
const char* ChangeGroundZh(ChangeGround g);
const char* ChangeGroundName(ChangeGround g);  // own, superior, secrecy-dept, published
std::optional<ChangeGround> ParseChangeGround(std::string_view name);

struct ChangeRequest {
  ChangeKind kind = ChangeKind::kChange;
  ChangeGround ground = ChangeGround::kOwn;
  std::string
      source;  // the superior's notice or the dept's recommendation (文号), for those grounds
  std::optional<Protection> protection;  // extend, shorten, change: the new mark (from 确定之日)
  std::optional<std::vector<std::string>> scope_organs;  // change: the organs in scope now
  std::string scope;                                     // change: the persons in scope now
  std::string reason;
  std::string doc_number;  // the written decision's 文号
  std::string by;          // a 定密责任人 of the organ
};

// A decision and the written notice it owes.
struct ChangeDecision {
  Determination after;
  bool notice_owed = false;  // GD Art. 36, 37, 40 (not for a release by publication)
  std::string rule;          // "GD Art. 36", "GD Art. 37", "GD Art. 40"
  // The notice's deadline: a fixed day for an extension (before the old end of term), else
  // kNoticeWorkingDays from today.
  std::optional<calendar::Date> notice_due_day;
  std::vector<std::string> recipients;  // organs in scope before or after, but the deciding one
};

// GD Art. 35-38, 40: a 定密责任人 of the organ (GD Art. 16 ¶3, within their ceiling for the old
// and the new level) decides an extension (in the Art. 36 window, a later end), a shortening
// (an earlier end, still in the future), a change (level, term or scope; not an extension or
// shortening in disguise) or a release of an approved item. Written: 文号 and reason required;
// a superior's notice or a dept's recommendation is named.
Result<ChangeDecision> DecideChange(const Determination& d, const ChangeRequest& r,
                                    const ResponsibleRegister& reg,
                                    const calendar::Calendar& calendar, calendar::Date today,
                                    int64_t now);

// GD Art. 34: the yearly review finds nothing to change (保持): recorded on the item for
// `today`'s year. A change or release decided in the year counts as its review too.
Result<Determination> ReviewKeep(const Determination& d, const ResponsibleRegister& reg,
                                 const std::string& by, calendar::Date today, int64_t now);
// The items of `organ` the GD Art. 34 review of `year` covers and that are not reviewed yet:
// approved (not released) before that year began.
std::vector<const Determination*> DueForReview(const std::vector<Determination>& all,
                                               const std::string& organ, int year);

// GD Art. 39: an item whose term or 解密时间 has come is released by itself on that day (the
// node holding it calls this; no notice is owed). False when nothing changed.
bool ReleaseIfDue(Determination& d, calendar::Date today, int64_t now);

// A copy sent by the organ's node (on approval, on every decision): taken when it is newer than
// the one held, from the node of the organ that determined it, in a state after approval.
// `newer` tells whether it replaces what is held (an older or equal one is only receipted).
Status CheckSecretCopy(const Determination* held, const Determination& copy,
                       const std::string& origin, bool* newer);

// The written notice of one decision, tracked per recipient organ (kept by the deciding node).
struct NoticeRecipient {
  std::string organ;  // "<node>/<code>"
  std::string organ_name;
  int64_t receipted_at = 0;  // 签收: when the recipient's node stored the copy; 0: not yet
  int64_t at_recipient = 0;  // the recipient node's own clock then
};

struct SecretNotice {
  std::string id;  // "<secret id>#<version>"
  std::string secret_id, title, organ, organ_name;
  uint64_t version = 0;
  ChangeKind kind = ChangeKind::kDetermine;
  std::string rule;  // "" when no notice is owed by law (the copy on approval)
  std::string doc_number;
  std::string mark;  // the item's mark after the decision
  int64_t decided_at = 0;
  int64_t due_ms = 0;  // 0: none
  std::vector<NoticeRecipient> recipients;
  size_t receipted() const;
  // Records the 签收 of the organs `who`; returns those that were recipients not receipted
  // before (in recipient order).
  std::vector<std::string> Receipt(const std::set<std::string>& who, int64_t at,
                                   int64_t at_recipient);
};

std::string NoticeId(const std::string& secret_id, uint64_t version);

}  // namespace zhuji::workflows
