#pragma once
// The register of an organ's 定密责任人 (GD Art. 16-22): its 法定定密责任人 (the principal head,
// Art. 16 ¶1), the 指定定密责任人 that head designates in writing (Art. 16 ¶2, 17-19), their
// adjustment (Art. 22), and who may approve a determination on a given day (Art. 16 ¶3).
//
// Pure: a register is a value; each change returns the new register with `version` + 1 (each
// change owes a GD Art. 21 备案, which filing.h tracks). Refusals are Status values whose message
// names the article and the item. No store, no sockets, no clock: callers pass `today` and `now`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/classification.h"

namespace zhuji::workflows {

struct ResponsiblePerson {
  std::string name;
  bool statutory = false;  // 法定定密责任人: the principal head (Art. 16 ¶1)
  std::string post;        // 职务: 局长, 副局长（分管保密工作）…
  SecrecyLevel ceiling = SecrecyLevel::kMimi;  // 定密权限: the highest level it may approve
  std::string matters;         // 定密事项范围 (statutory: 本机关全部定密事项)
  calendar::Date from, until;  // Art. 19 授权期限; until.days == 0: open-ended (statutory)
  std::string doc_number;      // Art. 19 the written designation (statutory: the appointment)
  std::string designated_by;   // the statutory person who designated (empty for statutory)
  int64_t designated_at = 0;
  bool revoked = false;  // revoked or ended; the record stays in the register
  int64_t revoked_at = 0;
  std::string revoked_by, revoke_reason;

  // Not revoked, from <= day, and (until unset or day <= until).
  bool LiveOn(calendar::Date day) const;
};

// GD Art. 17 (一)-(四): the conditions a designee meets, declared by the designating head.
struct Art17Declaration {
  bool secret_personnel_conditions = false;  // (一) 涉密人员基本条件
  bool leading_post =
      false;  // (二) 中层以上领导干部; without original authority: 分管涉密业务的负责人
  bool trained = false;   // (三) 经过定密业务培训合格
  bool familiar = false;  // (四) 熟悉本机关涉密业务工作
};
inline constexpr int kArt17Items = 4;
const char* Art17ItemZh(int item);  // "(一) 涉密人员基本条件" … for messages; 1-4

// GD Art. 18 (一)-(六): disqualifications, as facts about the person. Dates after `today` are
// refused as input errors.
struct Art18Record {
  bool criminal_liability = false;                   // (一) 受过刑事责任追究
  std::optional<calendar::Date> dismissal_or_worse;  // (二) 撤职(含)以上 党纪政纪处分: its date
  std::optional<calendar::Date> secrecy_discipline;  // (三) 违反保密法律法规, 受过处分: its date
  bool unqualified_last_year = false;              // (四) 上一年度考核 不称职(不合格)
  std::vector<calendar::Date> secrecy_violations;  // (五) dates of recorded secrecy violations
  std::string other;                               // (六) 其他情形: any text refuses, quoted
};
inline constexpr int kArt18Items = 6;
const char* Art18ItemZh(int item);  // "(一) 受过刑事责任追究" … for messages; 1-6

// "近两年" / "一年内", computed as the civil code counts periods (民法典 Art. 201-203): an event
// on day D is within `years` years before `today` while today <= D plus `years` (the same date,
// or the month's last day when that date does not exist). E.g. a sanction of 2023-05-10 counts
// through 2025-05-10 and no longer on 2025-05-11.
bool WithinYearsBefore(calendar::Date event, calendar::Date today, int years);

struct ResponsibleRegister {
  std::string organ;  // "<node>/<code>"
  std::string organ_name;
  bool organ_has_original_authority = false;  // from the organ's ClassificationAuthority
  SecrecyLevel organ_ceiling = SecrecyLevel::kMimi;
  std::vector<ResponsiblePerson> persons;  // history kept: ended ones stay with revoked = true
  uint64_t version = 0;                    // +1 per change (each owes a GD Art. 21 备案)
  int64_t changed_at = 0;

  // Pointers into `persons`: valid while the register is neither changed nor destroyed.
  const ResponsiblePerson* Statutory(calendar::Date day) const;  // the live statutory one
  const ResponsiblePerson* Find(const std::string& name, calendar::Date day) const;  // live
  std::vector<ResponsiblePerson> Live(calendar::Date day) const;
};

// GD Art. 16 ¶1: sets (or replaces) the organ's 法定定密责任人, its principal head, from the day of
// `now` (CST), with the organ's ceiling and 本机关全部定密事项. A previous statutory one is ended
// (revoked, reason "主要负责人变更"); if the new head was a designee, that designation ends too
// (reason "任法定定密责任人"). Designations made by the previous head stay in force until the new
// head adjusts them (Art. 22). Name, post and doc_number are required; the person already
// statutory is refused.
Result<ResponsibleRegister> SetStatutory(const ResponsibleRegister& reg, std::string name,
                                         std::string post, std::string doc_number, int64_t now);

struct Designation {
  std::string name, post, matters, doc_number;  // post is optional
  SecrecyLevel ceiling{};                       // 0 (no enumerator): not given
  calendar::Date from, until;                   // until.days == 0: not given
};

// GD Art. 16 ¶2, 17, 18, 19. Refused, in this order, when:
// - `by` is not the live statutory person on `today` (a live designee: Art. 19 ¶2, by name);
// - a field of Art. 19 is missing (姓名, 定密权限, 定密事项范围, 授权期限, 书面指定文号), the
//   term runs backwards (from > until) or ended before `today`;
// - the name is already a live 定密责任人 of the organ;
// - the ceiling exceeds the organ's own (an organ without original authority may designate: its
//   designee approves derivative determinations);
// - an Art. 17 item is not declared (all missing ones named; without original authority (二)
//   reads Art. 16 ¶2 分管涉密业务的负责人);
// - an Art. 18 item applies (all that apply named): (二)(三) within two years before `today`; (五)
//   two or more violations within one year of each other, both within those two years.
// Returns the register with the designee added, version + 1, changed_at = now.
Result<ResponsibleRegister> Designate(const ResponsibleRegister& reg, const Designation& d,
                                      const std::string& by, const Art17Declaration& art17,
                                      const Art18Record& art18, calendar::Date today, int64_t now);

// GD Art. 22: the live statutory person ends (调整) a designation that is live or not yet begun;
// the reason is required. The statutory one is not ended this way (SetStatutory replaces it).
Result<ResponsibleRegister> RevokeDesignation(const ResponsibleRegister& reg,
                                              const std::string& name, const std::string& by,
                                              std::string reason, calendar::Date today,
                                              int64_t now);

// GD Art. 16 ¶3: whether `name` may approve the determination, change or release of a secret at
// `level` on `day`: the live statutory one up to the organ's ceiling; a live designee up to its
// own ceiling (and the organ's) within its term. The refusal names the person, the organ and why
// (not registered / not yet begun / term ended / revoked / ceiling below the level), and lists
// who may approve.
Status MayApprove(const ResponsibleRegister& reg, const std::string& name, SecrecyLevel level,
                  calendar::Date day);

// GD Art. 22: whether `overrider` may change a designee's 定密意见: only the live statutory one.
Status MayOverride(const ResponsibleRegister& reg, const std::string& overrider,
                   calendar::Date day);

}  // namespace zhuji::workflows
