#include "services/workflows/matter.h"

#include <algorithm>

namespace zhuji::workflows {

namespace {

bool AtDecider(const Matter& m) { return m.at == static_cast<int>(m.path.size()) - 1; }

const char* ReviewRule(MatterKind k) {
  return k == MatterKind::kAuthorization ? "GD Art. 9"
         : k == MatterKind::kUnclear     ? "GD Art. 30 (policy)"
         : k == MatterKind::kDisputed    ? "GD Art. 31 (policy)"
                                         : "GD Art. 29 (policy)";
}
const char* DecideRule(MatterKind k) {
  return k == MatterKind::kAuthorization   ? "GD Art. 9"
         : k == MatterKind::kDetermination ? "GD Art. 29 ¶2"
         : k == MatterKind::kDisputed      ? "条例 Art. 25 ¶2 (applied to 有争议事项)"
                                           : "条例 Art. 25";
}

Status NotReceived(const Matter& m) {
  return Status::Error(m.path[m.at].organ.name + " has not received matter " + m.id + " yet");
}

void AddOnce(std::vector<std::string>& nodes, const std::string& node) {
  if (!node.empty() && std::find(nodes.begin(), nodes.end(), node) == nodes.end()) {
    nodes.push_back(node);
  }
}

// The origin follows its matter: every receipt and forward on the way up sends it a copy, so
// its trail shows where the matter is and each level's received-at (a node that acted keeps
// its own copy already).
void CopyToOrigin(Step& s, const std::string& acting_node) {
  if (s.matter.origin.node != acting_node) AddOnce(s.effects.send_to, s.matter.origin.node);
}

// GD Art. 30, 31: whoever hands the matter to the last hop — the province-level organ, or an
// origin that reports straight to the bureau — submits it with the materials.
Status CheckSubmission(const Matter& m, const std::set<std::string>& materials, int to_hop,
                       const char* remedy) {
  if (m.kind == MatterKind::kAuthorization) {
    // GD Art. 8: the application carries its materials from the start, to the first level.
    if (to_hop != 0) return Status::Ok();
    std::string missing;
    for (auto& need : RequiredMaterials(m.kind)) {
      if (need == kScopeList && materials.count(kNoScopeList)) continue;  // GD Art. 8 ¶2
      if (!materials.count(need)) missing += (missing.empty() ? "" : ", ") + need;
    }
    if (missing.empty()) return Status::Ok();
    return Status::Error("GD Art. 8: the application lacks " + missing + " (" + remedy +
                         "; without a scope of secret matters, declare it with the material \"" +
                         kNoScopeList + "\" instead of the 一览表)");
  }
  if (to_hop != static_cast<int>(m.path.size()) - 1) return Status::Ok();
  std::string missing;
  for (auto& need : RequiredMaterials(m.kind)) {
    if (!materials.count(need)) missing += (missing.empty() ? "" : ", ") + need;
  }
  if (missing.empty()) return Status::Ok();
  return Status::Error(std::string(m.kind == MatterKind::kDisputed ? "GD Art. 31" : "GD Art. 30") +
                       ": the submission to " + m.path.back().organ.name + " lacks " + missing +
                       " (" + remedy + ")");
}

}  // namespace

std::string LevelText(bool not_secret, const Protection& p) {
  return not_secret ? "非国家秘密 not a state secret" : FormatMark(p);
}

const char* MatterKindZh(MatterKind kind) {
  switch (kind) {
    case MatterKind::kUnclear:
      return "不明确事项";
    case MatterKind::kDisputed:
      return "有争议事项";
    case MatterKind::kDetermination:
      return "定密申请";
    case MatterKind::kAuthorization:
      return "定密授权申请";
  }
  return "?";
}

const char* MatterStateName(MatterState state) {
  switch (state) {
    case MatterState::kProvisional:
      return "provisional";
    case MatterState::kObjected:
      return "objected";
    case MatterState::kAnswered:
      return "answered";
    case MatterState::kSettled:
      return "settled";
    case MatterState::kInReview:
      return "in-review";
    case MatterState::kReturned:
      return "returned";
    case MatterState::kDecided:
      return "decided";
    case MatterState::kWithNational:
      return "national";
  }
  return "?";
}

const char* MatterKindName(MatterKind kind) {
  switch (kind) {
    case MatterKind::kUnclear:
      return "unclear";
    case MatterKind::kDisputed:
      return "disputed";
    case MatterKind::kDetermination:
      return "determination";
    case MatterKind::kAuthorization:
      return "authorization";
  }
  return "?";
}

const char* MatterStateZh(MatterState state) {
  switch (state) {
    case MatterState::kProvisional:
      return "先行采取保密措施 provisional measures";
    case MatterState::kObjected:
      return "异议处理中 objection pending";
    case MatterState::kAnswered:
      return "已答复 answered";
    case MatterState::kSettled:
      return "异议已处理 settled";
    case MatterState::kInReview:
      return "逐级审核中 in review";
    case MatterState::kReturned:
      return "退回补充 returned";
    case MatterState::kDecided:
      return "已确定 decided";
    case MatterState::kWithNational:
      return "已报国家保密局 with the national bureau";
  }
  return "?";
}

std::string MatterStateZh(const Matter& m) {
  // A settled dispute is a change (变更) when the classifier adopted the objection, and the
  // determination confirmed (确定) when the objector accepted the answer that upheld it.
  if (m.state == MatterState::kSettled) {
    return m.upheld ? "维持原定密 determination confirmed (确定)"
                    : "已变更 determination changed (变更)";
  }
  return MatterStateZh(m.state);
}

std::vector<std::string> Matter::NoticeNodes() const {
  std::vector<std::string> nodes;
  for (int i = static_cast<int>(path.size()) - 1; i >= 0; --i) AddOnce(nodes, path[i].organ.node);
  AddOnce(nodes, origin.node);
  if (classifier) AddOnce(nodes, classifier->node);
  if (answerer) AddOnce(nodes, answerer->node);
  return nodes;
}

int64_t Matter::DeciderReceivedAt() const {
  if (path.empty()) return 0;
  for (const auto& e : history) {
    if (e.organ == path.back().organ.name && e.action == kActionReceived) return e.at;
  }
  return 0;
}

std::vector<std::string> Matter::SettlementNodes() const {
  std::vector<std::string> nodes;
  for (const auto& hop : path) {
    if (hop.received_at) AddOnce(nodes, hop.organ.node);
  }
  AddOnce(nodes, origin.node);
  if (classifier) AddOnce(nodes, classifier->node);
  if (answerer) AddOnce(nodes, answerer->node);
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

const Organ& Matter::holder() const {
  if (state == MatterState::kObjected && Answerer()) return *Answerer();
  return at >= 0 ? path[at].organ : origin;
}

std::optional<Protection> Matter::PendingProtection() const {
  if (kind == MatterKind::kAuthorization) return std::nullopt;  // nothing is protected by it
  if (kind != MatterKind::kDisputed) return provisional;
  // 条例 Art. 26 ¶3: the highest level any party claims, with the longest term claimed (the
  // national bureau's guidance: 最高密级和最长保密期限), computed as GD Art. 33 does for parts.
  std::vector<Protection> secret;
  for (const auto& c : claims) {
    if (!c.not_secret) secret.push_back(c.protection);
  }
  if (secret.empty()) return std::nullopt;
  if (auto both = CompilationMark(secret); both.ok()) return both.value();
  // Terms, dates and conditions mixed have no "longest": the highest level's own claim.
  const Protection* highest = &secret.front();
  for (const auto& p : secret) {
    if (p.level > highest->level) highest = &p;
  }
  return *highest;
}

std::string ReviewStep(const Matter& m, int i) {
  bool decider = i == static_cast<int>(m.path.size()) - 1;
  return (decider ? "确定 decide @ " : "审核 review @ ") + m.path[i].organ.name;
}

std::string AnswerStep(const Matter& m) {
  return "答复异议 answer objection @ " + (m.Answerer() ? m.Answerer()->name : std::string("?"));
}

const std::vector<std::string>& RequiredMaterials(MatterKind kind) {
  // GD Art. 30 (一)-(三) and GD Art. 31 (一)-(三); (四) is whatever the bureau asks for, asked
  // for by a return (退回补充).
  static const std::vector<std::string> kArt30 = {"申报不明确事项公文", "不明确事项定密申报表",
                                                  "不明确事项的具体内容"};
  static const std::vector<std::string> kArt31 = {"申报有争议事项公文", "有争议事项定密申报表",
                                                  "有争议事项的具体内容"};
  // GD Art. 8 (一)-(六); (三) may be replaced by the declaration kNoScopeList (¶2); (七) is what
  // the authorizing organ asks for, asked for by a return (退回补充).
  static const std::vector<std::string> kArt8 = {
      "定密授权书面申请公文", "定密授权申请表",       kScopeList,
      "定密责任人情况一览表", "近三年来原始定密情况", "定密工作制度"};
  static const std::vector<std::string> kNone;
  return kind == MatterKind::kUnclear         ? kArt30
         : kind == MatterKind::kDisputed      ? kArt31
         : kind == MatterKind::kAuthorization ? kArt8
                                              : kNone;
}

namespace detail {

Status Where(const Matter& m, const char* step) {
  std::string where =
      m.final()                              ? "final (" + std::string(MatterStateZh(m.state)) + ")"
      : m.state == MatterState::kProvisional ? "not reported yet"
      : m.state == MatterState::kObjected    ? "with " + m.Answerer()->name + " for its answer"
      : m.state == MatterState::kAnswered    ? "answered, with the objector"
      : m.state == MatterState::kWithNational ? "with 国家保密局 (the national bureau)"
      : m.at < 0                              ? "back at the origin"
                                              : "at " + m.path[m.at].organ.name;
  return Status::Error(std::string(step) + " is not possible now: matter " + m.id + " is " + where);
}

Matter NewMatter(MatterKind kind, std::string id, const Organ& origin, std::string title,
                 const Protection& protection, int64_t now, const std::vector<RouteHop>& route) {
  Matter m;
  m.id = std::move(id);
  m.kind = kind;
  m.origin = origin;
  m.title = std::move(title);
  m.provisional = protection;
  m.provisional_at = now;
  for (const auto& r : route) {
    Hop hop;
    hop.organ = r.organ;
    hop.why = r.why;
    m.path.push_back(hop);
  }
  m.state = MatterState::kProvisional;
  return m;
}

void Settle(Matter& m, const Claim& claim, int64_t now) {
  Decision d;
  d.not_secret = claim.not_secret;
  d.protection = claim.protection;
  // The scope given with the objection or the adopting answer (an adoption of a secret claim
  // cannot be answered without one); a confirmed determination keeps its own.
  d.scope = m.scope.empty() ? "原定密机关确定的知悉范围不变 unchanged" : m.scope;
  d.decided_by = m.answered_by;
  d.decided_at = now;
  m.decision = d;
  m.state = MatterState::kSettled;
}

void Note(Matter& m, int64_t now, const std::string& organ, const std::string& action,
          const std::string& detail) {
  m.version += 1;
  m.history.push_back({now, organ, action, detail});
}

Result<Step> SendUp(const Matter& in, std::set<std::string> materials, int64_t now) {
  if (in.path.empty()) return Status::Error("matter " + in.id + " has no route to report along");
  std::set<std::string> all = in.materials;
  all.insert(materials.begin(), materials.end());
  if (auto st = CheckSubmission(in, all, 0, "attach them with --materials"); !st.ok()) return st;
  Step s{in, {}};
  Matter& m = s.matter;
  std::string added;
  for (auto& name : materials) {
    if (!in.materials.count(name)) added += (added.empty() ? "材料 materials: " : "、") + name;
  }
  Note(m, now, m.origin.name, in.kind == MatterKind::kDisputed ? kActionEscalated : "上报 reported",
       added);
  m.materials.insert(materials.begin(), materials.end());
  m.reported_at = now;
  if (!m.first_reported_at) m.first_reported_at = now;  // the report duty is judged by the first
  m.at = 0;
  m.state = MatterState::kInReview;
  m.return_reason.clear();
  m.path[0].outcome = HopOutcome::kPending;
  m.path[0].received_at = 0;
  // The report duty runs until the deciding department has the matter (条例 Art. 25: "报有关部门
  // 确定"): it closes when the decider's receipt reaches the origin (CloseReportDuty), not here.
  // A resubmission after a return is done now.
  s.effects.close.push_back({m.id, kStepResubmit});
  s.effects.send_to.push_back(m.path[0].organ.node);
  // GD Art. 31: the answerer learns that the dispute went up (its answer, if late, loses).
  if (in.kind == MatterKind::kDisputed && in.Answerer() &&
      in.Answerer()->node != m.path[0].organ.node && in.Answerer()->node != in.origin.node) {
    s.effects.send_to.push_back(in.Answerer()->node);
  }
  return s;
}

}  // namespace detail

Result<Step> Report(const Matter& in, std::set<std::string> materials, int64_t now) {
  bool may =
      in.at == -1 && (in.state == MatterState::kProvisional || in.state == MatterState::kReturned ||
                      (in.state == MatterState::kAnswered && in.upheld));
  if (!may) return detail::Where(in, "report");
  return detail::SendUp(in, std::move(materials), now);
}

Result<Step> Receive(const Matter& in, int64_t now, const EscalationPolicy& policy) {
  if (in.state == MatterState::kAnswered && !in.upheld && in.at == -1) {
    // GD Art. 45: the objection was adopted; the objector's node makes it final, so that a
    // late answer can never settle a dispute the objector has already escalated (ResolveFork).
    Step s{in, {}};
    detail::Note(s.matter, now, in.origin.name, "异议被采纳，定密变更 adopted: changed (变更)",
                 LevelText(in.claims.back().not_secret, in.claims.back().protection));
    detail::Settle(s.matter, s.matter.claims.back(), now);
    for (auto& node : s.matter.SettlementNodes()) {
      if (node != in.origin.node) s.effects.send_to.push_back(node);
    }
    return s;
  }
  if (in.state == MatterState::kObjected && in.Answerer()) {
    Step s{in, {}};
    if (s.matter.objection_received_at) return s;  // a repeated delivery changes nothing
    detail::Note(s.matter, now, in.Answerer()->name, "收到异议 objection received");
    s.matter.objection_received_at = now;
    // GD Art. 45: the organ that receives an objection handles it and replies within 20 WD of
    // that day; the objector learns the day from the receipt (its copy of this step).
    s.effects.open.push_back({in.id, AnswerStep(in), "GD Art. 45", calendar::CstDateOf(now),
                              kObjectionWorkingDays, DeadlineOpen::Duty::kAnswer, -1});
    s.effects.send_to.push_back(in.origin.node);
    return s;
  }
  if (in.state == MatterState::kReturned && in.at == -1) {
    // 退回补充 reached the origin: it comes back with the material within the policy's days.
    Step s{in, {}};
    if (!in.history.empty() && in.history.back().action == kActionReturnReceived) return s;
    detail::Note(s.matter, now, in.origin.name, kActionReturnReceived, in.return_reason);
    s.effects.open.push_back({in.id, kStepResubmit, "policy (退回补充)", calendar::CstDateOf(now),
                              policy.resubmit_working_days, DeadlineOpen::Duty::kResubmit, -1});
    return s;
  }
  if (in.state != MatterState::kInReview || in.at < 0) return detail::Where(in, "receive");
  Step s{in, {}};
  Hop& hop = s.matter.path[s.matter.at];
  if (hop.received_at) return s;
  hop.received_at = now;
  detail::Note(s.matter, now, hop.organ.name, kActionReceived);
  bool decider = AtDecider(s.matter);
  s.effects.open.push_back({s.matter.id, ReviewStep(s.matter, s.matter.at),
                            decider ? DecideRule(in.kind) : ReviewRule(in.kind),
                            calendar::CstDateOf(now),
                            in.kind == MatterKind::kAuthorization ? kApplicationWorkingDays
                            : decider                             ? kDecideWorkingDays
                                                                  : policy.review_working_days,
                            DeadlineOpen::Duty::kHop, s.matter.at});
  CopyToOrigin(s, hop.organ.node);
  return s;
}

Result<Step> Forward(const Matter& in, std::string reviewer, std::string opinion, int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0) return detail::Where(in, "forward");
  if (AtDecider(in)) {
    return Status::Error(in.path[in.at].organ.name + " decides (确定); it does not forward");
  }
  if (!in.path[in.at].received_at) return NotReceived(in);
  if (opinion.empty()) return Status::Error("forwarding needs a 审核意见 (review opinion)");
  if (auto st =
          CheckSubmission(in, in.materials, in.at + 1, "return it for more material, 退回补充");
      !st.ok()) {
    return st;
  }
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  detail::Note(m, now, hop.organ.name, "审核转报 forwarded", opinion);
  hop.outcome = HopOutcome::kForwarded;
  hop.reviewer = std::move(reviewer);
  hop.opinion = std::move(opinion);
  hop.sent_at = now;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  const std::string acting = m.path[m.at].organ.node;
  m.at += 1;
  m.path[m.at].outcome = HopOutcome::kPending;
  m.path[m.at].received_at = 0;
  s.effects.send_to.push_back(m.path[m.at].organ.node);
  CopyToOrigin(s, acting);
  return s;
}

Result<Step> Return(const Matter& in, std::string reviewer, std::string what_is_missing,
                    int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0) return detail::Where(in, "return");
  if (!in.path[in.at].received_at) return NotReceived(in);
  if (what_is_missing.empty()) return Status::Error("a return (退回补充) must say what is missing");
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  detail::Note(m, now, hop.organ.name, "退回补充 returned", what_is_missing);
  hop.outcome = HopOutcome::kReturned;
  hop.reviewer = std::move(reviewer);
  hop.opinion = what_is_missing;
  hop.sent_at = now;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  m.return_reason = std::move(what_is_missing);
  m.at -= 1;  // one level down, never further: nothing skips a level
  if (m.at < 0) {
    m.state = MatterState::kReturned;
    s.effects.send_to.push_back(m.origin.node);
  } else {
    m.path[m.at].outcome = HopOutcome::kPending;
    m.path[m.at].received_at = 0;
    s.effects.send_to.push_back(m.path[m.at].organ.node);
  }
  return s;
}

