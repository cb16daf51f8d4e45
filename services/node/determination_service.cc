#include "services/node/determination_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/codec.h"
#include "services/node/views.h"
#include "services/store/audit.h"
#include "zhuji/schemas/secret.capnp.h"

namespace zhuji::node {

namespace {

using workflows::Determination;
using workflows::DeterminationState;
using Op = schema::SecretRequest::Op;

Result<workflows::Protection> Mark(const std::string& text, const char* what) {
  if (text.empty())
    return Status::Error(std::string(what) + " is required (a mark, e.g. 秘密★5年)");
  auto p = workflows::ParseMark(text);
  if (!p.ok()) return Status::Error(std::string(what) + ": " + p.message());
  return p;
}

}  // namespace

std::string ScopeLists::Encode(const workflows::ScopeList& l) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::ScopeList>();
  b.setOrgan(l.organ);
  b.setVersion(l.version);
  auto entries = b.initEntries(l.entries.size());
  for (size_t i = 0; i < l.entries.size(); ++i) {
    const auto& e = l.entries[i];
    entries[i].setNo(e.no);
    entries[i].setName(e.name);
    entries[i].setBasis(e.basis);
    PutProtection(entries[i].initProtection(), e.protection);
    entries[i].setScope(e.scope);
    entries[i].setDepartment(e.department);
  }
  b.setApprovedBy(l.approved_by);
  b.setApprovedAt(l.approved_at);
  return ToBytes(m);
}

workflows::ScopeList ScopeLists::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::ScopeList>();
  workflows::ScopeList l;
  l.organ = r.getOrgan();
  l.version = r.getVersion();
  for (auto e : r.getEntries()) {
    l.entries.push_back({e.getNo(), e.getName(), e.getBasis(), GetProtection(e.getProtection()),
                         e.getScope(), e.getDepartment()});
  }
  l.approved_by = r.getApprovedBy();
  l.approved_at = r.getApprovedAt();
  return l;
}

std::optional<workflows::ScopeList> ScopeLists::Get(store::Txn& txn, const std::string& organ) {
  auto v = txn.Get("scope_lists", organ);
  if (!v) return std::nullopt;
  return Decode(*v);
}

void ScopeLists::Put(store::Txn& txn, const workflows::ScopeList& l) {
  txn.Put("scope_lists", l.organ, Encode(l));
}

std::string Secrets::Encode(const Determination& d) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Determination>();
  b.setId(d.id);
  b.setOrgan(d.organ);
  b.setOrganName(d.organ_name);
  b.setTitle(d.title);
  b.setEntryNo(d.entry_no);
  b.setListVersion(d.list_version);
  b.setEntryName(d.entry_name);
  PutProtection(b.initProposed(), d.proposed);
  b.setScope(d.scope);
  b.setBasis(d.basis);
  b.setReasons(d.reasons);
  b.setKeyPoints(d.key_points);
  b.setHandler(d.handler);
  b.setAroseDay(d.arose_on.days);
  b.setProposedAt(d.proposed_at);
  b.setState(static_cast<uint8_t>(d.state));
  PutProtection(b.initProtection(), d.protection);
  b.setCorrected(d.corrected);
  b.setApprovedBy(d.approved_by);
  b.setApprovedAt(d.approved_at);
  b.setReturnReason(d.return_reason);
  b.setDueAt(d.due_at);
  PutTrail(b.initHistory(d.history.size()), d.history);
  return ToBytes(m);
}

Determination Secrets::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::Determination>();
  Determination d;
  d.id = r.getId();
  d.organ = r.getOrgan();
  d.organ_name = r.getOrganName();
  d.title = r.getTitle();
  d.entry_no = r.getEntryNo();
  d.list_version = r.getListVersion();
  d.entry_name = r.getEntryName();
  d.proposed = GetProtection(r.getProposed());
  d.scope = r.getScope();
  d.basis = r.getBasis();
  d.reasons = r.getReasons();
  d.key_points = r.getKeyPoints();
  d.handler = r.getHandler();
  d.arose_on = calendar::Date{r.getAroseDay()};
  d.proposed_at = r.getProposedAt();
  if (r.getState() > static_cast<uint8_t>(DeterminationState::kApproved)) {
    throw MalformedMessage("determination " + d.id + ": unknown state");
  }
  d.state = static_cast<DeterminationState>(r.getState());
  d.protection = GetProtection(r.getProtection());
  d.corrected = r.getCorrected();
  d.approved_by = r.getApprovedBy();
  d.approved_at = r.getApprovedAt();
  d.return_reason = r.getReturnReason();
  d.due_at = r.getDueAt();
  d.history = GetTrail(r.getHistory());
  return d;
}

