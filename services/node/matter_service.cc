#include "services/node/matter_service.h"

#include <algorithm>

#include "services/common/ids.h"
#include "services/common/utf8.h"
#include "services/store/audit.h"
#include "zhuji/schemas/matter.capnp.h"

namespace zhuji::node {

const char* const kStepsNotTaken = "matter_steps_not_taken";

namespace {

using workflows::Matter;
using workflows::MatterState;

std::string Summary(const Matter& m) {
  return m.id + " " + workflows::MatterKindZh(m.kind) + " 「" + m.title + "」 " +
         workflows::MatterStateZh(m.state) + " @ " + m.holder().name + " (v" +
         std::to_string(m.version) + ")";
}

}  // namespace

MatterService::MatterService(const config::NodeConfig& config, Writer& writer, Mail& mail,
                             DeadlineService& deadlines, Health& health, spdlog::logger& log)
    : config_(config),
      writer_(writer),
      mail_(mail),
      deadlines_(deadlines),
      health_(health),
      log_(log) {}

KindEntry MatterService::EnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "matter";
  k.check = [self](const std::string& origin, std::string_view body) {
    if (Status st = CheckText<schema::Matter>(body); !st.ok()) return st;
    auto m = Matters::Decode(body);
    if (!m.ok()) return m.status();
    auto nodes = m.value().NoticeNodes();
    auto involved = [&](const std::string& n) {
      return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
    };
    if (!involved(self)) {
      return Status::Error("matter " + m.value().id + " does not concern node " + self);
    }
    if (!involved(origin)) {
      return Status::Error("matter " + m.value().id + " sent by node " + origin +
                           ", which is not on its route");
    }
    return Status::Ok();
  };
  // Versions cannot be forged (issue #10): the copy must follow from the one held here.
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) {
    auto m = Matters::Decode(body);
    if (!m.ok()) return m.status();
    auto held = Matters::Get(txn, m.value().id);
    return workflows::CheckCopy(held ? &held->matter : nullptr, m.value(), origin);
  };
  k.describe = [](std::string_view body) {
    auto m = Matters::Decode(body);
    return m.ok() ? std::string("事项 matter ") + m.value().id + " " +
                        workflows::MatterKindZh(m.value().kind) + " " +
                        workflows::MatterStateZh(m.value().state)
                  : m.message();
  };
  return k;
}

void MatterService::Register(KindRegistry& kinds) {
  kinds.Register(schema::Kind::MATTER, EnvelopeKind(config_.node_id));
  kinds.SetApply(schema::Kind::MATTER,
                 [this](store::Txn& txn, const std::string& from, std::string_view body,
                        int64_t now) { OnEnvelope(txn, from, body, now); });
}

Status MatterService::FileWithNational(store::Txn& txn, const std::string& id,
                                       const std::string& via, const std::string& by, int64_t now) {
  auto s = Matters::Get(txn, id);
  if (!s) return Status::Error("no matter " + id + " on node " + config_.node_id);
  const Matter& m = s->matter;
  if (!workflows::OwesNationalFiling(m) || m.path.back().organ.node != config_.node_id) {
    return Status::Error(
        "条例 Art. 25 ¶2: only a decision of the provincial secrecy bureau, "
        "taken on this node, is filed with 国家保密局; matter " +
        id + " is " + workflows::MatterStateZh(m));
  }
  if (s->national_filed_at) {
    return Status::Error("matter " + id + " was filed with 国家保密局 already");
  }
  if (via.empty()) return Status::Error("say how it went (--via 机要交通, 机要通信 …)");
  if (by.empty()) return Status::Error("say who filed it (--by)");
  s->national_filed_at = now;
  s->national_filed_via = via;
  s->national_filed_by = by;
  s->updated_at = now;
  Matters::Put(txn, *s);
  deadlines_.CloseDuty(txn, id, workflows::kStepNationalFiling, now);
  store::Audit::Append(txn, now, "matter filed with the national bureau (备案)",
                       id + " via " + via + " by " + by);
  writer_.AfterCommit(
      [this, id, via] { log_.info("matter {}: filed with 国家保密局 (备案) via {}", id, via); });
  return Status::Ok();
}

