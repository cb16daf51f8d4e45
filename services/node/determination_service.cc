#include "services/node/determination_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/codec.h"
#include "services/node/filings.h"
#include "services/node/table.h"
#include "services/node/views.h"
#include "services/store/audit.h"
#include "services/wire/header.h"
#include "zhuji/schemas/secret.capnp.h"

namespace zhuji::node {

namespace {

using workflows::Determination;
using workflows::DeterminationState;
using Op = schema::SecretRequest::Op;

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
  return GetRecord(txn, "scope_lists", organ, Decode);
}

void ScopeLists::Put(store::Txn& txn, const workflows::ScopeList& l) {
  txn.Put("scope_lists", l.organ, Encode(l));
}

std::string Secrets::Encode(const Determination& d) {
  capnp::MallocMessageBuilder m;
  Fill(m.initRoot<schema::Determination>(), d);
  return ToBytes(m);
}

void Secrets::Fill(schema::Determination::Builder b, const Determination& d) {
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
  auto organs = b.initScopeOrgans(d.scope_organs.size());
  for (size_t i = 0; i < d.scope_organs.size(); ++i) organs.set(i, d.scope_organs[i]);
  b.setVersion(d.version);
  b.setDeterminedDay(d.determined_on.days);
  b.setReviewedYear(d.reviewed_year);
  b.setReleasedDay(d.released_on.days);
  b.setReleaseReason(d.release_reason);
}

Determination Secrets::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  return Read(msg->Root<schema::Determination>());
}

Determination Secrets::Read(schema::Determination::Reader r) {
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
  if (r.getState() > static_cast<uint8_t>(DeterminationState::kReleased)) {
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
  for (auto o : r.getScopeOrgans()) d.scope_organs.emplace_back(o);
  d.version = r.getVersion();
  d.determined_on = calendar::Date{r.getDeterminedDay()};
  d.reviewed_year = r.getReviewedYear();
  d.released_on = calendar::Date{r.getReleasedDay()};
  d.release_reason = r.getReleaseReason();
  return d;
}

std::string SecretNotices::Encode(const workflows::SecretNotice& n) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::SecretNotice>();
  b.setId(n.id);
  b.setSecretId(n.secret_id);
  b.setTitle(n.title);
  b.setOrgan(n.organ);
  b.setOrganName(n.organ_name);
  b.setVersion(n.version);
  b.setKind(static_cast<uint8_t>(n.kind));
  b.setRule(n.rule);
  b.setDocNumber(n.doc_number);
  b.setMark(n.mark);
  b.setDecidedAt(n.decided_at);
  b.setDueMs(n.due_ms);
  auto rs = b.initRecipients(n.recipients.size());
  for (size_t i = 0; i < n.recipients.size(); ++i) {
    rs[i].setOrgan(n.recipients[i].organ);
    rs[i].setOrganName(n.recipients[i].organ_name);
    rs[i].setReceiptedAt(n.recipients[i].receipted_at);
    rs[i].setAtRecipient(n.recipients[i].at_recipient);
  }
  return ToBytes(m);
}

workflows::SecretNotice SecretNotices::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::SecretNotice>();
  workflows::SecretNotice n;
  n.id = r.getId();
  n.secret_id = r.getSecretId();
  n.title = r.getTitle();
  n.organ = r.getOrgan();
  n.organ_name = r.getOrganName();
  n.version = r.getVersion();
  if (r.getKind() > static_cast<uint8_t>(workflows::ChangeKind::kRelease)) {
    throw MalformedMessage("notice " + n.id + ": unknown kind");
  }
  n.kind = static_cast<workflows::ChangeKind>(r.getKind());
  n.rule = r.getRule();
  n.doc_number = r.getDocNumber();
  n.mark = r.getMark();
  n.decided_at = r.getDecidedAt();
  n.due_ms = r.getDueMs();
  for (auto x : r.getRecipients()) {
    n.recipients.push_back(
        {x.getOrgan(), x.getOrganName(), x.getReceiptedAt(), x.getAtRecipient()});
  }
  return n;
}

std::optional<workflows::SecretNotice> SecretNotices::Get(store::Txn& txn, const std::string& id) {
  return GetRecord(txn, "secret_notices", id, Decode);
}

