#include "services/node/filings.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstdio>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/codec.h"
#include "zhuji/schemas/filing.capnp.h"

namespace zhuji::node {

namespace {

using workflows::Filing;
using workflows::Grant;

template <typename E>
E CheckedEnum(uint8_t v, E last, const char* what) {
  if (v > static_cast<uint8_t>(last)) {
    throw MalformedMessage(std::string(what) + " " + std::to_string(v) +
                           " is unknown to this build (a newer peer?)");
  }
  return static_cast<E>(v);
}

void PutGrant(schema::Grant::Builder b, const Grant& g) {
  b.setId(g.id);
  b.setVersion(g.version);
  b.setDocNumber(g.doc_number);
  PutOrgan(b.initGrantor(), g.grantor);
  PutOrgan(b.initGrantee(), g.grantee);
  b.setCeiling(static_cast<uint8_t>(g.ceiling));
  b.setMatters(g.matters);
  b.setFromDay(g.from.days);
  b.setTermMonths(g.term_months);
  b.setLongTermReason(g.long_term_reason);
  b.setProactive(g.proactive);
  b.setTask(g.task);
  b.setRegrants(g.regrants);
  b.setRegrantCause(static_cast<uint8_t>(g.regrant_cause));
  b.setDecidedBy(g.decided_by);
  b.setDecidedAt(g.decided_at);
  b.setState(static_cast<uint8_t>(g.state));
  b.setRevokeGround(static_cast<uint8_t>(g.revoke_ground));
  b.setRevokeDoc(g.revoke_doc);
  b.setRevokeDetail(g.revoke_detail);
  b.setRevokedBy(g.revoked_by);
  b.setRevokedAt(g.revoked_at);
  b.setEndedAt(g.ended_at);
  PutTrail(b.initHistory(g.history.size()), g.history);
  b.setApplication(g.application);
}

Grant GetGrant(schema::Grant::Reader r) {
  Grant g;
  g.id = r.getId();
  g.version = r.getVersion();
  g.doc_number = r.getDocNumber();
  g.grantor = GetOrgan(r.getGrantor());
  g.grantee = GetOrgan(r.getGrantee());
  g.ceiling = CheckedLevel(r.getCeiling(), "grant ceiling");
  g.matters = r.getMatters();
  g.from = calendar::Date{r.getFromDay()};
  g.term_months = r.getTermMonths();
  g.long_term_reason = r.getLongTermReason();
  g.proactive = r.getProactive();
  g.task = r.getTask();
  g.regrants = r.getRegrants();
  g.regrant_cause =
      CheckedEnum(r.getRegrantCause(), workflows::RegrantCause::kExpiry, "re-grant cause");
  g.decided_by = r.getDecidedBy();
  g.decided_at = r.getDecidedAt();
  g.state = CheckedEnum(r.getState(), workflows::GrantState::kSuperseded, "grant state");
  g.revoke_ground = r.getRevokeGround();
  if (g.revoke_ground > workflows::kRevokeGrounds) {
    throw MalformedMessage("revocation ground " + std::to_string(g.revoke_ground) + " is not 1-6");
  }
  g.revoke_doc = r.getRevokeDoc();
  g.revoke_detail = r.getRevokeDetail();
  g.revoked_by = r.getRevokedBy();
  g.revoked_at = r.getRevokedAt();
  g.ended_at = r.getEndedAt();
  g.history = GetTrail(r.getHistory());
  g.application = r.getApplication();
  if (g.id.empty()) throw MalformedMessage("a grant without its id");
  if (g.term_months <= 0 || g.term_months > workflows::kGrantMaxYears * 12) {
    throw MalformedMessage("grant " + g.id + ": term of " + std::to_string(g.term_months) +
                           " months is out of range");
  }
  if (!calendar::IsSupported(g.from)) {
    throw MalformedMessage("grant " + g.id + ": its first day is outside the supported years");
  }
  return g;
}

void PutPersons(capnp::List<schema::ResponsiblePerson>::Builder out,
                const std::vector<workflows::ResponsiblePerson>& persons) {
  for (size_t i = 0; i < persons.size(); ++i) {
    const auto& p = persons[i];
    auto b = out[i];
    b.setName(p.name);
    b.setStatutory(p.statutory);
    b.setPost(p.post);
    b.setCeiling(static_cast<uint8_t>(p.ceiling));
    b.setMatters(p.matters);
    b.setFromDay(p.from.days);
    b.setUntilDay(p.until.days);
    b.setDocNumber(p.doc_number);
    b.setDesignatedBy(p.designated_by);
    b.setDesignatedAt(p.designated_at);
    b.setRevoked(p.revoked);
    b.setRevokedAt(p.revoked_at);
    b.setRevokedBy(p.revoked_by);
    b.setRevokeReason(p.revoke_reason);
  }
}

std::vector<workflows::ResponsiblePerson> GetPersons(
    capnp::List<schema::ResponsiblePerson>::Reader in) {
  std::vector<workflows::ResponsiblePerson> out;
  for (auto r : in) {
    workflows::ResponsiblePerson p;
    p.name = r.getName();
    p.statutory = r.getStatutory();
    p.post = r.getPost();
    p.ceiling = CheckedLevel(r.getCeiling(), "responsible person's ceiling");
    p.matters = r.getMatters();
    p.from = calendar::Date{r.getFromDay()};
    p.until = calendar::Date{r.getUntilDay()};
    p.doc_number = r.getDocNumber();
    p.designated_by = r.getDesignatedBy();
    p.designated_at = r.getDesignatedAt();
    p.revoked = r.getRevoked();
    p.revoked_at = r.getRevokedAt();
    p.revoked_by = r.getRevokedBy();
    p.revoke_reason = r.getRevokeReason();
    out.push_back(std::move(p));
  }
  return out;
}

void PutFiling(schema::Filing::Builder b, const Filing& f) {
  b.setId(f.id);
  b.setVersion(f.version);
  b.setKind(static_cast<uint8_t>(f.kind));
  PutOrgan(b.initFiler(), f.filer);
  PutOrgan(b.initReceiver(), f.receiver);
  b.setSubject(f.subject);
  b.setTitle(f.title);
  b.setTriggerDay(f.trigger.days);
  b.setWorkingDays(f.working_days);
  b.setDueAt(f.due_at);
  auto materials = b.initMaterials(f.materials.size());
  size_t i = 0;
  for (const auto& m : f.materials) materials.set(i++, m);
  b.setFirstSentAt(f.first_sent_at);
  b.setSentAt(f.sent_at);
  b.setReceivedAt(f.received_at);
  b.setSentBy(f.sent_by);
  b.setState(static_cast<uint8_t>(f.state));
  b.setReceiptNumber(f.receipt_number);
  b.setAnsweredBy(f.answered_by);
  b.setAnsweredAt(f.answered_at);
  b.setRefusal(f.refusal);
  b.setHasGrant(f.grant.has_value());
  if (f.grant) PutGrant(b.initGrant(), *f.grant);
  PutPersons(b.initPersons(f.persons.size()), f.persons);
  PutTrail(b.initHistory(f.history.size()), f.history);
  auto asked = b.initAsked(f.asked.size());
  i = 0;
  for (const auto& m : f.asked) asked.set(i++, m);
}

Filing GetFiling(schema::Filing::Reader r) {
  Filing f;
  f.id = r.getId();
  f.version = r.getVersion();
  f.kind = CheckedEnum(r.getKind(), workflows::FilingKind::kResponsible, "filing kind");
  f.filer = GetOrgan(r.getFiler());
  f.receiver = GetOrgan(r.getReceiver());
  f.subject = r.getSubject();
  f.title = r.getTitle();
  f.trigger = calendar::Date{r.getTriggerDay()};
  f.working_days = r.getWorkingDays();
  f.due_at = r.getDueAt();
  for (auto m : r.getMaterials()) f.materials.insert(m);
  f.first_sent_at = r.getFirstSentAt();
  f.sent_at = r.getSentAt();
  f.received_at = r.getReceivedAt();
  f.sent_by = r.getSentBy();
  f.state = CheckedEnum(r.getState(), workflows::FilingState::kRefused, "filing state");
  f.receipt_number = r.getReceiptNumber();
  f.answered_by = r.getAnsweredBy();
  f.answered_at = r.getAnsweredAt();
  f.refusal = r.getRefusal();
  if (r.getHasGrant()) f.grant = GetGrant(r.getGrant());
  f.persons = GetPersons(r.getPersons());
  f.history = GetTrail(r.getHistory());
  for (auto m : r.getAsked()) f.asked.insert(m);
  if (f.id.empty()) throw MalformedMessage("a filing without its id");
  return f;
}

template <typename T, typename Fn>
Result<T> DecodeOr(std::string_view bytes, Fn fn) {
  try {
    return fn(bytes);
  } catch (const MalformedMessage& e) {
    return Status::Error(e.what());
  } catch (const kj::Exception& e) {
    return Status::Error(std::string("unreadable: ") + e.getDescription().cStr());
  }
}

}  // namespace

std::string NextSerial(store::Txn& txn, const std::string& key_prefix, const std::string& owner,
                       int year, const char* letter) {
  std::string key = key_prefix + std::to_string(year);
  auto v = txn.Get("meta", key);
  uint64_t serial = v ? DecodeBe64(*v) + 1 : 1;
  txn.Put("meta", key, EncodeBe64(serial));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%d-%s%04llu", year, letter,
                static_cast<unsigned long long>(serial));
  return owner + "/" + buf;
}

