#include "services/node/filing_service.h"

#include <algorithm>

#include "services/common/capnp_io.h"
#include "services/crypto/signed_document.h"
#include "services/store/audit.h"
#include "zhuji/schemas/filing.capnp.h"

namespace zhuji::node {

namespace {

using workflows::Filing;
using workflows::FilingKind;
using workflows::FilingState;
using workflows::Grant;
using workflows::GrantState;
using workflows::Organ;

std::string GrantLine(const Grant& g) {
  return g.id + " " + g.doc_number + " " + g.grantor.name + " → " + g.grantee.name + " " +
         workflows::LevelZh(g.ceiling) + " 至 " + g.until().ToString() + " " +
         workflows::GrantStateZh(g.state) + " (v" + std::to_string(g.version) + ")";
}

// A copy not newer than the one held is a re-delivery: acknowledged, audited, ignored.
bool NotNewer(store::Txn& txn, const char* kind, const std::string& id, uint64_t held,
              uint64_t copy, const std::string& from, int64_t now) {
  if (held < copy) return false;
  store::Audit::Append(txn, now, std::string(kind) + " copy ignored",
                       id + " v" + std::to_string(copy) + " from " + from + ": v" +
                           std::to_string(held) + " is held here");
  return true;
}

std::string FilingLine(const Filing& f) {
  return f.id + " " + workflows::FilingKindZh(f.kind) + " " + f.filer.name + " → " +
         f.receiver.name + " " + workflows::FilingStateZh(f.state) + " (v" +
         std::to_string(f.version) + ")";
}

}  // namespace

std::string FilingStepName(const Filing& f) {
  return std::string("备案 file ") + workflows::FilingKindName(f.kind) + " → " + f.receiver.name;
}

FilingService::FilingService(const config::NodeConfig& config, workflows::OrganDirectory& directory,
                             Writer& writer, Mail& mail, DeadlineService& deadlines,
                             spdlog::logger& log)
    : config_(config),
      base_(directory),
      live_(directory),
      writer_(writer),
      mail_(mail),
      deadlines_(deadlines),
      log_(log) {}

KindEntry FilingService::GrantEnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "grant";
  k.check = [self](const std::string& origin, std::string_view body) {
    if (Status st = CheckText<schema::Grant>(body); !st.ok()) return st;
    auto g = Grants::Decode(body);
    if (!g.ok()) return g.status();
    if (origin != g.value().grantor.node) {
      return Status::Error("grant " + g.value().id + " sent by node " + origin +
                           ", not by its grantor's node " + g.value().grantor.node);
    }
    if (self == origin) return Status::Error("a node does not send a grant to itself");
    return Status::Ok();
  };
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) {
    auto g = Grants::Decode(body);
    if (!g.ok()) return g.status();
    auto held = Grants::Get(txn, g.value().id);
    return workflows::CheckGrantCopy(held ? &*held : nullptr, g.value(), origin);
  };
  k.describe = [](std::string_view body) {
    auto g = Grants::Decode(body);
    return g.ok() ? "定密授权 grant " + GrantLine(g.value()) : g.message();
  };
  return k;
}

KindEntry FilingService::FilingEnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "filing";
  k.check = [self](const std::string& origin, std::string_view body) {
    if (Status st = CheckText<schema::Filing>(body); !st.ok()) return st;
    auto f = Filings::Decode(body);
    if (!f.ok()) return f.status();
    const Filing& x = f.value();
    if (self != x.filer.node && self != x.receiver.node) {
      return Status::Error("filing " + x.id + " does not concern node " + self);
    }
    return workflows::CheckFilingCopy(nullptr, x, origin);
  };
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) {
    auto f = Filings::Decode(body);
    if (!f.ok()) return f.status();
    auto held = Filings::Get(txn, f.value().id);
    return workflows::CheckFilingCopy(held ? &*held : nullptr, f.value(), origin);
  };
  k.describe = [](std::string_view body) {
    auto f = Filings::Decode(body);
    return f.ok() ? "备案 filing " + FilingLine(f.value()) : f.message();
  };
  return k;
}

namespace {
constexpr const char* kListKey = "authorizing_list";  // meta: the 授权机关名录 held (as received)
}  // namespace