std::optional<Determination> Secrets::Get(store::Txn& txn, const std::string& id) {
  auto v = txn.Get("secrets", id);
  if (!v) return std::nullopt;
  return Decode(*v);
}

void Secrets::Put(store::Txn& txn, const Determination& d) { txn.Put("secrets", d.id, Encode(d)); }

std::vector<Determination> Secrets::List(store::Txn& txn) {
  std::vector<Determination> out;
  auto cursor = txn.OpenCursor("secrets");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) out.push_back(Decode(kv->second));
  return out;
}

std::string Secrets::NextId(store::Txn& txn, const std::string& organ, int year) {
  std::string key = "secret_serial/" + std::to_string(year);
  auto v = txn.Get("meta", key);
  uint64_t serial = v ? DecodeBe64(*v) + 1 : 1;
  txn.Put("meta", key, EncodeBe64(serial));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%d-D%04llu", year, static_cast<unsigned long long>(serial));
  return organ + "/" + buf;
}

DeterminationService::DeterminationService(const config::NodeConfig& config,
                                           const FilingService& filings, DeadlineService& deadlines,
                                           Writer& writer, ControlService& control,
                                           const Clock& clock)
    : config_(config),
      filings_(filings),
      deadlines_(deadlines),
      writer_(writer),
      control_(control),
      clock_(clock) {}

void DeterminationService::Register(ControlService& control) {
  control.Register(schema::ControlRequest::SECRET, [this](ControlCall& c) { Handle(c); });
}

void DeterminationService::Store(store::Txn& txn, const Determination& d, const std::string& what,
                                 int64_t now) {
  Secrets::Put(txn, d);
  if (d.state == DeterminationState::kApproved) {
    deadlines_.CloseDuty(txn, d.id, workflows::kStepDetermine, now);
  }
  store::Audit::Append(txn, now, "determination " + what,
                       d.id + " 「" + d.title + "」 " + workflows::DeterminationStateZh(d.state));
}

Status DeterminationService::ApproveList(store::Txn& txn, schema::SecretRequest::Reader req,
                                         int64_t now) {
  std::string organ = config_.node_id + "/" + std::string(req.getOrgan().cStr());
  auto reg = filings_.LiveRegister(txn, organ);
  if (!reg.ok()) return reg.status();
  std::vector<workflows::ScopeEntry> entries;
  for (auto e : req.getEntries()) {
    auto p = Mark(e.getMark(), "an entry's level and term (mark)");
    if (!p.ok()) return Status::Error(std::string(e.getName().cStr()) + ": " + p.message());
    entries.push_back({0, e.getName(), e.getBasis(), p.value(), e.getScope(), e.getDepartment()});
  }
  auto held = ScopeLists::Get(txn, organ);
  auto list = workflows::ApproveScopeList(held ? &*held : nullptr, std::move(entries), reg.value(),
                                          req.getBy(), calendar::CstDateOf(now), now);
  if (!list.ok()) return list.status();
  ScopeLists::Put(txn, list.value());
  store::Audit::Append(txn, now, "保密事项一览表 approved",
                       organ + " version " + std::to_string(list.value().version) + " by " +
                           list.value().approved_by);
  return Status::Ok();
}

Status DeterminationService::Propose(store::Txn& txn, schema::SecretRequest::Reader req,
                                     int64_t now, std::string* id) {
  std::optional<Determination> held;
  if (req.getId().size()) {
    held = Secrets::Get(txn, req.getId());
    if (!held)
      return Status::Error("no determination " + std::string(req.getId().cStr()) + " here");
  }
  std::string organ =
      held ? held->organ : config_.node_id + "/" + std::string(req.getOrgan().cStr());
  auto reg = filings_.LiveRegister(txn, organ);
  if (!reg.ok()) return reg.status();
  auto list = ScopeLists::Get(txn, organ);
  if (!list) {
    return Status::Error("GD Art. 25, 26: " + reg.value().organ_name +
                         " has no approved 保密事项一览表 (zhuji secret scope-approve)");
  }
  auto p = Mark(req.getMark(), "the proposed level (--mark)");
  if (!p.ok()) return p.status();
  calendar::Date today = calendar::CstDateOf(now);
  workflows::Proposal proposal{req.getTitle(),
                               req.getEntryNo(),
                               p.value(),
                               req.getScope(),
                               req.getBasis(),
                               req.getReasons(),
                               req.getKeyPoints(),
                               req.getBy(),
                               req.getAroseDay() ? calendar::Date{req.getAroseDay()} : today};
  if (held) proposal.arose_on = held->arose_on;  // its Art. 28 days run on from the same day
  std::string new_id = held ? held->id : Secrets::NextId(txn, organ, today.year());
  auto d =
      workflows::ProposeDetermination(held ? &*held : nullptr, new_id, *list, proposal, today, now);
  if (!d.ok()) return d.status();
  Determination det = d.value();
  det.organ_name = reg.value().organ_name;
  if (!held) {
    // GD Art. 28: determined within 10 WD of the day it arose; meanwhile managed at the
    // proposed level (the proposal is stored with it).
    auto organ_value = filings_.base_directory().Find(organ);
    auto rec = deadlines_.OpenDuty(txn,
                                   {.item = det.id,
                                    .step = workflows::kStepDetermine,
                                    .rule = "GD Art. 28",
                                    .title = "定密 「" + det.title + "」",
                                    .trigger = det.arose_on,
                                    .working_days = workflows::kDetermineWorkingDays},
                                   organ_value ? &*organ_value : nullptr, now);
    if (!rec.ok()) {
      return Status::Error("determination " + det.id +
                           ": its GD Art. 28 deadline: " + rec.message());
    }
    det.due_at = rec.value().due_ms;
  }
  Store(txn, det, held ? "proposed again" : "proposed", now);
  *id = det.id;
  return Status::Ok();
}

