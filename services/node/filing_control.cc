#include "services/node/filing_control.h"

#include <capnp/message.h>

#include "services/common/capnp_io.h"
#include "services/node/views.h"

namespace zhuji::node {

namespace {

using workflows::Filing;
using workflows::FilingKind;

std::set<std::string> Texts(capnp::List<capnp::Text>::Reader list) {
  std::set<std::string> out;
  for (auto t : list) out.insert(t);
  return out;
}

Result<workflows::SecrecyLevel> Level(const std::string& text, const char* what) {
  auto l = workflows::ParseLevel(text);
  if (!l) {
    return Status::Error(std::string(what) + " is 秘密, 机密 or 绝密, not '" + text + "'");
  }
  return *l;
}

}  // namespace

FilingControl::FilingControl(const config::NodeConfig& config, FilingService& filings,
                             MatterService& matters, Writer& writer, ControlService& control,
                             const Clock& clock)
    : config_(config),
      filings_(filings),
      matters_(matters),
      writer_(writer),
      control_(control),
      clock_(clock) {}

Status FilingControl::AnswerApplication(store::Txn& txn, schema::GrantRequest::Reader req,
                                        workflows::GrantDecision d, int64_t now,
                                        std::string* grant_id, std::vector<std::string>* warnings) {
  std::string id = req.getApplication();
  auto held = Matters::Get(txn, id);
  if (!held || held->matter.kind != workflows::MatterKind::kAuthorization) {
    return Status::Error("no 定密授权申请 " + id + " on node " + config_.node_id);
  }
  const workflows::Matter& m = held->matter;
  const workflows::Organ& decider = m.path.back().organ;
  if (decider.node != config_.node_id) {
    return Status::Error("application " + id + " is decided by " + decider.name + ", on node " +
                         decider.node + ": that node's operators answer it");
  }
  if (req.getRefuse()) {
    auto step = workflows::AnswerApplication(m, nullptr, req.getReason(), req.getBy(), now);
    if (!step.ok()) return step.status();
    return matters_.ApplyStep(txn, step.value(), "answered: refused (不予授权)", now);
  }
  // What the application asked for, unless the decision says otherwise (within it).
  d.grantee = m.origin.address();
  if (!req.getCeiling().size()) d.ceiling = m.provisional.level;
  if (d.ceiling > m.provisional.level) {
    return Status::Error(std::string("GD Art. 9: the application asked for ") +
                         workflows::LevelZh(m.provisional.level) + " at most, not " +
                         workflows::LevelZh(d.ceiling));
  }
  if (d.matters.empty()) d.matters = m.title;
  if (!d.term_months) d.term_months = m.provisional.term_months;
  d.proactive = false;
  d.application = m.id;
  auto g = filings_.MakeGrant(txn, decider.code, d, now, warnings);
  if (!g.ok()) return g.status();
  *grant_id = g.value().id;
  auto step = workflows::AnswerApplication(m, &g.value(), "", req.getBy(), now);
  if (!step.ok()) return step.status();
  return matters_.ApplyStep(txn, step.value(), "answered: granted (定密授权)", now);
}

void FilingControl::Register(ControlService& control) {
  control.Register(schema::ControlRequest::GRANT, [this](ControlCall& c) { HandleGrant(c); });
  control.Register(schema::ControlRequest::FILING, [this](ControlCall& c) { HandleFiling(c); });
  control.Register(schema::ControlRequest::RESPONSIBLE,
                   [this](ControlCall& c) { HandleResponsible(c); });
}

std::vector<GrantRegisterEntry> FilingControl::GrantRegister(store::Txn& txn,
                                                             const std::string& only) const {
  std::vector<Filing> filings = Filings::List(txn);
  const auto& dir = filings_.base_directory();
  const workflows::DirectoryNode* self = dir.Node(config_.node_id);
  std::vector<GrantRegisterEntry> out;
  for (const auto& g : Grants::List(txn)) {
    if (!only.empty() && g.id != only) continue;
    GrantRegisterEntry e{g, {}, {}};
    for (const auto& f : filings) {
      if (f.grant && f.grant->id == g.id) e.filings.push_back(f);
    }
    bool revoked = g.state == workflows::GrantState::kRevoked;
    // What this node's dept should receive of it (GD Art. 13, 14, 14 ¶2).
    std::vector<FilingKind> expected;
    const workflows::DirectoryNode* grantor_node = dir.Node(g.grantor.node);
    const workflows::DirectoryNode* grantee_node = dir.Node(g.grantee.node);
    if (self && self->level == workflows::NodeLevel::kProvince && grantor_node &&
        grantor_node->level == workflows::NodeLevel::kCity) {
      expected.push_back(FilingKind::kGrant);
      if (revoked) expected.push_back(FilingKind::kRevocation);
    }
    if (g.grantee.node == config_.node_id && !g.grantee.is_secrecy_admin()) {
      expected.push_back(FilingKind::kGrantReceived);
      if (revoked) expected.push_back(FilingKind::kRevocationReceived);
    }
    if (grantee_node && grantee_node->level == workflows::NodeLevel::kCounty &&
        grantee_node->parent == config_.node_id) {
      expected.push_back(FilingKind::kRegionReport);
    }
    for (auto kind : expected) {
      bool got = false;
      for (const auto& f : e.filings) {
        // Received and not refused: a refused 备案 is still missing until it comes complete.
        got |= f.kind == kind && f.receiver.node == config_.node_id &&
               (f.state == workflows::FilingState::kSent ||
                f.state == workflows::FilingState::kReceipted);
      }
      if (!got)
        e.missing.push_back(std::string(workflows::FilingKindZh(kind)) + " (" +
                            workflows::FilingRule(kind) + ")");
    }
    out.push_back(std::move(e));
  }
  return out;
}

void FilingControl::HandleGrant(ControlCall& call) {
  auto req = call.request.getGrant();
  using Op = schema::GrantRequest::Op;
  int64_t now = clock_.NowMs();
  auto list_view = [&](store::Txn& txn, const std::vector<std::string>& forwarded) {
    bool verified = false;
    config::AuthorizingList held = filings_.HeldList(txn, &verified);
    auto v = call.reply.initAuthorizingList();
    v.setVersion(held.version);
    v.setPublished(held.published);
    v.setSource(held.source);
    v.setSigned(verified);
    auto organs = v.initOrgans(held.organs.size());
    for (size_t i = 0; i < held.organs.size(); ++i) {
      organs.set(i, held.organs[i].address + " " + held.organs[i].name);
    }
    auto f = v.initForwardedTo(forwarded.size());
    for (size_t i = 0; i < forwarded.size(); ++i) f.set(i, forwarded[i]);
  };
  if (req.getOp() == Op::AUTHORIZING) {
    auto txn = writer_.BeginRead();
    return list_view(txn, {});
  }
  if (req.getOp() == Op::PUBLISH) {
    std::vector<std::string> forwarded;
    Status st = control_.Write(
        [&](store::Txn& txn) { return filings_.Publish(txn, req.getText(), now, &forwarded); });
    if (!st.ok()) return call.reply.setError(st.message());
    auto txn = writer_.BeginRead();
    return list_view(txn, forwarded);
  }
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) {
    auto txn = writer_.BeginRead();
    auto list = GrantRegister(txn, req.getOp() == Op::SHOW ? req.getId().cStr() : "");
    if (req.getOp() == Op::SHOW && list.empty()) {
      return call.reply.setError("no grant " + std::string(req.getId().cStr()) + " on node " +
                                 config_.node_id);
    }
    return FillGrantList(list, call.reply);
  }
  std::string done;
  std::vector<std::string> warnings;
  Status st = control_.Write([&](store::Txn& txn) -> Status {
    if (req.getOp() == Op::REVOKE) {
      done = req.getId();
      return filings_.Revoke(txn, done, req.getGround(), req.getDetail(), req.getDocNumber(),
                             req.getBy(), now);
    }
    workflows::GrantDecision d;
    if (req.getApplication().size() && req.getRefuse()) {
      return AnswerApplication(txn, req, d, now, &done, &warnings);
    }
    auto ceiling = req.getApplication().size() && !req.getCeiling().size()
                       ? Result<workflows::SecrecyLevel>(workflows::SecrecyLevel::kMimi)
                       : Level(req.getCeiling(), "the grant's ceiling (--ceiling)");
    if (!ceiling.ok()) return ceiling.status();
    d.doc_number = req.getDocNumber();
    d.grantee = req.getGrantee();
    d.ceiling = ceiling.value();
    d.matters = req.getMatters();
    d.term_months = req.getTermMonths();
    d.long_term_reason = req.getReason();
    d.proactive = req.getProactive();
    d.task = req.getTask();
    d.regrants = req.getId();
    if (req.getRegrantCause().size()) {
      auto cause = workflows::ParseRegrantCause(req.getRegrantCause().cStr());
      if (!cause) return Status::Error("--regrant-cause is scope, rename or expiry");
      d.regrant_cause = *cause;
    }
    d.decided_by = req.getBy();
    if (req.getApplication().size()) return AnswerApplication(txn, req, d, now, &done, &warnings);
    auto g = filings_.MakeGrant(txn, req.getOrgan(), d, now, &warnings);
    if (!g.ok()) return g.status();
    done = g.value().id;
    return Status::Ok();
  });
  if (!st.ok()) return call.reply.setError(st.message());
  auto txn = writer_.BeginRead();
  // A refused application made no grant: the reply lists none (the application shows it).
  FillGrantList(done.empty() ? std::vector<GrantRegisterEntry>{} : GrantRegister(txn, done),
                call.reply);
  auto w = call.reply.initWarnings(warnings.size());
  for (size_t i = 0; i < warnings.size(); ++i) w.set(i, warnings[i]);
}

