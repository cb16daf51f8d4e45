#include "services/node/licensing_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <set>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/codec.h"
#include "services/node/filings.h"
#include "services/node/table.h"
#include "services/store/audit.h"
#include "services/workflows/draw.h"
#include "zhuji/schemas/licensing.capnp.h"

namespace zhuji::node {

namespace {

using calendar::Date;
using Op = schema::LicensingRequest::Op;
using workflows::Application;
using workflows::ApplicationKind;
using workflows::ApplicationState;
using workflows::Certificate;
using workflows::CreditEntry;
using workflows::CreditKind;
using workflows::LicenceItem;
using workflows::Parcel;
using workflows::UnitInspection;

std::optional<Date> Opt(int32_t days) {
  if (!days) return std::nullopt;
  return Date{days};
}
int32_t Days(const std::optional<Date>& d) { return d ? d->days : 0; }

std::vector<std::string> Texts(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> out;
  for (auto t : list) out.emplace_back(t.cStr());
  return out;
}
void PutTexts(capnp::List<capnp::Text>::Builder out, const std::vector<std::string>& in) {
  for (size_t i = 0; i < in.size(); ++i) out.set(i, in[i]);
}

template <typename E>
E Checked(uint8_t v, E last, const char* what) {
  if (v > static_cast<uint8_t>(last)) {
    throw MalformedMessage(std::string("unknown ") + what + " " + std::to_string(v));
  }
  return static_cast<E>(v);
}

void PutApplicant(schema::Applicant::Builder b, const workflows::Applicant& a) {
  b.setUnit(a.unit);
  b.setName(a.name);
  b.setRepresentative(a.representative);
  b.setAddress(a.address);
  b.setRegion(a.region);
  PutTexts(b.initPersons(a.persons.size()), a.persons);
}
workflows::Applicant GetApplicant(schema::Applicant::Reader r) {
  return {r.getUnit(),    r.getName(),   r.getRepresentative(),
          r.getAddress(), r.getRegion(), Texts(r.getPersons())};
}

// ---- the tables ----

std::string EncodeApplication(const Application& a) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Application>();
  b.setId(a.id);
  b.setKind(static_cast<uint8_t>(a.kind));
  b.setItem(static_cast<uint8_t>(a.item));
  b.setGrade(a.grade);
  b.setScope(a.scope);
  PutApplicant(b.initApplicant(), a.applicant);
  b.setCertificate(a.certificate);
  b.setChange(static_cast<uint8_t>(a.change));
  b.setChangeTo(a.change_to);
  PutTexts(b.initRequired(a.required.size()), a.required);
  PutTexts(b.initSubmitted(a.submitted.size()), a.submitted);
  PutTexts(b.initMissing(a.missing.size()), a.missing);
  b.setReceived(a.clock.received.days);
  b.setNotified(Days(a.clock.notified_missing));
  b.setCompleted(Days(a.clock.completed));
  b.setAccepted(Days(a.clock.accepted));
  b.setExtended(a.clock.extended);
  b.setExtensionReason(a.extension_reason);
  b.setExtensionBy(a.extension_by);
  auto un = b.initUncounted(a.clock.uncounted.size());
  for (size_t i = 0; i < a.clock.uncounted.size(); ++i) {
    un[i].setFrom(a.clock.uncounted[i].from.days);
    un[i].setTo(a.clock.uncounted[i].to.days);
    un[i].setWhy(a.clock.uncounted[i].why);
  }
  auto ap = b.initApprovals(a.approvals.size());
  for (size_t i = 0; i < a.approvals.size(); ++i) {
    const auto& x = a.approvals[i];
    ap[i].setOrgan(x.organ);
    ap[i].setOrganName(x.organ_name);
    ap[i].setApprove(x.approve);
    ap[i].setOpinion(x.opinion);
    ap[i].setBy(x.by);
    ap[i].setDay(x.day.days);
  }
  PutTexts(b.initDeciders(a.deciders.size()), a.deciders);
  b.setDecided(Days(a.decided));
  b.setGranted(Days(a.clock.granted));
  PutTexts(b.initReasons(a.reasons.size()), a.reasons);
  b.setIssued(a.issued);
  b.setState(static_cast<uint8_t>(a.state));
  PutTrail(b.initHistory(a.history.size()), a.history);
  b.setVersion(a.version);
  b.setByPost(a.by_post);
  return ToBytes(m);
}

Application GetApplication(schema::Application::Reader r) {
  Application a;
  a.id = r.getId();
  a.kind = Checked(r.getKind(), ApplicationKind::kCancel, "application kind");
  a.item = Checked(r.getItem(), LicenceItem::kSystemIntegration, "licence item");
  a.grade = r.getGrade();
  a.scope = r.getScope();
  a.applicant = GetApplicant(r.getApplicant());
  a.certificate = r.getCertificate();
  a.change = Checked(r.getChange(), workflows::ChangeField::kAddress, "change");
  a.change_to = r.getChangeTo();
  a.required = Texts(r.getRequired());
  a.submitted = Texts(r.getSubmitted());
  a.missing = Texts(r.getMissing());
  a.clock.item = a.item;
  a.clock.received = Date{r.getReceived()};
  a.clock.notified_missing = Opt(r.getNotified());
  a.clock.completed = Opt(r.getCompleted());
  a.clock.accepted = Opt(r.getAccepted());
  a.clock.extended = r.getExtended();
  a.extension_reason = r.getExtensionReason();
  a.extension_by = r.getExtensionBy();
  for (auto u : r.getUncounted())
    a.clock.uncounted.push_back({Date{u.getFrom()}, Date{u.getTo()}, u.getWhy()});
  for (auto x : r.getApprovals()) {
    a.approvals.push_back({x.getOrgan(), x.getOrganName(), x.getApprove(), x.getOpinion(),
                           x.getBy(), Date{x.getDay()}});
  }
  a.deciders = Texts(r.getDeciders());
  a.decided = Opt(r.getDecided());
  a.clock.granted = Opt(r.getGranted());
  a.reasons = Texts(r.getReasons());
  a.issued = r.getIssued();
  a.state = Checked(r.getState(), ApplicationState::kNotAccepted, "application state");
  a.history = GetTrail(r.getHistory());
  a.version = r.getVersion();
  a.by_post = r.getByPost();
  return a;
}

Application DecodeApplication(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  return GetApplication(msg->Root<schema::Application>());
}

void PutCertificate(schema::Certificate::Builder b, const Certificate& c) {
  b.setNumber(c.number);
  b.setItem(static_cast<uint8_t>(c.item));
  b.setGrade(c.grade);
  b.setScope(c.scope);
  PutApplicant(b.initHolder(), c.holder);
  b.setIssued(c.issued.days);
  b.setValidUntil(c.valid_until.days);
  b.setState(static_cast<uint8_t>(c.state));
  b.setApplication(c.application);
  b.setEndedBy(c.ended_by);
}
std::string EncodeCertificate(const Certificate& c) {
  capnp::MallocMessageBuilder m;
  PutCertificate(m.initRoot<schema::Certificate>(), c);
  return ToBytes(m);
}
Certificate DecodeCertificate(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::Certificate>();
  Certificate c;
  c.number = r.getNumber();
  c.item = Checked(r.getItem(), LicenceItem::kSystemIntegration, "licence item");
  c.grade = r.getGrade();
  c.scope = r.getScope();
  c.holder = GetApplicant(r.getHolder());
  c.issued = Date{r.getIssued()};
  c.valid_until = Date{r.getValidUntil()};
  c.state = Checked(r.getState(), Certificate::State::kRevoked, "certificate state");
  c.application = r.getApplication();
  c.ended_by = r.getEndedBy();
  return c;
}

std::string EncodeParcel(const Parcel& p) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Parcel>();
  b.setId(p.id);
  b.setIncoming(p.incoming);
  b.setWaybill(p.waybill);
  b.setParty(p.party);
  b.setDay(p.day.days);
  PutTexts(b.initItems(p.items.size()), p.items);
  b.setAbout(p.about);
  b.setRecordedBy(p.recorded_by);
  b.setRecordedAt(p.recorded_at);
  return ToBytes(m);
}