Status MatterService::OpenChangeNotice(store::Txn& txn, StoredMatter& s, int64_t now) {
  const Matter& m = s.matter;
  // GD Art. 40: an adopted objection changed the classifier's determination (变更); the
  // classifier notifies the 知悉范围 in writing within 10 WD of the decision.
  if (m.state != MatterState::kSettled || m.upheld || !m.classifier ||
      m.classifier->node != config_.node_id) {
    return Status::Ok();
  }
  // Counted from the day the settlement reaches the classifier: the adoption is final only at
  // the objector, and a link outage on the way back is blamed on neither side.
  auto d = deadlines_.OpenDuty(
      txn,
      {.item = m.id,
       .step = workflows::kStepChangeNotice,
       .rule = "GD Art. 40",
       .title = std::string(workflows::MatterKindZh(m.kind)) + " 「" + m.title + "」",
       .trigger = calendar::CstDateOf(now),
       .working_days = workflows::kChangeNoticeWorkingDays},
      &*m.classifier, now);
  if (!d.ok()) {
    return Status::Error("matter " + m.id +
                         ": its GD Art. 40 notice duty cannot be opened: " + d.message());
  }
  s.change_notice_due_at = d.value().due_ms;
  return Status::Ok();
}

Status MatterService::NotifyChange(store::Txn& txn, const std::string& id, const std::string& by,
                                   const std::string& how, int64_t now) {
  auto s = Matters::Get(txn, id);
  if (!s) return Status::Error("no matter " + id + " on node " + config_.node_id);
  if (!s->change_notice_due_at) {
    return Status::Error("GD Art. 40: matter " + id +
                         " holds no change (变更) of a determination "
                         "of this node's organs to notify");
  }
  if (s->change_notified_at) return Status::Error("the 变更 of " + id + " was notified already");
  if (by.empty()) return Status::Error("say who sent the written notice (--by)");
  s->change_notified_at = now;
  s->change_notified_by = by;
  s->change_notice = how;
  s->updated_at = now;
  Matters::Put(txn, *s);
  deadlines_.CloseDuty(txn, id, workflows::kStepChangeNotice, now);
  store::Audit::Append(txn, now, "matter change notified (GD Art. 40)", id + " by " + by);
  return Status::Ok();
}

void MatterService::KeepLateStep(store::Txn& txn, StoredMatter held,
                                 const workflows::TrailEvent& step, const std::string& what,
                                 int64_t now) {
  if (std::find(held.late_steps.begin(), held.late_steps.end(), step) != held.late_steps.end()) {
    return;  // delivered again
  }
  held.late_steps.push_back(step);
  held.updated_at = now;
  Matters::Put(txn, held);
  store::Audit::Append(txn, now, "matter late step kept as history",
                       what + ": " + step.organ + " " + step.action +
                           " came after the escalation; the matter went on upward");
  writer_.AfterCommit([this, line = what + ": " + step.organ + " " + step.action] {
    log_.info("matter {}: late, kept as history (GD Art. 31, 45)", line);
  });
}

void MatterService::RefuseFork(store::Txn& txn, const Matter& held, const Matter& copy,
                               const std::string& what, int64_t now) {
  std::string why = what + ": its step (" + copy.history.back().organ + " " +
                    copy.history.back().action + ") differs from v" + std::to_string(copy.version) +
                    " held here (" + held.history[copy.version - 1].organ + " " +
                    held.history[copy.version - 1].action + "): two copies of one version";
  store::Audit::Append(txn, now, "matter fork refused", why);
  writer_.AfterCommit([this, why] { health_.NoteError("matter fork refused: " + why); });
}

void MatterService::CloseReportDuty(store::Txn& txn, const Matter& m, int64_t now) {
  // 条例 Art. 25 "报有关部门确定": the origin's report duty is met when the deciding department
  // has received the matter (its receipt reaches the origin as a copy), not when it left.
  if (m.origin.node == config_.node_id && m.DeciderReceivedAt()) {
    deadlines_.CloseDuty(txn, m.id, workflows::kStepReport, now);
  }
}

bool MatterService::HoldsStepHere(const Matter& m) const {
  if (m.state == MatterState::kReturned) return m.at == -1 && m.origin.node == config_.node_id;
  if (m.state == MatterState::kObjected) {
    return m.Answerer() && m.Answerer()->node == config_.node_id;
  }
  if (m.state == MatterState::kAnswered) {  // an adoption, made final by the objector's node
    return !m.upheld && m.at == -1 && m.origin.node == config_.node_id;
  }
  return m.state == MatterState::kInReview && m.at >= 0 &&
         m.path[m.at].organ.node == config_.node_id;
}