Result<Step> Decide(const Matter& in, Decision decision, int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0 || !AtDecider(in)) {
    return detail::Where(in, "decide");
  }
  const Organ& decider = in.path[in.at].organ;
  if (!in.path[in.at].received_at) return NotReceived(in);
  if (in.kind == MatterKind::kAuthorization) {
    return Status::Error(
        "GD Art. 9: an authorization application is answered with a grant or a "
        "refusal (zhuji grant decide --application " +
        in.id + ")");
  }
  if (!decision.not_secret) {
    if (auto st = CheckProtection(decision.protection); !st.ok()) {
      return Status::Error("the decision: " + st.message());
    }
    // GD Art. 23, 29: the decider determines within its own authority.
    if (auto st = CheckWithinAuthority(decider.name, decider.authority, decision.protection.level);
        !st.ok()) {
      return st;
    }
  }
  // GD Art. 23, 条例 Art. 25: a determination is a level, a term (or date or condition) and a
  // 知悉范围.
  if (!decision.not_secret && decision.scope.empty()) {
    return Status::Error("GD Art. 23: a determination carries its 知悉范围 (scope): give --scope");
  }
  if (NeedsNationalBureau(in, &decision)) {
    return Status::Error(
        "条例 Art. 25, 26: 绝密 is determined by 国家保密局, not by " + decider.name +
        ": send it there (matter refer-national) and record its decision when it comes back");
  }
  if (decision.decided_by.empty()) {
    return Status::Error(decider.is_secrecy_admin()
                             ? "a decision names who decided (签发人 the deciding official)"
                             : "a decision names who decided (定密责任人)");
  }
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  detail::Note(m, now, hop.organ.name, "确定 decided",
               LevelText(decision.not_secret, decision.protection) + " — " + decision.decided_by);
  hop.outcome = HopOutcome::kDecided;
  hop.reviewer = decision.decided_by;
  hop.sent_at = now;
  decision.decided_at = now;
  m.decision = std::move(decision);
  m.state = MatterState::kDecided;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  // The written notice (书面通知) goes back down the same path, to every node on it, and to
  // every party of a dispute.
  for (auto& node : m.NoticeNodes()) {
    if (node != decider.node) s.effects.send_to.push_back(node);
  }
  return s;
}

