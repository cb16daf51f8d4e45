#include "services/workflows/unclear_matter.h"

namespace zhuji::workflows {

Result<Step> SetProvisional(const OrganDirectory& directory, const std::string& origin_address,
                            std::string id, std::string title, const Protection& provisional,
                            std::string scope, int64_t now) {
  auto origin = directory.Find(origin_address);
  if (!origin) return Status::Error("no organ " + origin_address + " in the directory");
  if (auto st = CheckProtection(provisional); !st.ok()) {
    return Status::Error("条例 Art. 25: the provisional level: " + st.message());
  }
  if (scope.empty()) {
    return Status::Error(
        "条例 Art. 25: a provisional setting carries its 知悉范围 (scope): give --scope");
  }
  auto path = directory.EscalationPath(origin_address);
  if (!path.ok()) return path.status();
  if (path.value().empty()) {
    return Status::Error(origin->name +
                         " is the provincial secrecy bureau: it decides unclear "
                         "matters itself");
  }
  Step s;
  Matter& m = s.matter;
  m = detail::NewMatter(MatterKind::kUnclear, std::move(id), *origin, std::move(title), provisional,
                        now, path.value());
  m.scope = std::move(scope);
  detail::Note(m, now, m.origin.name, "先行采取保密措施 provisional measures",
               FormatMark(provisional) + "，知悉范围 " + m.scope);
  // 条例 Art. 25: protected at once at the provisional level; reported within 10 WD.
  s.effects.open.push_back({m.id, kStepReport, "GD Art. 30; 条例 Art. 25", calendar::CstDateOf(now),
                            kReportWorkingDays, DeadlineOpen::Duty::kReport, -1});
  return s;
}

}  // namespace zhuji::workflows
