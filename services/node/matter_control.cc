#include "services/node/matter_control.h"

#include <capnp/message.h>

#include <set>

#include "services/common/capnp_io.h"
#include "services/node/views.h"
#include "services/workflows/determination_request.h"
#include "services/workflows/disputed_matter.h"
#include "services/workflows/unclear_matter.h"

namespace zhuji::node {

namespace {

using Op = schema::MatterRequest::Op;

std::set<std::string> Materials(capnp::List<capnp::Text>::Reader list) {
  std::set<std::string> out;
  for (auto m : list) out.insert(m);
  return out;
}

std::vector<StoredMatter> Held(store::Txn& txn, const std::string& id) {
  std::vector<StoredMatter> out;
  if (auto s = Matters::Get(txn, id)) out.push_back(*s);
  return out;
}

}  // namespace

MatterControl::MatterControl(const config::NodeConfig& config,
                             const workflows::OrganDirectory& directory, MatterService& matters,
                             const FilingService& filings, Writer& writer, ControlService& control,
                             const Clock& clock)
    : config_(config),
      directory_(directory),
      matters_(matters),
      filings_(filings),
      writer_(writer),
      control_(control),
      clock_(clock) {}

void MatterControl::Register(ControlService& control) {
  control.Register(schema::ControlRequest::MATTER, [this](ControlCall& c) { Handle(c); });
}

void MatterControl::Show(ControlCall& call) {
  auto req = call.request.getMatter();
  std::string id = req.getId();
  std::vector<StoredMatter> list;
  {
    auto txn = writer_.BeginRead();
    list = req.getOp() == Op::LIST ? Matters::List(txn) : Held(txn, id);
  }
  if (req.getOp() == Op::SHOW && list.empty()) {
    return call.reply.setError("no matter " + id + " on node " + config_.node_id);
  }
  FillMatterList(list, call.reply);
}

void MatterControl::Handle(ControlCall& call) {
  auto req = call.request.getMatter();
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) return Show(call);
  if (!directory_.Node(config_.node_id)) {
    return call.reply.setError(
        "node " + config_.node_id +
        " has no directory of organs (set `directory` in its configuration, GD Art. 15): routes "
        "cannot be computed");
  }
  int64_t now = clock_.NowMs();
  std::string done_id;
  Status st = control_.Write(
      [&](store::Txn& txn) {
        std::optional<StoredMatter> held;
        if (req.getId().size()) {
          held = Matters::Get(txn, req.getId());
          if (!held) {
            return Status::Error("no matter " + std::string(req.getId().cStr()) + " on node " +
                                 config_.node_id);
          }
        }
        Step s{txn, req, held ? &held->matter : nullptr, now, {}};
        Status taken = Take(s);
        done_id = s.done_id;
        return taken;
      },
      [&](store::Txn& txn) {  // the reply a retry of this step gets
        capnp::MallocMessageBuilder m;
        FillMatterList(Held(txn, done_id), m.initRoot<schema::ControlReply>());
        return ToBytes(m);
      });
  if (!st.ok()) return call.reply.setError(st.message());  // nothing of the step was committed
  auto txn = writer_.BeginRead();
  FillMatterList(Held(txn, done_id), call.reply);
}

Status MatterControl::Take(Step& s) {
  switch (s.req.getOp()) {
    case Op::REPORT:
      return Report(s, true);
    case Op::REQUEST:
      return Report(s, false);
    case Op::APPLY:
      return ApplyForGrant(s);
    case Op::OBJECT:
      return Object(s);
    case Op::REVIEW:
      return Review(s);
    case Op::DECIDE:
      return Decide(s);
    case Op::ANSWER:
      return Answer(s);
    case Op::ACCEPT:
      return Accept(s);
    case Op::ESCALATE:
      return Escalate(s);
    case Op::REFER_NATIONAL:
      return ReferNational(s);
    case Op::RECORD_NATIONAL:
      return RecordNational(s);
    case Op::NOTIFY_CHANGE:
      if (!s.held) return Status::Error("which matter? (--id)");
      s.done_id = s.held->id;
      return matters_.NotifyChange(s.txn, s.held->id, s.req.getWho(), s.req.getText(), s.now);
    case Op::FILE_NATIONAL:
      if (!s.held) return Status::Error("which matter? (--id)");
      s.done_id = s.held->id;
      return matters_.FileWithNational(s.txn, s.held->id, s.req.getVia(), s.req.getWho(), s.now);
    default:
      return Status::Error("unknown matter step");
  }
}

