#include "services/workflows/licence_case.h"

#include <algorithm>

namespace zhuji::workflows {

std::string ListZh(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : "、") + s;
  return out;
}

const char* ApplicationKindZh(ApplicationKind kind) {
  switch (kind) {
    case ApplicationKind::kNew:
      return "新申请";
    case ApplicationKind::kRenew:
      return "延续";
    case ApplicationKind::kChange:
      return "变更";
    case ApplicationKind::kCancel:
      return "注销";
  }
  return "";
}

const char* ApplicationKindCode(ApplicationKind kind) {
  switch (kind) {
    case ApplicationKind::kNew:
      return "new";
    case ApplicationKind::kRenew:
      return "renew";
    case ApplicationKind::kChange:
      return "change";
    case ApplicationKind::kCancel:
      return "cancel";
  }
  return "";
}

std::optional<ApplicationKind> ParseApplicationKind(std::string_view code) {
  for (auto k : {ApplicationKind::kNew, ApplicationKind::kRenew, ApplicationKind::kChange,
                 ApplicationKind::kCancel}) {
    if (code == ApplicationKindCode(k)) return k;
  }
  return std::nullopt;
}

const char* ChangeFieldZh(ChangeField field) {
  switch (field) {
    case ChangeField::kNone:
      return "";
    case ChangeField::kName:
      return "单位名称";
    case ChangeField::kRepresentative:
      return "法定代表人";
    case ChangeField::kAddress:
      return "注册地址";
  }
  return "";
}

std::optional<ChangeField> ParseChangeField(std::string_view code) {
  if (code == "name") return ChangeField::kName;
  if (code == "representative") return ChangeField::kRepresentative;
  if (code == "address") return ChangeField::kAddress;
  return std::nullopt;
}

const char* ApplicationStateZh(ApplicationState s) {
  switch (s) {
    case ApplicationState::kReceived:
      return "待受理";
    case ApplicationState::kAwaiting:
      return "待补正";
    case ApplicationState::kAccepted:
      return "已受理";
    case ApplicationState::kGranted:
      return "准予许可";
    case ApplicationState::kDone:
      return "已办结";
    case ApplicationState::kRefused:
      return "不予许可";
    case ApplicationState::kNotAccepted:
      return "不予受理";
  }
  return "";
}

const char* ApplicationStateCode(ApplicationState s) {
  switch (s) {
    case ApplicationState::kReceived:
      return "received";
    case ApplicationState::kAwaiting:
      return "awaiting";
    case ApplicationState::kAccepted:
      return "accepted";
    case ApplicationState::kGranted:
      return "granted";
    case ApplicationState::kDone:
      return "done";
    case ApplicationState::kRefused:
      return "refused";
    case ApplicationState::kNotAccepted:
      return "not-accepted";
  }
  return "";
}

const char* CertificateStateZh(Certificate::State s) {
  switch (s) {
    case Certificate::State::kValid:
      return "有效";
    case Certificate::State::kReplaced:
      return "已换发";
    case Certificate::State::kCancelled:
      return "已注销";
    case Certificate::State::kRevoked:
      return "已撤销/吊销";
  }
  return "";
}

const char* CertificateNameZh(LicenceItem item) {
  switch (item) {
    case LicenceItem::kWeaponsSecrecy:
      return "武器装备科研生产单位二级保密资格证书";
    case LicenceItem::kCarrierProduction:
      return "国家秘密载体印制乙级资质证书";
    case LicenceItem::kSystemIntegration:
      return "涉密信息系统集成乙级资质证书";
  }
  return "";
}

Status CheckParcel(const Parcel& p) {
  std::string missing;
  if (p.waybill.empty()) missing += " the waybill number (运单号)";
  if (p.party.empty()) missing += p.incoming ? " the sender (寄件人)" : " the addressee (收件人)";
  if (p.items.empty()) missing += " the items in the parcel (邮件内容)";
  if (p.day.days == 0) missing += p.incoming ? " the day of arrival" : " the day of posting";
  if (missing.empty()) return Status::Ok();
  return Status::Error("the EMS register entry lacks" + missing);
}

