#pragma once
// 保密行政许可 at the provincial bureau (issue #16; LN = 辽保局〔2021〕46号, RULES.md "Licensing"):
// the three licence items, what an application must carry, and the clock of an administrative
// licence (行政许可法, ../shared/reference/law.md). Pure: no store, no socket; dates in, dates out.
//
// Periods of the organ's acts are working days (行政许可法 Art. 82), counted with the official
// calendar like every other deadline here: the trigger day is not counted and the period ends
// at 24:00 CST of its last working day.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/calendar/calendar.h"
#include "services/calendar/date.h"
#include "services/common/result.h"

namespace zhuji::workflows {

// The three items the provincial bureau licenses (LN 一).
enum class LicenceItem {
  kWeaponsSecrecy,  // 武器装备科研生产单位保密资格 (now grade 2 only), jointly with 国防科工
  kCarrierProduction,  // 国家秘密载体制作、复制、维修、销毁定点单位乙级资质
  kSystemIntegration,  // 涉密信息系统集成乙级资质
};
const char* LicenceItemZh(LicenceItem item);
// "weapons-secrecy", "carrier-production", "system-integration".
const char* LicenceItemCode(LicenceItem item);
std::optional<LicenceItem> ParseLicenceItem(std::string_view code);

// Decided jointly by several departments (联合办理): item (1), by the provincial bureau 会同 the
// provincial defence-industry department (LN table row 1; 行政许可法 Art. 42 ¶2).
bool DecidedJointly(LicenceItem item);

// The grades an application may ask for today: "二级" for item (1) — grade 3 was abolished
// (LN 二.1 "取消三级资格") — and "乙级" for items (2) and (3). An error names the reason.
Status CheckGrade(LicenceItem item, const std::string& grade);

// The application material of an item (the configurable default list). For item (1) the filed
// 企业年度报告 takes the place of last year's audited financial report (LN 二.2).
std::vector<std::string> DefaultMaterials(LicenceItem item);
inline constexpr const char* kAuditedFinancialReport = "上一年度财务审计报告";
inline constexpr const char* kAnnualEnterpriseReport = "备案的企业年度报告";

// The material missing from `submitted` against `required`, all at once (一次告知, Art. 32).
std::vector<std::string> MissingMaterials(const std::vector<std::string>& required,
                                          const std::vector<std::string>& submitted);

// A period the law does not count (行政许可法 Art. 45: 专家评审 and the like), both days
// included; the applicant is told in writing how long it takes.
struct UncountedPeriod {
  calendar::Date from;
  calendar::Date to;
  std::string why;  // e.g. "专家评审 expert review"
};

// What happened to one application, as the bureau recorded it. `received` is the day the
// material arrived (for EMS: the day of arrival, LN 三 "最多跑一次").
struct LicenceCase {
  LicenceItem item = LicenceItem::kCarrierProduction;
  calendar::Date received;
  std::optional<calendar::Date> notified_missing;  // the single notice of what is missing
  std::optional<calendar::Date> completed;         // the missing material arrived
  std::optional<calendar::Date> accepted;          // 受理, when the bureau accepted it expressly
  bool extended = false;                           // Art. 42: the head approved the extension
  std::vector<UncountedPeriod> uncounted;          // Art. 45
  std::optional<calendar::Date> granted;           // the decision to grant
};

// The clock of a case: each due date and whether it is met (Art. 32, 42, 44, 45).
struct LicenceDeadlines {
  calendar::DueDate acceptance;  // Art. 32: accept or notify what is missing, 5 WD of receipt
  // Art. 32: the day it counts as accepted (nullopt while missing material is awaited). When no
  // notice of missing material was given in time, the day of receipt.
  std::optional<calendar::Date> accepted_on;
  bool deemed_accepted = false;  // accepted by the law, not by the bureau
  // Art. 42 (and 45): the decision is due this day; nullopt until accepted.
  std::optional<calendar::DueDate> decision;
  int decision_working_days = 0;   // 20 (+10), or 45 (+15) when decided jointly
  int uncounted_working_days = 0;  // Art. 45: working days inside the uncounted periods
  // Art. 44: the certificate is issued and served within 10 WD of the decision to grant.
  std::optional<calendar::DueDate> certificate;
};

// Refuses a case whose days are out of order (a notice before receipt, completion before the
// notice …) with the reason.
// `today` decides whether the 5 working days of Art. 32 have passed without an answer.
Result<LicenceDeadlines> ComputeDeadlines(const LicenceCase& c, const calendar::Calendar& cal,
                                          calendar::Date today);

// 行政许可法 Art. 50: a holder who wants to continue applies at least 30 days before the licence
// expires (calendar days: the period is the holder's, not the organ's, so Art. 82 does not make
// it working days — our reading, docs/licensing.md).
calendar::Date RenewalApplicationDue(calendar::Date expires);
// Whether the licence counts as continued at expiry: applied on time and not decided by expiry.
bool DeemedContinued(calendar::Date expires, calendar::Date applied,
                     std::optional<calendar::Date> decided);

}  // namespace zhuji::workflows