Status MatterService::OpenDeadlines(store::Txn& txn, const workflows::Step& step, Matter* m,
                                    int64_t now) {
  for (const auto& c : step.effects.close) deadlines_.CloseDuty(txn, c.item, c.step, now);
  for (const auto& o : step.effects.open) {
    // GD Art. 41: the overdue report goes to the dept that supervises the organ whose duty it is.
    using Duty = workflows::DeadlineOpen::Duty;
    const workflows::Organ* organ = o.duty == Duty::kHop || o.duty == Duty::kNationalFiling
                                        ? &m->path[o.hop].organ
                                    : o.duty == Duty::kAnswer && m->Answerer() ? m->Answerer()
                                                                               : &m->origin;
    auto d = deadlines_.OpenDuty(
        txn,
        {.item = o.item,
         .step = o.step,
         .rule = o.rule,
         .title = std::string(workflows::MatterKindZh(m->kind)) + " 「" + m->title + "」",
         .trigger = o.trigger,
         .working_days = o.working_days},
        organ, now);
    if (!d.ok()) {
      // The step and its deadline go together or not at all: the caller aborts the transaction.
      return Status::Error("matter " + m->id + ": its deadline " + o.step +
                           " cannot be opened: " + d.message());
    }
    // The deadline travels with the matter, so every trail shows it.
    const int64_t due = d.value().due_ms;
    switch (o.duty) {
      case Duty::kReport:
        m->report_due_at = due;
        break;
      case Duty::kAnswer:
        m->answer_due_at = due;
        break;
      case Duty::kResubmit:
        m->resubmit_due_at = due;
        break;
      case Duty::kNationalFiling:
        break;  // the province's own record: it does not travel
      case Duty::kHop:
        m->path[o.hop].due_at = due;
        break;
    }
  }
  return Status::Ok();
}

Status MatterService::ApplyStep(store::Txn& txn, const workflows::Step& step,
                                const std::string& what, int64_t now) {
  Matter m = step.matter;
  auto prev = Matters::Get(txn, m.id);
  StoredMatter s = prev ? *prev : StoredMatter{};
  if (!prev) s.created_at = now;
  s.updated_at = now;
  workflows::Step with = step;
  if (m.final() && !(prev && prev->matter.final()) && workflows::OwesNationalFiling(m) &&
      m.path.back().organ.node == config_.node_id) {
    // 条例 Art. 25 ¶2: the provincial bureau's own decision is filed with 国家保密局 "及时".
    with.effects.open.push_back(
        {m.id, workflows::kStepNationalFiling, "条例 Art. 25 ¶2 (policy)", calendar::CstDateOf(now),
         config_.escalation.national_filing_working_days,
         workflows::DeadlineOpen::Duty::kNationalFiling, static_cast<int>(m.path.size()) - 1});
  }
  if (Status st = OpenDeadlines(txn, with, &m, now); !st.ok()) return st;
  s.matter = m;
  // A decision (or a settled dispute) taken here is known here from the moment it is taken.
  if (m.final() && !s.notice_received_at) s.notice_received_at = now;
  if (m.final() && !(prev && prev->matter.final())) {
    // Settled on this node with the classifier on it too: its GD Art. 40 notice is due here.
    if (Status st = OpenChangeNotice(txn, s, now); !st.ok()) return st;
  }
  bool here = false;
  std::string sent;
  for (const auto& node : step.effects.send_to) {
    if (node == config_.node_id) {
      here = true;
      continue;
    }
    mail_.Post(txn, {node, schema::Kind::MATTER, Matters::Encode(m), m.id}, now);
    sent += (sent.empty() ? " → " : ", ") + node;
  }
  Matters::Put(txn, s);
  CloseReportDuty(txn, m, now);
  store::Audit::Append(txn, now, "matter " + what, Summary(m) + sent);
  writer_.AfterCommit(
      [this, line = what + ": " + Summary(m) + sent] { log_.info("matter {}", line); });
  return here ? ReceiveHere(txn, s.matter, now) : Status::Ok();
}