Result<config::AuthorizingList> FilingService::ReadList(const std::string& text,
                                                        const std::string& source) const {
  std::string body = text;
  if (!config_.security.directory_key.empty()) {
    auto verified =
        crypto::VerifiedBody(text, source, config_.security.suite, config_.security.directory_key,
                             config::kAuthorizingListDomain);
    if (!verified.ok()) return verified.status();
    body = verified.value();
  } else {
    body = crypto::UnsignedBody(text);  // no key pinned to check it
  }
  auto list = config::ParseAuthorizingList(body, source);
  if (!list.ok()) return list;
  if (list.value().version <= list_version_) {
    return Status::Error("授权机关名录 version " + std::to_string(list.value().version) + " from " +
                         source + " is not newer than the version " +
                         std::to_string(list_version_) + " held here: refused");
  }
  if (Status st = config::CheckAuthorizingList(list.value(), base_); !st.ok()) {
    return Status::Error(source + ": " + st.message());
  }
  return list;
}

void FilingService::SetFlags(const config::AuthorizingList& list) {
  std::vector<std::string> listed;
  for (const auto& e : list.organs) listed.push_back(e.address);
  base_.SetAuthorizing(listed);
  live_.SetAuthorizing(listed);
  list_version_ = list.version;
}

std::vector<std::string> FilingService::ApplyList(store::Txn& txn, const std::string& text,
                                                  const config::AuthorizingList& list,
                                                  int64_t now) {
  txn.Put("meta", kListKey, text);
  capnp::MallocMessageBuilder m;
  auto u = m.initRoot<schema::AuthorizingListUpdate>();
  u.setText(text);
  u.setVersion(list.version);
  std::string body = ToBytes(m);
  // Every node below: those the configuration names and those the directory of organs knows.
  std::set<std::string> children(config_.children.begin(), config_.children.end());
  for (const auto& c : base_.Children(config_.node_id)) children.insert(c);
  std::vector<std::string> forwarded;
  for (const auto& child : children) {
    mail_.Post(txn, {child, schema::Kind::AUTHORIZING_LIST, body, {}}, now);
    forwarded.push_back(child);
  }
  store::Audit::Append(txn, now, "授权机关名录 authorizing organs",
                       "version " + std::to_string(list.version) + " (" +
                           std::to_string(list.organs.size()) + " organs) held, passed to " +
                           std::to_string(forwarded.size()) + " node(s) below");
  writer_.AfterCommit([this, list, n = forwarded.size()] {
    SetFlags(list);
    log_.info("授权机关名录 version {} ({} authorizing organs) held, passed to {} node(s) below",
              list.version, list.organs.size(), n);
  });
  return forwarded;
}

Status FilingService::Publish(store::Txn& txn, const std::string& text, int64_t now,
                              std::vector<std::string>* forwarded) {
  const workflows::DirectoryNode* node = base_.Node(config_.node_id);
  if (!config_.parent.empty() || !node || node->level != workflows::NodeLevel::kProvince) {
    return Status::Error(
        "GD Art. 15: 广东省国家保密局 publishes the 授权机关名录, on the province "
        "node; node " +
        config_.node_id + " takes it from its parent");
  }
  auto list = ReadList(text, "授权机关名录");
  if (!list.ok()) return list.status();
  *forwarded = ApplyList(txn, text, list.value(), now);
  return Status::Ok();
}

config::AuthorizingList FilingService::HeldList(store::Txn& txn, bool* verified) const {
  *verified = false;
  auto text = txn.Get("meta", kListKey);
  if (!text) return {};
  std::string body = crypto::UnsignedBody(std::string(*text));  // verified when it was taken
  *verified =
      crypto::HasSignatureLine(std::string(*text)) && !config_.security.directory_key.empty();
  auto list = config::ParseAuthorizingList(body, "stored 授权机关名录");
  return list.ok() ? list.value() : config::AuthorizingList{};
}