std::string Grants::Encode(const Grant& g) {
  capnp::MallocMessageBuilder m;
  PutGrant(m.initRoot<schema::Grant>(), g);
  return ToBytes(m);
}

Result<Grant> Grants::Decode(std::string_view bytes) {
  return DecodeOr<Grant>(bytes, [](std::string_view b) {
    auto msg = ReadMessage(b);
    return GetGrant(msg->Root<schema::Grant>());
  });
}

std::optional<Grant> Grants::Get(store::Txn& txn, const std::string& id) {
  auto v = txn.Get("authorizations", id);
  if (!v) return std::nullopt;
  auto g = Decode(*v);
  if (!g.ok()) throw MalformedMessage("stored grant " + id + ": " + g.message());
  return g.value();
}

void Grants::Put(store::Txn& txn, const Grant& g) { txn.Put("authorizations", g.id, Encode(g)); }

std::vector<Grant> Grants::List(store::Txn& txn) {
  std::vector<Grant> out;
  auto cursor = txn.OpenCursor("authorizations");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto g = Decode(kv->second);
    if (!g.ok()) throw MalformedMessage("stored grant: " + g.message());
    out.push_back(g.value());
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Grant& a, const Grant& b) { return a.decided_at > b.decided_at; });
  return out;
}

std::string Grants::NextId(store::Txn& txn, const std::string& grantor, int year) {
  return NextSerial(txn, "grant_serial/", grantor, year, "G");
}

