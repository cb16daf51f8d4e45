#include "services/workflows/disputed_matter.h"

namespace zhuji::workflows {

Result<Step> Object(const OrganDirectory& directory, const std::string& objector_address,
                    const std::string& classifier_address, std::string id, std::string title,
                    const Protection& classified, const Claim& objection, std::string scope,
                    int64_t now, bool to_superior) {
  auto objector = directory.Find(objector_address);
  if (!objector) return Status::Error("no organ " + objector_address + " in the directory");
  auto classifier = directory.Find(classifier_address);
  if (!classifier) return Status::Error("no organ " + classifier_address + " in the directory");
  if (objector->address() == classifier->address()) {
    return Status::Error("GD Art. 45: an organ does not object to its own determination");
  }
  if (auto st = CheckProtection(classified); !st.ok()) {
    return Status::Error("the determination objected to: " + st.message());
  }
  if (!objection.not_secret) {
    if (auto st = CheckProtection(objection.protection); !st.ok()) {
      return Status::Error("the objector's claim: " + st.message());
    }
    if (objection.protection == classified) {
      return Status::Error("GD Art. 45: the objection claims the very mark objected to");
    }
  }
  auto path = directory.EscalationPath(objector_address);
  if (!path.ok()) return path.status();
  if (path.value().empty()) {
    return Status::Error(objector->name +
                         " is the provincial secrecy bureau: it decides disputes "
                         "itself");
  }
  Step s;
  Matter& m = s.matter;
  m = detail::NewMatter(MatterKind::kDisputed, std::move(id), *objector, std::move(title),
                        classified, now, path.value());
  m.classifier = *classifier;
  m.scope = std::move(scope);
  if (to_superior) {
    // GD Art. 45 "向原定密机关或者其上级机关提出异议": the superior is the classifier's next organ
    // up, as an escalation would go (the same line one level up, or that level's secrecy admin).
    auto up = directory.EscalationPath(classifier->address());
    if (!up.ok()) return up.status();
    if (up.value().empty()) {
      return Status::Error("GD Art. 45: " + classifier->name +
                           " has no superior in the directory; object to it directly");
    }
    m.answerer = up.value().front().organ;
    if (m.answerer->line != classifier->line) {
      // A secrecy admin dept standing in for a missing level, or the provincial bureau above a
      // province-level organ, is not the classifier's 上级机关.
      return Status::Error("GD Art. 45: " + classifier->name +
                           " has no superior organ of its line (" + classifier->line +
                           ") in the directory; object to it directly");
    }
    if (m.answerer->address() == objector->address()) {
      return Status::Error("GD Art. 45: the objector is the classifier's superior itself");
    }
  }
  Claim by_classifier;
  by_classifier.organ = classifier->address();
  by_classifier.organ_name = classifier->name;
  by_classifier.protection = classified;
  Claim by_objector = objection;
  by_objector.organ = objector->address();
  by_objector.organ_name = objector->name;
  m.claims = {by_classifier, by_objector};
  m.state = MatterState::kObjected;
  detail::Note(m, now, objector->name, "提出定密异议 objected",
               "原定密 " + FormatMark(classified) + "，主张 " +
                   LevelText(objection.not_secret, objection.protection));
  // GD Art. 31, 45: the objection goes first to the original classifying organ (or its superior),
  // on this node too (the node then takes the receipt in the same transaction).
  s.effects.send_to.push_back(m.Answerer()->node);
  return s;
}

Result<Step> Answer(const Matter& in, std::string answered_by, std::string answer, bool upheld,
                    int64_t now, std::string scope) {
  if (in.state != MatterState::kObjected || !in.Answerer()) return detail::Where(in, "answer");
  if (!in.objection_received_at) {
    return Status::Error(in.Answerer()->name + " has not received the objection " + in.id + " yet");
  }
  if (answer.empty()) return Status::Error("GD Art. 45: the answer (处理结果) must say something");
  if (answered_by.empty()) return Status::Error("GD Art. 45: the answer names who gave it");
  // GD Art. 23: an adoption changes the determination to the objector's claim, which is a level,
  // a term and a 知悉范围; the scope is the one given with the objection, or with the answer.
  if (!upheld && !in.claims.back().not_secret && in.scope.empty() && scope.empty()) {
    return Status::Error(
        "GD Art. 23: the changed determination carries its 知悉范围: give --scope with the "
        "answer");
  }
  Step s{in, {}};
  Matter& m = s.matter;
  if (!scope.empty()) m.scope = std::move(scope);
  detail::Note(m, now, in.Answerer()->name, upheld ? kActionAnswerUpheld : kActionAnswerAdopted,
               answer);
  m.answered_at = now;
  m.answered_by = std::move(answered_by);
  m.answer = std::move(answer);
  m.upheld = upheld;
  s.effects.close.push_back({m.id, AnswerStep(m)});
  // Adopted or upheld, the answer goes back to the objector promptly (GD Art. 45), whose node
  // makes an adoption final: the objector alone decides whether the dispute ends or goes up, so
  // a late answer can never settle one it has escalated meanwhile (ResolveFork).
  m.state = MatterState::kAnswered;
  s.effects.send_to.push_back(m.origin.node);
  return s;
}

Result<Step> AcceptAnswer(const Matter& in, int64_t now) {
  if (in.state != MatterState::kAnswered || !in.upheld || in.at != -1) {
    return detail::Where(in, "accept");
  }
  Step s{in, {}};
  Matter& m = s.matter;
  detail::Note(m, now, m.origin.name, "接受答复 accepted the answer");
  detail::Settle(m, m.claims.front(), now);  // the classifier's determination stands (确定)
  for (auto& node : m.SettlementNodes()) {
    if (node != m.origin.node) s.effects.send_to.push_back(node);
  }
  return s;
}

namespace {

// GD Art. 31 covers "是否属于国家秘密或者属于何种密级": every party claims a secret of one level.
bool TermOnly(const Matter& m) {
  if (m.claims.size() < 2) return false;
  for (const auto& c : m.claims) {
    if (c.not_secret || c.protection.level != m.claims.front().protection.level) return false;
  }
  return true;
}

}  // namespace

bool AnswerOverdue(const Matter& m, int64_t now) {
  return m.state == MatterState::kObjected && m.objection_received_at && m.answer_due_at &&
         now > m.answer_due_at;
}

Result<Step> Escalate(const Matter& in, std::set<std::string> materials, int64_t now) {
  if (in.kind != MatterKind::kDisputed) return Status::Error(in.id + " is not a dispute");
  if (TermOnly(in) && !in.final()) {
    return Status::Error(
        "GD Art. 31: the parties disagree on the term only (both claim " +
        std::string(LevelZh(in.claims.front().protection.level)) +
        "); a 有争议事项 is about whether it is a state secret or its level: the objection stays "
        "with " +
        in.Answerer()->name + ", whose answer settles it");
  }
  bool may = in.at == -1 && ((in.state == MatterState::kAnswered && in.upheld) ||
                             in.state == MatterState::kReturned || AnswerOverdue(in, now));
  if (!may) {
    if (in.state == MatterState::kObjected && !in.objection_received_at) {
      return Status::Error("GD Art. 45: " + in.Answerer()->name +
                           " has not acknowledged receiving the objection yet; its 20 working "
                           "days run from that day, so the dispute cannot go up before it answers "
                           "or those days have passed");
    }
    if (in.state == MatterState::kObjected) {
      return Status::Error("GD Art. 31, 45: " + in.Answerer()->name +
                           " still has time to answer the objection (20 working days from its "
                           "receipt); a disputed matter goes up only once it is answered or "
                           "overdue");
    }
    return detail::Where(in, "escalate");
  }
  return detail::SendUp(in, std::move(materials), now);
}

}  // namespace zhuji::workflows