Status DeterminationService::Take(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now,
                                  std::string* id) {
  switch (req.getOp()) {
    case Op::SCOPE_APPROVE:
      return ApproveList(txn, req, now);
    case Op::PROPOSE:
      return Propose(txn, req, now, id);
    case Op::APPROVE:
    case Op::RETURN: {
      auto held = Secrets::Get(txn, req.getId());
      if (!held)
        return Status::Error("no determination " + std::string(req.getId().cStr()) + " here");
      auto reg = filings_.LiveRegister(txn, held->organ);
      if (!reg.ok()) return reg.status();
      calendar::Date today = calendar::CstDateOf(now);
      *id = held->id;
      if (req.getOp() == Op::RETURN) {
        auto d = workflows::ReturnDetermination(*held, reg.value(), req.getBy(), req.getReason(),
                                                today, now);
        if (!d.ok()) return d.status();
        Store(txn, d.value(), "returned", now);
        return Status::Ok();
      }
      std::optional<workflows::Protection> correction;
      if (req.getMark().size()) {
        auto p = Mark(req.getMark(), "the corrected level (--mark)");
        if (!p.ok()) return p.status();
        correction = p.value();
      }
      auto d = workflows::ApproveDetermination(*held, reg.value(), req.getBy(), correction,
                                               req.getScope(), today, now);
      if (!d.ok()) return d.status();
      Store(txn, d.value(), "approved", now);
      return Status::Ok();
    }
    default:
      return Status::Error("unknown secret step");
  }
}

void DeterminationService::Handle(ControlCall& call) {
  auto req = call.request.getSecret();
  int64_t now = clock_.NowMs();
  std::string organ = config_.node_id + "/" + std::string(req.getOrgan().cStr());
  if (req.getOp() == Op::SCOPE) {
    auto txn = writer_.BeginRead();
    auto list = ScopeLists::Get(txn, organ);
    auto v = call.reply.initScopeList();
    v.setOrgan(organ);
    if (auto o = filings_.base_directory().Find(organ)) v.setOrganName(o->name);
    if (!list) return;
    v.setVersion(list->version);
    v.setApprovedBy(list->approved_by);
    v.setApprovedAt(list->approved_at);
    auto entries = v.initEntries(list->entries.size());
    for (size_t i = 0; i < list->entries.size(); ++i) {
      const auto& e = list->entries[i];
      entries[i].setNo(e.no);
      entries[i].setName(e.name);
      entries[i].setBasis(e.basis);
      entries[i].setMark(workflows::FormatMark(e.protection));
      entries[i].setScope(e.scope);
      entries[i].setDepartment(e.department);
    }
    return;
  }
  std::vector<Determination> shown;
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) {
    auto txn = writer_.BeginRead();
    for (auto& d : Secrets::List(txn)) {
      if (req.getOp() == Op::SHOW && d.id != req.getId().cStr()) continue;
      if (req.getOrgan().size() && d.organ != organ) continue;
      shown.push_back(std::move(d));
    }
    if (req.getOp() == Op::SHOW && shown.empty()) {
      return call.reply.setError("no determination " + std::string(req.getId().cStr()) +
                                 " on node " + config_.node_id);
    }
  } else {
    std::string id;
    Status st = control_.Write([&](store::Txn& txn) { return Take(txn, req, now, &id); });
    if (!st.ok()) return call.reply.setError(st.message());
    auto txn = writer_.BeginRead();
    if (!id.empty()) {  // a step on a determination (not on the list)
      if (auto d = Secrets::Get(txn, id)) shown.push_back(*d);
    }
  }
  auto out = call.reply.initSecrets(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) FillSecretView(shown[i], out[i]);
}

}  // namespace zhuji::node