void SecretNotices::Put(store::Txn& txn, const workflows::SecretNotice& n) {
  txn.Put("secret_notices", n.id, Encode(n));
}

std::vector<workflows::SecretNotice> SecretNotices::List(store::Txn& txn) {
  return ListRecords(txn, "secret_notices", Decode);
}

std::optional<Determination> Secrets::Get(store::Txn& txn, const std::string& id) {
  return GetRecord(txn, "secrets", id, Decode);
}

void Secrets::Put(store::Txn& txn, const Determination& d) { txn.Put("secrets", d.id, Encode(d)); }

std::vector<Determination> Secrets::List(store::Txn& txn) {
  return ListRecords(txn, "secrets", Decode);
}

std::string Secrets::NextId(store::Txn& txn, const std::string& organ, int year) {
  return NextSerial(txn, "secret_serial/", organ, year, "D");
}

DeterminationService::DeterminationService(const config::NodeConfig& config,
                                           const FilingService& filings, DeadlineService& deadlines,
                                           Writer& writer, Mail& mail, ControlService& control,
                                           const Clock& clock)
    : config_(config),
      filings_(filings),
      deadlines_(deadlines),
      writer_(writer),
      mail_(mail),
      control_(control),
      clock_(clock) {}

namespace {

// What a `secret` envelope says, decoded: a copy (with the organs it is for) or a receipt.
struct SecretMessageValue {
  bool is_copy = true;
  Determination copy;
  std::string notice;
  workflows::ChangeKind kind = workflows::ChangeKind::kDetermine;
  std::string rule, doc_number;
  std::vector<std::string> organs;
  std::string secret_id;
  uint64_t version = 0, held_version = 0;
  int64_t received_at = 0;
};

SecretMessageValue DecodeSecretMessage(std::string_view body) {
  auto msg = ReadMessage(body);
  auto r = msg->Root<schema::SecretMessage>();
  SecretMessageValue v;
  if (r.isCopy()) {
    auto c = r.getCopy();
    v.copy = Secrets::Read(c.getDetermination());
    v.notice = c.getNotice();
    if (c.getKind() > static_cast<uint8_t>(workflows::ChangeKind::kRelease)) {
      throw MalformedMessage("secret copy " + v.copy.id + ": unknown kind");
    }
    v.kind = static_cast<workflows::ChangeKind>(c.getKind());
    v.rule = c.getRule();
    v.doc_number = c.getDocNumber();
    for (auto o : c.getOrgans()) v.organs.emplace_back(o);
    v.secret_id = v.copy.id;
    v.version = v.copy.version;
  } else {
    auto c = r.getReceipt();
    v.is_copy = false;
    v.notice = c.getNotice();
    v.secret_id = c.getSecretId();
    v.version = c.getVersion();
    v.held_version = c.getHeldVersion();
    v.received_at = c.getReceivedAt();
    for (auto o : c.getOrgans()) v.organs.emplace_back(o);
  }
  return v;
}

bool OnNode(const std::string& address, const std::string& node) {
  return address.size() > node.size() && address.compare(0, node.size(), node) == 0 &&
         address[node.size()] == '/';
}

std::string DeliveryStep(const std::string& organ) { return "书面通知送达 " + organ; }

std::string ReviewItem(const std::string& organ, int year) {
  return organ + "/年度审核-" + std::to_string(year);
}

}  // namespace

std::string DeterminationService::CopyBody(const Determination& d, workflows::ChangeKind kind,
                                           const std::string& rule, const std::string& doc_number,
                                           const std::vector<std::string>& organs) {
  capnp::MallocMessageBuilder m;
  auto copy = m.initRoot<schema::SecretMessage>().initCopy();
  Secrets::Fill(copy.initDetermination(), d);
  copy.setNotice(workflows::NoticeId(d.id, d.version));
  copy.setKind(static_cast<uint8_t>(kind));
  copy.setRule(rule);
  copy.setDocNumber(doc_number);
  auto list = copy.initOrgans(organs.size());
  for (size_t i = 0; i < organs.size(); ++i) list.set(i, organs[i]);
  return ToBytes(m);
}