void FilingService::Register(KindRegistry& kinds) {
  KindEntry grant = GrantEnvelopeKind(config_.node_id);
  // A grant is checked against this node's own directory too: a node cannot forge one.
  grant.admit = [this](store::Txn& txn, const std::string& origin, std::string_view body) {
    auto g = Grants::Decode(body);
    if (!g.ok()) return g.status();
    auto held = Grants::Get(txn, g.value().id);
    if (Status st = workflows::CheckGrantCopy(held ? &*held : nullptr, g.value(), origin);
        !st.ok()) {
      return st;
    }
    return workflows::CheckGrantAgainst(base_, g.value(), config_.node_id, !held);
  };
  grant.apply = [this](store::Txn& txn, const std::string& from, std::string_view body,
                       int64_t now) { OnGrant(txn, from, body, now); };
  kinds.Register(schema::Kind::GRANT, std::move(grant));
  KindEntry list;
  list.name = "authorizingList";
  list.check = [this](const std::string& origin, std::string_view body) -> Status {
    if (origin != config_.parent) {
      return Status::Error(
          "a 授权机关名录 is taken only from the parent node " +
          (config_.parent.empty() ? std::string("(none: this is the province)") : config_.parent) +
          ", not from " + origin);
    }
    if (Status st = CheckText<schema::AuthorizingListUpdate>(body); !st.ok()) return st;
    auto msg = ReadMessage(body);
    auto read = ReadList(msg->Root<schema::AuthorizingListUpdate>().getText(),
                         "授权机关名录 from " + origin);
    return read.ok() ? Status::Ok() : read.status();
  };
  list.apply = [this](store::Txn& txn, const std::string& from, std::string_view body,
                      int64_t now) {
    auto msg = ReadMessage(body);
    std::string text = msg->Root<schema::AuthorizingListUpdate>().getText();
    auto read = ReadList(text, "授权机关名录 from " + from);  // checked; an older repeat: nothing
    if (read.ok()) ApplyList(txn, text, read.value(), now);
  };
  list.describe = [](std::string_view body) {
    auto msg = ReadMessage(body);
    return "授权机关名录 version " +
           std::to_string(msg->Root<schema::AuthorizingListUpdate>().getVersion());
  };
  kinds.Register(schema::Kind::AUTHORIZING_LIST, std::move(list));
  kinds.Register(schema::Kind::FILING, FilingEnvelopeKind(config_.node_id));
  kinds.SetApply(schema::Kind::FILING,
                 [this](store::Txn& txn, const std::string& from, std::string_view body,
                        int64_t now) { OnFiling(txn, from, body, now); });
}

void FilingService::Load(int64_t now) {
  auto txn = writer_.BeginRead();
  bool verified = false;
  config::AuthorizingList held = HeldList(txn, &verified);
  if (held.version) SetFlags(held);  // GD Art. 15: the list held names the authorizing organs
  ApplyAuthority(Grants::List(txn), now);
}

void FilingService::Start(int64_t now) {
  Load(now);
  const workflows::DirectoryNode* node = base_.Node(config_.node_id);
  (void)writer_.Commit([&](store::Txn& txn) {
    if (node) {
      for (const auto& o : node->organs) {
        if (o.head.empty() || Registers::Get(txn, o.address())) continue;
        // The head the directory names is the organ's 法定定密责任人 as installed; taken as filed.
        StoredRegister s;
        s.reg.organ = o.address();
        s.reg.organ_name = o.name;
        s.reg.organ_has_original_authority = o.authority.has_original_authority;
        s.reg.organ_ceiling = o.authority.ceiling;
        auto set = workflows::SetStatutory(s.reg, o.head, "主要负责人",
                                           "（安装时名录 as installed）", now);
        if (!set.ok()) return Status::Error(o.address() + ": " + set.message());
        s.reg = set.value();
        s.reg.version = 0;  // the baseline: no change to file
        Registers::Put(txn, s);
      }
    }
    for (const auto& g : Grants::List(txn)) {
      if (auto lapsed = workflows::LapseIfDue(g, now)) Grants::Put(txn, *lapsed);
    }
    RefreshAuthority(txn, now);
    return Status::Ok();
  });
}

void FilingService::Tick(int64_t now) {
  if (!next_lapse_ms_ || now < next_lapse_ms_) return;
  (void)writer_.Commit([&](store::Txn& txn) {
    for (const auto& g : Grants::List(txn)) {
      auto lapsed = workflows::LapseIfDue(g, now);
      if (!lapsed) continue;
      Grants::Put(txn, *lapsed);
      store::Audit::Append(txn, now, "grant lapsed (GD Art. 10)", GrantLine(*lapsed));
      writer_.AfterCommit([this, line = GrantLine(*lapsed)] {
        log_.info("grant lapsed at the end of its term (GD Art. 10): {}", line);
      });
    }
    RefreshAuthority(txn, now);
    return Status::Ok();
  });
}