std::string Filings::Encode(const Filing& f) {
  capnp::MallocMessageBuilder m;
  PutFiling(m.initRoot<schema::Filing>(), f);
  return ToBytes(m);
}

Result<Filing> Filings::Decode(std::string_view bytes) {
  return DecodeOr<Filing>(bytes, [](std::string_view b) {
    auto msg = ReadMessage(b);
    return GetFiling(msg->Root<schema::Filing>());
  });
}

std::optional<Filing> Filings::Get(store::Txn& txn, const std::string& id) {
  auto v = txn.Get("filings", id);
  if (!v) return std::nullopt;
  auto f = Decode(*v);
  if (!f.ok()) throw MalformedMessage("stored filing " + id + ": " + f.message());
  return f.value();
}

void Filings::Put(store::Txn& txn, const Filing& f) { txn.Put("filings", f.id, Encode(f)); }

std::vector<Filing> Filings::List(store::Txn& txn) {
  std::vector<Filing> out;
  auto cursor = txn.OpenCursor("filings");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto f = Decode(kv->second);
    if (!f.ok()) throw MalformedMessage("stored filing: " + f.message());
    out.push_back(f.value());
  }
  std::stable_sort(out.begin(), out.end(), [](const Filing& a, const Filing& b) {
    return a.history.front().at > b.history.front().at;
  });
  return out;
}

std::string Filings::NextId(store::Txn& txn, const std::string& filer, int year) {
  return NextSerial(txn, "filing_serial/", filer, year, "B");
}

std::string Registers::Encode(const StoredRegister& s) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::ResponsibleRegister>();
  b.setOrgan(s.reg.organ);
  b.setOrganName(s.reg.organ_name);
  b.setHasAuthority(s.reg.organ_has_original_authority);
  b.setCeiling(static_cast<uint8_t>(s.reg.organ_ceiling));
  PutPersons(b.initPersons(s.reg.persons.size()), s.reg.persons);
  b.setVersion(s.reg.version);
  b.setChangedAt(s.reg.changed_at);
  b.setFilingOwed(s.filing_owed);
  return ToBytes(m);
}

StoredRegister Registers::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::ResponsibleRegister>();
  StoredRegister s;
  s.reg.organ = r.getOrgan();
  s.reg.organ_name = r.getOrganName();
  s.reg.organ_has_original_authority = r.getHasAuthority();
  s.reg.organ_ceiling = CheckedLevel(r.getCeiling(), "organ ceiling");
  s.reg.persons = GetPersons(r.getPersons());
  s.reg.version = r.getVersion();
  s.reg.changed_at = r.getChangedAt();
  s.filing_owed = r.getFilingOwed();
  return s;
}

std::optional<StoredRegister> Registers::Get(store::Txn& txn, const std::string& organ) {
  auto v = txn.Get("responsible", organ);
  if (!v) return std::nullopt;
  return Decode(*v);
}

void Registers::Put(store::Txn& txn, const StoredRegister& r) {
  txn.Put("responsible", r.reg.organ, Encode(r));
}

std::vector<StoredRegister> Registers::List(store::Txn& txn) {
  std::vector<StoredRegister> out;
  auto cursor = txn.OpenCursor("responsible");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) out.push_back(Decode(kv->second));
  return out;
}

}  // namespace zhuji::node