Status MatterControl::Here(const workflows::Organ& o, const char* role) const {
  if (o.node == config_.node_id) return Status::Ok();
  return Status::Error(std::string(role) + " " + o.name + " is on node " + o.node +
                       ", not on this node " + config_.node_id +
                       ": that node's operators act for it");
}

Status MatterControl::Apply(Step& s, const Result<workflows::Step>& step, const std::string& what) {
  if (!step.ok()) return step.status();
  s.done_id = step.value().matter.id;
  return matters_.ApplyStep(s.txn, step.value(), what, s.now);
}

Status MatterControl::Report(Step& s, bool unclear) {
  if (!s.held) return Start(s, unclear);
  // A report again, after a return for more material.
  if (Status st = Here(s.held->origin, "the origin"); !st.ok()) return st;
  return Apply(s, workflows::Report(*s.held, Materials(s.req.getMaterials()), s.now), "reported");
}

Status MatterControl::Start(Step& s, bool unclear) {
  auto req = s.req;
  // GD Art. 24: what may not be a state secret, unless a scope of secret matters says so.
  auto category = workflows::ParseArt24Category(req.getArt24().cStr());
  if (!category) {
    return Status::Error(
        "--art24 is one of none, public-information, internal-affairs, speech; "
        "not '" +
        std::string(req.getArt24().cStr()) + "'");
  }
  if (auto st = workflows::CheckNotExcluded(*category, req.getListedInScope()); !st.ok()) return st;
  std::optional<workflows::Protection> given;
  if (req.getMark().size() || req.getParts().size() == 0) {
    auto g = workflows::RequireMark(
        req.getMark(), unclear ? "the provisional level (--mark)" : "the proposed level (--mark)");
    if (!g.ok()) return g.status();
    given = g.value();
  }
  std::vector<workflows::Protection> parts;  // GD Art. 33: a compilation or excerpt
  for (auto part : req.getParts()) {
    auto pm = workflows::RequireMark(part, "a part of the compilation (--parts)");
    if (!pm.ok()) return pm.status();
    parts.push_back(pm.value());
  }
  auto p = workflows::ItemMark(given, parts);
  if (!p.ok()) return p.status();
  if (req.getTitle().size() == 0) return Status::Error("a title is required");
  std::string origin = OwnOrgan(req.getOrgan());
  if (!directory_.Find(origin)) return Status::Error("no organ " + origin + " on this node");
  std::string id = Matters::NextId(s.txn, origin, calendar::CstDateOf(s.now).year());
  calendar::Date today = calendar::CstDateOf(s.now);
  if (unclear && req.getHasAroseDay()) {
    return Status::Error(
        "--arose-on is for a 定密申请 (GD Art. 29); a 不明确事项's 10 working days "
        "run from its provisional setting (条例 Art. 25)");
  }
  auto set = unclear ? workflows::SetProvisional(directory_, origin, id, req.getTitle(), p.value(),
                                                 req.getScope(), s.now)
                     : workflows::RequestDetermination(
                           directory_, origin, id, req.getTitle(), p.value(), req.getScope(),
                           req.getHasAroseDay() ? calendar::Date{req.getAroseDay()} : today, s.now);
  if (Status st = Apply(s, set, "provisional measures (先行采取保密措施)"); !st.ok()) return st;
  if (req.getHold()) return Status::Ok();
  auto stored = Matters::Get(s.txn, id);  // with the report deadline it now tracks
  return Apply(s, workflows::Report(stored->matter, Materials(req.getMaterials()), s.now),
               "reported");
}