std::vector<std::string> MaterialsFor(ApplicationKind kind,
                                      const std::vector<std::string>& item_list) {
  switch (kind) {
    case ApplicationKind::kNew:
    case ApplicationKind::kRenew:
      return item_list;
    case ApplicationKind::kChange:
      return {"变更申请书", "变更事项证明材料", "原证书正副本"};
    case ApplicationKind::kCancel:
      return {"注销申请书", "原证书正副本"};
  }
  return item_list;
}

namespace {

void Trail(Application& a, int64_t now, const std::string& who, const std::string& action,
           const std::string& detail) {
  a.history.push_back({now, who, action, detail});
  ++a.version;
}

Status InState(const Application& a, std::initializer_list<ApplicationState> states,
               const char* step) {
  if (std::find(states.begin(), states.end(), a.state) != states.end()) return Status::Ok();
  return Status::Error(std::string("application ") + a.id + " is " + ApplicationStateZh(a.state) +
                       " (" + ApplicationStateCode(a.state) + "): it cannot be " + step);
}

}  // namespace

Result<Application> Receive(const std::string& id, const ApplicationInput& in,
                            const std::vector<std::string>& required,
                            const std::vector<std::string>& deciders,
                            const std::vector<CreditEntry>& credit, const Certificate* held,
                            const std::string& by_organ, int64_t now) {
  if (in.applicant.unit.empty()) {
    return Status::Error("the applicant's 统一社会信用代码 is required (--unit)");
  }
  if (in.received.days == 0) return Status::Error("the day the material arrived is required");
  if (in.kind != ApplicationKind::kNew && in.certificate.empty()) {
    return Status::Error(std::string("a ") + ApplicationKindZh(in.kind) +
                         " application names the certificate it concerns (--certificate)");
  }
  Application a;
  a.id = id;
  a.kind = in.kind;
  a.item = in.item;
  a.grade = in.grade;
  a.scope = in.scope;
  a.applicant = in.applicant;
  a.certificate = in.certificate;
  a.change = in.change;
  a.change_to = in.change_to;
  a.required = required;
  a.submitted = in.submitted;
  a.deciders = deciders;
  a.clock.item = in.item;
  a.clock.received = in.received;
  if (held && in.kind != ApplicationKind::kNew) {
    // A change, renewal or cancellation is of the certificate held: its item and grade.
    a.item = a.clock.item = held->item;
    if (a.grade.empty()) a.grade = held->grade;
    if (a.scope.empty()) a.scope = held->scope;
    // The holder's particulars as the bureau has them; the unit stays the applicant's own, so
    // that an application for somebody else's certificate is refused below.
    if (a.applicant.name.empty()) a.applicant.name = held->holder.name;
    if (a.applicant.representative.empty())
      a.applicant.representative = held->holder.representative;
    if (a.applicant.address.empty()) a.applicant.address = held->holder.address;
    if (a.applicant.region.empty()) a.applicant.region = held->holder.region;
  }
  Trail(a, now, by_organ, "收到申请 received",
        std::string(ApplicationKindZh(a.kind)) + " " + LicenceItemZh(a.item) + " " + a.grade +
            "，" + a.applicant.name + "（" + a.applicant.unit + "），材料：" + ListZh(a.submitted) +
            "（" + in.received.ToString() + " 收到）");

  // Every reason that makes it inadmissible, all at once.
  std::vector<std::string> reasons;
  if (a.kind == ApplicationKind::kNew || a.kind == ApplicationKind::kRenew) {
    if (Status st = CheckGrade(a.item, a.grade); !st.ok()) reasons.push_back(st.message());
  }
  if (a.kind != ApplicationKind::kNew) {
    if (!held) {
      reasons.push_back("证书 " + a.certificate + " is not on record at this bureau");
    } else {
      if (held->holder.unit != a.applicant.unit) {
        reasons.push_back("证书 " + held->number + " is held by " + held->holder.name + "（" +
                          held->holder.unit + "）, not by the applicant");
      }
      if (held->state != Certificate::State::kValid) {
        reasons.push_back("证书 " + held->number + " is " + CertificateStateZh(held->state));
      } else if (held->valid_until < in.received) {
        reasons.push_back("证书 " + held->number + " expired on " + held->valid_until.ToString());
      }
      if (a.kind == ApplicationKind::kRenew &&
          in.received > RenewalApplicationDue(held->valid_until)) {
        // Art. 50: not a bar, but the licence is not continued while undecided.
        a.history.push_back(
            {now, by_organ, "逾期申请延续 late renewal",
             "行政许可法 Art. 50: due by " + RenewalApplicationDue(held->valid_until).ToString()});
      }
    }
  }
  if (!in.busy_with.empty()) {
    reasons.push_back("证书 " + a.certificate + " has an application still open: " + in.busy_with);
  }
  if (a.kind == ApplicationKind::kChange) {
    if (a.change == ChangeField::kNone) {
      reasons.push_back("a change names what changes: 法定代表人, 单位名称 or 注册地址 (LN 三)");
    } else if (a.change_to.empty()) {
      reasons.push_back(std::string("the new ") + ChangeFieldZh(a.change) + " is not given");
    }
  }
  if (a.kind == ApplicationKind::kNew || a.kind == ApplicationKind::kRenew) {
    if (Status st = CheckApplicant(credit, a.applicant.unit, a.applicant.persons, in.received);
        !st.ok()) {
      reasons.push_back(st.message());
    }
  }
  if (!reasons.empty()) {
    a.state = ApplicationState::kNotAccepted;
    a.reasons = reasons;
    a.decided = in.received;
    Trail(a, now, by_organ, "不予受理 refused on arrival", ListZh(reasons));
    return a;
  }
  return a;
}