Status MatterService::ReceiveHere(store::Txn& txn, const Matter& m, int64_t now) {
  if (!HoldsStepHere(m)) return Status::Ok();
  auto r = workflows::Receive(m, now, config_.escalation);
  if (!r.ok()) return Status::Error("matter " + m.id + ": " + r.message());
  if (r.value().matter.version == m.version) return Status::Ok();  // received before
  if (auto st = ApplyStep(txn, r.value(), "received", now); !st.ok()) return st;
  if (config_.auto_review && m.state == MatterState::kInReview && m.at >= 0) {
    auto stored = Matters::Get(txn, m.id);
    auto step = workflows::AutoReview(stored->matter, now);
    if (!step.ok()) return Status::Error("matter " + m.id + ": auto-review: " + step.message());
    return ApplyStep(txn, step.value(), "auto-reviewed (TEST POLICY)", now);
  }
  return Status::Ok();
}

void MatterService::OnEnvelope(store::Txn& txn, const std::string& from, std::string_view body,
                               int64_t now) {
  auto decoded = Matters::Decode(body);  // checked by the inbox already
  if (!decoded.ok()) return;
  const Matter& m = decoded.value();
  auto prev = Matters::Get(txn, m.id);
  std::optional<workflows::TrailEvent> late;  // the held step the copy's escalation beat
  if (prev && prev->matter.version >= m.version) {
    const std::string what = m.id + " v" + std::to_string(m.version) + " from " + from;
    switch (workflows::ResolveFork(prev->matter, m, from)) {
      case workflows::ForkOutcome::kNone:
        store::Audit::Append(txn, now, "matter copy ignored",
                             what + ": v" + std::to_string(prev->matter.version) + " is held here");
        return;
      case workflows::ForkOutcome::kKeepHeld:
        KeepLateStep(txn, *prev, m.history.back(), what, now);
        return;
      case workflows::ForkOutcome::kRefuse:
        RefuseFork(txn, prev->matter, m, what, now);
        return;
      case workflows::ForkOutcome::kTakeCopy:
        late = prev->matter.history[m.version - 1];
        break;
    }
  }
  StoredMatter s = prev ? *prev : StoredMatter{};
  if (!prev) s.created_at = now;
  s.matter = m;
  s.updated_at = now;
  std::string event = "matter arrived";
  if (late) {
    // GD Art. 31, 45: the objector escalated while this node answered late; the escalation wins,
    // the answer stays as history.
    s.late_steps.push_back(*late);
    event = "matter fork resolved: the escalation wins, the late answer is kept as history";
  }
  if (prev && prev->matter.state == MatterState::kObjected && m.state != MatterState::kObjected) {
    deadlines_.CloseDuty(txn, m.id, workflows::AnswerStep(m), now);  // answered, or gone up
  }
  if (m.final() && !s.notice_received_at) {
    // 书面通知: the decision (or the settled dispute) is recorded by every organ it reaches; any
    // duty of this node on the matter ends with it.
    s.notice_received_at = now;
    event = "matter notice recorded (书面通知)";
    for (const auto& step : deadlines::DeadlineBook::OpenSteps(txn, m.id)) {
      deadlines_.CloseDuty(txn, m.id, step, now);
    }
    if (Status st = OpenChangeNotice(txn, s, now); !st.ok()) {
      health_.NoteError(st.message());  // kept: the copy is stored, the duty named in the log
      store::Audit::Append(txn, now, "matter duty not opened", st.message());
    }
  }
  Matters::Put(txn, s);
  CloseReportDuty(txn, m, now);
  store::Audit::Append(txn, now, event, Summary(m) + " from " + from);
  writer_.AfterCommit(
      [this, line = event + ": " + Summary(m) + " from " + from] { log_.info("{}", line); });
  TakeOwnStep(txn, s, now);
}

// This node's own step on a received matter (receipt, a test policy's review) goes in whole or
// not at all; the copy is kept either way, and a step not taken is named in the audit log and
// status.
void MatterService::TakeOwnStep(store::Txn& txn, const StoredMatter& s, int64_t now) {
  Writer::Mark mark = writer_.EffectsMark();
  auto child = txn.Child();
  Status st = ReceiveHere(child, s.matter, now);
  if (st.ok()) {
    child.Commit();
    return;
  }
  child.Abort();
  writer_.AbortSince(mark);
  store::Audit::Append(txn, now, "matter step not taken", st.message());
  auto n = txn.Get("meta", kStepsNotTaken);
  txn.Put("meta", kStepsNotTaken, EncodeBe64((n && n->size() == 8 ? DecodeBe64(*n) : 0) + 1));
  writer_.AfterCommit(
      [this, why = st.message()] { health_.NoteError("matter step not taken: " + why); });
}

}  // namespace zhuji::node
