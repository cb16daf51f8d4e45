#include "services/workflows/disputed_matter.h"

namespace zhuji::workflows {

Result<Step> Object(const OrganDirectory& directory, const std::string& objector_address,
                    const std::string& classifier_address, std::string id, std::string title,
                    const Protection& classified, const Claim& objection, int64_t now) {
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
      return Status::Error("GD Art. 31: the objection claims the very level objected to");
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
  // GD Art. 31, 45: the objection goes first to the original classifying organ.
  s.effects.send_to.push_back(classifier->node);
  return s;
}

Result<Step> Answer(const Matter& in, std::string answered_by, std::string answer, bool upheld,
                    int64_t now) {
  if (in.state != MatterState::kObjected || !in.classifier) return detail::Where(in, "answer");
  if (!in.objection_received_at) {
    return Status::Error(in.classifier->name + " has not received the objection " + in.id + " yet");
  }
  if (answer.empty()) return Status::Error("GD Art. 45: the answer (处理结果) must say something");
  if (answered_by.empty()) return Status::Error("GD Art. 45: the answer names who gave it");
  Step s{in, {}};
  Matter& m = s.matter;
  detail::Note(m, now, in.classifier->name, upheld ? "答复：维持 upheld" : "答复：采纳异议 adopted",
               answer);
  m.answered_at = now;
  m.answered_by = std::move(answered_by);
  m.answer = std::move(answer);
  m.upheld = upheld;
  s.effects.close.push_back({m.id, AnswerStep(m)});
  if (upheld) {
    m.state = MatterState::kAnswered;
  } else {
    // The classifier adopts the objector's claim: the dispute ends here.
    detail::Settle(m, m.claims.back(), now);
  }
  // GD Art. 45: the result goes back to the objector promptly.
  s.effects.send_to.push_back(m.origin.node);
  return s;
}

Result<Step> AcceptAnswer(const Matter& in, int64_t now) {
  if (in.state != MatterState::kAnswered || in.at != -1) return detail::Where(in, "accept");
  Step s{in, {}};
  Matter& m = s.matter;
  detail::Note(m, now, m.origin.name, "接受答复 accepted the answer");
  detail::Settle(m, m.claims.front(), now);  // the classifier's determination stands
  s.effects.send_to.push_back(m.classifier->node);
  return s;
}

Result<Step> Escalate(const Matter& in, std::set<std::string> materials, bool answer_overdue,
                      int64_t now) {
  if (in.kind != MatterKind::kDisputed) return Status::Error(in.id + " is not a dispute");
  bool may = in.at == -1 && ((in.state == MatterState::kAnswered && in.upheld) ||
                             in.state == MatterState::kReturned ||
                             (in.state == MatterState::kObjected && answer_overdue));
  if (!may) {
    if (in.state == MatterState::kObjected) {
      return Status::Error("GD Art. 31, 45: " + in.classifier->name +
                           " still has time to answer the objection (20 working days); a "
                           "disputed matter goes up only once it is answered or overdue");
    }
    return detail::Where(in, "escalate");
  }
  return detail::SendUp(in, std::move(materials), now);
}

}  // namespace zhuji::workflows
