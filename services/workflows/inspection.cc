#include "services/workflows/inspection.h"

#include <charconv>

namespace zhuji::workflows {

namespace {

void Note(InspectionCase& c, int64_t now, const std::string& who, const std::string& action,
          const std::string& detail) {
  c.history.push_back({now, who, action, detail});
  c.version += 1;
}

// `node` is `region` or lies below it.
bool InRegion(const OrganDirectory& directory, const std::string& region, const std::string& node) {
  for (const DirectoryNode* n = directory.Node(node); n;
       n = n->parent.empty() ? nullptr : directory.Node(n->parent)) {
    if (n->id == region) return true;
  }
  return false;
}

Status Need(bool ok, const std::string& why) { return ok ? Status::Ok() : Status::Error(why); }

}  // namespace

const char* InspectionPointZh(int point) {
  static const char* kPoints[] = {
      "定密工作领导责任制落实情况", "定密工作制度建立和执行情况",   "定密授权及报备情况",
      "定密责任人的指定、报备情况", "定密责任人的履职情况",         "定密行为的合法、规范情况",
      "定密纠正和改进情况",         "定密年度审核、统计、报告情况", "其他定密工作情况"};
  return point >= 1 && point <= kInspectionPoints ? kPoints[point - 1] : "";
}

const char* CaseKindZh(CaseKind k) {
  switch (k) {
    case CaseKind::kInspection:
      return "定密检查 inspection (GD Art. 43)";
    case CaseKind::kSelf:
      return "定密自查 self-inspection (GD Art. 43 ¶2)";
    case CaseKind::kCorrection:
      return "纠正通知 correction notice (GD Art. 44)";
  }
  return "?";
}

const char* CaseKindName(CaseKind k) {
  switch (k) {
    case CaseKind::kInspection:
      return "inspection";
    case CaseKind::kSelf:
      return "self";
    case CaseKind::kCorrection:
      return "correction";
  }
  return "?";
}

const char* CorrectionSubjectZh(CorrectionSubject s) {
  switch (s) {
    case CorrectionSubject::kNone:
      return "";
    case CorrectionSubject::kImproperGrant:
      return "定密授权不当 an improper grant";
    case CorrectionSubject::kResponsibleFailing:
      return "定密责任人未能依法履行职责 a 定密责任人 failing their duties";
  }
  return "?";
}

std::optional<CorrectionSubject> ParseCorrectionSubject(std::string_view name) {
  if (name == "grant") return CorrectionSubject::kImproperGrant;
  if (name == "responsible") return CorrectionSubject::kResponsibleFailing;
  return std::nullopt;
}

const char* CaseStateZh(CaseState s) {
  switch (s) {
    case CaseState::kOpen:
      return "检查中 open";
    case CaseState::kRectifying:
      return "整改中 rectifying";
    case CaseState::kReported:
      return "已报整改 reported";
    case CaseState::kClosed:
      return "已结束 closed";
  }
  return "?";
}

const char* CaseStateName(CaseState s) {
  switch (s) {
    case CaseState::kOpen:
      return "open";
    case CaseState::kRectifying:
      return "rectifying";
    case CaseState::kReported:
      return "reported";
    case CaseState::kClosed:
      return "closed";
  }
  return "?";
}

Status MayOpen(const OrganDirectory& directory, CaseKind kind, const Organ& by_organ,
               const Organ& organ) {
  if (kind == CaseKind::kSelf) {
    return Need(by_organ.address() == organ.address(),
                "GD Art. 43 ¶2: a self-inspection (自查) is the organ's own");
  }
  if (by_organ.address() == organ.address()) {
    return Status::Error(
        "GD Art. 41, 43: an organ inspecting itself makes a self-inspection "
        "(--self)");
  }
  bool dept = by_organ.is_secrecy_admin() && InRegion(directory, by_organ.node, organ.node);
  if (kind == CaseKind::kCorrection) {
    return Need(dept,
                "GD Art. 44: a correction notice is issued by the secrecy admin dept of the "
                "organ's region, not by " +
                    by_organ.name);
  }
  bool superior = !by_organ.is_secrecy_admin() && by_organ.line == organ.line &&
                  by_organ.node != organ.node && InRegion(directory, by_organ.node, organ.node);
  return Need(dept || superior, "GD Art. 41, 43: " + by_organ.name + " may not inspect " +
                                    organ.name +
                                    ": a secrecy admin dept of its region or a superior organ of "
                                    "its line (上级机关、业务主管部门) inspects");
}

Result<InspectionCase> OpenCase(std::string id, const OrganDirectory& directory,
                                const Organ& by_organ, const Organ& organ, const CaseOpening& o,
                                calendar::Date today, int64_t now) {
  if (Status st = MayOpen(directory, o.kind, by_organ, organ); !st.ok()) return st;
  if (o.by.empty()) return Status::Error("who opens it is named (--by)");
  InspectionCase c;
  c.id = std::move(id);
  c.kind = o.kind;
  c.by_organ = by_organ;
  c.organ = organ;
  c.opened_by = o.by;
  c.opened_at = now;
  if (o.kind == CaseKind::kCorrection) {
    if (o.subject == CorrectionSubject::kNone || o.subject_detail.empty() || o.text.empty()) {
      return Status::Error(
          "GD Art. 44: a correction notice names an improper grant or a "
          "定密责任人 failing their duties (--subject grant|responsible "
          "--detail …) and what is to be corrected (--request)");
    }
    c.subject = o.subject;
    c.subject_detail = o.subject_detail;
    c.adjust = o.adjust;
    c.request = o.text;
    c.findings.push_back(
        {0, std::string(CorrectionSubjectZh(o.subject)) + "：" + o.subject_detail});
    Note(c, now, o.by, std::string("纠正通知 (GD Art. 44)") + (o.adjust ? "，书面建议调整" : ""),
         c.findings.back().text + "；" + o.text);
    (void)today;
    return c;
  }
  if (o.points.empty()) {
    return Status::Error("GD Art. 43: an inspection covers points of (一)-(九) (--points 1,3,6)");
  }
  for (int p : o.points) {
    if (p < 1 || p > kInspectionPoints) {
      return Status::Error("GD Art. 43 has points 1-9, not " + std::to_string(p));
    }
  }
  c.points = o.points;
  std::string covered;
  for (int p : o.points)
    covered += (covered.empty() ? "" : "；") + std::string(InspectionPointZh(p));
  Note(c, now, o.by, CaseKindZh(o.kind), covered);
  return c;
}

Result<InspectionCase> RequestRectification(const InspectionCase& in, std::vector<Finding> findings,
                                            std::string request, calendar::Date rectify_by,
                                            const std::string& by, calendar::Date today,
                                            int64_t now) {
  bool correction = in.kind == CaseKind::kCorrection;
  if (in.state != CaseState::kOpen) {
    return Status::Error("case " + in.id + " is " + CaseStateZh(in.state) +
                         ": findings are made while it is open");
  }
  if (by.empty()) return Status::Error("who makes the request is named (--by)");
  for (const auto& f : findings) {
    if (!correction && !in.points.count(f.point)) {
      return Status::Error("finding on point " + std::to_string(f.point) +
                           ", which the inspection does not cover");
    }
    if (f.text.empty()) return Status::Error("a finding says what was found");
  }
  InspectionCase c = in;
  if (findings.empty() && !correction) {
    c.state = CaseState::kClosed;
    c.closing = "未发现问题 nothing to rectify";
    c.closed_by = by;
    c.closed_at = now;
    Note(c, now, by, "结束 closed: 未发现问题", "");
    return c;
  }
  if (!correction && request.empty()) {
    return Status::Error(
        "GD Art. 41: the findings come with a rectification request (整改意见, "
        "--request)");
  }
  if (rectify_by.days <= today.days) {
    return Status::Error("the rectification report's deadline (--due) is after today (" +
                         today.ToString() + ")");
  }
  if (!correction) {
    c.findings = std::move(findings);
    c.request = std::move(request);
  }
  c.rectify_by = rectify_by;
  c.state = CaseState::kRectifying;
  std::string detail;
  for (const auto& f : c.findings) {
    detail += (f.point ? "(" + std::to_string(f.point) + ") " : std::string()) + f.text + "；";
  }
  Note(c, now, by, "整改意见 rectification requested (GD Art. 41)",
       detail + c.request + "；整改报告 due " + rectify_by.ToString());
  return c;
}

Result<InspectionCase> ReportRectification(const InspectionCase& in, std::string report,
                                           const std::string& by, int64_t now) {
  if (in.state != CaseState::kRectifying) {
    return Status::Error("case " + in.id + " is " + CaseStateZh(in.state) +
                         ": no rectification is awaited");
  }
  if (report.empty() || by.empty()) {
    return Status::Error(
        "the rectification report says what was done (--report) and who "
        "reports (--by)");
  }
  InspectionCase c = in;
  c.report = std::move(report);
  c.reported_by = by;
  c.reported_at = now;
  c.state = CaseState::kReported;
  Note(c, now, by, "整改报告 rectification reported", c.report);
  return c;
}

Result<InspectionCase> CloseCase(const InspectionCase& in, std::string closing,
                                 const std::string& by, int64_t now) {
  if (in.state != CaseState::kReported && in.state != CaseState::kOpen) {
    return Status::Error(
        "case " + in.id + " is " + CaseStateZh(in.state) +
        (in.state == CaseState::kRectifying ? ": its rectification report is awaited" : ""));
  }
  if (by.empty()) return Status::Error("who closes it is named (--by)");
  InspectionCase c = in;
  c.closing = closing.empty() ? std::string("整改完成 rectified") : std::move(closing);
  c.closed_by = by;
  c.closed_at = now;
  c.state = CaseState::kClosed;
  Note(c, now, by, "结束 closed", c.closing);
  return c;
}

Status CheckCaseCopy(const InspectionCase* held, const InspectionCase& copy,
                     const std::string& origin, bool* newer) {
  if (copy.id.rfind(copy.by_organ.address() + "/", 0) != 0 || copy.version == 0) {
    return Status::Error("case " + copy.id + " is not numbered by " + copy.by_organ.address());
  }
  const std::string& from =
      copy.state == CaseState::kReported ? copy.organ.node : copy.by_organ.node;
  if (origin != from) {
    return Status::Error("case " + copy.id + " in state " + CaseStateName(copy.state) +
                         " comes from node " + from + ", not " + origin);
  }
  if (held && (held->organ.address() != copy.organ.address() ||
               held->by_organ.address() != copy.by_organ.address())) {
    return Status::Error("case " + copy.id + " changed its organs");
  }
  *newer = !held || copy.version > held->version;
  return Status::Ok();
}

Status CheckCaseStep(const InspectionCase* held, const InspectionCase& copy,
                     const OrganDirectory& directory) {
  auto by_organ = directory.Find(copy.by_organ.address());
  auto organ = directory.Find(copy.organ.address());
  if (!by_organ || !organ) {
    return Status::Error("case " + copy.id + " names an organ not in this node's directory");
  }
  if (Status st = MayOpen(directory, copy.kind, *by_organ, *organ); !st.ok()) {
    return Status::Error("case " + copy.id + ": " + st.message());
  }
  auto same_request = [](const InspectionCase& a, const InspectionCase& b) {
    return a.kind == b.kind && a.points == b.points && a.subject == b.subject &&
           a.subject_detail == b.subject_detail && a.adjust == b.adjust &&
           a.findings == b.findings && a.request == b.request && a.rectify_by == b.rectify_by &&
           a.opened_by == b.opened_by && a.opened_at == b.opened_at;
  };
  if (copy.state == CaseState::kReported) {
    if (!held || held->state != CaseState::kRectifying || !same_request(*held, copy) ||
        copy.report.empty()) {
      return Status::Error("case " + copy.id +
                           ": a rectification report answers the request held, unchanged");
    }
    return Status::Ok();
  }
  if (!held) return Status::Ok();
  bool allowed = copy.state == held->state ||
                 (held->state == CaseState::kOpen && copy.state != CaseState::kReported) ||
                 (held->state == CaseState::kReported && copy.state == CaseState::kClosed);
  if (!allowed || copy.report != held->report || copy.reported_at != held->reported_at) {
    return Status::Error("case " + copy.id + ": " + CaseStateName(held->state) + " → " +
                         CaseStateName(copy.state) + " is not a step of its opener");
  }
  return Status::Ok();
}

Result<std::vector<Finding>> ParseFindings(std::string_view text) {
  std::vector<Finding> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(';', at);
    size_t wide = text.find("；", at);
    size_t cut = std::min(end, wide);
    std::string_view part =
        text.substr(at, cut == std::string_view::npos ? text.size() - at : cut - at);
    at = cut == std::string_view::npos ? text.size() : cut + (cut == wide ? 3 : 1);
    if (part.empty()) continue;
    Finding f{kInspectionPoints, std::string(part)};
    size_t colon = part.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      int p = 0;
      auto r = std::from_chars(part.data(), part.data() + colon, p);
      if (r.ec == std::errc() && r.ptr == part.data() + colon) {
        f.point = p;
        f.text = std::string(part.substr(colon + 1));
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace zhuji::workflows