CreditEntry GetCredit(schema::CreditEntry::Reader r) {
  CreditEntry e;
  e.subject = r.getSubject();
  e.person = r.getPerson();
  e.kind = Checked(r.getKind(), CreditKind::kMarketExclusion, "credit kind");
  e.on = Date{r.getOn()};
  e.until = Opt(r.getUntil());
  e.reason = r.getReason();
  e.reference = r.getReference();
  return e;
}

std::vector<CreditEntry> CreditRecord(store::Txn& txn) {
  std::vector<CreditEntry> out;
  auto cursor = txn.OpenCursor("credit");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto msg = ReadMessage(kv->second);
    out.push_back(GetCredit(msg->Root<schema::CreditEntry>()));
  }
  return out;
}

std::string CreditKindCode(CreditKind k) {
  switch (k) {
    case CreditKind::kViolation:
      return "violation";
    case CreditKind::kFalseCommitment:
      return "false-commitment";
    case CreditKind::kRevocation:
      return "revocation";
    case CreditKind::kMarketExclusion:
      return "exclusion";
  }
  return "";
}

std::optional<Certificate> GetCert(store::Txn& txn, const std::string& number) {
  return GetRecord(txn, "certificates", number, DecodeCertificate);
}

// The stored records of `keys` (Cap'n Proto, as kept) copied into a reply's list.
template <typename S>
void FillList(store::Txn& txn, const char* table, const std::vector<std::string>& keys,
              typename capnp::List<S>::Builder list) {
  for (size_t i = 0; i < keys.size(); ++i) {
    auto raw = txn.Get(table, keys[i]);
    if (!raw) continue;
    auto msg = ReadMessage(*raw);
    list.setWithCaveats(i, msg->template Root<S>());
  }
}

// The keys of `table` whose record satisfies `keep`, in key order.
template <typename S, typename Keep>
std::vector<std::string> KeysWhere(store::Txn& txn, const char* table, Keep keep) {
  std::vector<std::string> keys;
  auto cursor = txn.OpenCursor(table);
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
    auto msg = ReadMessage(kv->second);
    if (keep(msg->template Root<S>())) keys.emplace_back(kv->first);
  }
  return keys;
}

}  // namespace

std::string UnitInspections::Encode(const UnitInspection& i) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::UnitInspection>();
  b.setId(i.id);
  b.setRound(i.round);
  b.setFlying(i.flying);
  b.setUnit(i.unit);
  b.setUnitName(i.unit_name);
  b.setCertificate(i.certificate);
  b.setRegion(i.region);
  PutTexts(b.initExperts(i.experts.size()), i.experts);
  b.setByOrgan(i.by_organ);
  b.setInspector(i.inspector);
  b.setInspectorName(i.inspector_name);
  b.setReportBy(i.report_by.days);
  b.setFindings(i.findings);
  b.setViolation(i.violation);
  b.setReferTo(i.refer_to);
  b.setReferToName(i.refer_to_name);
  b.setReportedBy(i.reported_by);
  b.setReportedAt(i.reported_at);
  b.setState(static_cast<uint8_t>(i.state));
  b.setVersion(i.version);
  return ToBytes(m);
}

UnitInspection UnitInspections::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto r = msg->Root<schema::UnitInspection>();
  UnitInspection i;
  i.id = r.getId();
  i.round = r.getRound();
  i.flying = r.getFlying();
  i.unit = r.getUnit();
  i.unit_name = r.getUnitName();
  i.certificate = r.getCertificate();
  i.region = r.getRegion();
  i.experts = Texts(r.getExperts());
  i.by_organ = r.getByOrgan();
  i.inspector = r.getInspector();
  i.inspector_name = r.getInspectorName();
  i.report_by = Date{r.getReportBy()};
  i.findings = r.getFindings();
  i.violation = r.getViolation();
  i.refer_to = r.getReferTo();
  i.refer_to_name = r.getReferToName();
  i.reported_by = r.getReportedBy();
  i.reported_at = r.getReportedAt();
  i.state = Checked(r.getState(), UnitInspection::State::kReported, "inspection state");
  i.version = r.getVersion();
  return i;
}

namespace {

// Who may send which state of an inspection: the province's bureau assigns it and refers a
// finding on; the city bureau reports it.
Status CheckInspectionCopy(const UnitInspection& i, const std::string& origin,
                           const std::string& self) {
  std::string by = workflows::NodeOfAddress(i.by_organ),
              inspector = workflows::NodeOfAddress(i.inspector),
              refer = workflows::NodeOfAddress(i.refer_to);
  if (i.id.empty() || i.unit.empty() || i.by_organ.empty() || i.inspector.empty()) {
    return Status::Error(
        "an inspection of a licensed unit needs its id, unit, bureau and inspector");
  }
  if (self != by && self != inspector && (i.refer_to.empty() || self != refer)) {
    return Status::Error("inspection " + i.id + " does not concern node " + self);
  }
  if (i.state == UnitInspection::State::kAssigned && origin != by) {
    return Status::Error("inspection " + i.id + " is assigned by " + i.by_organ + ", not by node " +
                         origin);
  }
  if (i.state == UnitInspection::State::kReported && origin != inspector && origin != by) {
    return Status::Error("inspection " + i.id + " is reported by " + i.inspector +
                         ", not by node " + origin);
  }
  if (i.state == UnitInspection::State::kReported && i.findings.empty()) {
    return Status::Error("inspection " + i.id + " is reported without findings");
  }
  return Status::Ok();
}

}  // namespace