bool NeedsNationalBureau(const Matter& m, const Decision* decision) {
  if (m.kind == MatterKind::kDetermination || m.kind == MatterKind::kAuthorization ||
      m.path.empty()) {
    return false;
  }  // GD Art. 29: the
  // superior's own original authority
  if (!m.path.back().organ.is_secrecy_admin()) return false;
  auto pending = m.PendingProtection();
  bool juemi_pending = pending && pending->level == SecrecyLevel::kJuemi;
  bool juemi_decided =
      decision && !decision->not_secret && decision->protection.level == SecrecyLevel::kJuemi;
  return juemi_pending || juemi_decided;
}

Result<Step> ReferToNational(const Matter& in, std::string channel, std::string sent_by,
                             int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0 || !AtDecider(in)) {
    return detail::Where(in, "refer to the national bureau");
  }
  if (!in.path[in.at].received_at) return NotReceived(in);
  if (in.kind == MatterKind::kDetermination || !in.path.back().organ.is_secrecy_admin()) {
    return Status::Error(
        "条例 Art. 25, 26: only the provincial secrecy bureau sends 不明确事项 "
        "and 有争议事项 to 国家保密局");
  }
  if (channel.empty()) return Status::Error("say how it went (--via 机要交通, 机要通信 …)");
  if (sent_by.empty()) return Status::Error("say who sent it (--by)");
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  detail::Note(m, now, hop.organ.name, "报国家保密局 referred to the national bureau",
               "经 " + channel + "，" + sent_by);
  hop.outcome = HopOutcome::kReferred;
  hop.reviewer = sent_by;
  hop.sent_at = now;
  m.state = MatterState::kWithNational;
  NationalReferral r;
  r.sent_at = now;
  r.channel = std::move(channel);
  r.sent_by = std::move(sent_by);
  m.national = r;
  // No provincial deadline runs while the national bureau has it.
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  CopyToOrigin(s, hop.organ.node);
  return s;
}

