#include "services/workflows/authorization.h"

#include <algorithm>

namespace zhuji::workflows {

namespace {

// 00:00 CST of `day`.
int64_t StartOfDayMs(calendar::Date day) { return calendar::EndOfDayCstMs(day - 1); }

using calendar::AddMonths;

void Note(Grant& g, int64_t now, const std::string& organ, const std::string& action,
          const std::string& detail) {
  g.history.push_back({now, organ, action, detail});
  g.version += 1;
}

// The grantee's node is the grantor's or lies below it (GD Art. 6 "本行政区域内").
bool InRegion(const OrganDirectory& directory, const std::string& region, const std::string& node) {
  for (const DirectoryNode* n = directory.Node(node); n;
       n = n->parent.empty() ? nullptr : directory.Node(n->parent)) {
    if (n->id == region) return true;
  }
  return false;
}

std::string TermText(int months) {
  if (months % 12 == 0) return std::to_string(months / 12) + "年";
  return (months >= 12 ? std::to_string(months / 12) + "年" : std::string()) +
         std::to_string(months % 12) + "个月";
}

}  // namespace

const char* RevokeGroundZh(int ground) {
  switch (ground) {
    case 1:
      return "(一) 被授权机关不再经常产生授权范围内的国家秘密事项";
    case 2:
      return "(二) 因保密事项范围调整，授权事项不再作为国家秘密";
    case 3:
      return "(三) 被授权机关、单位对所授定密权行使不当，造成严重后果或不良影响";
    case 4:
      return "(四) 保密行政管理部门建议撤销授权";
    case 5:
      return "(五) 被授权机关、单位被撤销或者合并";
    case 6:
      return "(六) 授权机关认为其他应当撤销授权的情形";
  }
  return "?";
}

const char* GrantStateZh(GrantState state) {
  switch (state) {
    case GrantState::kLive:
      return "有效 in force";
    case GrantState::kRevoked:
      return "已撤销 revoked";
    case GrantState::kLapsed:
      return "自然终止 lapsed";
    case GrantState::kSuperseded:
      return "已重新授权 superseded";
  }
  return "?";
}

const char* GrantStateName(GrantState state) {
  switch (state) {
    case GrantState::kLive:
      return "live";
    case GrantState::kRevoked:
      return "revoked";
    case GrantState::kLapsed:
      return "lapsed";
    case GrantState::kSuperseded:
      return "superseded";
  }
  return "?";
}

const char* RegrantCauseZh(RegrantCause cause) {
  switch (cause) {
    case RegrantCause::kNone:
      return "";
    case RegrantCause::kScopeChanged:
      return "保密事项范围调整，授权事项密级变化";
    case RegrantCause::kRenamed:
      return "被授权机关、单位名称变更";
    case RegrantCause::kExpiry:
      return "授权期限届满";
  }
  return "?";
}

std::optional<RegrantCause> ParseRegrantCause(std::string_view text) {
  if (text == "scope") return RegrantCause::kScopeChanged;
  if (text == "rename") return RegrantCause::kRenamed;
  if (text == "expiry") return RegrantCause::kExpiry;
  return std::nullopt;
}

calendar::Date Grant::until() const { return AddMonths(from, term_months) - 1; }

int64_t Grant::LapsesAtMs() const { return StartOfDayMs(until() + 1); }

std::vector<std::string> Grant::HolderNodes(const OrganDirectory& directory) const {
  std::vector<std::string> nodes{grantor.node};
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
  };
  add(grantee.node);
  const DirectoryNode* grantor_node = directory.Node(grantor.node);
  if (grantor_node && grantor_node->level == NodeLevel::kCity) {
    add(grantor_node->parent);  // GD Art. 13: 广东省国家保密局
  }
  const DirectoryNode* grantee_node = directory.Node(grantee.node);
  if (grantee_node && grantee_node->level == NodeLevel::kCounty) {
    add(grantee_node->parent);  // GD Art. 14 ¶2: the county dept reports to the city's
  }
  return nodes;
}

