#include "services/workflows/statistics.h"

#include <algorithm>

namespace zhuji::workflows {

namespace {

int YearOf(int64_t ms) { return ms ? calendar::CstDateOf(ms).year() : 0; }

Status ApprovedByHead(const ResponsibleRegister& reg, const std::string& by, calendar::Date today,
                      const char* what) {
  const ResponsiblePerson* head = reg.Statutory(today);
  if (head && head->name == by) return Status::Ok();
  return Status::Error(std::string("GD Art. 46: ") + what + " of " + reg.organ_name +
                       " is approved by its 法定定密责任人" +
                       (head ? " (" + head->name + ")" : std::string(", none registered")) +
                       ", not by " + (by.empty() ? std::string("nobody (--by)") : by));
}

Status CheckYear(int year, calendar::Date today) {
  if (year < calendar::kFirstSupportedYear || year > today.year()) {
    return Status::Error(
        "GD Art. 46: statistics are of a past year (or the current one, to "
        "date), not of " +
        std::to_string(year));
  }
  return Status::Ok();
}

}  // namespace

StatFigures& StatFigures::operator+=(const StatFigures& o) {
  for (int i = 0; i < 3; ++i) determined[i] += o.determined[i];
  changed += o.changed;
  released += o.released;
  escalated += o.escalated;
  grants += o.grants;
  responsible += o.responsible;
  organs += o.organs;
  return *this;
}

std::string OrganReportId(int year, const std::string& organ) {
  return std::to_string(year) + "/" + organ;
}

std::string RegionReportId(int year, const std::string& node) {
  return std::to_string(year) + "/region/" + node;
}

StatFigures OrganFigures(const std::string& organ, int year, const OrganRecords& r,
                         calendar::Date through) {
  StatFigures f;
  f.organs = 1;
  // Determinations count at the level they were determined with: the first version's mark is
  // in the approval; later changes are counted as changes, not as new determinations.
  for (const Determination* d : r.secrets) {
    if (d->organ != organ || d->version == 0 || d->determined_on.year() != year) continue;
    SecrecyLevel level = d->protection.level;
    for (const SecretNotice* n : r.notices) {
      if (n->secret_id == d->id && n->kind == ChangeKind::kDetermine) {
        if (auto p = ParseMark(n->mark); p.ok()) level = p.value().level;
      }
    }
    f.determined[static_cast<int>(level) - 1] += 1;
  }
  for (const Determination* d : r.secrets) {
    if (d->organ == organ && d->state == DeterminationState::kReleased &&
        d->released_on.year() == year) {
      f.released += 1;
    }
  }
  for (const SecretNotice* n : r.notices) {
    if (n->organ != organ || YearOf(n->decided_at) != year) continue;
    if (n->kind == ChangeKind::kExtend || n->kind == ChangeKind::kShorten ||
        n->kind == ChangeKind::kChange) {
      f.changed += 1;
    }
  }
  for (const Matter* m : r.matters) {
    if (m->origin.address() != organ || m->kind == MatterKind::kAuthorization) continue;
    if (YearOf(m->first_reported_at) == year) f.escalated += 1;
  }
  for (const Grant* g : r.grants) {
    if (g->grantor.address() == organ && YearOf(g->decided_at) == year) f.grants += 1;
  }
  if (r.reg) {
    calendar::Date end = std::min(through, calendar::Date::FromYmd(year, 12, 31));
    f.responsible = static_cast<int64_t>(r.reg->Live(end).size());
  }
  return f;
}

Result<StatReport> FileOrganReport(const StatReport* held, const Organ& organ, int year,
                                   const StatFigures& figures, const ResponsibleRegister& reg,
                                   const std::string& by, calendar::Date today, int64_t now) {
  if (Status st = CheckYear(year, today); !st.ok()) return st;
  if (Status st = ApprovedByHead(reg, by, today, "the yearly statistics"); !st.ok()) return st;
  StatReport r;
  r.id = OrganReportId(year, organ.address());
  r.kind = StatKind::kOrgan;
  r.year = year;
  r.organ = organ.address();
  r.organ_name = organ.name;
  r.node = organ.node;
  r.figures = figures;
  r.version = held ? held->version + 1 : 1;
  r.filed_at = now;
  r.filed_by = by;
  r.year_complete = year < today.year();
  r.complete_at = held && held->complete_at ? held->complete_at : (r.year_complete ? now : 0);
  return r;
}

Result<StatReport> FileRegionReport(const StatReport* held, const Organ& dept, int year,
                                    const std::vector<std::string>& organs,
                                    const std::vector<StatReport>& organ_reports,
                                    const std::vector<std::string>& children,
                                    const std::vector<StatReport>& region_reports,
                                    const ResponsibleRegister& reg, const std::string& by,
                                    calendar::Date today, int64_t now) {
  if (Status st = CheckYear(year, today); !st.ok()) return st;
  if (!dept.is_secrecy_admin()) {
    return Status::Error(
        "GD Art. 46 ¶3: a region's statistics are reported by its secrecy admin "
        "dept, not by " +
        dept.name);
  }
  if (Status st = ApprovedByHead(reg, by, today, "the region's statistics"); !st.ok()) return st;
  StatReport r;
  r.id = RegionReportId(year, dept.node);
  r.kind = StatKind::kRegion;
  r.year = year;
  r.organ = dept.address();
  r.organ_name = dept.name;
  r.node = dept.node;
  r.year_complete = year < today.year();
  auto take = [&](const std::vector<std::string>& expected, const std::vector<StatReport>& reports,
                  StatKind kind) {
    for (const auto& who : expected) {
      std::string id =
          kind == StatKind::kOrgan ? OrganReportId(year, who) : RegionReportId(year, who);
      auto it = std::find_if(reports.begin(), reports.end(),
                             [&](const StatReport& s) { return s.id == id; });
      if (it == reports.end()) {
        r.missing.push_back(id);
        continue;
      }
      r.figures += it->figures;
      r.included.push_back(id + " v" + std::to_string(it->version));
      if (!it->year_complete) r.year_complete = false;
    }
  };
  take(organs, organ_reports, StatKind::kOrgan);
  take(children, region_reports, StatKind::kRegion);
  r.version = held ? held->version + 1 : 1;
  r.filed_at = now;
  r.filed_by = by;
  r.complete_at = held && held->complete_at ? held->complete_at : (r.year_complete ? now : 0);
  return r;
}

Status CheckStatCopy(const StatReport* held, const StatReport& copy, const std::string& origin,
                     bool* newer) {
  if (copy.node != origin) {
    return Status::Error("statistics " + copy.id + " of node " + copy.node + " sent by node " +
                         origin);
  }
  std::string expect = copy.kind == StatKind::kOrgan ? OrganReportId(copy.year, copy.organ)
                                                     : RegionReportId(copy.year, copy.node);
  if (copy.id != expect || copy.version == 0) {
    return Status::Error("statistics " + copy.id + " are not numbered as their filer's");
  }
  if (copy.organ.rfind(copy.node + "/", 0) != 0) {
    return Status::Error("statistics " + copy.id + ": " + copy.organ + " is not on node " +
                         copy.node);
  }
  *newer = !held || copy.version > held->version;
  return Status::Ok();
}

calendar::Date StatDueDay(StatKind kind, int year) {
  return kind == StatKind::kOrgan ? calendar::EndOfFebruary(year + 1)
                                  : calendar::EndOfMarch(year + 1);
}

}  // namespace zhuji::workflows
