#pragma once
// Supervision of classification work (定密监督, GD Art. 41-44): an inspection (检查) of an organ on
// the nine points of GD Art. 43 by a secrecy admin dept of its region or a superior organ of its
// line; an organ's self-inspection (自查, Art. 43 ¶2); a written correction notice (纠正通知,
// Art. 44) of a secrecy admin dept for an improper grant or a 定密责任人 failing their duties,
// with or without a written recommendation to adjust (书面建议调整). Each is one case: opened,
// findings and a rectification request with its deadline (整改意见, Art. 41), the organ's
// rectification report (整改报告), closed by who opened it.
//
// Pure: values and steps. The node stores the case, sends it between the two organs' nodes and
// tracks the rectification report as a duty of the inspected organ.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/matter.h"
#include "services/workflows/organs.h"

namespace zhuji::workflows {

inline constexpr int kInspectionPoints = 9;  // GD Art. 43 (一)-(九)
inline constexpr const char* kStepRectify = "整改报告 rectification report (GD Art. 41)";

// GD Art. 43 (一)-(九), 1-based; "" outside.
const char* InspectionPointZh(int point);

enum class CaseKind {
  kInspection,  // 检查 (GD Art. 43 ¶1)
  kSelf,        // 自查 (GD Art. 43 ¶2)
  kCorrection,  // 纠正通知 (GD Art. 44)
};
const char* CaseKindZh(CaseKind k);
const char* CaseKindName(CaseKind k);  // inspection, self, correction

enum class CorrectionSubject {
  kNone,
  kImproperGrant,       // 定密授权不当
  kResponsibleFailing,  // 定密责任人未能依法履行职责
};
const char* CorrectionSubjectZh(CorrectionSubject s);
std::optional<CorrectionSubject> ParseCorrectionSubject(
    std::string_view name);  // grant, responsible

enum class CaseState {
  kOpen,        // opened; findings being made
  kRectifying,  // findings and a rectification request sent; the organ's report awaited
  kReported,    // the organ's rectification report is in
  kClosed,      // closed by who opened it (no problem found, or the rectification accepted)
};
const char* CaseStateZh(CaseState s);
const char* CaseStateName(CaseState s);

struct Finding {
  int point = 0;  // GD Art. 43 point, 1-9 (a correction notice: 0)
  std::string text;
  bool operator==(const Finding&) const = default;
};

struct InspectionCase {
  std::string id;  // "<opener address>/<year>-J<serial>"
  CaseKind kind = CaseKind::kInspection;
  Organ by_organ;        // who inspects or issues the notice (the organ itself for 自查)
  Organ organ;           // the organ inspected
  std::set<int> points;  // GD Art. 43 points covered (an inspection, a self-inspection)
  CorrectionSubject subject = CorrectionSubject::kNone;  // a correction notice
  std::string subject_detail;                            // the grant id or the person
  bool adjust = false;                                   // 书面建议调整 (GD Art. 44)
  std::string opened_by;
  int64_t opened_at = 0;
  std::vector<Finding> findings;
  std::string request;        // 整改意见 (GD Art. 41)
  calendar::Date rectify_by;  // the rectification report's deadline (days == 0: none)
  std::string report, reported_by;
  int64_t reported_at = 0;
  std::string closing, closed_by;
  int64_t closed_at = 0;
  CaseState state = CaseState::kOpen;
  uint64_t version = 0;
  std::vector<TrailEvent> history;
};

// Who may open a case on `organ` (GD Art. 41, 43, 44): a secrecy admin dept whose region holds
// the organ's node (its own node or one below); for an inspection also an organ of the same
// line on a node above (上级机关、业务主管部门); for a self-inspection only the organ itself; a
// correction notice only a secrecy admin dept.
Status MayOpen(const OrganDirectory& directory, CaseKind kind, const Organ& by_organ,
               const Organ& organ);

struct CaseOpening {
  CaseKind kind = CaseKind::kInspection;
  std::set<int> points;  // inspection, self: at least one of 1-9
  CorrectionSubject subject = CorrectionSubject::kNone;
  std::string subject_detail;
  std::string text;  // a correction notice: what is to be corrected
  bool adjust = false;
  std::string by;
};

Result<InspectionCase> OpenCase(std::string id, const OrganDirectory& directory,
                                const Organ& by_organ, const Organ& organ, const CaseOpening& o,
                                calendar::Date today, int64_t now);
// GD Art. 41: the findings and a rectification request with a deadline after today; without
// findings the case closes (nothing to rectify). A correction notice was its own request.
Result<InspectionCase> RequestRectification(const InspectionCase& c, std::vector<Finding> findings,
                                            std::string request, calendar::Date rectify_by,
                                            const std::string& by, calendar::Date today,
                                            int64_t now);
// The organ's 整改报告.
Result<InspectionCase> ReportRectification(const InspectionCase& c, std::string report,
                                           const std::string& by, int64_t now);
// Closed by who opened it: a rectification report accepted, or (open) nothing found.
Result<InspectionCase> CloseCase(const InspectionCase& c, std::string closing,
                                 const std::string& by, int64_t now);

// A copy from the other organ's node: the report only from the inspected organ's node, every
// other step only from the opener's; `newer` tells whether it replaces the one held.
Status CheckCaseCopy(const InspectionCase* held, const InspectionCase& copy,
                     const std::string& origin, bool* newer);
// What a newer copy may change of the one held: the organ's node only adds its report to a case
// awaiting it (nothing else changes); the opener's node only takes its own steps (open →
// rectifying or closed, reported → closed) and leaves the report as it was. And the case holds
// against the receiver's own directory: both organs are there and the opener may open it
// (MayOpen with the directory's organs, not the copy's).
Status CheckCaseStep(const InspectionCase* held, const InspectionCase& copy,
                     const OrganDirectory& directory);

// "3:…；6:…" → findings (the point, then the text); an entry without a point is point 9.
Result<std::vector<Finding>> ParseFindings(std::string_view text);

}  // namespace zhuji::workflows