void FilingService::RefreshAuthority(store::Txn& txn, int64_t now) {
  writer_.AfterCommit([this, grants = Grants::List(txn), now] { ApplyAuthority(grants, now); });
}

void FilingService::ApplyAuthority(const std::vector<Grant>& grants, int64_t now) {
  next_lapse_ms_ = 0;
  for (const auto& g : grants) {
    // A live grant past its term lapses at the next tick (Tick records it).
    if (g.state == GrantState::kLive && (!next_lapse_ms_ || g.LapsesAtMs() < next_lapse_ms_)) {
      next_lapse_ms_ = g.LapsesAtMs();
    }
  }
  // Every grantee: its own authority, raised by its live grants.
  std::set<std::string> touched;
  for (const auto& g : grants) touched.insert(g.grantee.address());
  for (const auto& address : touched) {
    auto organ = base_.Find(address);
    if (!organ) continue;
    live_.SetAuthority(address, workflows::EffectiveAuthority(*organ, grants, now));
  }
}

void FilingService::SendGrant(store::Txn& txn, const Grant& g,
                              const std::vector<std::string>& nodes, int64_t now) {
  for (const auto& n : nodes) {
    if (n == config_.node_id) continue;
    mail_.Post(txn, {n, schema::Kind::GRANT, Grants::Encode(g), g.id}, now);
  }
}

Result<Grant> FilingService::MakeGrant(store::Txn& txn, const std::string& grantor,
                                       const workflows::GrantDecision& decision, int64_t now,
                                       std::vector<std::string>* warnings) {
  std::string address = config_.node_id + "/" + grantor;
  if (!base_.Find(address)) return Status::Error("no organ " + address + " on this node");
  std::optional<workflows::Grant> regranted;
  if (!decision.regrants.empty()) regranted = Grants::Get(txn, decision.regrants);
  if (regranted) {
    if (auto lapsed = workflows::LapseIfDue(*regranted, now)) regranted = lapsed;
  }
  std::string id = Grants::NextId(txn, address, calendar::CstDateOf(now).year());
  // The grantor's own authority is the directory's as configured: never one it was granted.
  auto step =
      workflows::DecideGrant(base_, address, id, decision, regranted ? &*regranted : nullptr, now);
  if (!step.ok()) return step.status();
  const auto& s = step.value();
  if (warnings) *warnings = s.warnings;
  if (s.superseded) {
    Grants::Put(txn, *s.superseded);
    SendGrant(txn, *s.superseded, s.superseded->HolderNodes(base_), now);
  }
  if (Status st = Hold(txn, s.grant, nullptr, now); !st.ok()) return st;
  SendGrant(txn, s.grant, s.send_to, now);
  return s.grant;
}

Status FilingService::Revoke(store::Txn& txn, const std::string& id, int ground,
                             const std::string& detail, const std::string& doc_number,
                             const std::string& by, int64_t now) {
  auto held = Grants::Get(txn, id);
  if (!held) return Status::Error("no grant " + id + " on node " + config_.node_id);
  if (held->grantor.node != config_.node_id) {
    return Status::Error("GD Art. 11: grant " + id + " is revoked by its grantor " +
                         held->grantor.name + ", on node " + held->grantor.node);
  }
  auto step = workflows::RevokeGrant(base_, *held, ground, detail, doc_number, by, now);
  if (!step.ok()) return step.status();
  if (Status st = Hold(txn, step.value().grant, &*held, now); !st.ok()) return st;
  SendGrant(txn, step.value().grant, step.value().send_to, now);
  return Status::Ok();
}