KindEntry DeterminationService::SecretEnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "secret";
  k.check = [self](const std::string& origin, std::string_view body) -> Status {
    if (Status st = CheckText<schema::SecretMessage>(body); !st.ok()) return st;
    SecretMessageValue v = DecodeSecretMessage(body);
    if (origin == self) return Status::Error("a node does not send a secret's copy to itself");
    if (v.organs.empty()) return Status::Error("secret " + v.secret_id + ": no organ named");
    for (const auto& o : v.organs) {
      const std::string& host = v.is_copy ? self : origin;
      if (!OnNode(o, host)) {
        return Status::Error("secret " + v.secret_id + ": organ " + o + " is not on node " + host);
      }
    }
    if (!v.is_copy) return Status::Ok();
    bool newer = false;
    if (Status st = workflows::CheckSecretCopy(nullptr, v.copy, origin, &newer); !st.ok()) {
      return st;
    }
    if (v.notice != workflows::NoticeId(v.copy.id, v.copy.version)) {
      return Status::Error("secret " + v.copy.id + ": notice " + v.notice +
                           " is not this version's");
    }
    return Status::Ok();
  };
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) -> Status {
    SecretMessageValue v = DecodeSecretMessage(body);
    if (!v.is_copy) {
      auto n = SecretNotices::Get(txn, v.notice);
      if (!n || n->secret_id != v.secret_id) {
        return Status::Error("receipt of notice " + v.notice + ", which this node did not send");
      }
      return Status::Ok();
    }
    auto held = Secrets::Get(txn, v.copy.id);
    bool newer = false;
    return workflows::CheckSecretCopy(held ? &*held : nullptr, v.copy, origin, &newer);
  };
  k.describe = [](std::string_view body) {
    SecretMessageValue v = DecodeSecretMessage(body);
    if (!v.is_copy) return "签收 receipt of " + v.notice;
    return std::string("国家秘密 ") + workflows::ChangeKindZh(v.kind) + " " + v.copy.id + " 「" +
           v.copy.title + "」 " + workflows::FormatMark(v.copy.protection) + " (v" +
           std::to_string(v.copy.version) + ")";
  };
  return k;
}

void DeterminationService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k = SecretEnvelopeKind(config_.node_id);
  k.apply = [this](store::Txn& txn, const std::string& from, std::string_view body, int64_t now) {
    OnSecret(txn, from, body, now);
  };
  kinds.Register(schema::Kind::SECRET, std::move(k));
  control.Register(schema::ControlRequest::SECRET, [this](ControlCall& c) { Handle(c); });
}

void DeterminationService::OnSecret(store::Txn& txn, const std::string& from, std::string_view body,
                                    int64_t now) {
  SecretMessageValue v = DecodeSecretMessage(body);  // checked by the inbox already
  if (!v.is_copy) {
    auto n = SecretNotices::Get(txn, v.notice);
    if (!n) return;
    std::vector<std::string> done =
        n->Receipt(std::set<std::string>(v.organs.begin(), v.organs.end()), now, v.received_at);
    for (const auto& organ : done) deadlines_.CloseDuty(txn, n->id, DeliveryStep(organ), now);
    SecretNotices::Put(txn, *n);
    if (!done.empty()) {
      store::Audit::Append(txn, now, "书面通知 签收 receipted",
                           n->id + " by node " + from + " (" + std::to_string(n->receipted()) +
                               "/" + std::to_string(n->recipients.size()) + ")");
    }
    return;
  }
  auto held = Secrets::Get(txn, v.copy.id);
  bool newer = false;
  (void)workflows::CheckSecretCopy(held ? &*held : nullptr, v.copy, from, &newer);
  Determination copy = v.copy;
  if (newer) {
    if (held && held->state == DeterminationState::kReleased &&
        copy.state == DeterminationState::kApproved) {
      // Released here at the old end of term while the extension was on its way (GD Art. 36):
      // the organ decided it in time, so the item is secret again.
      copy.history.push_back({now, "", "延长通知到达 extension arrived after the old end of term",
                              "released here on " + held->released_on.ToString() +
                                  " while the notice was on its way; secret again"});
    }
    // A release by itself may be due here already (the copy was on its way at its end).
    (void)workflows::ReleaseIfDue(copy, calendar::CstDateOf(now), now);
    Secrets::Put(txn, copy);
    Consider(copy);
  }
  uint64_t held_version = newer ? copy.version : (held ? held->version : 0);
  capnp::MallocMessageBuilder m;
  auto receipt = m.initRoot<schema::SecretMessage>().initReceipt();
  receipt.setNotice(v.notice);
  receipt.setSecretId(v.copy.id);
  receipt.setVersion(v.copy.version);
  auto organs = receipt.initOrgans(v.organs.size());
  for (size_t i = 0; i < v.organs.size(); ++i) organs.set(i, v.organs[i]);
  receipt.setReceivedAt(now);
  receipt.setHeldVersion(held_version);
  // The receipt of a notice owed by law comes back on the lane it went out on.
  mail_.Post(txn,
             {v.rule.empty() ? from : wire::LinkName(from, wire::kUrgentLane), schema::Kind::SECRET,
              ToBytes(m), v.copy.id},
             now);
  store::Audit::Append(
      txn, now, std::string("国家秘密 ") + workflows::ChangeKindZh(v.kind) + " 签收",
      v.notice + " 「" + copy.title + "」 " + workflows::FormatMark(copy.protection) +
          (newer ? "" : " (a newer version is held: receipted only)"));
}