Result<GrantStep> DecideGrant(const OrganDirectory& directory, const std::string& grantor_address,
                              std::string id, const GrantDecision& d, const Grant* regranted,
                              int64_t now) {
  auto grantor = directory.Find(grantor_address);
  if (!grantor) return Status::Error("no organ " + grantor_address + " in the directory");
  const DirectoryNode* grantor_node = directory.Node(grantor->node);
  // GD Art. 6: province- and city-level organs authorize, and only those the directory names.
  if (grantor_node->level == NodeLevel::kCounty) {
    return Status::Error("GD Art. 6: " + grantor->name +
                         " is a county-level organ; only province- and city-level organs "
                         "(授权机关) may grant classification authority");
  }
  if (!grantor->authorizing) {
    return Status::Error("GD Art. 6, 15: " + grantor->name +
                         " is not an authorizing organ (授权机关) in the directory");
  }
  // 定密暂行规定 Art. 7: a grant is made from the grantor's own original authority, never from
  // authority it received by a grant (which therefore cannot be passed on).
  if (!grantor->authority.has_original_authority) {
    return Status::Error("GD Art. 7: " + grantor->name +
                         " has no original classification authority of its own to grant");
  }
  auto grantee = directory.Find(d.grantee);
  if (!grantee) return Status::Error("no organ '" + d.grantee + "' in the directory (--grantee)");
  if (grantee->address() == grantor->address()) {
    return Status::Error("GD Art. 6: an organ does not grant authority to itself");
  }
  if (!InRegion(directory, grantor->node, grantee->node)) {
    return Status::Error("GD Art. 6: " + grantee->name + " is outside the region of " +
                         grantor->name + " (本行政区域内): its node " + grantee->node + " is not " +
                         grantor->node + " nor below it");
  }
  if (d.ceiling > grantor->authority.ceiling) {
    return Status::Error(std::string("GD Art. 7: a grant cannot exceed the grantor's own "
                                     "authority: ") +
                         grantor->name + " may determine up to " +
                         LevelZh(grantor->authority.ceiling) + ", not " + LevelZh(d.ceiling));
  }
  if (d.doc_number.empty()) {
    return Status::Error(
        "GD Art. 10: a grant is a written decision: give its number (定密授权决定书 文号, --doc)");
  }
  if (d.matters.empty()) {
    return Status::Error(
        "GD Art. 10: a grant names the matters it covers (授权事项范围, --matters)");
  }
  if (d.decided_by.empty()) return Status::Error("a grant names who signed it (签发人, --by)");
  if (d.term_months <= 0) {
    return Status::Error("GD Art. 10: a grant has a term (授权期限, --years or --months)");
  }
  GrantStep s;
  if (d.term_months > kGrantMaxYears * 12) {
    return Status::Error("GD Art. 10: a term of " + TermText(d.term_months) + " is over " +
                         std::to_string(kGrantMaxYears) +
                         " years; grant again when it ends (Art. 12)");
  }
  if (d.term_months > kGrantUsualMaxYears * 12) {
    if (d.long_term_reason.empty()) {
      return Status::Error("GD Art. 10: the term is \"一般不超过五年\"; a term of " +
                           TermText(d.term_months) + " needs its reason (--reason)");
    }
    s.warnings.push_back("GD Art. 10: the term " + TermText(d.term_months) +
                         " is over five years (reason: " + d.long_term_reason + ")");
  }
  if (d.proactive && !d.application.empty()) {
    return Status::Error("GD Art. 6: a grant on an application is not a proactive grant");
  }
  if (d.proactive && d.task.empty()) {
    return Status::Error(
        "GD Art. 7: a proactive grant (主动授权) is only for the grantee's secret research, "
        "production or other secret task within the grantor's authority: name the task (--task)");
  }
  if (!d.regrants.empty() || regranted) {
    if (!regranted || regranted->id != d.regrants) {
      return Status::Error("GD Art. 12: no grant " + d.regrants + " is held here to grant again");
    }
    if (regranted->grantor.address() != grantor->address() ||
        regranted->grantee.address() != grantee->address()) {
      return Status::Error("GD Art. 12: grant " + regranted->id + " is of " +
                           regranted->grantor.name + " to " + regranted->grantee.name +
                           "; a re-grant is made by the same grantor to the same grantee");
    }
    if (d.regrant_cause == RegrantCause::kNone) {
      return Status::Error(
          "GD Art. 12: say why it is granted again (--regrant-cause scope|rename|expiry)");
    }
    if (regranted->state != GrantState::kLive && regranted->state != GrantState::kLapsed) {
      return Status::Error("GD Art. 12: grant " + regranted->id + " is " +
                           GrantStateZh(regranted->state) + "; it cannot be granted again");
    }
  }
  Grant& g = s.grant;
  g.id = std::move(id);
  g.doc_number = d.doc_number;
  g.grantor = *grantor;
  g.grantee = *grantee;
  g.ceiling = d.ceiling;
  g.matters = d.matters;
  g.from = calendar::CstDateOf(now);
  g.term_months = d.term_months;
  g.long_term_reason = d.long_term_reason;
  g.proactive = d.proactive;
  g.task = d.task;
  g.regrants = d.regrants;
  g.regrant_cause = d.regrant_cause;
  g.decided_by = d.decided_by;
  g.decided_at = now;
  g.application = d.application;
  std::string detail = std::string(LevelZh(g.ceiling)) + "以下，" + g.matters + "，期限 " +
                       TermText(g.term_months) + "（至 " + g.until().ToString() + "），" +
                       g.doc_number + "，签发人 " + g.decided_by;
  if (g.proactive) detail += "；主动授权 for " + g.task;
  if (regranted)
    detail +=
        "；重新授权 replaces " + regranted->id + "（" + RegrantCauseZh(d.regrant_cause) + "）";
  Note(g, now, grantor->name, "作出定密授权决定 granted", detail);
  if (regranted && regranted->state == GrantState::kLive) {
    Grant old = *regranted;
    old.state = GrantState::kSuperseded;
    old.ended_at = now;
    Note(old, now, grantor->name, "重新授权 superseded", "by " + g.id + " " + g.doc_number);
    s.superseded = std::move(old);
  }
  for (const auto& n : g.HolderNodes(directory)) {
    if (n != grantor->node) s.send_to.push_back(n);
  }
  return s;
}

