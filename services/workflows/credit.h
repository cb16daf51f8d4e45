#pragma once
// 信用记录 and sanctions of licensed units (LN 四.2 "将监管结果纳入市场主体的社会信用记录"; issue
// #16): what the supervision found enters the unit's credit record; a revocation (撤销/吊销) or a
// market exclusion (市场禁入) of a unit or of a responsible person bars applications for its
// period, and a later application is refused with every reason that applies. Pure: entries in,
// verdict out.

#include <optional>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"

namespace zhuji::workflows {

enum class CreditKind {
  kViolation,        // 违规行为 found by an inspection (双随机, 飞行检查)
  kFalseCommitment,  // 虚假承诺
  kRevocation,       // 撤销 (the licence granted wrongly) or 吊销 (taken away as a penalty)
  kMarketExclusion,  // 市场禁入
};
const char* CreditKindZh(CreditKind kind);

struct CreditEntry {
  std::string subject;  // a unit's id (统一社会信用代码) or a person's id
  bool person = false;  // the subject is a responsible person, not a unit
  CreditKind kind = CreditKind::kViolation;
  calendar::Date on;                    // the decision or finding
  std::optional<calendar::Date> until;  // an exclusion or bar on applying ends after this day
  std::string reason;                   // what was found or decided, as written
  std::string reference;                // the finding, inspection or decision it comes from
};

// Whether `unit`, with its responsible `persons`, may apply on `day`: refused while a market
// exclusion of the unit or of one of the persons runs, or a revocation bars new applications
// (its `until`), naming every entry that applies. Violations and false commitments are recorded
// (and shown) but bar nothing by themselves: the decision taken on them does.
Status CheckApplicant(const std::vector<CreditEntry>& record, const std::string& unit,
                      const std::vector<std::string>& persons, calendar::Date day);

// The entries about `unit` and its `persons`, newest first (what the bureau shows the clerk).
std::vector<CreditEntry> RecordOf(const std::vector<CreditEntry>& record, const std::string& unit,
                                  const std::vector<std::string>& persons);

}  // namespace zhuji::workflows
