#include "services/node/matters.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstdio>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/codec.h"
#include "zhuji/schemas/matter.capnp.h"

namespace zhuji::node {

using workflows::Protection;

void PutProtection(schema::Protection::Builder b, const Protection& p) {
  b.setLevel(static_cast<uint8_t>(p.level));
  b.setKind(static_cast<schema::Protection::Kind>(p.kind));
  b.setTermMonths(p.term_months);
  b.setReleaseDay(p.release_date.days);
  b.setCondition(p.condition);
}

// A stored or received value out of its range is corruption, named, never clamped into range.
workflows::SecrecyLevel CheckedLevel(uint8_t level, const char* what) {
  if (level < 1 || level > 3) {
    throw MalformedMessage(std::string(what) + " level " + std::to_string(level) +
                           " is not 1 (秘密), 2 (机密) or 3 (绝密)");
  }
  return static_cast<workflows::SecrecyLevel>(level);
}

Protection GetProtection(schema::Protection::Reader r) {
  Protection p;
  p.level = CheckedLevel(r.getLevel(), "protection");
  auto kind = static_cast<uint16_t>(r.getKind());
  if (kind > static_cast<uint16_t>(Protection::Kind::kReleaseCondition)) {
    throw MalformedMessage("protection kind " + std::to_string(kind) +
                           " is unknown to this build (a newer peer?)");
  }
  p.kind = static_cast<Protection::Kind>(kind);
  p.term_months = r.getTermMonths();
  p.release_date = calendar::Date{r.getReleaseDay()};
  p.condition = r.getCondition();
  return p;
}

void PutOrgan(schema::Organ::Builder b, const workflows::Organ& o) {
  b.setNode(o.node);
  b.setCode(o.code);
  b.setName(o.name);
  b.setLine(o.line);
  b.setHasAuthority(o.authority.has_original_authority);
  b.setCeiling(static_cast<uint8_t>(o.authority.ceiling));
  b.setAuthorizing(o.authorizing);
}

workflows::Organ GetOrgan(schema::Organ::Reader r) {
  workflows::Organ o;
  o.node = r.getNode();
  o.code = r.getCode();
  o.name = r.getName();
  o.line = r.getLine();
  o.authority.has_original_authority = r.getHasAuthority();
  o.authority.ceiling = CheckedLevel(r.getCeiling(), "authority ceiling");
  o.authorizing = r.getAuthorizing();
  return o;
}

void PutPath(capnp::List<schema::Hop>::Builder path, const std::vector<workflows::Hop>& hops) {
  for (size_t h = 0; h < hops.size(); ++h) {
    const auto& hop = hops[h];
    auto hb = path[h];
    PutOrgan(hb.initOrgan(), hop.organ);
    hb.setWhy(hop.why);
    hb.setReceivedAt(hop.received_at);
    hb.setSentAt(hop.sent_at);
    hb.setReviewer(hop.reviewer);
    hb.setOpinion(hop.opinion);
    hb.setOutcome(static_cast<uint8_t>(hop.outcome));
    hb.setDueAt(hop.due_at);
  }
}

void PutDecision(schema::Decision::Builder d, const workflows::Decision& decision) {
  d.setNotSecret(decision.not_secret);
  PutProtection(d.initProtection(), decision.protection);
  d.setScope(decision.scope);
  d.setDecidedBy(decision.decided_by);
  d.setDecidedAt(decision.decided_at);
  d.setGrantId(decision.grant_id);
  d.setRefused(decision.refused);
  d.setRefusal(decision.refusal);
}

void PutTrail(capnp::List<schema::TrailEvent>::Builder out,
              const std::vector<workflows::TrailEvent>& trail) {
  for (size_t e = 0; e < trail.size(); ++e) {
    out[e].setAt(trail[e].at);
    out[e].setOrgan(trail[e].organ);
    out[e].setAction(trail[e].action);
    out[e].setDetail(trail[e].detail);
  }
}

std::vector<workflows::TrailEvent> GetTrail(capnp::List<schema::TrailEvent>::Reader in) {
  std::vector<workflows::TrailEvent> trail;
  for (auto e : in) trail.push_back({e.getAt(), e.getOrgan(), e.getAction(), e.getDetail()});
  return trail;
}

namespace {

void PutMatter(schema::Matter::Builder b, const workflows::Matter& m) {
  b.setId(m.id);
  b.setKind(static_cast<uint8_t>(m.kind));
  b.setVersion(m.version);
  PutOrgan(b.initOrigin(), m.origin);
  b.setTitle(m.title);
  PutProtection(b.initProvisional(), m.provisional);
  b.setProvisionalAt(m.provisional_at);
  b.setReportedAt(m.reported_at);
  auto mats = b.initMaterials(m.materials.size());
  size_t i = 0;
  for (auto& name : m.materials) mats.set(i++, name);
  PutPath(b.initPath(m.path.size()), m.path);
  b.setAt(m.at);
  b.setState(static_cast<uint8_t>(m.state));
  b.setHasDecision(m.decision.has_value());
  if (m.decision) PutDecision(b.initDecision(), *m.decision);
  b.setReturnReason(m.return_reason);
  auto claims = b.initClaims(m.claims.size());
  for (size_t c = 0; c < m.claims.size(); ++c) {
    claims[c].setOrgan(m.claims[c].organ);
    claims[c].setOrganName(m.claims[c].organ_name);
    claims[c].setNotSecret(m.claims[c].not_secret);
    PutProtection(claims[c].initProtection(), m.claims[c].protection);
  }
  b.setHasClassifier(m.classifier.has_value());
  if (m.classifier) PutOrgan(b.initClassifier(), *m.classifier);
  b.setObjectionReceivedAt(m.objection_received_at);
  b.setAnsweredAt(m.answered_at);
  b.setAnsweredBy(m.answered_by);
  b.setAnswer(m.answer);
  b.setUpheld(m.upheld);
  b.setReportDueAt(m.report_due_at);
  b.setAnswerDueAt(m.answer_due_at);
  b.setScope(m.scope);
  b.setFirstReportedAt(m.first_reported_at);
  b.setResubmitDueAt(m.resubmit_due_at);
  b.setAroseDay(m.arose_on.days);
  b.setHasAnswerer(m.answerer.has_value());
  if (m.answerer) PutOrgan(b.initAnswerer(), *m.answerer);
  b.setHasNational(m.national.has_value());
  if (m.national) {
    auto n = b.initNational();
    n.setSentAt(m.national->sent_at);
    n.setChannel(m.national->channel);
    n.setSentBy(m.national->sent_by);
    n.setDocNumber(m.national->doc_number);
    n.setDecidedOnDay(m.national->decided_on.days);
    n.setRecordedAt(m.national->recorded_at);
    n.setRecordedBy(m.national->recorded_by);
  }
  PutTrail(b.initHistory(m.history.size()), m.history);
}

workflows::Hop GetHop(schema::Hop::Reader hb) {
  workflows::Hop hop;
  hop.organ = GetOrgan(hb.getOrgan());
  hop.why = hb.getWhy();
  hop.received_at = hb.getReceivedAt();
  hop.sent_at = hb.getSentAt();
  hop.reviewer = hb.getReviewer();
  hop.opinion = hb.getOpinion();
  // An outcome a newer peer knows and this build does not is kept as it is and shown as
  // unknown: it only describes the hop, no rule here depends on it.
  hop.outcome = static_cast<workflows::HopOutcome>(hb.getOutcome());
  hop.due_at = hb.getDueAt();
  return hop;
}

workflows::Decision GetDecision(schema::Decision::Reader d) {
  workflows::Decision dec;
  dec.not_secret = d.getNotSecret();
  dec.protection = GetProtection(d.getProtection());
  dec.scope = d.getScope();
  dec.decided_by = d.getDecidedBy();
  dec.decided_at = d.getDecidedAt();
  dec.grant_id = d.getGrantId();
  dec.refused = d.getRefused();
  dec.refusal = d.getRefusal();
  return dec;
}

Result<workflows::Matter> GetMatter(schema::Matter::Reader r) {
  workflows::Matter m;
  m.id = r.getId();
  if (m.id.empty()) return Status::Error("matter without an id");
  if (r.getKind() > static_cast<uint8_t>(workflows::MatterKind::kAuthorization)) {
    return Status::Error("matter " + m.id + ": unknown kind " + std::to_string(r.getKind()));
  }
  if (r.getState() > static_cast<uint8_t>(workflows::MatterState::kWithNational)) {
    return Status::Error("matter " + m.id + ": unknown state " + std::to_string(r.getState()));
  }
  m.kind = static_cast<workflows::MatterKind>(r.getKind());
  m.version = r.getVersion();
  m.origin = GetOrgan(r.getOrigin());
  m.title = r.getTitle();
  m.provisional = GetProtection(r.getProvisional());
  m.provisional_at = r.getProvisionalAt();
  m.reported_at = r.getReportedAt();
  for (auto name : r.getMaterials()) m.materials.insert(name);
  for (auto hb : r.getPath()) {
    m.path.push_back(GetHop(hb));
    if (!IsDivisionCode(m.path.back().organ.node)) {
      return Status::Error("matter " + m.id + ": a hop on node '" + m.path.back().organ.node + "'");
    }
  }
  if (m.path.empty()) return Status::Error("matter " + m.id + " has no route");
  m.at = r.getAt();
  if (m.at < -1 || m.at >= static_cast<int>(m.path.size())) {
    return Status::Error("matter " + m.id + ": held at hop " + std::to_string(m.at) + " of " +
                         std::to_string(m.path.size()));
  }
  if (!IsDivisionCode(m.origin.node)) {
    return Status::Error("matter " + m.id + ": origin on node '" + m.origin.node + "'");
  }
  m.state = static_cast<workflows::MatterState>(r.getState());
  if (r.getHasDecision()) m.decision = GetDecision(r.getDecision());
  m.return_reason = r.getReturnReason();
  for (auto c : r.getClaims()) {
    m.claims.push_back(
        {c.getOrgan(), c.getOrganName(), c.getNotSecret(), GetProtection(c.getProtection())});
  }
  if (r.getHasClassifier()) m.classifier = GetOrgan(r.getClassifier());
  if (m.kind == workflows::MatterKind::kDisputed && (!m.classifier || m.claims.empty())) {
    return Status::Error("disputed matter " + m.id + " without its classifier and claims");
  }
  m.objection_received_at = r.getObjectionReceivedAt();
  m.answered_at = r.getAnsweredAt();
  m.answered_by = r.getAnsweredBy();
  m.answer = r.getAnswer();
  m.upheld = r.getUpheld();
  m.report_due_at = r.getReportDueAt();
  m.answer_due_at = r.getAnswerDueAt();
  m.scope = r.getScope();
  m.first_reported_at = r.getFirstReportedAt();
  m.resubmit_due_at = r.getResubmitDueAt();
  m.arose_on = calendar::Date{r.getAroseDay()};
  if (r.getHasAnswerer()) m.answerer = GetOrgan(r.getAnswerer());
  if (r.getHasNational()) {
    auto n = r.getNational();
    m.national = workflows::NationalReferral{n.getSentAt(),
                                             n.getChannel(),
                                             n.getSentBy(),
                                             n.getDocNumber(),
                                             calendar::Date{n.getDecidedOnDay()},
                                             n.getRecordedAt(),
                                             n.getRecordedBy()};
  }
  m.history = GetTrail(r.getHistory());
  return m;
}

}  // namespace

std::string Matters::Encode(const workflows::Matter& m) {
  capnp::MallocMessageBuilder msg;
  PutMatter(msg.initRoot<schema::Matter>(), m);
  return ToBytes(msg);
}

Result<workflows::Matter> Matters::Decode(std::string_view bytes) {
  try {
    auto msg = ReadMessage(bytes);
    return GetMatter(msg->Root<schema::Matter>());
  } catch (const MalformedMessage& e) {
    return Status::Error(std::string("matter: ") + e.what());
  } catch (const kj::Exception& e) {
    return Status::Error("matter unreadable: " + std::string(e.getDescription().cStr()));
  }
}

std::string Matters::EncodeStored(const StoredMatter& s) {
  capnp::MallocMessageBuilder msg;
  auto b = msg.initRoot<schema::StoredMatter>();
  PutMatter(b.initMatter(), s.matter);
  b.setNoticeReceivedAt(s.notice_received_at);
  b.setCreatedAt(s.created_at);
  b.setUpdatedAt(s.updated_at);
  b.setNationalFiledAt(s.national_filed_at);
  b.setNationalFiledVia(s.national_filed_via);
  b.setNationalFiledBy(s.national_filed_by);
  PutTrail(b.initLateSteps(s.late_steps.size()), s.late_steps);
  b.setChangeNotifiedAt(s.change_notified_at);
  b.setChangeNotifiedBy(s.change_notified_by);
  b.setChangeNotice(s.change_notice);
  b.setChangeNoticeDueAt(s.change_notice_due_at);
  return ToBytes(msg);
}

StoredMatter Matters::DecodeStored(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::StoredMatter>();
  StoredMatter s;
  auto m = GetMatter(r.getMatter());
  if (!m.ok()) throw MalformedMessage("stored " + m.message());
  s.matter = m.value();
  s.notice_received_at = r.getNoticeReceivedAt();
  s.created_at = r.getCreatedAt();
  s.updated_at = r.getUpdatedAt();
  s.national_filed_at = r.getNationalFiledAt();
  s.national_filed_via = r.getNationalFiledVia();
  s.national_filed_by = r.getNationalFiledBy();
  s.late_steps = GetTrail(r.getLateSteps());
  s.change_notified_at = r.getChangeNotifiedAt();
  s.change_notified_by = r.getChangeNotifiedBy();
  s.change_notice = r.getChangeNotice();
  s.change_notice_due_at = r.getChangeNoticeDueAt();
  return s;
}

std::optional<StoredMatter> Matters::Get(store::Txn& txn, const std::string& id) {
  auto v = txn.Get("matters", id);
  if (!v) return std::nullopt;
  return DecodeStored(*v);
}

void Matters::Put(store::Txn& txn, const StoredMatter& s) {
  txn.Put("matters", s.matter.id, EncodeStored(s));
}

std::vector<StoredMatter> Matters::List(store::Txn& txn) {
  std::vector<StoredMatter> out;
  auto cursor = txn.OpenCursor("matters");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) out.push_back(DecodeStored(kv->second));
  std::stable_sort(out.begin(), out.end(), [](const StoredMatter& a, const StoredMatter& b) {
    return a.updated_at > b.updated_at;
  });
  return out;
}

std::string Matters::NextId(store::Txn& txn, const std::string& origin_address, int year) {
  std::string key = "matter_serial/" + std::to_string(year);
  auto v = txn.Get("meta", key);
  uint64_t serial = v ? DecodeBe64(*v) + 1 : 1;
  txn.Put("meta", key, EncodeBe64(serial));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%04llu", year, static_cast<unsigned long long>(serial));
  return origin_address + "/" + buf;
}

}  // namespace zhuji::node