Result<std::vector<RouteHop>> ApplicationPath(const OrganDirectory& directory,
                                              const std::string& applicant, SecrecyLevel ceiling) {
  auto full = directory.EscalationPath(applicant);
  if (!full.ok()) return full.status();
  std::vector<RouteHop> path;
  for (auto& hop : full.value()) {
    path.push_back(hop);
    const Organ& o = hop.organ;
    if (o.authorizing && o.authority.has_original_authority && ceiling <= o.authority.ceiling) {
      path.back().why += "; 授权机关 decides (GD Art. 9)";
      return path;
    }
  }
  return Status::Error(std::string("GD Art. 9: no authorizing organ on the route from ") +
                       applicant + " may grant " + LevelZh(ceiling));
}

Result<Step> ApplyForGrant(const OrganDirectory& directory, const std::string& applicant,
                           std::string id, std::string matters, SecrecyLevel ceiling,
                           int term_months, std::set<std::string> materials, int64_t now) {
  auto origin = directory.Find(applicant);
  if (!origin) return Status::Error("no organ " + applicant + " in the directory");
  if (matters.empty()) {
    return Status::Error("GD Art. 8: an application names the matters it asks authority for");
  }
  if (term_months <= 0 || term_months > kGrantMaxYears * 12) {
    return Status::Error("GD Art. 10: the term applied for is 1 month to " +
                         std::to_string(kGrantMaxYears) + " years");
  }
  if (origin->authority.has_original_authority && ceiling <= origin->authority.ceiling) {
    return Status::Error("GD Art. 6: " + origin->name + " may determine " + LevelZh(ceiling) +
                         " already; no grant is needed");
  }
  auto path = ApplicationPath(directory, applicant, ceiling);
  if (!path.ok()) return path.status();
  Matter m =
      detail::NewMatter(MatterKind::kAuthorization, std::move(id), *origin, std::move(matters),
                        Protection::Term(ceiling, 0, term_months), now, path.value());
  detail::Note(m, now, origin->name, "提出定密授权申请 applied",
               std::string(LevelZh(ceiling)) + "以下，期限 " + TermText(term_months) + "，「" +
                   m.title + "」 → " + path.value().back().organ.name);
  auto sent = detail::SendUp(m, std::move(materials), now);
  if (!sent.ok()) return sent.status();
  return sent;
}