Result<std::vector<std::string>> DeterminationService::ScopeOrgans(
    capnp::List<capnp::Text>::Reader names, const std::string& self_organ) const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto n : names) {
    std::string name = n;
    std::string address = name.find('/') == std::string::npos ? config_.node_id + "/" + name : name;
    if (!filings_.base_directory().Find(address)) {
      return Status::Error("知悉范围: no organ " + address + " in the directory of organs");
    }
    if (address == self_organ) continue;  // the determining organ knows it anyway
    if (!seen.insert(address).second) {
      return Status::Error("知悉范围: organ " + address + " is named twice");
    }
    out.push_back(address);
  }
  return out;
}

Status DeterminationService::Notify(store::Txn& txn, const Determination& d,
                                    workflows::ChangeKind kind, const std::string& rule,
                                    const std::string& doc_number,
                                    const std::vector<std::string>& recipients,
                                    std::optional<calendar::Date> due_day, int64_t now) {
  workflows::SecretNotice n;
  n.id = workflows::NoticeId(d.id, d.version);
  n.secret_id = d.id;
  n.title = d.title;
  n.organ = d.organ;
  n.organ_name = d.organ_name;
  n.version = d.version;
  n.kind = kind;
  n.rule = rule;
  n.doc_number = doc_number;
  n.mark = workflows::FormatMark(d.protection);
  n.decided_at = now;
  std::map<std::string, std::vector<std::string>> by_node;
  auto organ = filings_.base_directory().Find(d.organ);
  for (const auto& r : recipients) {
    auto o = filings_.base_directory().Find(r);
    n.recipients.push_back({r, o ? o->name : r, 0, 0});
    if (OnNode(r, config_.node_id)) {
      n.recipients.back().receipted_at = now;  // an organ of this node reads its register
      n.recipients.back().at_recipient = now;
      continue;
    }
    by_node[workflows::NodeOfAddress(r)].push_back(r);
    if (rule.empty()) continue;
    deadlines::DeadlineSpec spec{.item = n.id,
                                 .step = DeliveryStep(r),
                                 .rule = rule,
                                 .title = std::string("书面通知 ") + workflows::ChangeKindZh(kind) +
                                          " 「" + d.title + "」 → " + (o ? o->name : r),
                                 .trigger = calendar::CstDateOf(now),
                                 .working_days = workflows::kNoticeWorkingDays};
    if (due_day) {
      spec.fixed_day = *due_day;
      spec.working_days = 0;
    }
    auto rec = deadlines_.OpenDuty(txn, spec, organ ? &*organ : nullptr, now);
    if (!rec.ok()) return Status::Error("notice " + n.id + ": its deadline: " + rec.message());
    n.due_ms = rec.value().due_ms;
  }
  for (const auto& [node, organs] : by_node) {
    // A notice owed by law goes ahead of other traffic on the link (RULES.md, GD Art. 36).
    mail_.Post(txn,
               {rule.empty() ? node : wire::LinkName(node, wire::kUrgentLane), schema::Kind::SECRET,
                CopyBody(d, kind, rule, doc_number, organs), d.id},
               now);
  }
  SecretNotices::Put(txn, n);
  return Status::Ok();
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

void DeterminationService::Consider(const Determination& d) {
  if (d.state != DeterminationState::kApproved) return;
  auto end = workflows::ReleasesOn(d);
  if (!end) return;
  int64_t at = calendar::EndOfDayCstMs(*end - 1);  // 00:00 CST of the day it ends
  if (!next_release_ms_ || at < *next_release_ms_) next_release_ms_ = at;
}

std::optional<int64_t> DeterminationService::NextRelease(store::Txn& txn) const {
  std::optional<int64_t> next;
  for (const auto& d : Secrets::List(txn)) {
    if (d.state != DeterminationState::kApproved) continue;
    if (auto end = workflows::ReleasesOn(d)) {
      int64_t at = calendar::EndOfDayCstMs(*end - 1);
      if (!next || at < *next) next = at;
    }
  }
  return next;
}

void DeterminationService::Load(int64_t) {
  auto txn = writer_.BeginRead();
  next_release_ms_ = NextRelease(txn);
}

void DeterminationService::Tick(int64_t now) {
  calendar::Date today = calendar::CstDateOf(now);
  bool release = next_release_ms_ && now >= *next_release_ms_;
  bool review = today.year() != reviews_opened_for_;
  if (!release && !review) return;
  std::optional<int64_t> next;
  Status st = writer_.Commit([&](store::Txn& txn) {
    if (release) {
      std::set<std::string> organs;
      for (auto& d : Secrets::List(txn)) {
        // GD Art. 39: released by itself on the day its term ends, here as on every node that
        // holds it; no notice is owed (GD Art. 40).
        if (!workflows::ReleaseIfDue(d, today, now)) continue;
        Secrets::Put(txn, d);
        store::Audit::Append(txn, now, "自行解密 released at the end of its term (GD Art. 39)",
                             d.id + " 「" + d.title + "」 " + d.released_on.ToString());
        if (OnNode(d.organ, config_.node_id)) organs.insert(d.organ);
      }
      for (const auto& o : organs) ReviewDone(txn, o, now);
      next = NextRelease(txn);
    }
    if (review) OpenReviews(txn, today.year(), now);
    return Status::Ok();
  });
  if (!st.ok()) return;  // tried again on the next turn
  if (release) next_release_ms_ = next;
  if (review) reviews_opened_for_ = today.year();
}

void DeterminationService::OpenReviews(store::Txn& txn, int year, int64_t now) {
  auto all = Secrets::List(txn);
  std::set<std::string> organs;
  for (const auto& d : all) {
    if (OnNode(d.organ, config_.node_id)) organs.insert(d.organ);
  }
  for (const auto& organ : organs) {
    auto due = workflows::DueForReview(all, organ, year);
    std::string key = "secret_review/" + ReviewItem(organ, year);
    if (due.empty() || txn.Get("meta", key)) continue;
    txn.Put("meta", key, "opened");
    auto o = filings_.base_directory().Find(organ);
    auto rec = deadlines_.OpenDuty(
        txn,
        {.item = ReviewItem(organ, year),
         .step = workflows::kStepReview,
         .rule = "GD Art. 34",
         .title = "定密年度审核 " + std::to_string(year) + " " + (o ? o->name : organ) + "：" +
                  std::to_string(due.size()) + " 项",
         .trigger = calendar::Date::FromYmd(year, 1, 1),
         .fixed_day = calendar::Date::FromYmd(year, 12, 31)},
        o ? &*o : nullptr, now);
    store::Audit::Append(txn, now, "年度审核 opened (GD Art. 34)",
                         organ + " " + std::to_string(year) + ": " + std::to_string(due.size()) +
                             " item(s)" + (rec.ok() ? "" : "; " + rec.message()));
  }
}

void DeterminationService::ReviewDone(store::Txn& txn, const std::string& organ, int64_t now) {
  int year = calendar::CstDateOf(now).year();
  if (!workflows::DueForReview(Secrets::List(txn), organ, year).empty()) return;
  deadlines_.CloseDuty(txn, ReviewItem(organ, year), workflows::kStepReview, now);
}

Status DeterminationService::Change(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now,
                                    std::string* id, std::vector<std::string>* warnings) {
  auto held = Secrets::Get(txn, req.getId());
  if (!held || !OnNode(held->organ, config_.node_id)) {
    return Status::Error("no determination " + std::string(req.getId().cStr()) +
                         " of an organ of node " + config_.node_id +
                         " (a copy held for the 知悉范围 is changed by the organ that determined "
                         "it)");
  }
  auto kind = workflows::ParseChangeKind(req.getChangeKind().cStr());
  if (!kind) return Status::Error("--kind is one of extend, shorten, change, release");
  workflows::ChangeRequest r;
  r.kind = *kind;
  if (req.getGround().size()) {
    auto g = workflows::ParseChangeGround(req.getGround().cStr());
    if (!g) return Status::Error("--ground is one of own, superior, secrecy-dept, published");
    r.ground = *g;
  }
  if (req.getMark().size()) {
    auto p = workflows::RequireMark(req.getMark().cStr(), "the new level and term (--mark)");
    if (!p.ok()) return p.status();
    r.protection = p.value();
  }
  if (req.getScopeOrgans().size()) {
    auto organs = ScopeOrgans(req.getScopeOrgans(), held->organ);
    if (!organs.ok()) return organs.status();
    r.scope_organs = organs.value();
  }
  r.scope = req.getScope();
  r.source = req.getSource();
  r.reason = req.getReason();
  r.doc_number = req.getDocNumber();
  r.by = req.getBy();
  auto reg = filings_.LiveRegister(txn, held->organ);
  if (!reg.ok()) return reg.status();
  auto dec = workflows::DecideChange(*held, r, reg.value(), deadlines_.calendar(),
                                     calendar::CstDateOf(now), now);
  if (!dec.ok()) return dec.status();
  Store(txn, dec.value().after, workflows::ChangeKindName(*kind), now);
  if (Status st = Notify(txn, dec.value().after, *kind, dec.value().rule, r.doc_number,
                         dec.value().recipients, dec.value().notice_due_day, now);
      !st.ok()) {
    return st;
  }
  ReviewDone(txn, held->organ, now);
  Consider(dec.value().after);
  if (dec.value().notice_due_day && *dec.value().notice_due_day < calendar::CstDateOf(now)) {
    warnings->push_back("GD Art. 36: the written notice was due by " +
                        dec.value().notice_due_day->ToString() +
                        " (the 10th working day before the old end): it is overdue already, and "
                        "each recipient's delivery is reported to the supervising dept");
  }
  *id = held->id;
  return Status::Ok();
}

Status DeterminationService::Review(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now,
                                    std::string* id) {
  auto held = Secrets::Get(txn, req.getId());
  if (!held || !OnNode(held->organ, config_.node_id)) {
    return Status::Error("no determination " + std::string(req.getId().cStr()) +
                         " of an organ of node " + config_.node_id);
  }
  auto reg = filings_.LiveRegister(txn, held->organ);
  if (!reg.ok()) return reg.status();
  auto d = workflows::ReviewKeep(*held, reg.value(), req.getBy(), calendar::CstDateOf(now), now);
  if (!d.ok()) return d.status();
  Store(txn, d.value(), "reviewed", now);
  ReviewDone(txn, held->organ, now);
  *id = held->id;
  return Status::Ok();
}

Status DeterminationService::ApproveList(store::Txn& txn, schema::SecretRequest::Reader req,
                                         int64_t now) {
  std::string organ = config_.node_id + "/" + std::string(req.getOrgan().cStr());
  auto reg = filings_.LiveRegister(txn, organ);
  if (!reg.ok()) return reg.status();
  std::vector<workflows::ScopeEntry> entries;
  for (auto e : req.getEntries()) {
    auto p = workflows::RequireMark(e.getMark().cStr(), "an entry's level and term (mark)");
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
  auto p = workflows::RequireMark(req.getMark().cStr(), "the proposed level (--mark)");
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
                               req.getAroseDay() ? calendar::Date{req.getAroseDay()} : today,
                               {}};
  if (held) proposal.arose_on = held->arose_on;  // its Art. 28 days run on from the same day
  auto organs = ScopeOrgans(req.getScopeOrgans(), organ);
  if (!organs.ok()) return organs.status();
  proposal.scope_organs = organs.value();
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
                                  std::string* id, std::vector<std::string>* warnings) {
  switch (req.getOp()) {
    case Op::SCOPE_APPROVE:
      return ApproveList(txn, req, now);
    case Op::PROPOSE:
      return Propose(txn, req, now, id);
    case Op::CHANGE:
      return Change(txn, req, now, id, warnings);
    case Op::REVIEW:
      return Review(txn, req, now, id);
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
        auto p = workflows::RequireMark(req.getMark().cStr(), "the corrected level (--mark)");
        if (!p.ok()) return p.status();
        correction = p.value();
      }
      std::optional<std::vector<std::string>> organs;
      if (req.getScopeOrgans().size()) {
        auto named = ScopeOrgans(req.getScopeOrgans(), held->organ);
        if (!named.ok()) return named.status();
        organs = named.value();
      }
      auto d =
          workflows::ApproveDetermination(*held, reg.value(), req.getBy(), correction,
                                          req.getScope(), organs ? &*organs : nullptr, today, now);
      if (!d.ok()) return d.status();
      Store(txn, d.value(), "approved", now);
      Consider(d.value());
      // The organs of the 知悉范围 get their copy (no notice is owed by law: tracked, no duty).
      return Notify(txn, d.value(), workflows::ChangeKind::kDetermine, "", "",
                    d.value().scope_organs, std::nullopt, now);
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
  if (req.getOp() == Op::NOTICES) {
    auto txn = writer_.BeginRead();
    std::vector<workflows::SecretNotice> notices;
    for (auto& n : SecretNotices::List(txn)) {
      if (req.getId().size() && n.secret_id != req.getId().cStr()) continue;
      if (req.getOrgan().size() && n.organ != organ) continue;
      notices.push_back(std::move(n));
    }
    auto out = call.reply.initSecretNotices(notices.size());
    for (size_t i = 0; i < notices.size(); ++i) FillSecretNoticeView(notices[i], out[i]);
    return;
  }
  std::vector<Determination> shown;
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW || req.getOp() == Op::REVIEW_DUE) {
    auto txn = writer_.BeginRead();
    auto all = Secrets::List(txn);
    if (req.getOp() == Op::REVIEW_DUE) {
      if (!req.getOrgan().size()) return call.reply.setError("the organ is required (--organ)");
      for (const auto* d : workflows::DueForReview(all, organ, calendar::CstDateOf(now).year())) {
        shown.push_back(*d);
      }
    }
    for (auto& d : all) {
      if (req.getOp() == Op::REVIEW_DUE) break;
      bool own = OnNode(d.organ, config_.node_id);
      if (req.getOp() == Op::SHOW) {
        if (d.id != req.getId().cStr()) continue;
      } else if (req.getHeld()) {
        if (own) continue;
        if (req.getOrgan().size() && std::find(d.scope_organs.begin(), d.scope_organs.end(),
                                               organ) == d.scope_organs.end()) {
          continue;
        }
      } else if (!own || (req.getOrgan().size() && d.organ != organ)) {
        continue;
      }
      shown.push_back(std::move(d));
    }
    if (req.getOp() == Op::SHOW && shown.empty()) {
      return call.reply.setError("no determination " + std::string(req.getId().cStr()) +
                                 " on node " + config_.node_id);
    }
  } else {
    std::string id;
    std::vector<std::string> warnings;
    Status st = control_.Write([&](store::Txn& txn) {
      warnings.clear();
      return Take(txn, req, now, &id, &warnings);
    });
    if (!st.ok()) return call.reply.setError(st.message());
    auto txn = writer_.BeginRead();
    if (!id.empty()) {  // a step on a determination (not on the list)
      if (auto d = Secrets::Get(txn, id)) shown.push_back(*d);
    }
    auto w = call.reply.initWarnings(warnings.size());
    for (size_t i = 0; i < warnings.size(); ++i) w.set(i, warnings[i]);
  }
  auto out = call.reply.initSecrets(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) {
    FillSecretView(shown[i], filings_.base_directory(), config_.node_id, out[i]);
  }
}

}  // namespace zhuji::node
