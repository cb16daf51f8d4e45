#include "services/node/views.h"

#include <string_view>

namespace zhuji::node {

namespace {

using workflows::HopOutcome;
using workflows::Matter;
using workflows::MatterState;

// GB/T 2260: a province's code ends in 0000, a city's in 00.
const char* LevelOf(std::string_view node) {
  if (node.size() >= 2 && node.substr(2) == "0000") return "省级";
  if (node.size() >= 4 && node.substr(4) == "00") return "市级";
  return "县级";
}

void FillOrgan(const workflows::Organ& o, schema::OrganView::Builder v) {
  v.setNode(o.node);
  v.setCode(o.code);
  v.setName(o.name);
  v.setAddress(o.address());
  v.setLevel(LevelOf(o.node));
}

// The enum is numbered as workflows::HopOutcome; an outcome a newer peer knows and this build
// does not keeps its number (Cap'n Proto carries unknown enumerants as they are).
static_assert(static_cast<int>(schema::HopView::Outcome::PENDING) ==
              static_cast<int>(HopOutcome::kPending));
static_assert(static_cast<int>(schema::HopView::Outcome::FORWARDED) ==
              static_cast<int>(HopOutcome::kForwarded));
static_assert(static_cast<int>(schema::HopView::Outcome::RETURNED) ==
              static_cast<int>(HopOutcome::kReturned));
static_assert(static_cast<int>(schema::HopView::Outcome::DECIDED) ==
              static_cast<int>(HopOutcome::kDecided));
static_assert(static_cast<int>(schema::HopView::Outcome::REFERRED) ==
              static_cast<int>(HopOutcome::kReferred));
schema::HopView::Outcome OutcomeOf(HopOutcome o) {
  return static_cast<schema::HopView::Outcome>(o);
}

const char* OutcomeZh(HopOutcome o) {
  switch (o) {
    case HopOutcome::kPending:
      return "待审 pending";
    case HopOutcome::kForwarded:
      return "转报 forwarded";
    case HopOutcome::kReturned:
      return "退回补充 returned";
    case HopOutcome::kDecided:
      return "确定 decided";
    case HopOutcome::kReferred:
      return "报国家保密局 referred to the national bureau";
  }
  return "未知 unknown (from a newer node)";
}

void FillHop(const workflows::Hop& h, schema::HopView::Builder v) {
  FillOrgan(h.organ, v.initOrgan());
  v.setReceivedAt(h.received_at);
  v.setSentAt(h.sent_at);
  v.setDueAt(h.due_at);
  v.setReviewer(h.reviewer);
  v.setOpinion(h.opinion);
  v.setOutcome(OutcomeOf(h.outcome));
  v.setOutcomeZh(OutcomeZh(h.outcome));
}

std::string MarkOf(bool not_secret, const workflows::Protection& p) {
  return not_secret ? "" : workflows::FormatMark(p);
}

// 有争议事项: the classifier, its answer and every party's claim.
void FillDispute(const Matter& m, schema::MatterView::Builder v) {
  v.setHasClassifier(m.classifier.has_value());
  if (m.classifier) FillOrgan(*m.classifier, v.initClassifier());
  auto claims = v.initClaims(m.claims.size());
  for (size_t i = 0; i < m.claims.size(); ++i) {
    const auto& c = m.claims[i];
    claims[i].setOrgan(c.organ);
    claims[i].setOrganName(c.organ_name);
    claims[i].setNotSecret(c.not_secret);
    claims[i].setMark(MarkOf(c.not_secret, c.protection));
    claims[i].setLevel(workflows::LevelText(c.not_secret, c.protection));
  }
  v.setObjectionReceivedAt(m.objection_received_at);
  v.setAnswerDueAt(m.answer_due_at);
  v.setAnsweredAt(m.answered_at);
  v.setAnsweredBy(m.answered_by);
  v.setAnswer(m.answer);
  v.setUpheld(m.upheld);
}

void FillDecision(const workflows::Decision& d, schema::DecisionView::Builder v) {
  v.setNotSecret(d.not_secret);
  v.setMark(MarkOf(d.not_secret, d.protection));
  v.setLevel(workflows::LevelText(d.not_secret, d.protection));
  v.setScope(d.scope);
  v.setDecidedBy(d.decided_by);
  v.setDecidedAt(d.decided_at);
  v.setGrantId(d.grant_id);
  v.setRefused(d.refused);
  v.setRefusal(d.refusal);
}

void FillHistory(const std::vector<workflows::TrailEvent>& history,
                 capnp::List<schema::TrailEventView>::Builder v) {
  for (size_t i = 0; i < history.size(); ++i) {
    v[i].setAt(history[i].at);
    v[i].setOrgan(history[i].organ);
    v[i].setAction(history[i].action);
    v[i].setDetail(history[i].detail);
  }
}

// The deadline of the step the matter waits for now (0 when none is tracked).
int64_t CurrentDue(const Matter& m) {
  switch (m.state) {
    case MatterState::kProvisional:
      return m.report_due_at;
    case MatterState::kReturned:
      return m.resubmit_due_at;
    case MatterState::kObjected:
      return m.answer_due_at;
    case MatterState::kInReview:
      return m.at >= 0 && m.at < static_cast<int>(m.path.size()) ? m.path[m.at].due_at : 0;
    default:
      return 0;
  }
}

// Where the matter is: its state, who holds it, its protection and the origin's report.
void FillProgress(const Matter& m, schema::MatterView::Builder v) {
  v.setState(workflows::MatterStateName(m.state));
  v.setStateZh(workflows::MatterStateZh(m));
  v.setFinal(m.final());
  FillOrgan(m.holder(), v.initHolder());
  v.setAt(m.at);
  v.setProvisionalMark(workflows::FormatMark(m.provisional));
  auto pending = m.PendingProtection();
  v.setProtectedAt(pending ? workflows::FormatMark(*pending) : "");
  v.setProvisionalAt(m.provisional_at);
  v.setReportedAt(m.reported_at);
  v.setReportDueAt(m.report_due_at);
  v.setCurrentDueAt(CurrentDue(m));
  v.setScope(m.scope);
  v.setFirstReportedAt(m.first_reported_at);
  v.setDeciderReceivedAt(m.DeciderReceivedAt());
  v.setResubmitDueAt(m.resubmit_due_at);
  v.setAroseOn(m.arose_on.days ? m.arose_on.ToString() : "");
  v.setHasNational(m.national.has_value());
  if (m.national) {
    v.setNationalSentAt(m.national->sent_at);
    v.setNationalChannel(m.national->channel);
    v.setNationalSentBy(m.national->sent_by);
    v.setNationalDoc(m.national->doc_number);
    v.setNationalDecidedOn(m.national->doc_number.empty() ? "" : m.national->decided_on.ToString());
  }
  v.setReturnReason(m.return_reason);
}

}  // namespace

const char* DeadlineStateName(schema::Deadline::State state) {
  using State = schema::Deadline::State;
  switch (state) {
    case State::OPEN:
      return "open";
    case State::REMINDED:
      return "reminded";
    case State::DUE_TODAY:
      return "due_today";
    case State::OVERDUE:
      return "overdue";
    case State::CLOSED:
      return "closed";
  }
  return "closed";
}

void FillDeadlineView(const deadlines::DeadlineRecord& d, int days_left,
                      schema::DeadlineView::Builder v) {
  v.setDaysLeft(days_left);
  v.setItem(d.item);
  v.setStep(d.step);
  v.setRule(d.rule);
  v.setTitle(d.title);
  v.setTriggerDay(d.trigger.days);
  v.setWorkingDays(static_cast<uint16_t>(d.working_days));
  v.setDueDay(d.due_day.days);
  v.setDueMs(d.due_ms);
  v.setRemindMs(d.remind_ms);
  v.setProvisional(d.provisional);
  v.setCalendarVersion(d.calendar_version);
  v.setState(DeadlineStateName(d.state));
  v.setStateZh(deadlines::StateZh(d.state));
  v.setOpenedMs(d.opened_ms);
  v.setClosedMs(d.closed_ms);
  v.setSupervisor(d.supervisor);
  v.setSupervisorName(d.supervisor_name);
  v.setOverdueAtMs(d.overdue_at_ms);
  v.setMetMs(d.met_ms);
}

void FillMatterView(const StoredMatter& s, schema::MatterView::Builder v) {
  const Matter& m = s.matter;
  v.setId(m.id);
  v.setKind(workflows::MatterKindName(m.kind));
  v.setKindZh(workflows::MatterKindZh(m.kind));
  v.setTitle(m.title);
  v.setVersion(m.version);
  FillOrgan(m.origin, v.initOrigin());
  FillProgress(m, v);
  auto materials = v.initMaterials(m.materials.size());
  size_t i = 0;
  for (const auto& name : m.materials) materials.set(i++, name);
  auto path = v.initPath(m.path.size());
  for (size_t h = 0; h < m.path.size(); ++h) FillHop(m.path[h], path[h]);
  FillDispute(m, v);
  v.setHasDecision(m.decision.has_value());
  if (m.decision) FillDecision(*m.decision, v.initDecision());
  FillHistory(m.history, v.initHistory(m.history.size()));
  v.setNoticeReceivedAt(s.notice_received_at);
  v.setCreatedAt(s.created_at);
  v.setUpdatedAt(s.updated_at);
  v.setOwesNationalFiling(workflows::OwesNationalFiling(m));  // the deciding node's to file
  v.setNationalFiledAt(s.national_filed_at);
  v.setNationalFiledVia(s.national_filed_via);
  v.setHasAnswerer(m.answerer.has_value());
  if (m.answerer) FillOrgan(*m.answerer, v.initAnswerer());
  FillHistory(s.late_steps, v.initLateSteps(s.late_steps.size()));
  v.setChangeNoticeDueAt(s.change_notice_due_at);
  v.setChangeNotifiedAt(s.change_notified_at);
  v.setChangeNotice(s.change_notice);
}

void FillMatterList(const std::vector<StoredMatter>& list, schema::ControlReply::Builder r) {
  auto out = r.initMatterViews(list.size());
  for (size_t i = 0; i < list.size(); ++i) FillMatterView(list[i], out[i]);
}

namespace {

template <typename List>
void FillTrail(List out, const std::vector<workflows::TrailEvent>& trail) {
  for (size_t i = 0; i < trail.size(); ++i) {
    out[i].setAt(trail[i].at);
    out[i].setOrgan(trail[i].organ);
    out[i].setAction(trail[i].action);
    out[i].setDetail(trail[i].detail);
  }
}

void FillPersons(capnp::List<schema::PersonView>::Builder out,
                 const std::vector<workflows::ResponsiblePerson>& persons, calendar::Date today) {
  for (size_t i = 0; i < persons.size(); ++i) {
    const auto& p = persons[i];
    auto v = out[i];
    v.setName(p.name);
    v.setStatutory(p.statutory);
    v.setPost(p.post);
    v.setCeiling(workflows::LevelZh(p.ceiling));
    v.setMatters(p.matters);
    v.setFrom(p.from.days ? p.from.ToString() : "");
    v.setUntil(p.until.days ? p.until.ToString() : "");
    v.setDocNumber(p.doc_number);
    v.setDesignatedBy(p.designated_by);
    v.setLive(p.LiveOn(today));
    v.setRevoked(p.revoked);
    v.setRevokeReason(p.revoke_reason);
  }
}

}  // namespace

void FillFilingView(const workflows::Filing& f, schema::FilingView::Builder v) {
  v.setId(f.id);
  v.setKind(workflows::FilingKindName(f.kind));
  v.setKindZh(workflows::FilingKindZh(f.kind));
  v.setRule(workflows::FilingRule(f.kind));
  v.setFiler(f.filer.address());
  v.setFilerName(f.filer.name);
  v.setReceiver(f.receiver.address());
  v.setReceiverName(f.receiver.name);
  v.setSubject(f.subject);
  v.setTitle(f.title);
  v.setTrigger(f.trigger.ToString());
  v.setWorkingDays(f.working_days);
  v.setDueAt(f.due_at);
  v.setState(workflows::FilingStateName(f.state));
  v.setStateZh(workflows::FilingStateZh(f.state));
  auto materials = v.initMaterials(f.materials.size());
  size_t i = 0;
  for (const auto& m : f.materials) materials.set(i++, m);
  auto required = workflows::RequiredFilingMaterials(f.kind, f.grant ? &*f.grant : nullptr);
  required.insert(required.end(), f.asked.begin(), f.asked.end());
  auto req = v.initRequired(required.size());
  for (size_t k = 0; k < required.size(); ++k) req.set(k, required[k]);
  v.setFirstSentAt(f.first_sent_at);
  v.setSentAt(f.sent_at);
  v.setReceivedAt(f.received_at);
  v.setSentBy(f.sent_by);
  v.setReceiptNumber(f.receipt_number);
  v.setAnsweredBy(f.answered_by);
  v.setAnsweredAt(f.answered_at);
  v.setRefusal(f.refusal);
  // Judged by the first complete submission's sent-at (RULES.md "Deadlines"); a refusal after
  // it means the material came later: then by the submission that was receipted.
  int64_t judged = f.state == workflows::FilingState::kReceipted ? f.sent_at : f.first_sent_at;
  v.setOnTime(judged && f.due_at && judged <= f.due_at);
  FillTrail(v.initHistory(f.history.size()), f.history);
  FillPersons(v.initPersons(f.persons.size()), f.persons,
              calendar::CstDateOf(f.history.empty() ? 0 : f.history.back().at));
}

void FillFilingList(const std::vector<workflows::Filing>& list, schema::ControlReply::Builder r) {
  auto out = r.initFilings(list.size());
  for (size_t i = 0; i < list.size(); ++i) FillFilingView(list[i], out[i]);
}

void FillGrantList(const std::vector<GrantRegisterEntry>& list, schema::ControlReply::Builder r) {
  auto out = r.initGrants(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const workflows::Grant& g = list[i].grant;
    auto v = out[i];
    v.setId(g.id);
    v.setDocNumber(g.doc_number);
    v.setGrantor(g.grantor.address());
    v.setGrantorName(g.grantor.name);
    v.setGrantee(g.grantee.address());
    v.setGranteeName(g.grantee.name);
    v.setCeiling(workflows::LevelZh(g.ceiling));
    v.setMatters(g.matters);
    v.setFrom(g.from.ToString());
    v.setUntil(g.until().ToString());
    v.setTermMonths(g.term_months);
    // As stored: a lapse is recorded by the node's own tick at the end of the term.
    v.setState(workflows::GrantStateName(g.state));
    v.setStateZh(workflows::GrantStateZh(g.state));
    v.setProactive(g.proactive);
    v.setTask(g.task);
    v.setRegrants(g.regrants);
    v.setApplication(g.application);
    v.setLongTermReason(g.long_term_reason);
    v.setDecidedBy(g.decided_by);
    v.setDecidedAt(g.decided_at);
    v.setRevokeGround(g.revoke_ground ? workflows::RevokeGroundZh(g.revoke_ground) : "");
    v.setRevokeDoc(g.revoke_doc);
    v.setRevokedAt(g.revoked_at);
    v.setEndedAt(g.ended_at);
    FillTrail(v.initHistory(g.history.size()), g.history);
    auto filings = v.initFilings(list[i].filings.size());
    for (size_t k = 0; k < list[i].filings.size(); ++k) {
      FillFilingView(list[i].filings[k], filings[k]);
    }
    auto missing = v.initExpected(list[i].missing.size());
    for (size_t k = 0; k < list[i].missing.size(); ++k) missing.set(k, list[i].missing[k]);
  }
}

void FillRegisterList(const std::vector<StoredRegister>& list, int64_t now,
                      schema::ControlReply::Builder r) {
  auto out = r.initRegisters(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& s = list[i];
    auto v = out[i];
    v.setOrgan(s.reg.organ);
    v.setOrganName(s.reg.organ_name);
    v.setVersion(s.reg.version);
    v.setChangedAt(s.reg.changed_at);
    FillPersons(v.initPersons(s.reg.persons.size()), s.reg.persons, calendar::CstDateOf(now));
    v.setFilingOwed(s.filing_owed);
  }
}

void FillSecretView(const workflows::Determination& d, const workflows::OrganDirectory& directory,
                    const std::string& self, schema::SecretView::Builder v) {
  v.setId(d.id);
  v.setOrgan(d.organ);
  v.setOrganName(d.organ_name);
  v.setTitle(d.title);
  v.setEntryNo(d.entry_no);
  v.setListVersion(d.list_version);
  v.setEntryName(d.entry_name);
  v.setProposed(workflows::FormatMark(d.proposed));
  v.setScope(d.scope);
  v.setBasis(d.basis);
  v.setReasons(d.reasons);
  v.setKeyPoints(d.key_points);
  v.setHandler(d.handler);
  v.setAroseOn(d.arose_on.ToString());
  v.setState(workflows::DeterminationStateName(d.state));
  v.setStateZh(workflows::DeterminationStateZh(d.state));
  v.setMark(d.version ? workflows::FormatMark(d.protection) : "");
  v.setCorrected(d.corrected);
  v.setApprovedBy(d.approved_by);
  v.setApprovedAt(d.approved_at);
  v.setReturnReason(d.return_reason);
  v.setDueAt(d.due_at);
  FillTrail(v.initHistory(d.history.size()), d.history);
  auto organs = v.initScopeOrgans(d.scope_organs.size());
  for (size_t i = 0; i < d.scope_organs.size(); ++i) {
    organs[i].setAddress(d.scope_organs[i]);
    if (auto o = directory.Find(d.scope_organs[i])) organs[i].setName(o->name);
  }
  v.setVersion(d.version);
  if (d.version) {
    v.setDeterminedOn(d.determined_on.ToString());
    if (auto end = workflows::ReleasesOn(d)) v.setReleasesOn(end->ToString());
  }
  v.setReviewedYear(d.reviewed_year);
  if (d.state == workflows::DeterminationState::kReleased) {
    v.setReleasedOn(d.released_on.ToString());
    v.setReleaseReason(d.release_reason);
  }
  v.setHeld(d.organ.rfind(self + "/", 0) != 0);
}

void FillSecretNoticeView(const workflows::SecretNotice& n, schema::SecretNoticeView::Builder v) {
  v.setId(n.id);
  v.setSecretId(n.secret_id);
  v.setTitle(n.title);
  v.setOrgan(n.organ);
  v.setOrganName(n.organ_name);
  v.setVersion(n.version);
  v.setKind(workflows::ChangeKindName(n.kind));
  v.setKindZh(workflows::ChangeKindZh(n.kind));
  v.setRule(n.rule);
  v.setDocNumber(n.doc_number);
  v.setMark(n.mark);
  v.setDecidedAt(n.decided_at);
  v.setDueAt(n.due_ms);
  auto rs = v.initRecipients(n.recipients.size());
  for (size_t i = 0; i < n.recipients.size(); ++i) {
    rs[i].setOrgan(n.recipients[i].organ);
    rs[i].setOrganName(n.recipients[i].organ_name);
    rs[i].setReceiptedAt(n.recipients[i].receipted_at);
  }
}

void FillInspectionView(const workflows::InspectionCase& c, schema::InspectionView::Builder v) {
  v.setId(c.id);
  v.setKind(workflows::CaseKindName(c.kind));
  v.setKindZh(workflows::CaseKindZh(c.kind));
  v.initByOrgan().setAddress(c.by_organ.address());
  v.getByOrgan().setName(c.by_organ.name);
  v.initOrgan().setAddress(c.organ.address());
  v.getOrgan().setName(c.organ.name);
  auto points = v.initPoints(c.points.size());
  size_t i = 0;
  for (int p : c.points) {
    points.set(i++, "(" + std::to_string(p) + ") " + workflows::InspectionPointZh(p));
  }
  v.setSubject(workflows::CorrectionSubjectZh(c.subject));
  v.setSubjectDetail(c.subject_detail);
  v.setAdjust(c.adjust);
  v.setOpenedBy(c.opened_by);
  v.setOpenedAt(c.opened_at);
  auto findings = v.initFindings(c.findings.size());
  for (i = 0; i < c.findings.size(); ++i) {
    const auto& f = c.findings[i];
    findings.set(i, (f.point ? "(" + std::to_string(f.point) + ") " : std::string()) + f.text);
  }
  v.setRequest(c.request);
  if (c.rectify_by.days) v.setRectifyBy(c.rectify_by.ToString());
  v.setReport(c.report);
  v.setReportedBy(c.reported_by);
  v.setReportedAt(c.reported_at);
  v.setClosing(c.closing);
  v.setClosedBy(c.closed_by);
  v.setClosedAt(c.closed_at);
  v.setState(workflows::CaseStateName(c.state));
  v.setStateZh(workflows::CaseStateZh(c.state));
  FillTrail(v.initHistory(c.history.size()), c.history);
}

}  // namespace zhuji::node