Status MatterControl::ApplyForGrant(Step& s) {
  auto ceiling = workflows::ParseLevel(s.req.getCeiling().cStr());
  if (!ceiling) {
    return Status::Error("the level applied for (--ceiling) is 秘密, 机密 or 绝密, not '" +
                         std::string(s.req.getCeiling().cStr()) + "'");
  }
  std::string origin = OwnOrgan(s.req.getOrgan());
  std::string id = Matters::NextId(s.txn, origin, calendar::CstDateOf(s.now).year());
  // The route is found by the organs' own authority (the directory as configured): a grant is
  // made from the grantor's original authority (GD Art. 7).
  return Apply(
      s,
      workflows::ApplyForGrant(filings_.base_directory(), origin, id, s.req.getTitle(), *ceiling,
                               s.req.getTermMonths(), Materials(s.req.getMaterials()), s.now),
      "applied (定密授权申请)");
}

Status MatterControl::Object(Step& s) {
  auto classified =
      workflows::RequireMark(s.req.getMark(), "the determination objected to (--mark)");
  if (!classified.ok()) return classified.status();
  workflows::Claim claim;
  claim.not_secret = s.req.getNotSecret();
  if (!claim.not_secret) {
    auto c = workflows::RequireMark(s.req.getClaimMark(),
                                    "the objector's claim (--claim or --claim-not-secret)");
    if (!c.ok()) return c.status();
    claim.protection = c.value();
  }
  if (s.req.getTitle().size() == 0) return Status::Error("a title is required");
  std::string origin = OwnOrgan(s.req.getOrgan());
  std::string id = Matters::NextId(s.txn, origin, calendar::CstDateOf(s.now).year());
  return Apply(
      s,
      workflows::Object(directory_, origin, s.req.getAgainst(), id, s.req.getTitle(),
                        classified.value(), claim, s.req.getScope(), s.now, s.req.getToSuperior()),
      "objected (定密异议)");
}

Status MatterControl::Review(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  const workflows::Matter& m = *s.held;
  if (m.at >= 0) {
    if (Status st = Here(m.path[m.at].organ, "the reviewing organ"); !st.ok()) return st;
  }
  if (s.req.getForward()) {
    return Apply(s, workflows::Forward(m, s.req.getWho(), s.req.getText(), s.now), "forwarded");
  }
  return Apply(s, workflows::Return(m, s.req.getWho(), s.req.getText(), s.now),
               "returned (退回补充)");
}

Status MatterControl::Decide(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  const workflows::Matter& m = *s.held;
  if (m.at >= 0) {
    if (Status st = Here(m.path[m.at].organ, "the deciding organ"); !st.ok()) return st;
  }
  workflows::Decision d;
  d.not_secret = s.req.getNotSecret();
  if (!d.not_secret) {
    auto p = workflows::RequireMark(s.req.getMark(), "the decided level (--mark, or --not-secret)");
    if (!p.ok()) return p.status();
    d.protection = p.value();
  }
  d.scope = s.req.getScope();
  d.decided_by = s.req.getWho();
  workflows::Matter now_held = m;
  if (m.at >= 0) {
    workflows::Organ& decider = now_held.path[m.at].organ;
    // Its authority now: its own and its live grants (GD Art. 6-10), not when the route was made.
    if (auto live = directory_.Find(decider.address())) decider.authority = live->authority;
  }
  auto decided = workflows::Decide(now_held, d, s.now);
  if (!decided.ok()) return decided.status();
  workflows::Step step = decided.value();
  // GD Art. 16 ¶3: an organ's own determination is approved by one of its 定密责任人. A
  // secrecy admin dept deciding an escalated matter signs as the deciding department (签发人).
  const workflows::Organ& decider = now_held.path[m.at].organ;
  if (!decider.is_secrecy_admin() && !d.not_secret) {
    if (Status st = filings_.MayApprove(s.txn, decider, d.decided_by, d.protection.level, s.now);
        !st.ok()) {
      return st;
    }
  }
  if (s.req.getOverrides().size()) {
    // GD Art. 22: the statutory one changes a designee's opinion and decides; the trail says so.
    if (decider.is_secrecy_admin()) {
      return Status::Error(
          "GD Art. 22 is about an organ's own 定密责任人, not a bureau's decision");
    }
    if (Status st = filings_.MayOverride(s.txn, decider, d.decided_by, s.req.getOverrides(), s.now);
        !st.ok()) {
      return st;
    }
    step.matter.history.back().detail +=
        "（法定定密责任人更改指定定密责任人 " + std::string(s.req.getOverrides().cStr()) +
        " 的定密意见" +
        (s.req.getOverridden().size() ? "：" + std::string(s.req.getOverridden().cStr()) : "") +
        "，GD Art. 22）";
  }
  return Apply(s, step, "decided (确定)");
}