Status FilingService::Hold(store::Txn& txn, const Grant& g, const Grant* prev, int64_t now) {
  Grants::Put(txn, g);
  bool made = !prev;
  bool revoked = prev && prev->state != GrantState::kRevoked && g.state == GrantState::kRevoked;
  store::Audit::Append(txn, now, made ? "grant held" : "grant changed", GrantLine(g));
  writer_.AfterCommit([this, line = GrantLine(g)] { log_.info("grant {}", line); });
  if (made || revoked) {
    // GD Art. 13: a city-level grantor files each grant and revocation with 广东省国家保密局
    // within 20 WD of the decision.
    const workflows::DirectoryNode* grantor_node = base_.Node(g.grantor.node);
    if (g.grantor.node == config_.node_id && grantor_node &&
        grantor_node->level == workflows::NodeLevel::kCity) {
      const workflows::DirectoryNode* province = base_.Node(grantor_node->parent);
      auto bureau = province ? base_.SecrecyAdmin(province->id) : std::nullopt;
      if (!bureau)
        return Status::Error("GD Art. 13: no provincial secrecy bureau in the directory");
      auto owed =
          Owe(txn, made ? FilingKind::kGrant : FilingKind::kRevocation, g.grantor, *bureau, g.id,
              (made ? "定密授权决定书 " : "撤销定密授权决定书 ") +
                  (made ? g.doc_number : g.revoke_doc) + "：" + g.grantee.name,
              &g, now);
      if (!owed.ok()) return owed.status();
    }
    // GD Art. 14: the grantee files what it received with its same-level dept within 10 WD.
    if (g.grantee.node == config_.node_id) {
      auto dept = SameLevelDept(g.grantee);
      if (dept && dept->address() != g.grantee.address()) {
        auto owed = Owe(txn, made ? FilingKind::kGrantReceived : FilingKind::kRevocationReceived,
                        g.grantee, *dept, g.id,
                        std::string(made ? "收到定密授权决定书 " : "收到撤销定密授权决定书 ") +
                            (made ? g.doc_number : g.revoke_doc) + "（" + g.grantor.name + "）",
                        &g, now);
        if (!owed.ok()) return owed.status();
      }
    }
  }
  RefreshAuthority(txn, now);
  return Status::Ok();
}

void FilingService::OnGrant(store::Txn& txn, const std::string& from, std::string_view body,
                            int64_t now) {
  auto g = Grants::Decode(body);  // checked by the inbox already
  if (!g.ok()) return;
  auto prev = Grants::Get(txn, g.value().id);
  if (prev && NotNewer(txn, "grant", g.value().id, prev->version, g.value().version, from, now)) {
    return;
  }
  Grant copy = g.value();
  if (auto lapsed = workflows::LapseIfDue(copy, now)) copy = *lapsed;
  if (Status st = Hold(txn, copy, prev ? &*prev : nullptr, now); !st.ok()) {
    // Kept: the copy is stored; the duty that could not be opened is named.
    store::Audit::Append(txn, now, "grant duty not opened", st.message());
    writer_.AfterCommit([this, why = st.message()] { log_.warn("grant: {}", why); });
  }
}

std::optional<Organ> FilingService::SameLevelDept(const Organ& organ) const {
  if (!organ.is_secrecy_admin()) {
    if (auto dept = base_.SecrecyAdmin(organ.node)) return dept;
  }
  const workflows::DirectoryNode* node = base_.Node(organ.node);
  if (!node || node->parent.empty()) return std::nullopt;
  return base_.SecrecyAdmin(node->parent);
}

Result<std::string> FilingService::Owe(store::Txn& txn, FilingKind kind, const Organ& filer,
                                       const Organ& receiver, const std::string& subject,
                                       const std::string& title, const Grant* grant, int64_t now) {
  std::string id = Filings::NextId(txn, filer.address(), calendar::CstDateOf(now).year());
  workflows::FilingPolicy policy;
  policy.region_report_working_days = config_.filing.region_report_working_days;
  auto step = workflows::OweFiling(kind, id, filer, receiver, subject, title,
                                   calendar::CstDateOf(now), policy, now);
  if (grant) step.filing.grant = *grant;
  if (Status st = Apply(txn, step, "owed", now); !st.ok()) return st;
  return id;
}