void FilingControl::HandleFiling(ControlCall& call) {
  auto req = call.request.getFiling();
  using Op = schema::FilingRequest::Op;
  std::string id = req.getId();
  if (req.getOp() == Op::LIST || req.getOp() == Op::SHOW) {
    auto txn = writer_.BeginRead();
    std::vector<Filing> list;
    std::string filter = req.getFilter();
    for (auto& f : Filings::List(txn)) {
      if (req.getOp() == Op::SHOW && f.id != id) continue;
      bool mine = f.filer.node == config_.node_id;
      bool theirs = f.receiver.node == config_.node_id;
      if (filter == "owed" && !(mine && f.state != workflows::FilingState::kReceipted)) continue;
      if (filter == "received" && !(theirs && f.state != workflows::FilingState::kOwed)) continue;
      list.push_back(std::move(f));
    }
    if (req.getOp() == Op::SHOW && list.empty()) {
      return call.reply.setError("no filing " + id + " on node " + config_.node_id);
    }
    return FillFilingList(list, call.reply);
  }
  int64_t now = clock_.NowMs();
  Status st = control_.Write([&](store::Txn& txn) -> Status {
    switch (req.getOp()) {
      case Op::SUBMIT:
        return filings_.Submit(txn, id, Texts(req.getMaterials()), req.getBy(), now);
      case Op::RECEIPT:
        return filings_.Receipt(txn, id, req.getNumber(), req.getBy(), now);
      case Op::REFUSE:
        return filings_.Refuse(txn, id, req.getMissing(), req.getBy(), now);
      default:
        return Status::Error("unknown filing step");
    }
  });
  if (!st.ok()) return call.reply.setError(st.message());
  auto txn = writer_.BeginRead();
  std::vector<Filing> list;
  if (auto f = Filings::Get(txn, id)) list.push_back(*f);
  FillFilingList(list, call.reply);
}