Status MatterControl::ReferNational(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  const workflows::Matter& m = *s.held;
  if (m.at >= 0) {
    if (Status st = Here(m.path[m.at].organ, "the deciding organ"); !st.ok()) return st;
  }
  return Apply(s, workflows::ReferToNational(m, s.req.getVia(), s.req.getWho(), s.now),
               "referred to 国家保密局 (条例 Art. 25, 26)");
}

Status MatterControl::RecordNational(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  const workflows::Matter& m = *s.held;
  if (m.at >= 0) {
    if (Status st = Here(m.path[m.at].organ, "the provincial bureau"); !st.ok()) return st;
  }
  workflows::Decision d;
  d.not_secret = s.req.getNotSecret();
  if (!d.not_secret) {
    auto p = workflows::RequireMark(s.req.getMark(),
                                    "the national decision's level (--mark, or --not-secret)");
    if (!p.ok()) return p.status();
    d.protection = p.value();
  }
  d.scope = s.req.getScope();
  return Apply(
      s,
      workflows::RecordNationalDecision(m, d, s.req.getDocNumber(),
                                        calendar::Date{s.req.getDocDay()}, s.req.getWho(), s.now),
      "national decision recorded (国家保密局)");
}

Status MatterControl::Answer(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  if (s.held->Answerer()) {
    if (Status st = Here(*s.held->Answerer(), "the organ answering the objection"); !st.ok()) {
      return st;
    }
  }
  bool upheld = s.req.getUpheld();
  // GD Art. 16 ¶3: adopting the objection changes the determination (变更): one of the
  // answering organ's 定密责任人 approves it.
  if (!upheld && s.held->Answerer() && !s.held->Answerer()->is_secrecy_admin() &&
      s.req.getWho().size()) {
    auto level = s.held->PendingProtection();
    if (Status st =
            filings_.MayApprove(s.txn, *s.held->Answerer(), s.req.getWho(),
                                level ? level->level : workflows::SecrecyLevel::kMimi, s.now);
        !st.ok()) {
      return st;
    }
  }
  return Apply(
      s,
      workflows::Answer(*s.held, s.req.getWho(), s.req.getText(), upheld, s.now, s.req.getScope()),
      upheld ? "answered: upheld (维持)" : "answered: adopted (采纳异议)");
}

Status MatterControl::Accept(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  if (Status st = Here(s.held->origin, "the objector"); !st.ok()) return st;
  return Apply(s, workflows::AcceptAnswer(*s.held, s.now), "answer accepted");
}

Status MatterControl::Escalate(Step& s) {
  if (!s.held) return Status::Error("which matter? (--id)");
  if (Status st = Here(s.held->origin, "the objector"); !st.ok()) return st;
  // GD Art. 45: the classifier's 20 WD run from its receipt; its deadline travels with the copy.
  return Apply(s, workflows::Escalate(*s.held, Materials(s.req.getMaterials()), s.now),
               "escalated (有争议事项)");
}

}  // namespace zhuji::node
