#include "services/workflows/unclear_matter.h"

#include <algorithm>

namespace zhuji::workflows {

namespace {

constexpr const char* kReportRule = "GD Art. 30; 条例 Art. 25";
constexpr const char* kReviewRule = "GD Art. 30 (policy)";
constexpr const char* kDecideRule = "条例 Art. 25";

bool AtBureau(const Matter& m) { return m.at == static_cast<int>(m.path.size()) - 1; }

Status Where(const Matter& m, const char* step) {
  return Status::Error(std::string(step) + " is not possible now: matter " + m.id + " is " +
                       (m.state == MatterState::kDecided       ? "decided"
                        : m.state == MatterState::kProvisional ? "not reported yet"
                        : m.at < 0                             ? "back at the origin"
                                                               : "at " + m.path[m.at].organ.name));
}

}  // namespace

std::string ReviewStep(const Matter& m, int i) {
  bool bureau = i == static_cast<int>(m.path.size()) - 1;
  return (bureau ? "确定 decide @ " : "审核 review @ ") + m.path[i].organ.name;
}

Result<Step> SetProvisional(const OrganDirectory& directory, const std::string& origin_address,
                            std::string id, std::string title, const Protection& provisional,
                            int64_t now, const EscalationPolicy& policy) {
  auto origin = directory.Find(origin_address);
  if (!origin) return Status::Error("no organ " + origin_address + " in the directory");
  if (auto st = CheckProtection(provisional); !st.ok()) {
    return Status::Error("条例 Art. 25: the provisional level: " + st.message());
  }
  auto path = directory.EscalationPath(origin_address);
  if (!path.ok()) return path.status();
  Step s;
  Matter& m = s.matter;
  m.id = std::move(id);
  m.origin = *origin;
  m.title = std::move(title);
  m.provisional = provisional;
  m.provisional_at = now;
  for (auto& route_hop : path.value()) {
    Hop hop;
    hop.organ = route_hop.organ;
    hop.why = route_hop.why;
    m.path.push_back(hop);
  }
  m.state = MatterState::kProvisional;
  // 条例 Art. 25: protected at once at the provisional level; reported within 10 WD.
  s.effects.open.push_back(
      {m.id, kStepReport, kReportRule, calendar::CstDateOf(now), policy.report_working_days});
  return s;
}

Result<Step> Report(const Matter& in, std::set<std::string> materials, int64_t now) {
  if (in.at != -1 || in.state == MatterState::kDecided || in.state == MatterState::kInReview) {
    return Where(in, "report");
  }
  Step s{in, {}};
  Matter& m = s.matter;
  m.materials.insert(materials.begin(), materials.end());
  m.reported_at = now;
  m.at = 0;
  m.state = MatterState::kInReview;
  m.return_reason.clear();
  m.path[0].outcome = HopOutcome::kPending;
  m.path[0].received_at = 0;
  s.effects.close.push_back({m.id, kStepReport});
  s.effects.send_to.push_back(m.path[0].organ.node);
  return s;
}

Result<Step> Receive(const Matter& in, int64_t now, const EscalationPolicy& policy) {
  if (in.state != MatterState::kInReview || in.at < 0) return Where(in, "receive");
  Step s{in, {}};
  Hop& hop = s.matter.path[s.matter.at];
  if (hop.received_at) return s;  // a repeated delivery changes nothing
  hop.received_at = now;
  bool bureau = AtBureau(s.matter);
  s.effects.open.push_back({s.matter.id, ReviewStep(s.matter, s.matter.at),
                            bureau ? kDecideRule : kReviewRule, calendar::CstDateOf(now),
                            bureau ? policy.decide_working_days : policy.review_working_days});
  return s;
}

Result<Step> Forward(const Matter& in, std::string reviewer, std::string opinion, int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0) return Where(in, "forward");
  if (AtBureau(in)) {
    return Status::Error("the provincial secrecy bureau decides (Decide); it does not forward");
  }
  if (!in.path[in.at].received_at) {
    return Status::Error(in.path[in.at].organ.name + " has not received matter " + in.id + " yet");
  }
  if (opinion.empty())
    return Status::Error("GD Art. 30: forwarding needs a 审核意见 (review opinion)");
  if (in.at + 1 == static_cast<int>(in.path.size()) - 1) {
    // GD Art. 30: the province-level organ submits to the bureau with the materials.
    std::string missing;
    for (auto& need : kArt30Materials) {
      if (!in.materials.count(need)) missing += (missing.empty() ? "" : ", ") + need;
    }
    if (!missing.empty()) {
      return Status::Error("GD Art. 30: the submission to " + in.path.back().organ.name +
                           " lacks " + missing + " (return it for more material, 退回补充)");
    }
  }
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  hop.outcome = HopOutcome::kForwarded;
  hop.reviewer = std::move(reviewer);
  hop.opinion = std::move(opinion);
  hop.sent_at = now;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  m.at += 1;
  m.path[m.at].outcome = HopOutcome::kPending;
  m.path[m.at].received_at = 0;
  s.effects.send_to.push_back(m.path[m.at].organ.node);
  return s;
}

Result<Step> Return(const Matter& in, std::string reviewer, std::string what_is_missing,
                    int64_t now) {
  if (in.state != MatterState::kInReview || in.at < 0) return Where(in, "return");
  if (!in.path[in.at].received_at) {
    return Status::Error(in.path[in.at].organ.name + " has not received matter " + in.id + " yet");
  }
  if (what_is_missing.empty()) return Status::Error("a return (退回补充) must say what is missing");
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
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
  if (in.state != MatterState::kInReview || in.at < 0 || !AtBureau(in)) {
    return Where(in, "decide");
  }
  if (!in.path[in.at].received_at) return Status::Error("the bureau has not received " + in.id);
  if (!decision.not_secret) {
    if (auto st = CheckProtection(decision.protection); !st.ok()) {
      return Status::Error("the decision: " + st.message());
    }
  }
  if (decision.decided_by.empty())
    return Status::Error("a decision names who decided (定密责任人)");
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  hop.outcome = HopOutcome::kDecided;
  hop.reviewer = decision.decided_by;
  hop.sent_at = now;
  decision.decided_at = now;
  m.decision = std::move(decision);
  m.state = MatterState::kDecided;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  // The written notice (书面通知) goes back down the same path, to every node on it.
  const std::string& deciding_node = hop.organ.node;
  auto add = [&](const std::string& node) {
    if (node != deciding_node && std::find(s.effects.send_to.begin(), s.effects.send_to.end(),
                                           node) == s.effects.send_to.end()) {
      s.effects.send_to.push_back(node);
    }
  };
  for (int i = static_cast<int>(m.path.size()) - 2; i >= 0; --i) add(m.path[i].organ.node);
  add(m.origin.node);
  return s;
}

}  // namespace zhuji::workflows
