#include "services/workflows/unclear_matter.h"

namespace zhuji::workflows {

Result<Step> SetProvisional(const OrganDirectory& directory, const std::string& origin_address,
                            std::string id, std::string title, const Protection& provisional,
                            int64_t now, const EscalationPolicy& policy) {
  auto origin = directory.Find(origin_address);
  if (!origin) return Status::Error("no organ " + origin_address + " in the directory");
  if (auto st = CheckProtection(provisional); !st.ok()) {
    return Status::Error("条例 Art. 25: the provisional level: " + st.message());
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
  detail::Note(m, now, m.origin.name, "先行保护 set provisionally", FormatMark(provisional));
  // 条例 Art. 25: protected at once at the provisional level; reported within 10 WD.
  s.effects.open.push_back({m.id, kStepReport, "GD Art. 30; 条例 Art. 25", calendar::CstDateOf(now),
                            policy.report_working_days, DeadlineOpen::Duty::kReport, -1});
  return s;
}

}  // namespace zhuji::workflows
