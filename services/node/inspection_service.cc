#include "services/node/inspection_service.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/node/codec.h"
#include "services/node/filings.h"
#include "services/node/table.h"
#include "services/node/views.h"
#include "services/store/audit.h"
#include "zhuji/schemas/inspection.capnp.h"

namespace zhuji::node {

namespace {

using workflows::CaseKind;
using workflows::CaseState;
using workflows::InspectionCase;
using Op = schema::InspectionRequest::Op;

std::string Line(const InspectionCase& c) {
  return c.id + " " + workflows::CaseKindZh(c.kind) + " " + c.by_organ.name + " → " + c.organ.name +
         " " + workflows::CaseStateZh(c.state) + " (v" + std::to_string(c.version) + ")";
}

}  // namespace

std::string InspectionCases::Encode(const InspectionCase& c) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::InspectionCase>();
  b.setId(c.id);
  b.setKind(static_cast<uint8_t>(c.kind));
  PutOrgan(b.initByOrgan(), c.by_organ);
  PutOrgan(b.initOrgan(), c.organ);
  auto points = b.initPoints(c.points.size());
  size_t i = 0;
  for (int p : c.points) points.set(i++, p);
  b.setSubject(static_cast<uint8_t>(c.subject));
  b.setSubjectDetail(c.subject_detail);
  b.setAdjust(c.adjust);
  b.setOpenedBy(c.opened_by);
  b.setOpenedAt(c.opened_at);
  auto findings = b.initFindings(c.findings.size());
  for (i = 0; i < c.findings.size(); ++i) {
    findings[i].setPoint(c.findings[i].point);
    findings[i].setText(c.findings[i].text);
  }
  b.setRequest(c.request);
  b.setRectifyDay(c.rectify_by.days);
  b.setReport(c.report);
  b.setReportedBy(c.reported_by);
  b.setReportedAt(c.reported_at);
  b.setClosing(c.closing);
  b.setClosedBy(c.closed_by);
  b.setClosedAt(c.closed_at);
  b.setState(static_cast<uint8_t>(c.state));
  b.setVersion(c.version);
  PutTrail(b.initHistory(c.history.size()), c.history);
  return ToBytes(m);
}

InspectionCase InspectionCases::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::InspectionCase>();
  InspectionCase c;
  c.id = r.getId();
  if (r.getKind() > static_cast<uint8_t>(CaseKind::kCorrection) ||
      r.getSubject() > static_cast<uint8_t>(workflows::CorrectionSubject::kResponsibleFailing) ||
      r.getState() > static_cast<uint8_t>(CaseState::kClosed)) {
    throw MalformedMessage("case " + c.id + ": unknown kind, subject or state");
  }
  c.kind = static_cast<CaseKind>(r.getKind());
  c.by_organ = GetOrgan(r.getByOrgan());
  c.organ = GetOrgan(r.getOrgan());
  for (int p : r.getPoints()) c.points.insert(p);
  c.subject = static_cast<workflows::CorrectionSubject>(r.getSubject());
  c.subject_detail = r.getSubjectDetail();
  c.adjust = r.getAdjust();
  c.opened_by = r.getOpenedBy();
  c.opened_at = r.getOpenedAt();
  for (auto f : r.getFindings()) c.findings.push_back({f.getPoint(), f.getText()});
  c.request = r.getRequest();
  c.rectify_by = calendar::Date{r.getRectifyDay()};
  c.report = r.getReport();
  c.reported_by = r.getReportedBy();
  c.reported_at = r.getReportedAt();
  c.closing = r.getClosing();
  c.closed_by = r.getClosedBy();
  c.closed_at = r.getClosedAt();
  c.state = static_cast<CaseState>(r.getState());
  c.version = r.getVersion();
  c.history = GetTrail(r.getHistory());
  return c;
}

std::optional<InspectionCase> InspectionCases::Get(store::Txn& txn, const std::string& id) {
  return GetRecord(txn, "inspections", id, Decode);
}

void InspectionCases::Put(store::Txn& txn, const InspectionCase& c) {
  txn.Put("inspections", c.id, Encode(c));
}

std::vector<InspectionCase> InspectionCases::List(store::Txn& txn) {
  return ListRecords(txn, "inspections", Decode);
}

InspectionService::InspectionService(const config::NodeConfig& config,
                                     const workflows::OrganDirectory& directory,
                                     DeadlineService& deadlines, Writer& writer, Mail& mail,
                                     ControlService& control, const Clock& clock)
    : config_(config),
      directory_(directory),
      deadlines_(deadlines),
      writer_(writer),
      mail_(mail),
      control_(control),
      clock_(clock) {}

