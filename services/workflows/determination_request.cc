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
  for (auto& hop : full.value()) {
    if (MayDetermine(hop.organ, level)) return std::vector<RouteHop>{hop};  // straight to it
  }
  return Status::Error(std::string("GD Art. 29: no organ on the route from ") + origin_address +
                       " may determine " + LevelZh(level));
}

Result<Step> RequestDetermination(const OrganDirectory& directory,
                                  const std::string& origin_address, std::string id,
                                  std::string title, const Protection& proposed, std::string scope,
                                  calendar::Date arose_on, int64_t now) {
  auto origin = directory.Find(origin_address);
  if (!origin) return Status::Error("no organ " + origin_address + " in the directory");
  if (auto st = CheckProtection(proposed); !st.ok()) {
    return Status::Error("GD Art. 29: the proposed level: " + st.message());
  }
  if (scope.empty()) {
    return Status::Error(
        "GD Art. 23: a proposed determination carries its 知悉范围 (scope): give "
        "--scope");
  }
  // GD Art. 29 (cf. Art. 28 "自该事项产生之日起"): the 10 WD run from the day the matter arose.
  if (arose_on.days > calendar::CstDateOf(now).days) {
    return Status::Error("GD Art. 29: the matter cannot have arisen on " + arose_on.ToString() +
                         ", after today (" + calendar::CstDateOf(now).ToString() + ")");
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
  m.scope = std::move(scope);
  m.arose_on = arose_on;
  detail::Note(m, now, m.origin.name, "按拟定密级先行采取保密措施 provisional measures",
               FormatMark(proposed) + "，知悉范围 " + m.scope + "，事项产生于 arose on " +
                   arose_on.ToString());
  s.effects.open.push_back({m.id, kStepReport, "GD Art. 29", arose_on, kReportWorkingDays,
                            DeadlineOpen::Duty::kReport, -1});
  return s;
}

}  // namespace zhuji::workflows