Result<Step> RecordNationalDecision(const Matter& in, Decision decision, std::string doc_number,
                                    calendar::Date decided_on, std::string recorded_by,
                                    int64_t now) {
  if (in.state != MatterState::kWithNational || !in.national) {
    return detail::Where(in, "record the national bureau's decision");
  }
  if (doc_number.empty()) return Status::Error("the national decision's 文号 is required (--doc)");
  if (recorded_by.empty()) return Status::Error("say who recorded it (--by)");
  if (decided_on.days < calendar::CstDateOf(in.national->sent_at).days ||
      decided_on.days > calendar::CstDateOf(now).days) {
    return Status::Error("the national decision's date " + decided_on.ToString() +
                         " must lie between the day it was sent (" +
                         calendar::CstDateOf(in.national->sent_at).ToString() + ") and today");
  }
  if (!decision.not_secret) {
    if (auto st = CheckProtection(decision.protection); !st.ok()) {
      return Status::Error("the national decision: " + st.message());
    }
    if (decision.scope.empty()) {
      return Status::Error(
          "GD Art. 23: a determination carries its 知悉范围 (scope): give --scope");
    }
  }
  Step s{in, {}};
  Matter& m = s.matter;
  const Organ& bureau = m.path[m.at].organ;
  decision.decided_by = "国家保密局 the national bureau（" + doc_number + "）";
  decision.decided_at = now;
  detail::Note(m, now, bureau.name, "登记国家保密局决定 national decision recorded",
               LevelText(decision.not_secret, decision.protection) + " — " + doc_number + "，" +
                   decided_on.ToString() + "；" + recorded_by);
  m.national->doc_number = std::move(doc_number);
  m.national->decided_on = decided_on;
  m.national->recorded_at = now;
  m.national->recorded_by = std::move(recorded_by);
  m.decision = std::move(decision);
  m.state = MatterState::kDecided;
  for (auto& node : m.NoticeNodes()) {
    if (node != bureau.node) s.effects.send_to.push_back(node);
  }
  return s;
}