KindEntry InspectionService::InspectionEnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "inspection";
  k.check = [self](const std::string& origin, std::string_view body) -> Status {
    if (Status st = CheckText<schema::InspectionCase>(body); !st.ok()) return st;
    InspectionCase c = InspectionCases::Decode(body);
    if (c.organ.node != self && c.by_organ.node != self) {
      return Status::Error("case " + c.id + " does not concern node " + self);
    }
    bool newer = false;
    return workflows::CheckCaseCopy(nullptr, c, origin, &newer);
  };
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) {
    InspectionCase c = InspectionCases::Decode(body);
    auto held = InspectionCases::Get(txn, c.id);
    bool newer = false;
    return workflows::CheckCaseCopy(held ? &*held : nullptr, c, origin, &newer);
  };
  k.describe = [](std::string_view body) {
    return "定密监督 " + Line(InspectionCases::Decode(body));
  };
  return k;
}

void InspectionService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k = InspectionEnvelopeKind(config_.node_id);
  // Checked against this node's own directory and the case held: a node cannot open a case it
  // may not, nor change what the other side wrote.
  k.admit = [this](store::Txn& txn, const std::string& origin, std::string_view body) -> Status {
    InspectionCase c = InspectionCases::Decode(body);
    auto held = InspectionCases::Get(txn, c.id);
    bool newer = false;
    if (Status st = workflows::CheckCaseCopy(held ? &*held : nullptr, c, origin, &newer);
        !st.ok()) {
      return st;
    }
    return newer ? workflows::CheckCaseStep(held ? &*held : nullptr, c, directory_) : Status::Ok();
  };
  k.apply = [this](store::Txn& txn, const std::string& from, std::string_view body, int64_t now) {
    InspectionCase c = InspectionCases::Decode(body);  // checked by the inbox already
    auto held = InspectionCases::Get(txn, c.id);
    bool newer = false;
    (void)workflows::CheckCaseCopy(held ? &*held : nullptr, c, from, &newer);
    if (newer) Arrived(txn, c, "arrived from " + from, now);
  };
  kinds.Register(schema::Kind::INSPECTION, std::move(k));
  control.Register(schema::ControlRequest::INSPECTION, [this](ControlCall& c) { Handle(c); });
}

void InspectionService::Arrived(store::Txn& txn, const InspectionCase& c, const std::string& what,
                                int64_t now) {
  InspectionCases::Put(txn, c);
  if (c.organ.node == config_.node_id) {
    // The rectification report is the inspected organ's duty (GD Art. 41), supervised as its
    // other duties are.
    if (c.state == CaseState::kRectifying) {
      deadlines::DeadlineSpec spec{
          .item = c.id,
          .step = workflows::kStepRectify,
          .rule = c.kind == CaseKind::kCorrection ? "GD Art. 44" : "GD Art. 41",
          .title = "整改报告 " + c.organ.name + "（" + c.by_organ.name + " " +
                   workflows::CaseKindZh(c.kind) + "）",
          .trigger = calendar::CstDateOf(now),
          .fixed_day = c.rectify_by};
      Status st = Status::Ok();
      auto opener = directory_.Find(c.by_organ.address());  // this node's word, not the copy's
      auto organ = directory_.Find(c.organ.address());
      if (opener && opener->is_secrecy_admin() && c.kind != CaseKind::kSelf) {
        // GD Art. 41 "督促落实整改措施": the dept that asked for it hears when it is late.
        spec.supervisor = c.by_organ.node;
        spec.supervisor_name = c.by_organ.name;
        st = deadlines_.Open(txn, spec, now, nullptr);
      } else {
        st = deadlines_.OpenDuty(txn, spec, organ ? &*organ : nullptr, now).status();
      }
      if (!st.ok()) store::Audit::Append(txn, now, "rectification duty not opened", st.message());
    } else if (c.state == CaseState::kReported || c.state == CaseState::kClosed) {
      deadlines_.CloseDuty(txn, c.id, workflows::kStepRectify, now);
    }
  }
  store::Audit::Append(txn, now, "定密监督 " + what, Line(c));
}

void InspectionService::Deliver(store::Txn& txn, const InspectionCase& c, const std::string& what,
                                int64_t now) {
  Arrived(txn, c, what, now);
  const std::string& other = c.organ.node == config_.node_id ? c.by_organ.node : c.organ.node;
  if (other != config_.node_id) {
    mail_.Post(txn, {other, schema::Kind::INSPECTION, InspectionCases::Encode(c), c.id}, now);
  }
}