Status FilingService::Apply(store::Txn& txn, const workflows::FilingStep& step,
                            const std::string& what, int64_t now) {
  Filing f = step.filing;
  const std::string name = FilingStepName(f);
  switch (step.duty) {
    case workflows::DutyChange::kNone:
      break;
    case workflows::DutyChange::kOpen: {
      auto d = deadlines_.OpenDuty(txn,
                                   {.item = f.id,
                                    .step = name,
                                    .rule = workflows::FilingRule(f.kind),
                                    .title = f.title,
                                    .trigger = f.trigger,
                                    .working_days = f.working_days},
                                   &f.filer, now);
      if (!d.ok()) {
        return Status::Error("filing " + f.id + ": its deadline cannot be opened: " + d.message());
      }
      f.due_at = d.value().due_ms;
      break;
    }
    case workflows::DutyChange::kMet:
      deadlines_.MarkMet(txn, f.id, name, now);
      break;
    case workflows::DutyChange::kRunOn:
      if (f.filer.node == config_.node_id) deadlines_.RunOn(txn, f.id, name, now);
      break;
    case workflows::DutyChange::kClose:
      if (f.filer.node == config_.node_id) deadlines_.CloseDuty(txn, f.id, name, now);
      break;
  }
  Filings::Put(txn, f);
  store::Audit::Append(txn, now, "filing " + what,
                       FilingLine(f) + (step.send_to.empty() ? "" : " → " + step.send_to));
  writer_.AfterCommit([this, line = what + ": " + FilingLine(f)] { log_.info("filing {}", line); });
  if (step.send_to.empty()) return Status::Ok();
  if (step.send_to == config_.node_id) {
    Arrived(txn, f, now);  // the other party is an organ of this node
    return Status::Ok();
  }
  mail_.Post(txn, {step.send_to, schema::Kind::FILING, Filings::Encode(f), f.id}, now);
  return Status::Ok();
}

void FilingService::OnFiling(store::Txn& txn, const std::string& from, std::string_view body,
                             int64_t now) {
  auto f = Filings::Decode(body);  // checked by the inbox already
  if (!f.ok()) return;
  auto prev = Filings::Get(txn, f.value().id);
  if (prev && NotNewer(txn, "filing", f.value().id, prev->version, f.value().version, from, now)) {
    return;
  }
  Arrived(txn, f.value(), now);
}

void FilingService::Arrived(store::Txn& txn, const Filing& copy, int64_t now) {
  if (copy.state == FilingState::kSent && copy.receiver.node == config_.node_id) {
    auto received = workflows::ReceiveFiling(copy, now);
    Status st = Apply(txn, received, "received", now);
    if (st.ok() && config_.auto_review) {
      // TEST POLICY (benchmarks): the dept receipts at once.
      auto r = workflows::ReceiptFiling(received.filing, "AUTO-" + received.filing.id,
                                        "auto (TEST POLICY)", now);
      if (r.ok()) st = Apply(txn, r.value(), "receipted (TEST POLICY)", now);
    }
    if (!st.ok()) store::Audit::Append(txn, now, "filing step not taken", st.message());
    return;
  }
  if (copy.filer.node == config_.node_id &&
      (copy.state == FilingState::kReceipted || copy.state == FilingState::kRefused)) {
    workflows::FilingStep s{copy,
                            {},
                            copy.state == FilingState::kReceipted ? workflows::DutyChange::kClose
                                                                  : workflows::DutyChange::kRunOn};
    Status st = Apply(
        txn, s, copy.state == FilingState::kReceipted ? "回执 arrived" : "refusal arrived", now);
    if (!st.ok()) store::Audit::Append(txn, now, "filing step not taken", st.message());
    return;
  }
  Filings::Put(txn, copy);
}

Status FilingService::Submit(store::Txn& txn, const std::string& id,
                             const std::set<std::string>& materials, const std::string& by,
                             int64_t now) {
  auto f = Filings::Get(txn, id);
  if (!f) return Status::Error("no filing " + id + " on node " + config_.node_id);
  if (f->filer.node != config_.node_id) {
    return Status::Error("filing " + id + " is filed by " + f->filer.name + ", on node " +
                         f->filer.node + ": that node's operators submit it");
  }
  if (f->kind == FilingKind::kResponsible) {
    return Status::Error("filing " + id +
                         " files a list of 定密责任人: submit it with "
                         "`zhuji responsible file`, which carries the list as it is now");
  }
  auto step = workflows::SubmitFiling(*f, materials, by, now);
  if (!step.ok()) return step.status();
  return Apply(txn, step.value(), "submitted", now);
}