Result<Application> NotifyMissing(const Application& a, calendar::Date day, const std::string& by,
                                  int64_t now) {
  if (a.clock.notified_missing) {
    return Status::Error("一次告知 (行政许可法 Art. 32): the applicant was told on " +
                         a.clock.notified_missing->ToString() +
                         " of everything missing; a second notice is not allowed");
  }
  if (Status st = InState(a, {ApplicationState::kReceived}, "notified of missing material");
      !st.ok()) {
    return st;
  }
  if (day < a.clock.received)
    return Status::Error("the notice is dated before the material arrived");
  auto missing = MissingMaterials(a.required, a.submitted);
  if (missing.empty()) {
    return Status::Error("nothing is missing from application " + a.id + ": accept it instead");
  }
  Application n = a;
  n.missing = missing;
  n.clock.notified_missing = day;
  n.state = ApplicationState::kAwaiting;
  Trail(n, now, by, "一次告知 notified missing material", ListZh(missing));
  return n;
}

Result<Application> Supplement(const Application& a, const std::vector<std::string>& items,
                               calendar::Date day, const std::string& by, int64_t now) {
  if (Status st =
          InState(a, {ApplicationState::kReceived, ApplicationState::kAwaiting}, "supplemented");
      !st.ok()) {
    return st;
  }
  if (items.empty()) return Status::Error("no items given for application " + a.id);
  Application n = a;
  for (const auto& i : items) {
    if (std::find(n.submitted.begin(), n.submitted.end(), i) == n.submitted.end()) {
      n.submitted.push_back(i);
    }
  }
  Trail(n, now, by, "补正材料 material supplemented", ListZh(items) + "（" + day.ToString() + "）");
  if (n.state == ApplicationState::kAwaiting && MissingMaterials(n.required, n.submitted).empty()) {
    // Art. 32 ¶1 (5): accepted once the material notified missing is complete.
    n.clock.completed = day;
    n.state = ApplicationState::kAccepted;
    Trail(n, now, by, "受理 accepted", "材料齐全 " + day.ToString() + " (行政许可法 Art. 32)");
  }
  return n;
}