LicensingService::LicensingService(const config::NodeConfig& config,
                                   const workflows::OrganDirectory& directory,
                                   DeadlineService& deadlines, Writer& writer, Mail& mail,
                                   ControlService& control, const Clock& clock)
    : config_(config),
      directory_(directory),
      deadlines_(deadlines),
      writer_(writer),
      mail_(mail),
      control_(control),
      clock_(clock) {}

KindEntry LicensingService::LicensingKind(const std::string& self) {
  KindEntry k;
  k.name = "licensing";
  k.check = [self](const std::string& origin, std::string_view body) -> Status {
    if (Status st = CheckText<schema::UnitInspection>(body); !st.ok()) return st;
    return CheckInspectionCopy(UnitInspections::Decode(body), origin, self);
  };
  k.describe = [](std::string_view body) {
    UnitInspection i = UnitInspections::Decode(body);
    return std::string(i.flying ? "飞行检查 " : "双随机检查 ") + i.id + " " + i.unit_name + " → " +
           i.inspector_name +
           (i.state == UnitInspection::State::kReported ? " 已报告 reported" : " 已分派 assigned");
  };
  return k;
}

void LicensingService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k = LicensingKind(config_.node_id);
  k.admit = [this](store::Txn& txn, const std::string& origin, std::string_view body) -> Status {
    // Checked against this node's own directory and the copy held (LN 四.1): the province's
    // bureau assigns, the city bureau named reports once, nothing else changes.
    UnitInspection i = UnitInspections::Decode(body);
    auto inspector = directory_.Find(i.inspector);
    if (!inspector || !inspector->is_secrecy_admin()) {
      return Status::Error("inspection " + i.id + ": " + i.inspector +
                           " is not a secrecy bureau in this node's directory");
    }
    auto bureau = directory_.Find(i.by_organ);
    const auto* node = bureau ? directory_.Node(bureau->node) : nullptr;
    bool provincial = bureau && bureau->is_secrecy_admin() && node &&
                      node->level == workflows::NodeLevel::kProvince;
    auto held = GetRecord(txn, "unit_inspections", i.id, UnitInspections::Decode);
    return workflows::CheckInspectionStep(held ? &*held : nullptr, i, origin, config_.node_id,
                                          provincial);
  };
  k.apply = [this](store::Txn& txn, const std::string& from, std::string_view body, int64_t now) {
    Arrived(txn, UnitInspections::Decode(body), from, now);
  };
  kinds.Register(schema::Kind::LICENSING, std::move(k));
  control.Register(schema::ControlRequest::LICENSING, [this](ControlCall& c) { Handle(c); });
}

Result<workflows::Organ> LicensingService::Bureau() const {
  if (config_.level != config::Level::kProvince) {
    return Status::Error("保密行政许可 is the provincial bureau's (LN 一): node " +
                         config_.node_id + " is not a province node");
  }
  auto b = directory_.SecrecyAdmin(config_.node_id);
  if (!b) return Status::Error("no secrecy bureau (line secrecy-admin) on node " + config_.node_id);
  return *b;
}

Status LicensingService::SyncDuties(store::Txn& txn, const Application& a, int64_t now) {
  auto bureau = Bureau();
  if (!bureau.ok()) return bureau.status();
  Date today = calendar::CstDateOf(now);
  // A step dated out of order (accepted before the material arrived …) leaves a clock that
  // cannot be computed: refused, nothing changed.
  auto computed = workflows::ComputeDeadlines(a.clock, deadlines_.calendar(), today);
  if (!computed.ok()) return Status::Error("application " + a.id + ": " + computed.message());
  const workflows::LicenceDeadlines& clock = computed.value();
  auto sync = [&](const char* step, const char* rule, const std::string& title,
                  std::optional<Date> due) {
    auto cur = deadlines::DeadlineBook::Find(txn, a.id, step);
    bool open = cur && cur->state != schema::Deadline::State::CLOSED;
    if (open && (!due || cur->due_day != *due)) {
      deadlines_.CloseDuty(txn, a.id, step, now);
      open = false;
    }
    if (!due || open) return;
    deadlines::DeadlineSpec spec{.item = a.id,
                                 .step = step,
                                 .rule = rule,
                                 .title = title,
                                 .trigger = today,
                                 .fixed_day = due};
    auto st = deadlines_.OpenDuty(txn, spec, &bureau.value(), now);
    if (!st.ok()) store::Audit::Append(txn, now, "licence duty not opened", st.status().message());
  };
  std::string what = std::string(workflows::ApplicationKindZh(a.kind)) + " " +
                     workflows::LicenceItemZh(a.item) + "（" + a.applicant.name + "）";
  sync("accept", "行政许可法 Art. 32", "受理或一次告知 " + what,
       a.state == ApplicationState::kReceived ? std::optional<Date>(clock.acceptance.date)
                                              : std::nullopt);
  // Due from acceptance — also while the clerk has not recorded an acceptance the law already
  // counts (Art. 32); a renewal is decided by the expiry at the latest (Art. 50).
  std::optional<Date> decide;
  bool deciding = a.state == ApplicationState::kAccepted ||
                  (a.state == ApplicationState::kReceived && clock.deemed_accepted);
  if (deciding && clock.decision) decide = clock.decision->date;
  if (decide && a.kind == ApplicationKind::kRenew) {
    if (auto cert = GetCert(txn, a.certificate); cert && cert->valid_until < *decide) {
      decide = cert->valid_until;
    }
  }
  sync("decide",
       a.kind == ApplicationKind::kRenew ? "行政许可法 Art. 42, 50" : "行政许可法 Art. 42",
       "许可决定 " + what, decide);
  sync("certificate", "行政许可法 Art. 44", "颁发、送达证书 " + what,
       a.state == ApplicationState::kGranted && clock.certificate
           ? std::optional<Date>(clock.certificate->date)
           : std::nullopt);
  return Status::Ok();
}