Status FilingService::Receipt(store::Txn& txn, const std::string& id, const std::string& number,
                              const std::string& by, int64_t now) {
  auto f = Filings::Get(txn, id);
  if (!f) return Status::Error("no filing " + id + " on node " + config_.node_id);
  if (f->receiver.node != config_.node_id) {
    return Status::Error("filing " + id + " is received by " + f->receiver.name + ", on node " +
                         f->receiver.node + ": that node's operators answer it");
  }
  auto step = workflows::ReceiptFiling(*f, number, by, now);
  if (!step.ok()) return step.status();
  if (Status st = Apply(txn, step.value(), "receipted (回执)", now); !st.ok()) return st;
  // GD Art. 14 ¶2: a county dept reports the authorization 备案 it received to the city dept.
  const workflows::DirectoryNode* node = base_.Node(config_.node_id);
  if (node && node->level == workflows::NodeLevel::kCounty && f->receiver.is_secrecy_admin() &&
      (f->kind == FilingKind::kGrantReceived || f->kind == FilingKind::kRevocationReceived)) {
    auto city = base_.SecrecyAdmin(node->parent);
    if (!city) return Status::Error("GD Art. 14 ¶2: no secrecy admin dept on " + node->parent);
    auto owed = Owe(
        txn, FilingKind::kRegionReport, f->receiver, *city, f->id,
        "报告：" + f->filer.name + " " + workflows::FilingKindZh(f->kind) + "（" + f->title + "）",
        f->grant ? &*f->grant : nullptr, now);
    if (!owed.ok()) return owed.status();
  }
  return Status::Ok();
}

Status FilingService::Refuse(store::Txn& txn, const std::string& id, const std::string& missing,
                             const std::string& by, int64_t now) {
  auto f = Filings::Get(txn, id);
  if (!f) return Status::Error("no filing " + id + " on node " + config_.node_id);
  if (f->receiver.node != config_.node_id) {
    return Status::Error("filing " + id + " is received by " + f->receiver.name + ", on node " +
                         f->receiver.node + ": that node's operators answer it");
  }
  auto step = workflows::RefuseFiling(*f, missing, by, now);
  if (!step.ok()) return step.status();
  return Apply(txn, step.value(), "refused", now);
}

Result<StoredRegister> FilingService::RegisterOf(store::Txn& txn,
                                                 const std::string& organ_code) const {
  std::string address = config_.node_id + "/" + organ_code;
  auto organ = live_.Find(address);
  if (!organ) return Status::Error("no organ " + address + " on this node");
  StoredRegister s;
  if (auto held = Registers::Get(txn, address)) {
    s = *held;
  } else {
    s.reg.organ = address;
    s.reg.organ_name = organ->name;
  }
  // The organ's authority today: its own and its live grants (GD Art. 6-10).
  s.reg.organ_has_original_authority = organ->authority.has_original_authority;
  s.reg.organ_ceiling = organ->authority.ceiling;
  return s;
}

Status FilingService::Changed(store::Txn& txn, StoredRegister s, const std::string& what,
                              int64_t now) {
  // GD Art. 21: within 30 WD of the change, the list goes to the same-level dept. One filing is
  // open at a time: a further change before it is sent is carried by it.
  auto organ = base_.Find(s.reg.organ);
  auto dept = SameLevelDept(*organ);
  if (s.filing_owed.empty() && dept) {
    auto owed = Owe(txn, FilingKind::kResponsible, *organ, *dept, s.reg.organ,
                    "定密责任人名单 " + organ->name, nullptr, now);
    if (!owed.ok()) return owed.status();
    s.filing_owed = owed.value();
  }
  Registers::Put(txn, s);
  store::Audit::Append(txn, now, "responsible persons " + what,
                       s.reg.organ + " v" + std::to_string(s.reg.version));
  return Status::Ok();
}

Status FilingService::SetHead(store::Txn& txn, const std::string& organ, const std::string& name,
                              const std::string& post, const std::string& doc_number, int64_t now) {
  auto s = RegisterOf(txn, organ);
  if (!s.ok()) return s.status();
  StoredRegister next = s.value();
  auto r = workflows::SetStatutory(next.reg, name, post, doc_number, now);
  if (!r.ok()) return r.status();
  next.reg = r.value();
  return Changed(txn, next, "head set (法定定密责任人)", now);
}

Status FilingService::Designate(store::Txn& txn, const std::string& organ,
                                const workflows::Designation& d, const std::string& by,
                                const workflows::Art17Declaration& art17,
                                const workflows::Art18Record& art18, int64_t now) {
  auto s = RegisterOf(txn, organ);
  if (!s.ok()) return s.status();
  StoredRegister next = s.value();
  auto r = workflows::Designate(next.reg, d, by, art17, art18, calendar::CstDateOf(now), now);
  if (!r.ok()) return r.status();
  next.reg = r.value();
  return Changed(txn, next, "designated (指定定密责任人)", now);
}