bool OwesNationalFiling(const Matter& m) {
  // 条例 Art. 25 ¶2 speaks of the decisions on 不明确事项 (Art. 26 asks no 备案 of disputes).
  return m.state == MatterState::kDecided && m.kind == MatterKind::kUnclear && !m.national &&
         !m.path.empty() && m.path.back().organ.is_secrecy_admin();
}

namespace {

// What the matter is never changes: its kind, origin, classifier, answerer and, once set, its
// route.
bool SameIdentity(const Matter& held, const Matter& copy) {
  auto same = [](const Organ& a, const Organ& b) { return a.address() == b.address(); };
  bool same_path = held.path.empty() ||
                   (held.path.size() == copy.path.size() &&
                    std::equal(held.path.begin(), held.path.end(), copy.path.begin(),
                               [&](const Hop& a, const Hop& b) { return same(a.organ, b.organ); }));
  return copy.kind == held.kind && same(copy.origin, held.origin) &&
         (!held.classifier || (copy.classifier && same(*copy.classifier, *held.classifier))) &&
         (!held.answerer || (copy.answerer && same(*copy.answerer, *held.answerer))) && same_path;
}

bool IsEscalation(const Matter& m, const TrailEvent& e) {
  return m.kind == MatterKind::kDisputed && e.action == kActionEscalated &&
         e.organ == m.origin.name;
}
bool IsAnswer(const Matter& m, const TrailEvent& e) {
  return m.kind == MatterKind::kDisputed && m.Answerer() && e.organ == m.Answerer()->name &&
         (e.action == kActionAnswerUpheld || e.action == kActionAnswerAdopted);
}

}  // namespace