Status LicensingService::TakeApplication(store::Txn& txn, schema::LicensingRequest::Reader req,
                                         int64_t now, std::string* id) {
  auto bureau = Bureau();
  if (!bureau.ok()) return bureau.status();
  const workflows::Organ& b = bureau.value();
  Date today = calendar::CstDateOf(now);
  Date day = req.getDay() ? Date{req.getDay()} : today;
  if (day > today) return Status::Error("the day " + day.ToString() + " is after today");
  std::string by = req.getBy();
  if (by.empty()) return Status::Error("who acts is required (--by)");
  std::string waybill = req.getWaybill();

  // An answer sent back (LN 三): recorded in the EMS register with its waybill; required when the
  // application came by post.
  // `on`: the day it was posted (default: the day of the act).
  auto posted = [&](const Application& a, std::vector<std::string> items,
                    std::optional<Date> on = std::nullopt) -> Status {
    if (waybill.empty()) {
      if (!a.by_post) return Status::Ok();
      return Status::Error("application " + a.id +
                           " came by EMS (最多跑一次): the answer goes back by EMS — give its "
                           "outgoing waybill (--waybill)");
    }
    Parcel p;
    p.id = NextSerial(txn, "parcel_serial/", config_.node_id, today.year(), "P");
    p.incoming = false;
    p.waybill = waybill;
    p.party = req.getParty().size() ? std::string(req.getParty()) : a.applicant.name;
    p.day = on ? *on : day;
    p.items = std::move(items);
    p.about = a.id;
    p.recorded_by = by;
    p.recorded_at = now;
    if (Status st = workflows::CheckParcel(p); !st.ok()) return st;
    txn.Put("parcels", p.id, EncodeParcel(p));
    return Status::Ok();
  };
  auto store_app = [&](const Application& a, const std::string& what) -> Status {
    txn.Put("applications", a.id, EncodeApplication(a));
    if (Status st = SyncDuties(txn, a, now); !st.ok()) return st;
    store::Audit::Append(txn, now, "保密行政许可 " + what,
                         a.id + " " + workflows::ApplicationStateZh(a.state));
    *id = a.id;
    return Status::Ok();
  };

  if (req.getOp() == Op::APPLY) {
    auto kind =
        workflows::ParseApplicationKind(req.getKind().size() ? req.getKind().cStr() : "new");
    if (!kind) return Status::Error("--kind is one of new, renew, change, cancel");
    workflows::ApplicationInput in;
    in.kind = *kind;
    std::optional<Certificate> held;
    if (req.getCertificate().size()) held = GetCert(txn, req.getCertificate());
    if (req.getItem().size()) {
      auto item = workflows::ParseLicenceItem(req.getItem().cStr());
      if (!item) {
        return Status::Error(
            "--item is one of weapons-secrecy, carrier-production, system-integration");
      }
      in.item = *item;
    } else if (held) {
      in.item = held->item;
    } else if (*kind == ApplicationKind::kNew) {
      return Status::Error(
          "--item is required (weapons-secrecy, carrier-production, system-integration)");
    }
    in.grade = req.getGrade();
    in.scope = req.getScope();
    in.applicant = GetApplicant(req.getApplicant());
    in.certificate = req.getCertificate();
    if (req.getChange().size()) {
      auto f = workflows::ParseChangeField(req.getChange().cStr());
      if (!f) return Status::Error("--change is one of name, representative, address");
      in.change = *f;
    }
    in.change_to = req.getChangeTo();
    in.submitted = Texts(req.getItems());
    if (!in.certificate.empty()) {
      for (const auto& other : ListRecords(txn, "applications", DecodeApplication)) {
        bool open = other.state != ApplicationState::kDone &&
                    other.state != ApplicationState::kRefused &&
                    other.state != ApplicationState::kNotAccepted;
        if (open && other.certificate == in.certificate) in.busy_with = other.id;
      }
    }
    in.received = day;
    in.by = by;
    auto configured = config_.licence_materials.find(workflows::LicenceItemCode(in.item));
    auto required = workflows::MaterialsFor(in.kind, configured != config_.licence_materials.end()
                                                         ? configured->second
                                                         : workflows::DefaultMaterials(in.item));
    std::vector<std::string> deciders = {b.address()};
    if (workflows::DecidedJointly(in.item) && in.kind != ApplicationKind::kCancel) {
      // 行政许可法 Art. 42 ¶2, LN 一: item (1) with the defence-industry department, both.
      const auto* node = directory_.Node(config_.node_id);
      std::string joint;
      for (const auto& o : node ? node->organs : std::vector<workflows::Organ>{}) {
        if (o.line == "defence-industry") joint = o.address();
      }
      if (joint.empty()) {
        return Status::Error(
            "武器装备科研生产单位保密资格 is decided jointly with the provincial defence-industry "
            "department (LN 一): no organ of line defence-industry on node " +
            config_.node_id);
      }
      deciders.push_back(joint);
    }
    std::string new_id = NextSerial(txn, "licence_serial/", b.address(), today.year(), "L");
    auto a = workflows::Receive(new_id, in, required, deciders, CreditRecord(txn),
                                held ? &*held : nullptr, b.name, now);
    if (!a.ok()) return a.status();
    Application app = a.value();
    if (!waybill.empty()) {
      // 最多跑一次 (LN 三): the parcel's arrival is the day of receipt that starts the clock.
      Parcel p;
      p.id = NextSerial(txn, "parcel_serial/", config_.node_id, today.year(), "P");
      p.incoming = true;
      p.waybill = waybill;
      p.party = req.getParty().size() ? std::string(req.getParty()) : app.applicant.name;
      p.day = day;
      p.items = app.submitted;
      p.about = app.id;
      p.recorded_by = by;
      p.recorded_at = now;
      if (Status st = workflows::CheckParcel(p); !st.ok()) return st;
      txn.Put("parcels", p.id, EncodeParcel(p));
      app.by_post = true;
      if (app.state == ApplicationState::kNotAccepted) {
        // 不见面: the refusal and the material go back by EMS at once (LN 三).
        if (req.getReplyWaybill().size() == 0) {
          return Status::Error("application " + app.id + " is not accepted (" +
                               workflows::ListZh(app.reasons) +
                               "); it came by EMS, so the decision and the material go back by "
                               "EMS: give the outgoing waybill (--reply-waybill)");
        }
      }
      // Right after the receipt, before what was decided on it.
      app.history.insert(app.history.begin() + 1,
                         {now, b.name, "EMS 收件 arrived by post",
                          "运单号 " + waybill + "，" + day.ToString() + " 到达"});
      if (app.state == ApplicationState::kNotAccepted) {
        waybill = req.getReplyWaybill();  // from here on, the answer's
        if (Status st = posted(app,
                               {"不予受理决定书（列明全部原因）",
                                "退回申请材料：" + workflows::ListZh(app.submitted)},
                               today);
            !st.ok()) {
          return st;
        }
      }
    }
    return store_app(app, "收到申请");
  }

  auto held_app = GetRecord(txn, "applications", req.getId(), DecodeApplication);
  if (!held_app)
    return Status::Error("no application " + std::string(req.getId().cStr()) + " here");
  const Application& a = *held_app;
  // The clock as it stands, for the steps whose time the law limits.
  auto clock = workflows::ComputeDeadlines(a.clock, deadlines_.calendar(), today);
  if (!clock.ok()) return Status::Error("application " + a.id + ": " + clock.status().message());
  const workflows::LicenceDeadlines& d = clock.value();
  Result<Application> next = Status::Error("unknown step");
  switch (req.getOp()) {
    case Op::NOTIFY: {
      if (day > d.acceptance.date) {
        return Status::Error(
            "行政许可法 Art. 32: the five working days to notify what is missing ended on " +
            d.acceptance.date.ToString() + "; application " + a.id +
            " counts as accepted on receipt (" + a.clock.received.ToString() +
            "): record it with `licence accept`, and ask for the material during the review");
      }
      next = workflows::NotifyMissing(a, day, by, now);
      if (!next.ok()) return next.status();
      if (Status st = posted(next.value(), {"补正材料通知书（一次告知）：" +
                                            workflows::ListZh(next.value().missing)});
          !st.ok()) {
        return st;
      }
      break;
    }
    case Op::SUPPLEMENT:
      next = workflows::Supplement(a, Texts(req.getItems()), day, by, now);
      break;
    case Op::ACCEPT:
      next = workflows::Accept(a, day, by, now, d.deemed_accepted);
      break;
    case Op::EXTEND:
      if (d.decision && day > d.decision->date) {
        return Status::Error("行政许可法 Art. 42: the period ended on " +
                             d.decision->date.ToString() + "; it cannot be extended after it");
      }
      next = workflows::Extend(a, req.getText(), by, day, now);
      if (next.ok()) {
        if (Status st = posted(next.value(), {"延长审查期限告知书：" + std::string(req.getText())});
            !st.ok()) {
          return st;
        }
      }
      break;
    case Op::UNCOUNTED:
      if (!req.getToDay()) return Status::Error("the period's last day is required (--to)");
      next = workflows::AddUncounted(a, {day, Date{req.getToDay()}, req.getText()}, by, now);
      if (next.ok()) {
        // Art. 45: the applicant is told in writing how long it takes.
        if (Status st =
                posted(next.value(), {"不计入期限告知书：" + std::string(req.getText()) + " " +
                                      day.ToString() + "～" + Date{req.getToDay()}.ToString()});
            !st.ok()) {
          return st;
        }
      }
      break;
    case Op::DECIDE: {
      auto organ = directory_.Find(config_.node_id + "/" + std::string(req.getOrgan()));
      if (!organ) {
        return Status::Error("no organ '" + std::string(req.getOrgan().cStr()) + "' on node " +
                             config_.node_id + " (--organ CODE)");
      }
      if (req.getApprove() &&
          (a.kind == ApplicationKind::kNew || a.kind == ApplicationKind::kRenew)) {
        // LN 四.2: a bar entered since the application arrived still bars it.
        if (Status st = workflows::CheckApplicant(CreditRecord(txn), a.applicant.unit,
                                                  a.applicant.persons, day);
            !st.ok()) {
          return Status::Error(st.message() + " — refuse it (licence refuse) with this reason");
        }
      }
      workflows::Approval decision{organ->address(), organ->name, req.getApprove(),
                                   req.getText(),    by,          day};
      next = workflows::Decide(a, decision, now);
      if (next.ok() && next.value().state == ApplicationState::kRefused) {
        if (Status st = posted(next.value(), {"不予许可决定书",
                                              "退回申请材料：" + workflows::ListZh(a.submitted)});
            !st.ok()) {
          return st;
        }
      }
      break;
    }
    case Op::REFUSE: {
      std::vector<std::string> reasons = Texts(req.getItems());
      if (req.getText().size()) reasons.emplace_back(req.getText().cStr());
      next = workflows::Refuse(a, reasons, by, day, now);
      if (next.ok()) {
        bool accepted = next.value().state == ApplicationState::kRefused;
        if (Status st = posted(next.value(), {accepted ? "不予许可决定书（列明全部原因）"
                                                       : "不予受理决定书（列明全部原因）",
                                              "退回申请材料：" + workflows::ListZh(a.submitted)});
            !st.ok()) {
          return st;
        }
      }
      break;
    }
    case Op::ISSUE: {
      std::optional<Certificate> cert;
      if (a.certificate.size()) cert = GetCert(txn, a.certificate);
      std::string number = req.getCertificate();
      if (number.empty() &&
          (a.kind == ApplicationKind::kNew || a.kind == ApplicationKind::kRenew)) {
        const char* letter = a.item == LicenceItem::kWeaponsSecrecy      ? "W"
                             : a.item == LicenceItem::kCarrierProduction ? "Z"
                                                                         : "S";
        number = NextSerial(txn, "certificate_serial/", config_.node_id, today.year(), letter);
      }
      if (!number.empty() && a.kind != ApplicationKind::kChange &&
          a.kind != ApplicationKind::kCancel && GetCert(txn, number)) {
        return Status::Error("证书 " + number + " exists already");
      }
      auto issued =
          workflows::Issue(a, cert ? &*cert : nullptr, number, Opt(req.getToDay()), day, by, now);
      if (!issued.ok()) return issued.status();
      for (const auto& c : issued.value().certificates)
        txn.Put("certificates", c.number, EncodeCertificate(c));
      const auto& c = issued.value().certificates.front();
      std::string sent = a.kind == ApplicationKind::kCancel
                             ? "注销文书（证书 " + c.number + "）"
                             : std::string(workflows::CertificateNameZh(c.item)) + " " + c.number;
      if (Status st = posted(issued.value().application, {sent}); !st.ok()) return st;
      next = issued.value().application;
      break;
    }
    default:
      break;
  }
  if (!next.ok()) return next.status();
  return store_app(next.value(), workflows::ApplicationStateZh(next.value().state));
}