Result<Step> AnswerApplication(const Matter& in, const Grant* grant, std::string reason,
                               std::string by, int64_t now) {
  if (in.kind != MatterKind::kAuthorization) {
    return Status::Error("matter " + in.id + " is not an authorization application");
  }
  if (in.state != MatterState::kInReview || in.at != static_cast<int>(in.path.size()) - 1) {
    return detail::Where(in, "answer the application");
  }
  if (!in.path[in.at].received_at) {
    return Status::Error(in.path[in.at].organ.name + " has not received application " + in.id +
                         " yet");
  }
  if (by.empty()) return Status::Error("the answer names who signed it (签发人, --by)");
  if (!grant && reason.empty()) {
    return Status::Error("GD Art. 9: a refusal says why (--reason)");
  }
  Step s{in, {}};
  Matter& m = s.matter;
  Hop& hop = m.path[m.at];
  Decision d;
  d.decided_by = std::move(by);
  d.decided_at = now;
  if (grant) {
    d.protection = Protection::Term(grant->ceiling, 0, grant->term_months);
    d.scope = grant->matters;
    d.grant_id = grant->id;
    detail::Note(m, now, hop.organ.name, "作出定密授权决定 granted",
                 grant->doc_number + "（" + grant->id + "），" + LevelZh(grant->ceiling) +
                     "以下，至 " + grant->until().ToString() + " — " + d.decided_by);
  } else {
    d.not_secret = true;
    d.refused = true;
    d.refusal = std::move(reason);
    detail::Note(m, now, hop.organ.name, "不予授权 refused", d.refusal + " — " + d.decided_by);
  }
  hop.outcome = HopOutcome::kDecided;
  hop.reviewer = d.decided_by;
  hop.sent_at = now;
  m.decision = std::move(d);
  m.state = MatterState::kDecided;
  s.effects.close.push_back({m.id, ReviewStep(m, m.at)});
  for (auto& node : m.NoticeNodes()) {
    if (node != hop.organ.node) s.effects.send_to.push_back(node);
  }
  return s;
}

Result<GrantStep> RevokeGrant(const OrganDirectory& directory, const Grant& grant, int ground,
                              std::string detail, std::string doc_number, std::string by,
                              int64_t now) {
  if (!grant.LiveAt(now)) {
    return Status::Error(
        "GD Art. 11: grant " + grant.id + " is " +
        (grant.state == GrantState::kLive ? "lapsed (自然终止)" : GrantStateZh(grant.state)) +
        "; only a grant in force is revoked");
  }
  if (ground < 1 || ground > kRevokeGrounds) {
    std::string all;
    for (int i = 1; i <= kRevokeGrounds; ++i)
      all += std::string("\n  ") + std::to_string(i) + " " + RevokeGroundZh(i);
    return Status::Error("GD Art. 11: a revocation names one of its six grounds (--ground 1-6):" +
                         all);
  }
  if ((ground == 4 || ground == 6) && detail.empty()) {
    return Status::Error(std::string("GD Art. 11 ") + RevokeGroundZh(ground) +
                         ": say which (--detail)");
  }
  if (doc_number.empty()) {
    return Status::Error(
        "GD Art. 13: a revocation is a written decision: give its number (撤销定密授权决定书 文号, "
        "--doc)");
  }
  if (by.empty()) return Status::Error("a revocation names who signed it (签发人, --by)");
  GrantStep s;
  Grant& g = s.grant;
  g = grant;
  g.state = GrantState::kRevoked;
  g.revoke_ground = ground;
  g.revoke_detail = std::move(detail);
  g.revoke_doc = std::move(doc_number);
  g.revoked_by = std::move(by);
  g.revoked_at = now;
  g.ended_at = now;
  Note(g, now, g.grantor.name, "撤销定密授权 revoked",
       std::string(RevokeGroundZh(ground)) +
           (g.revoke_detail.empty() ? "" : "：" + g.revoke_detail) + "，" + g.revoke_doc +
           "，签发人 " + g.revoked_by);
  for (const auto& n : g.HolderNodes(directory)) {
    if (n != g.grantor.node) s.send_to.push_back(n);
  }
  return s;
}