ForkOutcome ResolveFork(const Matter& held, const Matter& copy, const std::string& sender) {
  if (copy.version == 0 || copy.version > held.version || copy.history.size() != copy.version ||
      held.history.size() < copy.version) {
    return ForkOutcome::kNone;  // not a copy of a version held here (CheckCopy judged it)
  }
  const TrailEvent& theirs = copy.history.back();
  const TrailEvent& ours = held.history[copy.version - 1];
  if (theirs == ours) return ForkOutcome::kNone;
  // The one race allowed: the same matter, the same trail up to the two steps, each step taken
  // on its own side's node.
  bool same_before = SameIdentity(held, copy) &&
                     std::equal(copy.history.begin(), copy.history.end() - 1, held.history.begin());
  if (same_before && IsEscalation(held, ours) && IsAnswer(copy, theirs) &&
      sender == copy.Answerer()->node) {
    return ForkOutcome::kKeepHeld;
  }
  if (same_before && copy.version == held.version && IsEscalation(copy, theirs) &&
      IsAnswer(held, ours) && sender == copy.origin.node && !copy.decision) {
    return ForkOutcome::kTakeCopy;
  }
  return ForkOutcome::kRefuse;
}

Result<Step> AutoReview(const Matter& m, int64_t now) {
  constexpr const char* kWho = "自动审核 auto-review (test policy)";
  if (m.state != MatterState::kInReview || m.at < 0) return detail::Where(m, "auto-review");
  if (!AtDecider(m)) return Forward(m, kWho, "自动转报 forwarded by the test policy", now);
  Decision d;
  auto p = m.PendingProtection();
  d.not_secret = !p;
  if (p) d.protection = *p;
  d.scope = m.scope.empty() ? "test" : m.scope;
  d.decided_by = kWho;
  return Decide(m, d, now);
}