void LicensingService::Arrived(store::Txn& txn, const UnitInspection& i, const std::string& from,
                               int64_t now) {
  auto held = GetRecord(txn, "unit_inspections", i.id, UnitInspections::Decode);
  if (held && held->version >= i.version) return;  // a copy already had
  txn.Put("unit_inspections", i.id, UnitInspections::Encode(i));
  const std::string& self = config_.node_id;
  std::string by = workflows::NodeOfAddress(i.by_organ),
              inspector = workflows::NodeOfAddress(i.inspector);
  std::string what = std::string(i.flying ? "飞行检查 " : "双随机检查 ") + i.id + " " + i.unit_name;
  if (inspector == self) {
    if (i.state == UnitInspection::State::kAssigned) {
      // LN 四.1: the city bureau carries it out and reports; late, the province hears of it.
      auto province = directory_.Find(i.by_organ);
      deadlines::DeadlineSpec spec{.item = i.id,
                                   .step = "report",
                                   .rule = "LN 四.1",
                                   .title = "检查报告 " + what,
                                   .trigger = calendar::CstDateOf(now),
                                   .fixed_day = i.report_by,
                                   .supervisor = by,
                                   .supervisor_name = province ? province->name : i.by_organ};
      Status st = deadlines_.Open(txn, spec, now, nullptr);
      if (!st.ok()) store::Audit::Append(txn, now, "inspection duty not opened", st.message());
    } else {
      deadlines_.CloseDuty(txn, i.id, "report", now);
    }
  }
  if (by == self && i.state == UnitInspection::State::kReported) {
    // LN 四.2: the result enters the unit's credit record.
    if (auto entry = workflows::CreditOf(i, calendar::CstDateOf(now))) {
      capnp::MallocMessageBuilder m;
      auto b = m.initRoot<schema::CreditEntry>();
      std::string cid =
          NextSerial(txn, "credit_serial/", self, calendar::CstDateOf(now).year(), "C");
      b.setId(cid);
      b.setSubject(entry->subject);
      b.setKind(static_cast<uint8_t>(entry->kind));
      b.setOn(entry->on.days);
      b.setReason(entry->reason);
      b.setReference(entry->reference);
      b.setRecordedBy(i.inspector_name);
      txn.Put("credit", cid, ToBytes(m));
    }
    // 联动处置: a finding that concerns another department goes to it.
    std::string refer = workflows::NodeOfAddress(i.refer_to);
    if (!i.refer_to.empty() && refer != self && refer != inspector) {
      mail_.Post(txn, {refer, schema::Kind::LICENSING, UnitInspections::Encode(i), i.id}, now);
    }
  }
  // Sent on from where the step was taken.
  if (from == self) {
    std::string to = i.state == UnitInspection::State::kAssigned ? inspector : by;
    if (to != self)
      mail_.Post(txn, {to, schema::Kind::LICENSING, UnitInspections::Encode(i), i.id}, now);
  }
  store::Audit::Append(txn, now,
                       std::string("许可监管 ") +
                           (i.state == UnitInspection::State::kReported ? "reported" : "assigned") +
                           (from == self ? "" : " from " + from),
                       what + (i.refer_to.empty() ? "" : " 联动处置 → " + i.refer_to_name));
}

