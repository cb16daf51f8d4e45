#include "services/workflows/credit.h"

#include <algorithm>

namespace zhuji::workflows {

const char* CreditKindZh(CreditKind kind) {
  switch (kind) {
    case CreditKind::kViolation:
      return "违规行为";
    case CreditKind::kFalseCommitment:
      return "虚假承诺";
    case CreditKind::kRevocation:
      return "撤销/吊销";
    case CreditKind::kMarketExclusion:
      return "市场禁入";
  }
  return "";
}

namespace {

bool About(const CreditEntry& e, const std::string& unit, const std::vector<std::string>& persons) {
  if (!e.person) return e.subject == unit;
  return std::find(persons.begin(), persons.end(), e.subject) != persons.end();
}

}  // namespace

Status CheckApplicant(const std::vector<CreditEntry>& record, const std::string& unit,
                      const std::vector<std::string>& persons, calendar::Date day) {
  std::string reasons;
  for (const auto& e : record) {
    if (!About(e, unit, persons)) continue;
    bool bars = e.kind == CreditKind::kMarketExclusion || e.kind == CreditKind::kRevocation;
    if (!bars || day < e.on) continue;
    if (e.until && *e.until < day) continue;
    if (e.kind == CreditKind::kRevocation && !e.until) continue;  // no bar on applying again
    reasons += std::string(reasons.empty() ? "" : "; ") + CreditKindZh(e.kind) + " of " +
               (e.person ? "responsible person " : "unit ") + e.subject + " since " +
               e.on.ToString() + (e.until ? " until " + e.until->ToString() : " (no end)") + ": " +
               e.reason + (e.reference.empty() ? "" : " [" + e.reference + "]");
  }
  if (reasons.empty()) return Status::Ok();
  return Status::Error("the application is refused (LN 四.2 信用记录): " + reasons);
}

std::vector<CreditEntry> RecordOf(const std::vector<CreditEntry>& record, const std::string& unit,
                                  const std::vector<std::string>& persons) {
  std::vector<CreditEntry> out;
  for (const auto& e : record) {
    if (About(e, unit, persons)) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CreditEntry& a, const CreditEntry& b) { return b.on < a.on; });
  return out;
}

}  // namespace zhuji::workflows