std::optional<Grant> LapseIfDue(const Grant& grant, int64_t now) {
  if (grant.state != GrantState::kLive || now < grant.LapsesAtMs()) return std::nullopt;
  Grant g = grant;
  g.state = GrantState::kLapsed;
  g.ended_at = grant.LapsesAtMs();
  // Not a step of a party: every holder records it alike, so it does not count as a version.
  g.history.push_back({g.ended_at, g.grantor.name, "期限届满自然终止 lapsed (GD Art. 10)",
                       "授权期限至 " + grant.until().ToString()});
  return g;
}

ClassificationAuthority EffectiveAuthority(const Organ& organ, const std::vector<Grant>& grants,
                                           int64_t now) {
  ClassificationAuthority a = organ.authority;
  for (const auto& g : grants) {
    if (g.grantee.address() != organ.address() || !g.LiveAt(now)) continue;
    if (!a.has_original_authority || g.ceiling > a.ceiling) a = {true, g.ceiling};
  }
  return a;
}

Status CheckGrantAgainst(const OrganDirectory& directory, const Grant& g, const std::string& self,
                         bool is_new) {
  auto grantor = directory.Find(g.grantor.address());
  auto grantee = directory.Find(g.grantee.address());
  if (!grantor || !grantee) {
    return Status::Error("grant " + g.id + ": its grantor or grantee is not in the directory");
  }
  const DirectoryNode* node = directory.Node(grantor->node);
  if (node->level == NodeLevel::kCounty) {
    return Status::Error("GD Art. 6: grant " + g.id + " names the county-level " + grantor->name +
                         " as its grantor");
  }
  if (is_new && g.state == GrantState::kLive && !grantor->authorizing) {
    return Status::Error("GD Art. 6, 15: grant " + g.id + ": " + grantor->name +
                         " is not an authorizing organ here");
  }
  if (!grantor->authority.has_original_authority || g.ceiling > grantor->authority.ceiling) {
    return Status::Error("GD Art. 7: grant " + g.id + " exceeds " + grantor->name +
                         "'s own authority");
  }
  if (!InRegion(directory, grantor->node, grantee->node) ||
      grantee->address() == grantor->address()) {
    return Status::Error("GD Art. 6: grant " + g.id + ": " + grantee->name +
                         " is not an organ of " + grantor->name + "'s region");
  }
  auto holders = g.HolderNodes(directory);
  if (std::find(holders.begin(), holders.end(), self) == holders.end()) {
    return Status::Error("grant " + g.id + " does not concern node " + self);
  }
  return Status::Ok();
}

Status CheckGrantCopy(const Grant* held, const Grant& copy, const std::string& sender) {
  if (copy.id.empty() || copy.version == 0 || copy.history.empty()) {
    return Status::Error("a grant copy without its id, version or history");
  }
  // Every change to a grant is the grantor's (decided, revoked, superseded): only its node
  // sends copies.
  if (sender != copy.grantor.node) {
    return Status::Error("grant " + copy.id + " sent by node " + sender +
                         ", not by its grantor's node " + copy.grantor.node);
  }
  if (!held) return Status::Ok();
  if (held->grantor.address() != copy.grantor.address() ||
      held->grantee.address() != copy.grantee.address() || held->doc_number != copy.doc_number ||
      held->decided_at != copy.decided_at || held->ceiling != copy.ceiling ||
      held->matters != copy.matters || held->from != copy.from ||
      held->term_months != copy.term_months) {
    return Status::Error("grant " + copy.id +
                         ": the copy names another decision than the one held");
  }
  if (held->state != GrantState::kLive && held->state != GrantState::kLapsed &&
      copy.state == GrantState::kLive && copy.version > held->version) {
    return Status::Error("grant " + copy.id + " is " + GrantStateZh(held->state) +
                         " here; it does not come back in force");
  }
  return Status::Ok();
}

}  // namespace zhuji::workflows