Status LicensingService::TakeDraw(store::Txn& txn, schema::LicensingRequest::Reader req,
                                  int64_t now, std::vector<std::string>* ids) {
  auto bureau = Bureau();
  if (!bureau.ok()) return bureau.status();
  const workflows::Organ& b = bureau.value();
  Date today = calendar::CstDateOf(now);
  std::string by = req.getBy();
  if (by.empty()) return Status::Error("who acts is required (--by)");
  if (!req.getToDay())
    return Status::Error("the day the inspection reports are due is required (--report-by)");
  Date report_by{req.getToDay()};
  if (report_by <= today)
    return Status::Error("the reports cannot be due by " + report_by.ToString());

  std::vector<Certificate> certs = ListRecords(txn, "certificates", DecodeCertificate);
  auto applications = ListRecords(txn, "applications", DecodeApplication);
  auto in_force = [&](const Certificate& c) {
    bool continued = false;
    return workflows::InForce(c, applications, today, &continued);
  };
  auto inspector_of = [&](const std::string& region) {
    auto o = directory_.SecrecyAdmin(region);
    return o ? *o : b;  // a region without its node here: the province's bureau itself
  };
  auto make = [&](const std::string& unit, const std::string& round, bool flying,
                  std::vector<std::string> experts) -> Status {
    const Certificate* cert = nullptr;
    for (const auto& c : certs) {
      if (c.holder.unit == unit && in_force(c)) cert = &c;
    }
    if (!cert) return Status::Error("unit " + unit + " holds no certificate in force");
    workflows::Organ inspector = inspector_of(cert->holder.region);
    UnitInspection i;
    i.id = NextSerial(txn, "unit_inspection_serial/", b.address(), today.year(), "K");
    i.round = round;
    i.flying = flying;
    i.unit = unit;
    i.unit_name = cert->holder.name;
    i.certificate = cert->number;
    i.region = cert->holder.region;
    i.experts = std::move(experts);
    i.by_organ = b.address();
    i.inspector = inspector.address();
    i.inspector_name = inspector.name;
    i.report_by = report_by;
    i.version = 1;
    Arrived(txn, i, config_.node_id, now);
    ids->push_back(i.id);
    return Status::Ok();
  };
  std::map<std::string, std::string> expert_names;
  std::vector<workflows::DrawExpert> pool;
  {
    auto cursor = txn.OpenCursor("experts");
    for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
      auto msg = ReadMessage(kv->second);
      auto e = msg->Root<schema::Expert>();
      pool.push_back({e.getId(), e.getRegion(), e.getUnit()});
      expert_names[e.getId()] = e.getName();
    }
  }
  auto named = [&](const std::vector<std::string>& experts) {
    std::vector<std::string> out;
    for (const auto& e : experts) out.push_back(e + " " + expert_names[e]);
    return out;
  };

  if (req.getOp() == Op::FLY) {
    // 飞行检查 (LN 四.1): unannounced, the unit and the team chosen by the bureau.
    std::vector<std::string> experts = Texts(req.getExperts());
    for (const auto& e : experts) {
      if (!expert_names.count(e)) return Status::Error("no expert " + e + " in the 专家库");
    }
    if (experts.empty()) return Status::Error("a 飞行检查 names its team (--experts)");
    workflows::DrawUnit unit{req.getId(), ""};
    for (const auto& c : certs) {
      if (c.holder.unit == unit.id) unit.region = c.holder.region;
    }
    for (const auto& e : pool) {
      if (std::find(experts.begin(), experts.end(), e.id) == experts.end()) continue;
      if (std::string why = workflows::DrawConflict(e, unit, !req.getSameRegion()); !why.empty()) {
        return Status::Error("expert " + e.id + " " + why +
                             " (the draw's rule; --same-region "
                             "lifts the region part)");
      }
    }
    return make(req.getId(), "", true, named(experts));
  }

  if (req.getCount() == 0 || req.getPerUnit() == 0) {
    return Status::Error("a draw takes at least one unit and one expert per unit");
  }
  if (req.getSeed().size() == 0) return Status::Error("the round's label is required (--seed)");
  workflows::DrawRequest dr;
  // The published seed: the bureau's label and 128 random bits drawn here, so that nobody chooses
  // the result by trying labels (every round is kept and published, LN 四.1 一公开).
  dr.seed = std::string(req.getSeed().cStr()) + " " + ToHex(IdView(NewEnvelopeId()));
  dr.unit_count = req.getCount();
  dr.experts_per_unit = req.getPerUnit();
  dr.exclude_same_region = !req.getSameRegion();
  std::set<std::string> seen;
  for (const auto& c : certs) {
    if (!in_force(c)) continue;
    if (seen.insert(c.holder.unit).second) dr.units.push_back({c.holder.unit, c.holder.region});
  }
  dr.experts = pool;
  auto drawn = workflows::Draw(dr);
  if (!drawn.ok()) return drawn.status();
  std::string round = NextSerial(txn, "draw_serial/", b.address(), today.year(), "R");
  for (const auto& a : drawn.value()) {
    if (Status st = make(a.unit, round, false, named(a.experts)); !st.ok()) return st;
  }
  capnp::MallocMessageBuilder m;
  auto r = m.initRoot<schema::DrawRound>();
  r.setId(round);
  r.setSeed(dr.seed);
  r.setUnitCount(dr.unit_count);
  r.setExpertsPerUnit(dr.experts_per_unit);
  r.setExcludeSameRegion(dr.exclude_same_region);
  auto units = r.initUnits(dr.units.size());
  for (size_t i = 0; i < dr.units.size(); ++i) {
    units[i].setId(dr.units[i].id);
    units[i].setRegion(dr.units[i].region);
  }
  auto experts = r.initExperts(pool.size());
  for (size_t i = 0; i < pool.size(); ++i) {
    experts[i].setId(pool[i].id);
    experts[i].setName(expert_names[pool[i].id]);
    experts[i].setRegion(pool[i].region);
    experts[i].setUnit(pool[i].unit);
  }
  auto result = r.initResult(drawn.value().size());
  for (size_t i = 0; i < drawn.value().size(); ++i) {
    result[i].setUnit(drawn.value()[i].unit);
    result[i].setRegion(drawn.value()[i].region);
    PutTexts(result[i].initExperts(drawn.value()[i].experts.size()), drawn.value()[i].experts);
  }
  r.setReportBy(report_by.days);
  r.setDrawnBy(by);
  r.setDrawnAt(now);
  PutTexts(r.initInspections(ids->size()), *ids);
  txn.Put("draws", round, ToBytes(m));
  store::Audit::Append(txn, now, "双随机抽查 drawn", round + " seed " + dr.seed);
  ids->insert(ids->begin(), round);
  return Status::Ok();
}