namespace {

// Whether an organ named `name` on node `node` appears in the matter.
bool HasOrganOn(const Matter& m, const std::string& name, const std::string& node) {
  auto is = [&](const Organ& o) { return o.name == name && o.node == node; };
  if (is(m.origin) || (m.classifier && is(*m.classifier)) || (m.answerer && is(*m.answerer))) {
    return true;
  }
  return std::any_of(m.path.begin(), m.path.end(), [&](const Hop& h) { return is(h.organ); });
}

bool SameDecision(const Decision& a, const Decision& b) {
  return a.not_secret == b.not_secret && a.decided_by == b.decided_by &&
         a.decided_at == b.decided_at && a.scope == b.scope &&
         a.protection.level == b.protection.level && a.protection.kind == b.protection.kind &&
         a.protection.term_months == b.protection.term_months &&
         a.protection.release_date.days == b.protection.release_date.days &&
         a.protection.condition == b.protection.condition;
}

}  // namespace

Status CheckCopy(const Matter* held, const Matter& copy, const std::string& sender) {
  std::string what = "matter " + copy.id + " v" + std::to_string(copy.version) + " from " + sender;
  auto refuse = [&](const std::string& why) {
    return Status::Error(what + ": " + why + ": refused");
  };
  if (copy.version != copy.history.size()) {
    return refuse("its version does not count its " + std::to_string(copy.history.size()) +
                  " step(s) (one trail line each)");
  }
  if (held && copy.version <= held->version) return Status::Ok();  // a re-delivery: ignored
  uint64_t base = held ? held->version : 0;
  if (copy.version > base + kMaxStepsBetweenCopies) {
    return refuse("it is " + std::to_string(copy.version - base) +
                  " steps ahead of the copy held here (at most " +
                  std::to_string(kMaxStepsBetweenCopies) + ")");
  }
  if (held) {
    if (!SameIdentity(*held, copy)) {
      return refuse("its kind, origin, classifier or route differs from the copy held here");
    }
    if (held->decision && !(copy.decision && SameDecision(*held->decision, *copy.decision))) {
      return refuse("it changes or drops the decision held here");
    }
  }
  // (Copies are not checked to extend the trail held: two nodes may each take a step on their
  // own copy at once, e.g. the classifier's receipt and the objector's escalation.)
  if (copy.history.empty() || !HasOrganOn(copy, copy.history.back().organ, sender)) {
    return refuse("its last step (" +
                  (copy.history.empty()
                       ? std::string("none")
                       : copy.history.back().organ + " " + copy.history.back().action) +
                  ") was not taken by an organ of node " + sender);
  }
  bool newly_final = copy.final() && !(held && held->final());
  if (newly_final && copy.state == MatterState::kDecided) {
    // Decided by the last hop of the route (the one held, when held), on the sender's node.
    const std::vector<Hop>& path = held && !held->path.empty() ? held->path : copy.path;
    if (!copy.decision || path.empty() || copy.at != static_cast<int>(path.size()) - 1 ||
        path.back().organ.node != sender) {
      return refuse("a decision comes from the node of the organ at the end of the route, not " +
                    std::string("from ") + sender);
    }
  }
  if (newly_final && copy.state == MatterState::kSettled) {
    // Settled by the objector: accepting the answer, or taking the answerer's adoption.
    if (!copy.decision || copy.origin.node != sender) {
      return refuse("a dispute is settled at its objector, not by " + sender);
    }
  }
  return Status::Ok();
}

}  // namespace zhuji::workflows
