#pragma once
// The yearly classification statistics (年度定密统计, GD Art. 46, 47): every organ's figures for
// the past year, computed from its own records and approved by its 法定定密责任人, reported to
// its same-level secrecy admin dept by the end of February (an authorized organ also to its
// grantor); every dept rolls up its region — the reports of its own node's organs and the
// region reports of the depts one level down — and reports to the dept above by the end of March
// (the province's goes to 同级党委、政府, outside the network). Sums are exact: a region's figures
// are the sum of the reports it names.
//
// Pure: values and steps; the node reads its records into them, stores and sends the reports.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/calendar.h"
#include "services/common/result.h"
#include "services/workflows/authorization.h"
#include "services/workflows/determination.h"
#include "services/workflows/matter.h"
#include "services/workflows/responsible.h"
#include "services/workflows/secret_change.h"

namespace zhuji::workflows {

inline constexpr const char* kStepOrganStats = "年度定密统计 statistics (GD Art. 46)";
inline constexpr const char* kStepRegionStats =
    "区域定密统计 region statistics (GD Art. 46 ¶3, 47)";

struct StatFigures {
  int64_t determined[3] = {0, 0, 0};  // 秘密, 机密, 绝密 determined in the year (GD Art. 27)
  int64_t changed = 0;                // 变更, 延长, 缩短 decided (GD Art. 35-37)
  int64_t released = 0;   // 解除 decided or 自行解密 at the end of a term (Art. 38, 39)
  int64_t escalated = 0;  // 不明确事项, 有争议事项, 定密申请 reported (GD Art. 29-31)
  int64_t grants = 0;     // 定密授权 made (GD Art. 6-12)
  int64_t responsible = 0;  // 定密责任人 in office at the end of the year (GD Art. 16)
  int64_t organs = 0;       // organs whose reports are counted
  int64_t determined_total() const { return determined[0] + determined[1] + determined[2]; }
  StatFigures& operator+=(const StatFigures& o);
  bool operator==(const StatFigures&) const = default;
};

enum class StatKind { kOrgan, kRegion };

struct StatReport {
  std::string id;  // organ: "<year>/<organ address>"; region: "<year>/region/<node>"
  StatKind kind = StatKind::kOrgan;
  int year = 0;
  std::string organ, organ_name;  // who reports (a region: the node's secrecy admin dept)
  std::string node;               // the organ's node, the region's node
  StatFigures figures;
  std::vector<std::string> included;  // a region: the reports summed
  std::vector<std::string> missing;   // a region: organs and regions that had not reported
  uint64_t version = 0;               // +1 per filing: a newer one replaces the older
  int64_t filed_at = 0;
  std::string filed_by;
  bool year_complete = true;  // false: filed before the year ended (figures to date)
  int64_t complete_at = 0;    // the first filing after the year ended: on time or late by it
};

std::string OrganReportId(int year, const std::string& organ);
std::string RegionReportId(int year, const std::string& node);

// One organ's records, as the node holds them.
struct OrganRecords {
  std::vector<const Determination*> secrets;  // its register of state secrets
  std::vector<const SecretNotice*> notices;   // the written notices of its decisions
  std::vector<const Matter*> matters;         // matters held on its node
  std::vector<const Grant*> grants;           // grants held on its node
  const ResponsibleRegister* reg = nullptr;
};

// The figures of `organ` for `year` from its records; `through`: the last day counted (the end
// of the year, or today while the year runs).
StatFigures OrganFigures(const std::string& organ, int year, const OrganRecords& records,
                         calendar::Date through);

// GD Art. 46 ¶1: the organ's report of `year`, approved by its live 法定定密责任人 `by` (reg),
// once the year has begun to be the past — or, earlier, as figures to date (year_complete
// false). A new version of `held` if there is one.
Result<StatReport> FileOrganReport(const StatReport* held, const Organ& organ, int year,
                                   const StatFigures& figures, const ResponsibleRegister& reg,
                                   const std::string& by, calendar::Date today, int64_t now);

// GD Art. 46 ¶3, 47: the region report of `node` (its dept `dept`, approved by the dept's live
// 法定定密责任人): the sum of `organ_reports` (the reports of the node's organs, `organs` names
// all of them) and `region_reports` (of the nodes one level down, `children`). What has not
// reported is listed as missing, not guessed.
Result<StatReport> FileRegionReport(const StatReport* held, const Organ& dept, int year,
                                    const std::vector<std::string>& organs,
                                    const std::vector<StatReport>& organ_reports,
                                    const std::vector<std::string>& children,
                                    const std::vector<StatReport>& region_reports,
                                    const ResponsibleRegister& reg, const std::string& by,
                                    calendar::Date today, int64_t now);

// A report sent by another node: an organ's report comes from the organ's node, a region
// report from the region's node; `newer` tells whether it replaces the one held.
Status CheckStatCopy(const StatReport* held, const StatReport& copy, const std::string& origin,
                     bool* newer);

// When a report of `year` is due (24:00 CST of that day): organs end of February, regions end of
// March of the next year.
calendar::Date StatDueDay(StatKind kind, int year);

}  // namespace zhuji::workflows