Status FilingService::RevokeDesignation(store::Txn& txn, const std::string& organ,
                                        const std::string& name, const std::string& by,
                                        const std::string& reason, int64_t now) {
  auto s = RegisterOf(txn, organ);
  if (!s.ok()) return s.status();
  StoredRegister next = s.value();
  auto r = workflows::RevokeDesignation(next.reg, name, by, reason, calendar::CstDateOf(now), now);
  if (!r.ok()) return r.status();
  next.reg = r.value();
  return Changed(txn, next, "designation ended", now);
}

Status FilingService::FileRegister(store::Txn& txn, const std::string& organ,
                                   const std::set<std::string>& materials, const std::string& by,
                                   int64_t now, std::string* filing_id) {
  auto s = RegisterOf(txn, organ);
  if (!s.ok()) return s.status();
  StoredRegister next = s.value();
  std::optional<Filing> f;
  if (!next.filing_owed.empty()) {
    f = Filings::Get(txn, next.filing_owed);
  } else {
    // A 备案 the department refused is submitted again, with the list as it is now.
    for (auto& held : Filings::List(txn)) {
      if (held.kind == FilingKind::kResponsible && held.filer.address() == next.reg.organ &&
          held.state == FilingState::kRefused) {
        f = std::move(held);
        break;
      }
    }
  }
  if (!f) {
    return Status::Error("GD Art. 21: " + next.reg.organ_name +
                         " owes no 定密责任人 备案: its list has not changed since the last one");
  }
  f->persons = next.reg.persons;
  f->subject = next.reg.organ + " v" + std::to_string(next.reg.version);
  auto step = workflows::SubmitFiling(*f, materials, by, now);
  if (!step.ok()) return step.status();
  if (Status st = Apply(txn, step.value(), "submitted", now); !st.ok()) return st;
  if (filing_id) *filing_id = f->id;
  next.filing_owed.clear();
  Registers::Put(txn, next);
  return Status::Ok();
}

Status FilingService::MayApprove(store::Txn& txn, const Organ& organ, const std::string& name,
                                 workflows::SecrecyLevel level, int64_t now) const {
  auto s = Registers::Get(txn, organ.address());
  if (!s) {
    return Status::Error("GD Art. 16 ¶3: " + organ.name +
                         " has no 定密责任人 registered on this node (zhuji responsible head): "
                         "no one may approve its determination");
  }
  workflows::ResponsibleRegister reg = s->reg;
  // The organ's authority today: its own and its live grants (GD Art. 6-10).
  if (auto live = live_.Find(organ.address())) {
    reg.organ_has_original_authority = live->authority.has_original_authority;
    reg.organ_ceiling = live->authority.ceiling;
  }
  return workflows::MayApprove(reg, name, level, calendar::CstDateOf(now));
}

Status FilingService::MayOverride(store::Txn& txn, const Organ& organ, const std::string& name,
                                  const std::string& designee, int64_t now) const {
  auto s = Registers::Get(txn, organ.address());
  if (!s) {
    return Status::Error("GD Art. 22: " + organ.name +
                         " has no 定密责任人 registered on this node");
  }
  calendar::Date today = calendar::CstDateOf(now);
  if (Status st = workflows::MayOverride(s->reg, name, today); !st.ok()) return st;
  const workflows::ResponsiblePerson* d = s->reg.Find(designee, today);
  if (!d || d->statutory) {
    return Status::Error("GD Art. 22: " + designee + " is not a 指定定密责任人 of " + organ.name +
                         " in force today: there is no designee's opinion of theirs to change");
  }
  return Status::Ok();
}

Result<workflows::ResponsibleRegister> FilingService::LiveRegister(
    store::Txn& txn, const std::string& address) const {
  auto organ = live_.Find(address);
  if (!organ || organ->node != config_.node_id) {
    return Status::Error("no organ " + address + " on this node");
  }
  workflows::ResponsibleRegister reg;
  if (auto held = Registers::Get(txn, address)) {
    reg = held->reg;
  } else {
    reg.organ = address;
    reg.organ_name = organ->name;
  }
  reg.organ_has_original_authority = organ->authority.has_original_authority;
  reg.organ_ceiling = organ->authority.ceiling;
  return reg;
}

}  // namespace zhuji::node