Status LicensingService::TakeReport(store::Txn& txn, schema::LicensingRequest::Reader req,
                                    int64_t now) {
  auto held = GetRecord(txn, "unit_inspections", req.getId(), UnitInspections::Decode);
  if (!held) return Status::Error("no inspection " + std::string(req.getId().cStr()) + " here");
  if (workflows::NodeOfAddress(held->inspector) != config_.node_id) {
    return Status::Error("inspection " + held->id + " is reported by " + held->inspector_name);
  }
  std::string refer = req.getOrgan(), refer_name;
  if (!refer.empty()) {
    auto o = directory_.Find(refer);
    if (!o)
      return Status::Error("no organ " + refer + " in the directory of organs (--refer NODE/CODE)");
    refer_name = o->name;
  }
  auto next = workflows::ReportInspection(*held, req.getText(), req.getViolation(), refer,
                                          refer_name, req.getBy(), now);
  if (!next.ok()) return next.status();
  Arrived(txn, next.value(), config_.node_id, now);
  return Status::Ok();
}

void LicensingService::Handle(ControlCall& call) {
  auto req = call.request.getLicensing();
  int64_t now = clock_.NowMs();
  Date today = calendar::CstDateOf(now);
  std::vector<std::string> apps, inspections, rounds;
  std::string parcel_about, credit_subject, certificate_unit;
  bool list_parcels = false, list_credit = false, list_experts = false, list_certs = false;
  Status st = Status::Ok();
  switch (req.getOp()) {
    case Op::LIST:
    case Op::SHOW: {
      auto txn = writer_.BeginRead();
      for (auto& a : ListRecords(txn, "applications", DecodeApplication)) {
        if (req.getOp() == Op::SHOW && a.id != req.getId().cStr()) continue;
        if (req.getApplicant().getUnit().size() &&
            a.applicant.unit != req.getApplicant().getUnit().cStr())
          continue;
        apps.push_back(a.id);
      }
      if (req.getOp() == Op::SHOW && apps.empty()) {
        return call.reply.setError("no application " + std::string(req.getId().cStr()) +
                                   " on node " + config_.node_id);
      }
      break;
    }
    case Op::APPLY:
    case Op::NOTIFY:
    case Op::SUPPLEMENT:
    case Op::ACCEPT:
    case Op::EXTEND:
    case Op::UNCOUNTED:
    case Op::DECIDE:
    case Op::REFUSE:
    case Op::ISSUE: {
      std::string id;
      st = control_.Write([&](store::Txn& txn) { return TakeApplication(txn, req, now, &id); });
      apps.push_back(id);
      break;
    }
    case Op::CERTIFICATES:
      list_certs = true;
      certificate_unit = req.getApplicant().getUnit();
      break;
    case Op::POST_IN:
    case Op::POST_OUT: {
      bool in = req.getOp() == Op::POST_IN;
      st = control_.Write([&](store::Txn& txn) -> Status {
        Parcel p;
        p.id = NextSerial(txn, "parcel_serial/", config_.node_id, today.year(), "P");
        p.incoming = in;
        p.waybill = req.getWaybill();
        p.party = req.getParty();
        p.day = req.getDay() ? Date{req.getDay()} : today;
        p.items = Texts(req.getItems());
        p.about = req.getId();
        p.recorded_by = req.getBy();
        p.recorded_at = now;
        if (p.day > today) return Status::Error("the day " + p.day.ToString() + " is after today");
        if (p.recorded_by.empty()) return Status::Error("who records it is required (--by)");
        if (Status c = workflows::CheckParcel(p); !c.ok()) return c;
        txn.Put("parcels", p.id, EncodeParcel(p));
        if (in && !p.about.empty()) {
          // Material for an application awaiting it (最多跑一次): added on the day it arrived.
          auto a = GetRecord(txn, "applications", p.about, DecodeApplication);
          if (a && (a->state == ApplicationState::kReceived ||
                    a->state == ApplicationState::kAwaiting)) {
            a->history.push_back({now, p.recorded_by, "EMS 收件 arrived by post",
                                  "运单号 " + p.waybill + "，" + p.day.ToString() + " 到达"});
            auto next = workflows::Supplement(*a, p.items, p.day, p.recorded_by, now);
            if (!next.ok()) return next.status();
            Application n = next.value();
            txn.Put("applications", n.id, EncodeApplication(n));
            if (Status synced = SyncDuties(txn, n, now); !synced.ok()) return synced;
          }
        }
        store::Audit::Append(txn, now, in ? "EMS 收件" : "EMS 寄出", p.id + " " + p.waybill);
        return Status::Ok();
      });
      list_parcels = true;
      parcel_about = req.getId();
      break;
    }
    case Op::POST_LIST:
      list_parcels = true;
      parcel_about = req.getId();
      break;
    case Op::CREDIT_ADD: {
      st = control_.Write([&](store::Txn& txn) -> Status {
        if (auto b = Bureau(); !b.ok()) return b.status();
        std::string kind = req.getKind();
        std::optional<CreditKind> k;
        for (auto c : {CreditKind::kViolation, CreditKind::kFalseCommitment,
                       CreditKind::kRevocation, CreditKind::kMarketExclusion}) {
          if (kind == CreditKindCode(c)) k = c;
        }
        if (!k)
          return Status::Error(
              "--kind is one of violation, false-commitment, revocation, exclusion");
        if (req.getId().size() == 0) return Status::Error("whose record (--unit or --person)");
        if (req.getText().size() == 0) return Status::Error("what was found or decided (--reason)");
        if (req.getBy().size() == 0) return Status::Error("who records it is required (--by)");
        std::string cid = NextSerial(txn, "credit_serial/", config_.node_id, today.year(), "C");
        if (*k == CreditKind::kRevocation) {
          // 撤销/吊销: the certificate ends with the entry.
          auto c = GetCert(txn, req.getCertificate());
          if (!c) return Status::Error("a revocation names the certificate (--certificate NUMBER)");
          if (c->holder.unit != req.getId().cStr()) {
            return Status::Error("证书 " + c->number + " is not held by " +
                                 std::string(req.getId().cStr()));
          }
          if (c->state != Certificate::State::kValid) {
            return Status::Error("证书 " + c->number + " is " +
                                 workflows::CertificateStateZh(c->state));
          }
          c->state = Certificate::State::kRevoked;
          c->ended_by = cid;
          txn.Put("certificates", c->number, EncodeCertificate(*c));
        }
        if (*k == CreditKind::kMarketExclusion && !req.getToDay()) {
          return Status::Error("市场禁入 runs until a day (--until YYYY-MM-DD)");
        }
        capnp::MallocMessageBuilder m;
        auto b = m.initRoot<schema::CreditEntry>();
        b.setId(cid);
        b.setSubject(req.getId());
        b.setPerson(req.getPerson());
        b.setKind(static_cast<uint8_t>(*k));
        b.setOn((req.getDay() ? Date{req.getDay()} : today).days);
        b.setUntil(req.getToDay());
        b.setReason(req.getText());
        b.setReference(req.getCertificate());
        b.setRecordedBy(req.getBy());
        txn.Put("credit", cid, ToBytes(m));
        store::Audit::Append(txn, now, "信用记录", cid + " " + std::string(req.getId().cStr()));
        return Status::Ok();
      });
      list_credit = true;
      credit_subject = req.getId();
      break;
    }
    case Op::CREDIT_SHOW:
      list_credit = true;
      credit_subject = req.getId();
      break;
    case Op::EXPERT_ADD:
      st = control_.Write([&](store::Txn& txn) -> Status {
        if (auto b = Bureau(); !b.ok()) return b.status();
        auto e = req.getExpert();
        if (!e.getId().size() || !e.getName().size() ||
            !IsDivisionCode(std::string(e.getRegion().cStr()))) {
          return Status::Error("an expert needs --id, --name and --region (a GB/T 2260 code)");
        }
        capnp::MallocMessageBuilder m;
        m.setRoot(e);
        txn.Put("experts", std::string(e.getId().cStr()), ToBytes(m));
        return Status::Ok();
      });
      list_experts = true;
      break;
    case Op::EXPERT_LIST:
      list_experts = true;
      break;
    case Op::DRAW:
    case Op::FLY: {
      std::vector<std::string> ids;
      st = control_.Write([&](store::Txn& txn) { return TakeDraw(txn, req, now, &ids); });
      if (st.ok() && req.getOp() == Op::DRAW) {
        rounds.push_back(ids.front());
        ids.erase(ids.begin());
      }
      inspections = ids;
      break;
    }
    case Op::ROUNDS: {
      auto txn = writer_.BeginRead();
      auto cursor = txn.OpenCursor("draws");
      for (auto kv = cursor.First(); kv; kv = cursor.Next()) {
        if (req.getId().size() && kv->first != req.getId().cStr()) continue;
        rounds.emplace_back(kv->first);
      }
      if (req.getId().size() && rounds.empty()) {
        return call.reply.setError("no draw " + std::string(req.getId().cStr()) + " on node " +
                                   config_.node_id);
      }
      break;
    }
    case Op::INSPECTIONS: {
      auto txn = writer_.BeginRead();
      for (auto& i : ListRecords(txn, "unit_inspections", UnitInspections::Decode)) {
        if (req.getId().size() && i.id != req.getId().cStr()) continue;
        inspections.push_back(i.id);
      }
      break;
    }
    case Op::REPORT:
      st = control_.Write([&](store::Txn& txn) { return TakeReport(txn, req, now); });
      inspections.emplace_back(req.getId().cStr());
      break;
  }
  if (!st.ok()) return call.reply.setError(st.message());

  auto txn = writer_.BeginRead();
  auto out = call.reply.initLicensing();
  auto views = out.initApplications(apps.size());
  for (size_t i = 0; i < apps.size(); ++i) {
    auto raw = txn.Get("applications", apps[i]);
    if (!raw) continue;
    auto msg = ReadMessage(*raw);
    auto v = views[i];
    v.setApplication(msg->Root<schema::Application>());
    Application a = GetApplication(msg->Root<schema::Application>());
    auto clock = workflows::ComputeDeadlines(a.clock, deadlines_.calendar(), today);
    if (!clock.ok()) {
      v.setClockError(clock.status().message());
      continue;
    }
    const auto& d = clock.value();
    v.setAcceptanceDue(d.acceptance.date.days);
    v.setAcceptedOn(Days(d.accepted_on));
    v.setDeemedAccepted(d.deemed_accepted);
    if (d.decision) v.setDecisionDue(d.decision->date.days);
    v.setDecisionDays(d.decision_working_days);
    v.setUncountedDays(d.uncounted_working_days);
    if (d.certificate) v.setCertificateDue(d.certificate->date.days);
  }
  if (list_certs) {
    std::vector<Certificate> certs;
    for (auto& c : ListRecords(txn, "certificates", DecodeCertificate)) {
      if (certificate_unit.empty() || c.holder.unit == certificate_unit) certs.push_back(c);
    }
    auto applications = ListRecords(txn, "applications", DecodeApplication);
    auto list = out.initCertificates(certs.size());
    for (size_t i = 0; i < certs.size(); ++i) {
      PutCertificate(list[i], certs[i]);
      bool continued = false;
      list[i].setInForce(workflows::InForce(certs[i], applications, today, &continued));
      list[i].setDeemedContinued(continued);
      list[i].setRenewBy(workflows::RenewalApplicationDue(certs[i].valid_until).days);
    }
  }
  if (list_parcels) {
    std::vector<std::string> keys = KeysWhere<schema::Parcel>(txn, "parcels", [&](auto p) {
      return parcel_about.empty() || p.getAbout() == parcel_about;
    });
    FillList<schema::Parcel>(txn, "parcels", keys, out.initParcels(keys.size()));
  }
  if (list_credit) {
    std::vector<std::string> keys = KeysWhere<schema::CreditEntry>(txn, "credit", [&](auto e) {
      return credit_subject.empty() || e.getSubject() == credit_subject;
    });
    std::reverse(keys.begin(), keys.end());  // newest first
    FillList<schema::CreditEntry>(txn, "credit", keys, out.initCredit(keys.size()));
  }
  if (list_experts) {
    auto keys = KeysWhere<schema::Expert>(txn, "experts", [](auto) { return true; });
    FillList<schema::Expert>(txn, "experts", keys, out.initExperts(keys.size()));
  }
  FillList<schema::DrawRound>(txn, "draws", rounds, out.initRounds(rounds.size()));
  FillList<schema::UnitInspection>(txn, "unit_inspections", inspections,
                                   out.initInspections(inspections.size()));
}

}  // namespace zhuji::node