Result<Application> Accept(const Application& a, calendar::Date day, const std::string& by,
                           int64_t now, bool deemed) {
  if (Status st = InState(a, {ApplicationState::kReceived}, "accepted"); !st.ok()) return st;
  auto missing = MissingMaterials(a.required, a.submitted);
  if (!missing.empty() && !deemed) {
    return Status::Error("application " + a.id + " lacks " + ListZh(missing) +
                         ": notify it once and in full (一次告知, 行政许可法 Art. 32)");
  }
  Application n = a;
  n.clock.accepted = day;
  n.state = ApplicationState::kAccepted;
  Trail(n, now, by, "受理 accepted",
        deemed ? "逾期未告知，依法自收到申请材料之日（" + a.clock.received.ToString() +
                     "）起视为受理 (行政许可法 Art. 32)"
               : day.ToString());
  return n;
}

Result<Application> Extend(const Application& a, const std::string& reason, const std::string& head,
                           calendar::Date day, int64_t now) {
  if (Status st = InState(a, {ApplicationState::kAccepted}, "extended"); !st.ok()) return st;
  if (a.clock.extended) {
    return Status::Error("行政许可法 Art. 42: the period of " + a.id +
                         " was extended once already");
  }
  if (reason.empty() || head.empty()) {
    return Status::Error(
        "行政许可法 Art. 42: an extension needs the head's approval (--by) and the reason told to "
        "the applicant (--reason)");
  }
  Application n = a;
  n.clock.extended = true;
  n.extension_reason = reason;
  n.extension_by = head;
  // Art. 42: approved by the organ's head, or — decided jointly — by the head of the people's
  // government at that level.
  bool joint = DecidedJointly(a.item);
  Trail(n, now, head, "延长期限 period extended",
        reason + "（" + day.ToString() + "，" + (joint ? "本级人民政府负责人" : "本机关负责人") +
            head + " 批准，延长 " + (joint ? "15" : "10") + " 个工作日）");
  return n;
}

Result<Application> AddUncounted(const Application& a, const UncountedPeriod& p,
                                 const std::string& by, int64_t now) {
  if (Status st = InState(a, {ApplicationState::kAccepted}, "given an uncounted period");
      !st.ok()) {
    return st;
  }
  if (p.to < p.from) return Status::Error("the period ends before it begins");
  if (p.why.empty()) return Status::Error("say what the period is (专家评审 …)");
  Application n = a;
  n.clock.uncounted.push_back(p);
  Trail(n, now, by, "不计入期限 not counted (行政许可法 Art. 45)",
        p.why + " " + p.from.ToString() + "～" + p.to.ToString());
  return n;
}

Result<Application> Decide(const Application& a, const Approval& d, int64_t now) {
  if (Status st = InState(a, {ApplicationState::kAccepted}, "decided"); !st.ok()) return st;
  if (std::find(a.deciders.begin(), a.deciders.end(), d.organ) == a.deciders.end()) {
    return Status::Error(d.organ + " does not decide " + LicenceItemZh(a.item) +
                         " (deciders: " + ListZh(a.deciders) + ")");
  }
  for (const auto& x : a.approvals) {
    if (x.organ == d.organ)
      return Status::Error(d.organ_name + " decided already on " + x.day.ToString());
  }
  if (!d.approve && d.opinion.empty()) {
    return Status::Error("a refusal gives its reasons (--reason)");
  }
  Application n = a;
  n.approvals.push_back(d);
  Trail(n, now, d.organ_name, d.approve ? "同意 approved" : "不同意 refused", d.opinion);
  if (!d.approve) {
    n.state = ApplicationState::kRefused;
    n.decided = d.day;
    n.reasons.push_back(d.organ_name + "：" + d.opinion);
    return n;
  }
  if (n.approvals.size() == n.deciders.size()) {
    n.state = ApplicationState::kGranted;
    n.decided = d.day;
    n.clock.granted = d.day;
    Trail(n, now, d.organ_name, "准予许可 granted",
          n.deciders.size() > 1 ? "联合办理，各部门均同意 (行政许可法 Art. 42 ¶2)" : "");
  }
  return n;
}

