// Escalated matters on the node (issue #4): the pure workflows of services/workflows/ applied in
// the node's transactions. A step's new matter, its deadlines and the envelopes it sends are
// written in one transaction (DESIGN.md "Delivery guarantee"); a step for another organ on this
// same node is applied at once in that transaction.
#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/common/time_format.h"
#include "services/node/audit.h"
#include "services/node/matters.h"
#include "services/node/node.h"
#include "services/workflows/determination_request.h"
#include "services/workflows/disputed_matter.h"
#include "services/workflows/unclear_matter.h"

namespace zhuji::node {

// Counted in `meta` for `zhuji status`: this node's own steps on received matters that could not
// be taken (each named in the audit log).
const char* const kStepsNotTaken = "matter_steps_not_taken";

namespace {

using workflows::Matter;
using workflows::MatterState;

std::string Summary(const Matter& m) {
  const std::string& where = m.holder().name;
  return m.id + " " + workflows::MatterKindZh(m.kind) + " 「" + m.title + "」 " +
         workflows::MatterStateZh(m.state) + " @ " + where + " (v" + std::to_string(m.version) +
         ")";
}

}  // namespace

bool Node::HoldsStepHere(const Matter& m) const {
  if (m.state == MatterState::kObjected)
    return m.classifier && m.classifier->node == config_.node_id;
  return m.state == MatterState::kInReview && m.at >= 0 &&
         m.path[m.at].organ.node == config_.node_id;
}

Status Node::ApplyMatterStep(store::Txn& txn, const workflows::Step& step, const std::string& what,
                             int64_t now, Queued* queued) {
  Matter m = step.matter;
  auto prev = Matters::Get(txn, m.id);
  StoredMatter s = prev ? *prev : StoredMatter{};
  if (!prev) s.created_at = now;
  s.updated_at = now;
  for (const auto& c : step.effects.close) CloseDuty(txn, c.item, c.step, now, queued);
  for (const auto& o : step.effects.open) {
    DeadlineSpec spec;
    spec.item = o.item;
    spec.step = o.step;
    spec.rule = o.rule;
    spec.title = std::string(workflows::MatterKindZh(m.kind)) + " 「" + m.title + "」";
    spec.trigger = o.trigger;
    spec.working_days = o.working_days;
    spec.supervisor = config_.parent;
    DeadlineRecord d;
    if (auto st = deadlines_.Open(txn, spec, now, &d); !st.ok()) {
      // The step and its deadline go together or not at all: the caller aborts the transaction.
      return Status::Error("matter " + m.id + ": its deadline " + o.step +
                           " cannot be opened: " + st.message());
    }
    // The deadline travels with the matter, so every trail shows it.
    using Duty = workflows::DeadlineOpen::Duty;
    switch (o.duty) {
      case Duty::kReport:
        m.report_due_at = d.due_ms;
        break;
      case Duty::kAnswer:
        m.answer_due_at = d.due_ms;
        break;
      case Duty::kHop:
        m.path[o.hop].due_at = d.due_ms;
        break;
    }
  }
  s.matter = m;
  // A decision (or a settled dispute) taken here is known here from the moment it is taken.
  if (m.final() && !s.notice_received_at) s.notice_received_at = now;
  bool here = false;
  std::string sent;
  for (const auto& node : step.effects.send_to) {
    if (node == config_.node_id) {
      here = true;
      continue;
    }
    OutgoingEnvelope out{node, schema::Kind::MATTER, Matters::Encode(m), m.id};
    queued->emplace_back(node, outbox_.Enqueue(txn, out, now).seq);
    sent += (sent.empty() ? " → " : ", ") + node;
  }
  Matters::Put(txn, s);
  Audit::Append(txn, now, "matter " + what, Summary(m) + sent);
  AfterCommit([this, line = what + ": " + Summary(m) + sent] { log_.info("matter {}", line); });
  if (here) return ReceiveHere(txn, s.matter, now, queued);
  return Status::Ok();
}

Status Node::ReceiveHere(store::Txn& txn, const Matter& m, int64_t now, Queued* queued) {
  if (!HoldsStepHere(m)) return Status::Ok();
  auto r = workflows::Receive(m, now, config_.escalation);
  if (!r.ok()) return Status::Error("matter " + m.id + ": " + r.message());
  if (r.value().matter.version == m.version) return Status::Ok();  // received before
  if (auto st = ApplyMatterStep(txn, r.value(), "received", now, queued); !st.ok()) return st;
  if (config_.auto_review && m.state == MatterState::kInReview) {
    auto stored = Matters::Get(txn, m.id);
    auto step = workflows::AutoReview(stored->matter, now);
    if (!step.ok()) return Status::Error("matter " + m.id + ": auto-review: " + step.message());
    return ApplyMatterStep(txn, step.value(), "auto-reviewed (TEST POLICY)", now, queued);
  }
  return Status::Ok();
}

void Node::OnMatterEnvelope(store::Txn& txn, const std::string& from, std::string_view body,
                            int64_t now, Queued* queued) {
  auto decoded = Matters::Decode(body);  // checked by the inbox already
  if (!decoded.ok()) return;
  const Matter& m = decoded.value();
  auto prev = Matters::Get(txn, m.id);
  if (prev && prev->matter.version >= m.version) {
    Audit::Append(txn, now, "matter copy ignored",
                  m.id + " v" + std::to_string(m.version) + " from " + from + ": v" +
                      std::to_string(prev->matter.version) + " is held here");
    return;
  }
  StoredMatter s = prev ? *prev : StoredMatter{};
  if (!prev) s.created_at = now;
  s.matter = m;
  s.updated_at = now;
  std::string event = "matter arrived";
  if (m.final() && !s.notice_received_at) {
    // 书面通知: the decision (or the settled dispute) is recorded by every organ it reaches; any
    // duty of this node on the matter ends with it.
    s.notice_received_at = now;
    event = "matter notice recorded (书面通知)";
    for (const auto& step : DeadlineBook::OpenSteps(txn, m.id)) {
      CloseDuty(txn, m.id, step, now, queued);
    }
  }
  Matters::Put(txn, s);
  Audit::Append(txn, now, event, Summary(m) + " from " + from);
  AfterCommit(
      [this, line = event + ": " + Summary(m) + " from " + from] { log_.info("{}", line); });
  // This node's own step on it (receipt, a test policy's review) goes in whole or not at all;
  // the copy is kept either way, and a step not taken is named in the audit log and status.
  size_t effects = after_commit_.size();
  Queued mine;
  auto child = txn.Child();
  Status st = ReceiveHere(child, s.matter, now, &mine);
  if (st.ok()) {
    child.Commit();
    queued->insert(queued->end(), mine.begin(), mine.end());
    return;
  }
  child.Abort();
  after_commit_.resize(effects);
  Audit::Append(txn, now, "matter step not taken", st.message());
  auto n = txn.Get("meta", kStepsNotTaken);
  txn.Put("meta", kStepsNotTaken, EncodeBe64((n && n->size() == 8 ? DecodeBe64(*n) : 0) + 1));
  AfterCommit([this, why = st.message()] { NoteError("matter step not taken: " + why); });
}

namespace {

Result<workflows::Protection> Mark(const std::string& text, const char* what) {
  if (text.empty())
    return Status::Error(std::string(what) + " is required (a GD Art. 32 mark, e.g. 秘密★5年)");
  auto p = workflows::ParseMark(text);
  if (!p.ok()) return Status::Error(std::string(what) + ": " + p.message());
  return p;
}

// A refused step: thrown inside the write so that nothing of it is committed.
struct StepRefused {
  Status status;
};

void ReplyMatters(schema::ControlReply::Builder r, const std::vector<StoredMatter>& list) {
  auto out = r.initMatters(list.size());
  for (size_t i = 0; i < list.size(); ++i) out.set(i, AsData(Matters::EncodeStored(list[i])));
}

std::set<std::string> Materials(capnp::List<capnp::Text>::Reader list) {
  std::set<std::string> out;
  for (auto m : list) out.insert(m);
  return out;
}

}  // namespace

void Node::HandleMatterControl(schema::MatterRequest::Reader req, schema::ControlReply::Builder r) {
  using Op = schema::MatterRequest::Op;
  int64_t now = clock_.NowMs();
  std::string id = req.getId();
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) {
    std::vector<StoredMatter> list;
    {
      auto txn = env_.BeginRead();
      if (req.getOp() == Op::LIST) {
        list = Matters::List(txn);
      } else if (auto s = Matters::Get(txn, id)) {
        list.push_back(*s);
      }
    }
    if (req.getOp() == Op::SHOW && list.empty()) {
      r.setError("no matter " + id + " on node " + config_.node_id);
      return;
    }
    ReplyMatters(r, list);
    return;
  }
  if (!directory_.Node(config_.node_id)) {
    r.setError("node " + config_.node_id +
               " has no directory of organs (set `directory` in its configuration, GD Art. 15): "
               "routes cannot be computed");
    return;
  }
  Queued queued;
  std::string done_id;
  try {
    WriteStep(
        [&](store::Txn& txn) {
          queued.clear();
          auto fail = [](const Status& st) { throw StepRefused{st}; };
          std::optional<StoredMatter> held;
          if (!id.empty()) {
            held = Matters::Get(txn, id);
            if (!held)
              return fail(Status::Error("no matter " + id + " on node " + config_.node_id));
          }
          const Matter* m = held ? &held->matter : nullptr;
          auto need = [&](bool ok, const std::string& why) {
            if (!ok) fail(Status::Error(why));
            return ok;
          };
          auto own_organ = [&](const std::string& code) -> std::string {
            return config_.node_id + "/" + code;
          };
          auto here = [&](const workflows::Organ& o, const char* role) {
            return need(o.node == config_.node_id, std::string(role) + " " + o.name +
                                                       " is on node " + o.node +
                                                       ", not on this node " + config_.node_id +
                                                       ": that node's operators act for it");
          };
          auto apply = [&](const Result<workflows::Step>& step, const std::string& what) {
            if (!step.ok()) return fail(step.status());
            done_id = step.value().matter.id;
            if (auto st = ApplyMatterStep(txn, step.value(), what, now, &queued); !st.ok())
              fail(st);
          };
          int year = calendar::CstDateOf(now).year();
          switch (req.getOp()) {
            case Op::REPORT:
            case Op::REQUEST: {
              bool unclear = req.getOp() == Op::REPORT;
              if (m) {  // a report again, after a return for more material
                if (!here(m->origin, "the origin")) return;
                return apply(workflows::Report(*m, Materials(req.getMaterials()), now), "reported");
              }
              // GD Art. 24: what may not be a state secret, unless a scope of secret matters says
              // so.
              auto category = workflows::ParseArt24Category(req.getArt24().cStr());
              if (!category) {
                return fail(
                    Status::Error("--art24 is one of none, public-information, "
                                  "internal-affairs, speech; not '" +
                                  std::string(req.getArt24().cStr()) + "'"));
              }
              if (auto st = workflows::CheckNotExcluded(*category, req.getListedInScope());
                  !st.ok()) {
                return fail(st);
              }
              const char* what =
                  unclear ? "the provisional level (--mark)" : "the proposed level (--mark)";
              std::optional<workflows::Protection> given;
              if (req.getMark().size() || req.getParts().size() == 0) {
                auto g = Mark(req.getMark(), what);
                if (!g.ok()) return fail(g.status());
                given = g.value();
              }
              std::vector<workflows::Protection> parts;  // GD Art. 33: a compilation or excerpt
              for (auto part : req.getParts()) {
                auto pm = Mark(part, "a part of the compilation (--parts)");
                if (!pm.ok()) return fail(pm.status());
                parts.push_back(pm.value());
              }
              auto p = workflows::ItemMark(given, parts);
              if (!p.ok()) return fail(p.status());
              if (!need(req.getTitle().size() > 0, "a title is required")) return;
              std::string origin = own_organ(req.getOrgan());
              if (!need(directory_.Find(origin).has_value(),
                        "no organ " + origin + " on this node"))
                return;
              std::string new_id = Matters::NextId(txn, origin, year);
              auto set =
                  unclear
                      ? workflows::SetProvisional(directory_, origin, new_id, req.getTitle(),
                                                  p.value(), now, config_.escalation)
                      : workflows::RequestDetermination(directory_, origin, new_id, req.getTitle(),
                                                        p.value(), now, config_.escalation);
              if (!set.ok()) return fail(set.status());
              apply(set, "set provisionally (先行保护)");
              if (req.getHold()) return;
              auto stored = Matters::Get(txn, new_id);  // with the report deadline it now tracks
              return apply(workflows::Report(stored->matter, Materials(req.getMaterials()), now),
                           "reported");
            }
            case Op::OBJECT: {
              auto classified = Mark(req.getMark(), "the determination objected to (--mark)");
              if (!classified.ok()) return fail(classified.status());
              workflows::Claim claim;
              claim.not_secret = req.getNotSecret();
              if (!claim.not_secret) {
                auto c = Mark(req.getClaimMark(),
                              "the objector's claim (--claim or --claim-not-secret)");
                if (!c.ok()) return fail(c.status());
                claim.protection = c.value();
              }
              if (!need(req.getTitle().size() > 0, "a title is required")) return;
              std::string origin = own_organ(req.getOrgan());
              return apply(workflows::Object(directory_, origin, req.getAgainst(),
                                             Matters::NextId(txn, origin, year), req.getTitle(),
                                             classified.value(), claim, now),
                           "objected (定密异议)");
            }
            case Op::REVIEW: {
              if (!need(m != nullptr, "which matter? (--id)")) return;
              if (m->at >= 0 && !here(m->path[m->at].organ, "the reviewing organ")) return;
              if (req.getForward()) {
                return apply(workflows::Forward(*m, req.getWho(), req.getText(), now), "forwarded");
              }
              return apply(workflows::Return(*m, req.getWho(), req.getText(), now),
                           "returned (退回补充)");
            }
            case Op::DECIDE: {
              if (!need(m != nullptr, "which matter? (--id)")) return;
              if (m->at >= 0 && !here(m->path[m->at].organ, "the deciding organ")) return;
              workflows::Decision d;
              d.not_secret = req.getNotSecret();
              if (!d.not_secret) {
                auto p = Mark(req.getMark(), "the decided level (--mark, or --not-secret)");
                if (!p.ok()) return fail(p.status());
                d.protection = p.value();
              }
              d.scope = req.getText();
              d.decided_by = req.getWho();
              return apply(workflows::Decide(*m, d, now), "decided (确定)");
            }
            case Op::ANSWER: {
              if (!need(m != nullptr, "which matter? (--id)")) return;
              if (m->classifier && !here(*m->classifier, "the classifier")) return;
              return apply(
                  workflows::Answer(*m, req.getWho(), req.getText(), req.getUpheld(), now),
                  req.getUpheld() ? "answered: upheld (维持)" : "answered: adopted (采纳异议)");
            }
            case Op::ACCEPT: {
              if (!need(m != nullptr, "which matter? (--id)")) return;
              if (!here(m->origin, "the objector")) return;
              return apply(workflows::AcceptAnswer(*m, now), "answer accepted");
            }
            case Op::ESCALATE: {
              if (!need(m != nullptr, "which matter? (--id)")) return;
              if (!here(m->origin, "the objector")) return;
              // GD Art. 45: the classifier had 20 WD; counted here from the day of the objection.
              auto due = calendar_.AddWorkingDays(calendar::CstDateOf(m->provisional_at),
                                                  config_.escalation.objection_working_days);
              return apply(
                  workflows::Escalate(*m, Materials(req.getMaterials()), now > due.due_ms, now),
                  "escalated (有争议事项)");
            }
            default:
              return fail(Status::Error("unknown matter step"));
          }
        },
        [&](store::Txn& txn) {  // the reply a retry of this step gets
          capnp::MallocMessageBuilder m;
          std::vector<StoredMatter> done;
          if (auto s = Matters::Get(txn, done_id)) done.push_back(*s);
          ReplyMatters(m.initRoot<schema::ControlReply>(), done);
          return ToBytes(m);
        });
  } catch (const StepRefused& refused) {
    r.setError(refused.status.message());  // nothing of the step was committed
    return;
  }
  for (auto& [dest, seq] : queued) pump_.Enqueued(dest, seq);
  {
    auto txn = env_.BeginRead();
    RefreshNextDeadline(txn);
    std::vector<StoredMatter> done;
    if (auto s = Matters::Get(txn, done_id)) done.push_back(*s);
    ReplyMatters(r, done);
  }
}

}  // namespace zhuji::node