Status InspectionService::Take(store::Txn& txn, schema::InspectionRequest::Reader req, int64_t now,
                               std::string* id) {
  calendar::Date today = calendar::CstDateOf(now);
  if (req.getOp() == Op::OPEN) {
    auto by_organ = directory_.Find(config_.node_id + "/" + std::string(req.getOrgan()));
    if (!by_organ) {
      return Status::Error("no organ '" + std::string(req.getOrgan().cStr()) + "' on node " +
                           config_.node_id + " (--organ CODE)");
    }
    std::string target = req.getTarget();
    if (target.empty()) target = by_organ->address();
    if (target.find('/') == std::string::npos) target = config_.node_id + "/" + target;
    auto organ = directory_.Find(target);
    if (!organ) return Status::Error("no organ " + target + " in the directory of organs");
    workflows::CaseOpening o;
    std::string kind = req.getKind();
    o.kind = kind == "self"         ? CaseKind::kSelf
             : kind == "correction" ? CaseKind::kCorrection
                                    : CaseKind::kInspection;
    if (!kind.empty() && kind != "self" && kind != "correction" && kind != "inspection") {
      return Status::Error("--kind is one of inspection, self, correction");
    }
    for (int p : req.getPoints()) o.points.insert(p);
    if (req.getSubject().size()) {
      auto s = workflows::ParseCorrectionSubject(req.getSubject().cStr());
      if (!s) return Status::Error("--subject is one of grant, responsible");
      o.subject = *s;
    }
    o.subject_detail = req.getDetail();
    o.text = req.getRequest();
    o.adjust = req.getAdjust();
    o.by = req.getBy();
    std::string new_id =
        NextSerial(txn, "inspection_serial/", by_organ->address(), today.year(), "J");
    auto c = workflows::OpenCase(new_id, directory_, *by_organ, *organ, o, today, now);
    if (!c.ok()) return c.status();
    InspectionCase opened = c.value();
    if (o.kind == CaseKind::kCorrection) {
      // GD Art. 44 "应当通知及时纠正": the notice is its own request, with its deadline.
      auto r = workflows::RequestRectification(opened, {}, "", calendar::Date{req.getDueDay()},
                                               o.by, today, now);
      if (!r.ok()) return r.status();
      opened = r.value();
    }
    *id = opened.id;
    Deliver(txn, opened, "opened", now);
    return Status::Ok();
  }
  auto held = InspectionCases::Get(txn, req.getId());
  if (!held) return Status::Error("no case " + std::string(req.getId().cStr()) + " here");
  *id = held->id;
  bool opener_here = held->by_organ.node == config_.node_id;
  bool organ_here = held->organ.node == config_.node_id;
  Result<InspectionCase> next = Status::Error("unknown step");
  switch (req.getOp()) {
    case Op::REQUEST: {
      if (!opener_here) return Status::Error("findings are made by " + held->by_organ.name);
      auto findings = workflows::ParseFindings(req.getFindings().cStr());
      if (!findings.ok()) return findings.status();
      next =
          workflows::RequestRectification(*held, findings.value(), req.getRequest(),
                                          calendar::Date{req.getDueDay()}, req.getBy(), today, now);
      break;
    }
    case Op::REPORT:
      if (!organ_here) return Status::Error("the rectification is reported by " + held->organ.name);
      next = workflows::ReportRectification(*held, req.getReport(), req.getBy(), now);
      break;
    case Op::CLOSE:
      if (!opener_here) return Status::Error("the case is closed by " + held->by_organ.name);
      next = workflows::CloseCase(*held, req.getClosing(), req.getBy(), now);
      break;
    default:
      break;
  }
  if (!next.ok()) return next.status();
  Deliver(txn, next.value(), workflows::CaseStateName(next.value().state), now);
  return Status::Ok();
}

void InspectionService::Handle(ControlCall& call) {
  auto req = call.request.getInspection();
  int64_t now = clock_.NowMs();
  std::vector<InspectionCase> shown;
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) {
    auto txn = writer_.BeginRead();
    std::string organ = config_.node_id + "/" + std::string(req.getOrgan());
    for (auto& c : InspectionCases::List(txn)) {
      if (req.getOp() == Op::SHOW && c.id != req.getId().cStr()) continue;
      if (req.getOrgan().size() && c.organ.address() != organ && c.by_organ.address() != organ) {
        continue;
      }
      shown.push_back(std::move(c));
    }
    if (req.getOp() == Op::SHOW && shown.empty()) {
      return call.reply.setError("no case " + std::string(req.getId().cStr()) + " on node " +
                                 config_.node_id);
    }
  } else {
    std::string id;
    Status st = control_.Write([&](store::Txn& txn) { return Take(txn, req, now, &id); });
    if (!st.ok()) return call.reply.setError(st.message());
    auto txn = writer_.BeginRead();
    if (auto c = InspectionCases::Get(txn, id)) shown.push_back(*c);
  }
  auto out = call.reply.initInspections(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) FillInspectionView(shown[i], out[i]);
}

}  // namespace zhuji::node