Result<Application> Refuse(const Application& a, const std::vector<std::string>& reasons,
                           const std::string& by, calendar::Date day, int64_t now) {
  if (Status st = InState(
          a,
          {ApplicationState::kReceived, ApplicationState::kAwaiting, ApplicationState::kAccepted},
          "refused");
      !st.ok()) {
    return st;
  }
  if (reasons.empty()) return Status::Error("a refusal lists every reason (--reason, one or more)");
  Application n = a;
  // Before acceptance it is 不予受理 (Art. 32), after it 不予许可 (Art. 38).
  bool accepted = a.state == ApplicationState::kAccepted;
  n.state = accepted ? ApplicationState::kRefused : ApplicationState::kNotAccepted;
  n.decided = day;
  n.reasons.insert(n.reasons.end(), reasons.begin(), reasons.end());
  Trail(n, now, by, accepted ? "不予许可 refused" : "不予受理 not accepted",
        ListZh(reasons) + "，材料退回");
  return n;
}

Result<Issued> Issue(const Application& a, const Certificate* held, const std::string& number,
                     std::optional<calendar::Date> valid_until, calendar::Date day,
                     const std::string& by, int64_t now) {
  if (Status st = InState(a, {ApplicationState::kGranted}, "issued"); !st.ok()) return st;
  if (a.kind != ApplicationKind::kNew) {
    // What was true on arrival may not be now (revoked, cancelled or replaced meanwhile).
    if (!held) return Status::Error("证书 " + a.certificate + " is not on record");
    if (held->state != Certificate::State::kValid) {
      return Status::Error("证书 " + held->number + " is " + CertificateStateZh(held->state) +
                           " now: refuse application " + a.id + " with that reason");
    }
    if (held->holder.unit != a.applicant.unit) {
      return Status::Error("证书 " + held->number + " is not held by the applicant");
    }
  }
  Issued out{a, {}};
  Application& n = out.application;
  if (a.kind == ApplicationKind::kNew || a.kind == ApplicationKind::kRenew) {
    if (number.empty()) return Status::Error("the certificate's number is required");
    if (!valid_until || *valid_until <= day) {
      return Status::Error("the certificate's validity (--valid-until, after " + day.ToString() +
                           ") is required");
    }
    Certificate c;
    c.number = number;
    c.item = a.item;
    c.grade = a.grade;
    c.scope = a.scope;
    c.holder = a.applicant;
    c.holder.persons.clear();
    c.issued = day;
    c.valid_until = *valid_until;
    c.application = a.id;
    out.certificates.push_back(c);
    if (a.kind == ApplicationKind::kRenew && held) {
      Certificate old = *held;
      old.state = Certificate::State::kReplaced;
      old.ended_by = a.id;
      out.certificates.push_back(old);
    }
    n.issued = number;
    Trail(n, now, by, "颁发证书 certificate issued",
          std::string(CertificateNameZh(a.item)) + " " + number + "，有效期至 " +
              valid_until->ToString());
  } else {
    if (!held) return Status::Error("证书 " + a.certificate + " is not on record");
    Certificate c = *held;
    if (a.kind == ApplicationKind::kChange) {
      std::string* field = a.change == ChangeField::kName             ? &c.holder.name
                           : a.change == ChangeField::kRepresentative ? &c.holder.representative
                                                                      : &c.holder.address;
      std::string before = *field;
      *field = a.change_to;
      c.issued = day;
      c.application = a.id;
      Trail(n, now, by, "换发证书 certificate re-issued",
            std::string(ChangeFieldZh(a.change)) + "：" + before + " → " + a.change_to + "（" +
                c.number + "）");
    } else {
      c.state = Certificate::State::kCancelled;
      c.ended_by = a.id;
      Trail(n, now, by, "注销 cancelled", "证书 " + c.number + " 注销，寄送注销文书");
    }
    n.issued = c.number;
    out.certificates.push_back(c);
  }
  n.state = ApplicationState::kDone;
  return out;
}

