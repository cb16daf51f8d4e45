#include "services/workflows/determination_request.h"

namespace zhuji::workflows {

namespace {
bool MayDetermine(const Organ& o, SecrecyLevel level) {
  return o.authority.has_original_authority && level <= o.authority.ceiling;
}
}  // namespace

Result<std::vector<RouteHop>> DeterminationPath(const OrganDirectory& directory,
                                                const std::string& origin_address,
                                                SecrecyLevel level) {
  auto full = directory.EscalationPath(origin_address);
  if (!full.ok()) return full.status();
  std::vector<RouteHop> path;
  for (auto& hop : full.value()) {
    path.push_back(hop);
    if (MayDetermine(hop.organ, level)) return path;
  }
  return Status::Error(std::string("GD Art. 29: no organ on the route from ") + origin_address +
                       " may determine " + LevelZh(level));
}

Result<Step> RequestDetermination(const OrganDirectory& directory,
                                  const std::string& origin_address, std::string id,
                                  std::string title, const Protection& proposed, int64_t now,
                                  const EscalationPolicy& policy) {
  auto origin = directory.Find(origin_address);
  if (!origin) return Status::Error("no organ " + origin_address + " in the directory");
  if (auto st = CheckProtection(proposed); !st.ok()) {
    return Status::Error("GD Art. 29: the proposed level: " + st.message());
  }
  if (MayDetermine(*origin, proposed.level)) {
    return Status::Error("GD Art. 28: " + origin->name + " may determine " +
                         LevelZh(proposed.level) +
                         " itself, within 10 working days; no request is needed");
  }
  auto path = DeterminationPath(directory, origin_address, proposed.level);
  if (!path.ok()) return path.status();
  Step s;
  Matter& m = s.matter;
  // 先行采取保密措施: protected at the proposed level at once.
  m = detail::NewMatter(MatterKind::kDetermination, std::move(id), *origin, std::move(title),
                        proposed, now, path.value());
  detail::Note(m, now, m.origin.name, "拟定密级先行保护 protected at the proposed level",
               FormatMark(proposed));
  s.effects.open.push_back({m.id, kStepReport, "GD Art. 29", calendar::CstDateOf(now),
                            policy.report_working_days, DeadlineOpen::Duty::kReport, -1});
  return s;
}

}  // namespace zhuji::workflows