void FilingControl::HandleResponsible(ControlCall& call) {
  auto req = call.request.getResponsible();
  using Op = schema::ResponsibleRequest::Op;
  int64_t now = clock_.NowMs();
  std::string organ = req.getOrgan();
  auto list_reply = [&](store::Txn& txn) {
    std::vector<StoredRegister> list;
    for (auto& s : Registers::List(txn)) {
      if (organ.empty() || s.reg.organ == config_.node_id + "/" + organ) list.push_back(s);
    }
    FillRegisterList(list, now, call.reply);
  };
  if (req.getOp() == Op::LIST) {
    auto txn = writer_.BeginRead();
    return list_reply(txn);
  }
  if (organ.empty()) return call.reply.setError("which organ of this node? (--organ)");
  std::string filed;
  Status st = control_.Write([&](store::Txn& txn) -> Status {
    calendar::Date today = calendar::CstDateOf(now);
    switch (req.getOp()) {
      case Op::HEAD:
        return filings_.SetHead(txn, organ, req.getName(), req.getPost(), req.getDocNumber(), now);
      case Op::DESIGNATE: {
        workflows::Designation d;
        d.name = req.getName();
        d.post = req.getPost();
        d.matters = req.getMatters();
        d.doc_number = req.getDocNumber();
        auto ceiling = Level(req.getCeiling(), "the designee's ceiling (--ceiling)");
        if (!ceiling.ok()) return ceiling.status();
        d.ceiling = ceiling.value();
        d.from = req.getFromDay() ? calendar::Date{req.getFromDay()} : today;
        d.until = calendar::Date{req.getUntilDay()};
        if (!req.getUntilDay()) {
          return Status::Error("GD Art. 19: a designation has its term: give --until YYYY-MM-DD");
        }
        workflows::Art17Declaration a17;
        for (auto item : req.getArt17()) {
          std::string_view t(item.cStr());
          if (t == "conditions")
            a17.secret_personnel_conditions = true;
          else if (t == "post")
            a17.leading_post = true;
          else if (t == "trained")
            a17.trained = true;
          else if (t == "familiar")
            a17.familiar = true;
          else
            return Status::Error("--art17 items are conditions, post, trained, familiar; not '" +
                                 std::string(t) + "'");
        }
        workflows::Art18Record a18;
        a18.criminal_liability = req.getCriminal();
        if (req.getDismissalDay()) a18.dismissal_or_worse = calendar::Date{req.getDismissalDay()};
        if (req.getDisciplineDay()) a18.secrecy_discipline = calendar::Date{req.getDisciplineDay()};
        a18.unqualified_last_year = req.getUnqualified();
        for (auto d18 : req.getViolationDays())
          a18.secrecy_violations.push_back(calendar::Date{d18});
        a18.other = req.getOther();
        return filings_.Designate(txn, organ, d, req.getBy(), a17, a18, now);
      }
      case Op::REVOKE:
        return filings_.RevokeDesignation(txn, organ, req.getName(), req.getBy(), req.getReason(),
                                          now);
      case Op::FILE:
        return filings_.FileRegister(txn, organ, Texts(req.getMaterials()), req.getBy(), now,
                                     &filed);
      default:
        return Status::Error("unknown responsible step");
    }
  });
  if (!st.ok()) return call.reply.setError(st.message());
  auto txn = writer_.BeginRead();
  list_reply(txn);
}

}  // namespace zhuji::node