bool InForce(const Certificate& c, const std::vector<Application>& applications,
             calendar::Date today, bool* deemed_continued) {
  *deemed_continued = false;
  if (c.state != Certificate::State::kValid) return false;
  if (today <= c.valid_until) return true;
  for (const auto& a : applications) {
    if (a.kind != ApplicationKind::kRenew || a.certificate != c.number) continue;
    // Art. 50: refused by the expiry, it ends then; refused later, the licence had been
    // continued by the law already.
    bool refused =
        a.state == ApplicationState::kRefused || a.state == ApplicationState::kNotAccepted;
    if (refused && a.decided && *a.decided <= c.valid_until) continue;
    if (DeemedContinued(c.valid_until, a.clock.received, a.decided)) {
      *deemed_continued = true;
      return true;
    }
  }
  return false;
}

Result<UnitInspection> ReportInspection(const UnitInspection& i, const std::string& findings,
                                        bool violation, const std::string& refer_to,
                                        const std::string& refer_to_name, const std::string& by,
                                        int64_t now) {
  if (i.state == UnitInspection::State::kReported) {
    return Status::Error("inspection " + i.id + " was reported already");
  }
  if (findings.empty()) return Status::Error("the report states its findings (--findings)");
  if (by.empty()) return Status::Error("who reports (--by)");
  UnitInspection n = i;
  n.findings = findings;
  n.violation = violation;
  n.refer_to = refer_to;
  n.refer_to_name = refer_to_name;
  n.reported_by = by;
  n.reported_at = now;
  n.state = UnitInspection::State::kReported;
  ++n.version;
  return n;
}

namespace {

bool SameAssignment(const UnitInspection& a, const UnitInspection& b) {
  return a.id == b.id && a.round == b.round && a.flying == b.flying && a.unit == b.unit &&
         a.unit_name == b.unit_name && a.certificate == b.certificate && a.region == b.region &&
         a.experts == b.experts && a.by_organ == b.by_organ && a.inspector == b.inspector &&
         a.inspector_name == b.inspector_name && a.report_by == b.report_by;
}

}  // namespace

Status CheckInspectionStep(const UnitInspection* held, const UnitInspection& copy,
                           const std::string& origin, const std::string& self,
                           bool by_is_provincial_bureau) {
  const std::string by = NodeOfAddress(copy.by_organ), inspector = NodeOfAddress(copy.inspector);
  const std::string what = "inspection " + copy.id + ": ";
  if (!by_is_provincial_bureau) {
    return Status::Error(what + copy.by_organ + " is not a provincial secrecy bureau (LN 四.1)");
  }
  if (origin == self) return Status::Error(what + "a copy from this node itself");
  if (copy.state == UnitInspection::State::kAssigned) {
    if (origin != by || self != inspector) {
      return Status::Error(what + "only " + copy.by_organ + " assigns it, to " + copy.inspector);
    }
    if (held) return Status::Error(what + "assigned already");
    if (copy.version != 1) return Status::Error(what + "an assignment is version 1");
    return Status::Ok();
  }
  // Reported.
  if (self == by) {
    if (origin != inspector) {
      return Status::Error(what + "reported by " + copy.inspector + ", not by node " + origin);
    }
    if (!held) return Status::Error(what + "not assigned by this bureau");
    if (held->state != UnitInspection::State::kAssigned) {
      return Status::Error(what + "reported already");
    }
    if (!SameAssignment(*held, copy) || copy.version != held->version + 1) {
      return Status::Error(what + "the report changes the assignment");
    }
    return Status::Ok();
  }
  // A referral (联动处置), from the bureau, to the node of the organ it concerns.
  if (origin != by || copy.refer_to.empty() || NodeOfAddress(copy.refer_to) != self) {
    return Status::Error(what + "does not concern node " + self);
  }
  if (held) return Status::Error(what + "referred here already");
  return Status::Ok();
}

std::optional<CreditEntry> CreditOf(const UnitInspection& i, calendar::Date day) {
  if (i.state != UnitInspection::State::kReported || !i.violation) return std::nullopt;
  CreditEntry e;
  e.subject = i.unit;
  e.kind = CreditKind::kViolation;
  e.on = day;
  e.reason = i.findings;
  e.reference = std::string(i.flying ? "飞行检查 " : "双随机检查 ") + i.id;
  return e;
}

}  // namespace zhuji::workflows
