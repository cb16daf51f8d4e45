// 保密行政许可 at the provincial bureau (issue #16; LN = 辽保局〔2021〕46号) over a node's control
// socket: `zhuji licence …` (applications, their clock, the joint decision, certificates),
// `zhuji post …` (the EMS register, 最多跑一次), `zhuji credit …` (信用记录), `zhuji expert …`
// (专家库) and `zhuji draw …` (双随机、一公开, 飞行检查, the city bureaus' reports).
#include <capnp/message.h>

#include "services/calendar/date.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/workflows/credit.h"
#include "services/workflows/licence_case.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "zhuji/schemas/licensing.capnp.h"

namespace zhuji::tools {

namespace {

using Op = schema::LicensingRequest::Op;
using calendar::Date;

constexpr const char* kLicenceUsage =
    R"(zhuji licence — 保密行政许可 at the provincial bureau (LN 辽保局〔2021〕46号; 行政许可法)

On the province node. Items (--item): weapons-secrecy 武器装备科研生产单位保密资格 (二级 only;
三级 abolished, LN 二.1; decided jointly with the defence-industry department, Art. 42 ¶2),
carrier-production 国家秘密载体制作、复制、维修、销毁定点单位乙级资质, system-integration
涉密信息系统集成乙级资质.

  licence apply --item ITEM --grade 二级|乙级 --unit USCC --name 单位名称 --region CITY
        [--representative 法定代表人] [--address 注册地址] [--persons ID,ID] [--scope TEXT]
        --materials "申请书,营业执照副本,…" [--waybill EMS --sender WHO --arrived DATE
        [--reply-waybill EMS]] --by CLERK
        an application arrives (by EMS: the day of arrival starts the clock, LN 三 最多跑一次);
        what makes it inadmissible (a grade abolished, a bar in the credit record …) makes it
        不予受理 at once with every reason (by EMS: posted back under --reply-waybill)
  licence apply --kind change --certificate NO --change name|representative|address --to NEW
        --unit USCC --materials … --waybill … --by CLERK       不见面审批 (LN 三): a change by post
  licence apply --kind cancel|renew --certificate NO --unit USCC …   注销 / 延续 (Art. 50)
  licence notify ID [--waybill OUT] --by CLERK      一次告知: everything missing, once (Art. 32)
  licence supplement ID --materials … [--day DATE] --by CLERK   missing material arrived
  licence accept ID --by CLERK                       受理 (Art. 32)
  licence extend ID --reason TEXT --by HEAD          延长期限 once, within the period (Art. 42):
        approved by the bureau's head (+10), or for item (1) by the head of the provincial
        people's government (本级人民政府负责人, +15); the reason is told to the applicant
  licence uncounted ID --from DATE --to DATE --reason 专家评审 --by CLERK   not counted (Art. 45)
  licence decide ID --organ CODE --approve|--refuse [--reason TEXT] --by NAME
        a deciding department's decision; item (1) needs the bureau and the defence-industry
        department both; a refusal by either refuses it
  licence refuse ID --reason TEXT [--reason TEXT …] [--waybill OUT] --by NAME
        不予许可 with every reason, the material returned
  licence issue ID [--number NO] [--valid-until DATE] [--waybill OUT] --by CLERK
        the certificate (Art. 44), the re-issued one (a change) or the 注销 document
  licence list [--unit USCC] [--json] ; licence show ID [--json] ; licence certificates [--unit USCC]
An application that came by EMS is answered by EMS: --waybill (outgoing) is then required.
Dates are YYYY-MM-DD (--day: the day of the act; default today). The clock's steps are the
bureau's duties (`zhuji deadlines`).
)";

constexpr const char* kPostUsage =
    R"(zhuji post — the EMS register (邮件登记, LN 三 最多跑一次)

  post in --waybill EMS --sender WHO --arrived DATE --items "…,…" [--about ID] --by CLERK
        a parcel arrived: application or 备案 material, a rectification report (整改报告);
        --about an application awaiting material adds it (and may complete it: Art. 32)
  post out --waybill EMS --to WHO [--day DATE] --items "…" [--about ID] --by CLERK
        what the bureau sent (steps of `zhuji licence` record theirs themselves)
  post list [--about ID] [--json]
)";

constexpr const char* kCreditUsage =
    R"(zhuji credit — the credit record of licensed units (信用记录, LN 四.2)

  credit add --unit USCC | --person ID --kind violation|false-commitment|revocation|exclusion
        --reason TEXT [--certificate NO] [--day DATE] [--until DATE] --by NAME
        违规行为, 虚假承诺, 撤销/吊销 (ends --certificate; --until: no application before),
        市场禁入 (--until required). Later applications are refused while a bar runs.
  credit show [--unit USCC | --person ID] [--json]
)";

constexpr const char* kExpertUsage =
    R"(zhuji expert — the expert pool (专家库, LN 二)

  expert add --id ID --name 姓名 --region CODE [--unit EMPLOYER] [--fields "…,…"] --by NAME
  expert list [--json]
)";

constexpr const char* kDrawUsage =
    R"(zhuji draw — 双随机、一公开 and 飞行检查 (LN 四.1)

  draw run --seed LABEL --units N --experts-per-unit K --report-by DATE [--same-region] --by NAME
        draws N licensed units and K experts for each (not their employer's, not of the unit's
        region unless --same-region, nobody twice); the seed is LABEL and 128 random bits the
        node adds, published with the round, from which anyone redoes it
        (services/workflows/draw.h; tools/verify_draw.py --check); each unit's inspection goes
        to the bureau of its city, its report due by DATE
  draw fly --unit USCC --experts ID,ID --report-by DATE [--same-region] --by NAME   飞行检查
  draw show [ROUND] [--json]   the round as published (一公开): seed, lists, result; --json is
                               tools/verify_draw.py's input with the result beside it
  draw inspections [ID] [--json]   the inspections held on this node (a city: its tasks)
  draw report ID --findings TEXT [--violation] [--refer NODE/CODE] --by NAME
        the city bureau's report; a violation enters the unit's credit record at the province;
        --refer: the finding concerns another department (联动处置), which receives it
)";

std::string Day(int32_t d) { return d ? Date{d}.ToString() : "-"; }

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ',') {
      flush();
      ++i;
    } else if (text.compare(i, 3, "，") == 0) {
      flush();
      i += 3;
    } else {
      cur += text[i++];
    }
  }
  flush();
  return out;
}

void Texts(JsonWriter& j, capnp::List<capnp::Text>::Reader list) {
  j.BeginArray();
  for (auto t : list) j.String(t.cStr());
  j.EndArray();
}

std::string Joined(capnp::List<capnp::Text>::Reader list, const char* sep = "、") {
  std::string out;
  for (auto t : list) out += (out.empty() ? "" : sep) + std::string(t.cStr());
  return out;
}

void PrintApplication(schema::ApplicationView::Reader v, bool full, std::ostream& out) {
  auto a = v.getApplication();
  auto kind = static_cast<workflows::ApplicationKind>(a.getKind());
  auto item = static_cast<workflows::LicenceItem>(a.getItem());
  auto state = static_cast<workflows::ApplicationState>(a.getState());
  out << a.getId().cStr() << "  " << workflows::ApplicationKindZh(kind) << "  "
      << workflows::LicenceItemZh(item) << " " << a.getGrade().cStr() << "  "
      << a.getApplicant().getName().cStr() << "（" << a.getApplicant().getUnit().cStr() << "）  "
      << workflows::ApplicationStateZh(state) << " " << workflows::ApplicationStateCode(state);
  if (state == workflows::ApplicationState::kReceived)
    out << "  受理期限 " << Day(v.getAcceptanceDue());
  if (state == workflows::ApplicationState::kAccepted)
    out << "  决定期限 " << Day(v.getDecisionDue());
  if (state == workflows::ApplicationState::kGranted)
    out << "  发证期限 " << Day(v.getCertificateDue());
  out << "\n";
  if (!full) return;
  if (a.getCertificate().size())
    out << "  证书 certificate      " << a.getCertificate().cStr() << "\n";
  if (a.getChange()) {
    out << "  变更 change           "
        << workflows::ChangeFieldZh(static_cast<workflows::ChangeField>(a.getChange())) << " → "
        << a.getChangeTo().cStr() << "\n";
  }
  out << "  收到 received         " << Day(a.getReceived()) << (a.getByPost() ? "（EMS 邮寄）" : "")
      << "\n";
  out << "  已交材料 submitted    " << Joined(a.getSubmitted()) << "\n";
  if (a.getMissing().size()) {
    out << "  一次告知 notified     " << Day(a.getNotified()) << "：" << Joined(a.getMissing())
        << "\n";
  }
  out << "  受理期限 acceptance due (Art. 32)  " << Day(v.getAcceptanceDue()) << "\n";
  if (v.getAcceptedOn()) {
    out << "  受理 accepted         " << Day(v.getAcceptedOn())
        << (v.getDeemedAccepted() ? "（逾期未告知，视为自收到之日起受理 deemed, Art. 32）" : "")
        << "\n";
  }
  if (v.getDecisionDue()) {
    out << "  决定期限 decision due (Art. 42)    " << Day(v.getDecisionDue()) << "（"
        << v.getDecisionDays() << " 个工作日"
        << (a.getExtended() ? "，已延长：" + std::string(a.getExtensionReason().cStr()) : "")
        << (v.getUncountedDays()
                ? "，另不计入 " + std::to_string(v.getUncountedDays()) + " 个工作日 (Art. 45)"
                : "")
        << "）\n";
  }
  for (auto u : a.getUncounted()) {
    out << "  不计入期限 uncounted  " << Day(u.getFrom()) << "～" << Day(u.getTo()) << " "
        << u.getWhy().cStr() << "\n";
  }
  for (auto x : a.getApprovals()) {
    out << "  " << (x.getApprove() ? "同意 approved  " : "不同意 refused ") << "      "
        << x.getOrganName().cStr() << "（" << x.getBy().cStr() << "，" << Day(x.getDay()) << "）"
        << (x.getOpinion().size() ? "：" + std::string(x.getOpinion().cStr()) : "") << "\n";
  }
  if (v.getCertificateDue()) {
    out << "  发证期限 certificate due (Art. 44) " << Day(v.getCertificateDue()) << "\n";
  }
  for (auto r : a.getReasons()) out << "  原因 reason           " << r.cStr() << "\n";
  if (a.getIssued().size()) out << "  证书 issued           " << a.getIssued().cStr() << "\n";
  if (v.getClockError().size())
    out << "  期限 clock            " << v.getClockError().cStr() << "\n";
  out << "  经过 trail:\n";
  for (auto e : a.getHistory()) {
    out << "    " << FormatCst(e.getAt()) << "  " << e.getOrgan().cStr() << "  "
        << e.getAction().cStr()
        << (e.getDetail().size() ? "：" + std::string(e.getDetail().cStr()) : "") << "\n";
  }
}

void ApplicationJson(JsonWriter& j, schema::ApplicationView::Reader v) {
  auto a = v.getApplication();
  auto state = static_cast<workflows::ApplicationState>(a.getState());
  j.BeginObject().Key("id").String(a.getId().cStr());
  j.Key("kind").String(
      workflows::ApplicationKindCode(static_cast<workflows::ApplicationKind>(a.getKind())));
  j.Key("item").String(
      workflows::LicenceItemCode(static_cast<workflows::LicenceItem>(a.getItem())));
  j.Key("grade").String(a.getGrade().cStr()).Key("unit").String(a.getApplicant().getUnit().cStr());
  j.Key("name").String(a.getApplicant().getName().cStr());
  j.Key("state").String(workflows::ApplicationStateCode(state));
  j.Key("state_zh").String(workflows::ApplicationStateZh(state));
  j.Key("by_post").Bool(a.getByPost()).Key("received").String(Day(a.getReceived()));
  j.Key("submitted");
  Texts(j, a.getSubmitted());
  j.Key("missing");
  Texts(j, a.getMissing());
  j.Key("acceptance_due").String(Day(v.getAcceptanceDue()));
  j.Key("accepted_on")
      .String(Day(v.getAcceptedOn()))
      .Key("deemed_accepted")
      .Bool(v.getDeemedAccepted());
  j.Key("decision_due")
      .String(Day(v.getDecisionDue()))
      .Key("decision_working_days")
      .Int(v.getDecisionDays());
  j.Key("uncounted_working_days").Int(v.getUncountedDays());
  j.Key("certificate_due").String(Day(v.getCertificateDue()));
  j.Key("approvals").BeginArray();
  for (auto x : a.getApprovals()) {
    j.BeginObject().Key("organ").String(x.getOrgan().cStr()).Key("approve").Bool(x.getApprove());
    j.Key("opinion").String(x.getOpinion().cStr()).Key("day").String(Day(x.getDay())).EndObject();
  }
  j.EndArray().Key("reasons");
  Texts(j, a.getReasons());
  j.Key("certificate")
      .String(a.getIssued().size() ? a.getIssued().cStr() : a.getCertificate().cStr());
  j.EndObject();
}

void PrintCertificate(schema::Certificate::Reader c, std::ostream& out) {
  auto item = static_cast<workflows::LicenceItem>(c.getItem());
  auto state = static_cast<workflows::Certificate::State>(c.getState());
  out << c.getNumber().cStr() << "  " << workflows::CertificateNameZh(item) << "  "
      << c.getHolder().getName().cStr() << "（" << c.getHolder().getUnit().cStr() << "，"
      << c.getHolder().getRegion().cStr() << "）  有效期至 " << Day(c.getValidUntil()) << "  "
      << workflows::CertificateStateZh(state)
      << (c.getDeemedContinued() ? "（逾期未决定，视为准予延续 deemed continued, Art. 50）"
          : state == workflows::Certificate::State::kValid && !c.getInForce() ? "（已过期 expired）"
                                                                              : "")
      << "\n";
  out << "  法定代表人 " << c.getHolder().getRepresentative().cStr() << "  注册地址 "
      << c.getHolder().getAddress().cStr() << "  范围 "
      << (c.getScope().size() ? c.getScope().cStr() : "-") << "  发证 " << Day(c.getIssued())
      << "  延续申请截止 renew by " << Day(c.getRenewBy()) << " (Art. 50)\n";
}

void CertificateJson(JsonWriter& j, schema::Certificate::Reader c) {
  auto state = static_cast<workflows::Certificate::State>(c.getState());
  j.BeginObject().Key("number").String(c.getNumber().cStr());
  j.Key("item").String(
      workflows::LicenceItemCode(static_cast<workflows::LicenceItem>(c.getItem())));
  j.Key("grade").String(c.getGrade().cStr()).Key("holder").String(c.getHolder().getUnit().cStr());
  j.Key("name").String(c.getHolder().getName().cStr());
  j.Key("representative").String(c.getHolder().getRepresentative().cStr());
  j.Key("address").String(c.getHolder().getAddress().cStr());
  j.Key("region").String(c.getHolder().getRegion().cStr()).Key("scope").String(c.getScope().cStr());
  j.Key("issued").String(Day(c.getIssued())).Key("valid_until").String(Day(c.getValidUntil()));
  j.Key("state_zh").String(workflows::CertificateStateZh(state));
  j.Key("in_force").Bool(c.getInForce()).Key("deemed_continued").Bool(c.getDeemedContinued());
  j.Key("renew_by").String(Day(c.getRenewBy())).EndObject();
}

void PrintParcel(schema::Parcel::Reader p, std::ostream& out) {
  out << p.getId().cStr() << "  " << (p.getIncoming() ? "收件 in " : "寄出 out") << "  EMS "
      << p.getWaybill().cStr() << "  " << (p.getIncoming() ? "寄件人 " : "收件人 ")
      << p.getParty().cStr() << "  " << Day(p.getDay()) << "  " << Joined(p.getItems())
      << (p.getAbout().size() ? "  [" + std::string(p.getAbout().cStr()) + "]" : "") << "\n";
}

void ParcelJson(JsonWriter& j, schema::Parcel::Reader p) {
  j.BeginObject().Key("id").String(p.getId().cStr()).Key("incoming").Bool(p.getIncoming());
  j.Key("waybill").String(p.getWaybill().cStr()).Key("party").String(p.getParty().cStr());
  j.Key("day").String(Day(p.getDay())).Key("items");
  Texts(j, p.getItems());
  j.Key("about").String(p.getAbout().cStr()).EndObject();
}

void PrintCredit(schema::CreditEntry::Reader e, std::ostream& out) {
  out << e.getId().cStr() << "  "
      << workflows::CreditKindZh(static_cast<workflows::CreditKind>(e.getKind())) << "  "
      << (e.getPerson() ? "责任人 " : "单位 ") << e.getSubject().cStr() << "  " << Day(e.getOn())
      << (e.getUntil() ? " 至 " + Day(e.getUntil()) : "") << "  " << e.getReason().cStr()
      << (e.getReference().size() ? "  [" + std::string(e.getReference().cStr()) + "]" : "")
      << "\n";
}

void CreditJson(JsonWriter& j, schema::CreditEntry::Reader e) {
  j.BeginObject().Key("id").String(e.getId().cStr()).Key("subject").String(e.getSubject().cStr());
  j.Key("person").Bool(e.getPerson());
  j.Key("kind_zh").String(workflows::CreditKindZh(static_cast<workflows::CreditKind>(e.getKind())));
  j.Key("on").String(Day(e.getOn())).Key("until").String(Day(e.getUntil()));
  j.Key("reason").String(e.getReason().cStr()).Key("reference").String(e.getReference().cStr());
  j.EndObject();
}

void PrintRound(schema::DrawRound::Reader r, bool full, std::ostream& out) {
  out << r.getId().cStr() << "  双随机抽查 seed \"" << r.getSeed().cStr() << "\"  "
      << r.getResult().size() << " 家单位 of " << r.getUnits().size() << "，每家 "
      << r.getExpertsPerUnit() << " 名专家  报告期限 " << Day(r.getReportBy()) << "\n";
  for (auto a : r.getResult()) {
    out << "  " << a.getUnit().cStr() << "（" << a.getRegion().cStr() << "）  "
        << Joined(a.getExperts()) << "\n";
  }
  if (!full) return;
  out << "  算法 algorithm: SHA-256(seed + \"\\n\" + text) ranking (services/workflows/draw.h; "
         "tools/verify_draw.py)\n  名单 units:";
  for (auto u : r.getUnits()) out << " " << u.getId().cStr() << "/" << u.getRegion().cStr();
  out << "\n  专家库 experts:";
  for (auto e : r.getExperts()) out << " " << e.getId().cStr() << "/" << e.getRegion().cStr();
  out << "\n  检查 inspections: " << Joined(r.getInspections(), " ") << "\n";
}

void RoundJson(JsonWriter& j, schema::DrawRound::Reader r) {
  // tools/verify_draw.py's input, with the result beside it.
  j.BeginObject().Key("id").String(r.getId().cStr()).Key("seed").String(r.getSeed().cStr());
  j.Key("unit_count").Uint(r.getUnitCount()).Key("experts_per_unit").Uint(r.getExpertsPerUnit());
  j.Key("exclude_same_region").Bool(r.getExcludeSameRegion());
  j.Key("units").BeginArray();
  for (auto u : r.getUnits()) {
    j.BeginObject()
        .Key("id")
        .String(u.getId().cStr())
        .Key("region")
        .String(u.getRegion().cStr())
        .EndObject();
  }
  j.EndArray().Key("experts").BeginArray();
  for (auto e : r.getExperts()) {
    j.BeginObject().Key("id").String(e.getId().cStr()).Key("name").String(e.getName().cStr());
    j.Key("region").String(e.getRegion().cStr()).Key("unit").String(e.getUnit().cStr()).EndObject();
  }
  j.EndArray().Key("result").BeginArray();
  for (auto a : r.getResult()) {
    j.BeginObject()
        .Key("unit")
        .String(a.getUnit().cStr())
        .Key("region")
        .String(a.getRegion().cStr());
    j.Key("experts");
    Texts(j, a.getExperts());
    j.EndObject();
  }
  j.EndArray().Key("report_by").String(Day(r.getReportBy())).Key("inspections");
  Texts(j, r.getInspections());
  j.EndObject();
}

void PrintInspection(schema::UnitInspection::Reader i, std::ostream& out) {
  bool reported = i.getState() == static_cast<uint8_t>(workflows::UnitInspection::State::kReported);
  out << i.getId().cStr() << "  " << (i.getFlying() ? "飞行检查" : "双随机检查") << "  "
      << i.getUnitName().cStr() << "（" << i.getUnit().cStr() << "，证书 "
      << i.getCertificate().cStr() << "）  检查 " << i.getInspectorName().cStr() << "  专家 "
      << Joined(i.getExperts()) << "  "
      << (reported ? "已报告 reported" : "待检查 assigned，报告期限 " + Day(i.getReportBy()))
      << "\n";
  if (!reported) return;
  out << "  发现 findings  " << i.getFindings().cStr()
      << (i.getViolation() ? "（违规行为 violation）" : "") << "\n";
  if (i.getReferTo().size()) {
    out << "  联动处置 referred to " << i.getReferToName().cStr() << "（" << i.getReferTo().cStr()
        << "）\n";
  }
}

void InspectionJson(JsonWriter& j, schema::UnitInspection::Reader i) {
  bool reported = i.getState() == static_cast<uint8_t>(workflows::UnitInspection::State::kReported);
  j.BeginObject().Key("id").String(i.getId().cStr()).Key("round").String(i.getRound().cStr());
  j.Key("flying").Bool(i.getFlying()).Key("unit").String(i.getUnit().cStr());
  j.Key("unit_name")
      .String(i.getUnitName().cStr())
      .Key("inspector")
      .String(i.getInspector().cStr());
  j.Key("experts");
  Texts(j, i.getExperts());
  j.Key("report_by")
      .String(Day(i.getReportBy()))
      .Key("state")
      .String(reported ? "reported" : "assigned");
  j.Key("findings").String(i.getFindings().cStr()).Key("violation").Bool(i.getViolation());
  j.Key("refer_to").String(i.getReferTo().cStr()).EndObject();
}

struct Call {
  const Args& args;
  std::string cmd;
  capnp::MallocMessageBuilder msg;
  schema::LicensingRequest::Builder r;
  explicit Call(const Args& a, std::string c)
      : args(a), cmd(std::move(c)), r(msg.initRoot<schema::ControlRequest>().initLicensing()) {}
  std::string Need(const char* name, const char* what) { return NeedOption(args, cmd, name, what); }
  // 0 when the option is not given.
  int32_t DayOf(const char* name) { return args.Has(name) ? DayOption(args, cmd, name) : 0; }
  void Items(const char* name) {
    std::vector<std::string> items;
    for (const auto& v : args.GetAll(name)) {
      for (auto& s : SplitList(v)) items.push_back(s);
    }
    auto l = r.initItems(items.size());
    for (size_t i = 0; i < items.size(); ++i) l.set(i, items[i]);
  }
  std::string Id(size_t at = 2) {
    const auto& pos = args.positionals();
    if (pos.size() <= at) throw UsageError(cmd + ": which one? (" + cmd + " ID)");
    return pos[at];
  }
};

int Show(const Args& args, zmq::context_t& ctx, capnp::MessageBuilder& msg, std::ostream& out,
         bool full) {
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.CallOk(msg, NodeTimeoutMs(args));
  auto l = reply->Root<schema::ControlReply>().getLicensing();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject();
    if (l.getApplications().size()) {
      j.Key("applications").BeginArray();
      for (auto v : l.getApplications()) ApplicationJson(j, v);
      j.EndArray();
    }
    if (l.getCertificates().size()) {
      j.Key("certificates").BeginArray();
      for (auto c : l.getCertificates()) CertificateJson(j, c);
      j.EndArray();
    }
    if (l.getParcels().size()) {
      j.Key("parcels").BeginArray();
      for (auto p : l.getParcels()) ParcelJson(j, p);
      j.EndArray();
    }
    if (l.getCredit().size()) {
      j.Key("credit").BeginArray();
      for (auto e : l.getCredit()) CreditJson(j, e);
      j.EndArray();
    }
    if (l.getExperts().size()) {
      j.Key("experts").BeginArray();
      for (auto e : l.getExperts()) {
        j.BeginObject().Key("id").String(e.getId().cStr()).Key("name").String(e.getName().cStr());
        j.Key("region").String(e.getRegion().cStr()).Key("unit").String(e.getUnit().cStr());
        j.Key("fields");
        Texts(j, e.getFields());
        j.EndObject();
      }
      j.EndArray();
    }
    if (l.getRounds().size()) {
      j.Key("rounds").BeginArray();
      for (auto r : l.getRounds()) RoundJson(j, r);
      j.EndArray();
    }
    if (l.getInspections().size()) {
      j.Key("inspections").BeginArray();
      for (auto i : l.getInspections()) InspectionJson(j, i);
      j.EndArray();
    }
    j.EndObject();
    out << j.str() << "\n";
    return 0;
  }
  for (auto v : l.getApplications()) PrintApplication(v, full, out);
  for (auto c : l.getCertificates()) PrintCertificate(c, out);
  for (auto p : l.getParcels()) PrintParcel(p, out);
  for (auto e : l.getCredit()) PrintCredit(e, out);
  for (auto e : l.getExperts()) {
    out << e.getId().cStr() << "  " << e.getName().cStr() << "  " << e.getRegion().cStr() << "  "
        << e.getUnit().cStr() << "  " << Joined(e.getFields()) << "\n";
  }
  for (auto r : l.getRounds()) PrintRound(r, full, out);
  for (auto i : l.getInspections()) PrintInspection(i, out);
  return 0;
}

bool Usage(const Args& args, size_t min_pos, const char* usage, std::ostream& out, int* rc) {
  if (args.positionals().size() >= min_pos && !args.Flag("help")) return false;
  out << usage;
  *rc = args.Flag("help") ? 0 : 2;
  return true;
}

}  // namespace

int CmdLicence(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  int rc = 0;
  if (Usage(args, 2, kLicenceUsage, out, &rc)) return rc;
  args.Allow(NodeOptions(
      {"item",        "grade",   "unit",      "name",    "region",      "representative", "address",
       "persons",     "scope",   "materials", "waybill", "sender",      "arrived",        "kind",
       "certificate", "change",  "to",        "day",     "by",          "reason",         "from",
       "organ",       "approve", "refuse",    "number",  "valid-until", "reply-waybill",  "json"}));
  const std::string sub = args.positionals()[1];
  Call c(args, "licence " + sub);
  auto& r = c.r;
  bool full = true;
  r.setBy(args.Get("by"));
  r.setDay(c.DayOf("day"));
  r.setWaybill(args.Get("waybill"));
  if (sub == "list" || sub == "certificates") {
    r.setOp(sub == "list" ? Op::LIST : Op::CERTIFICATES);
    r.initApplicant().setUnit(args.Get("unit"));
    full = false;
  } else if (sub == "show") {
    r.setOp(Op::SHOW);
    r.setId(c.Id());
  } else if (sub == "apply") {
    r.setOp(Op::APPLY);
    c.Need("by", "the clerk who records it");
    r.setKind(args.Get("kind", "new"));
    r.setItem(args.Get("item"));
    r.setGrade(args.Get("grade"));
    r.setScope(args.Get("scope"));
    r.setCertificate(args.Get("certificate"));
    r.setChange(args.Get("change"));
    r.setChangeTo(args.Get("to"));
    auto a = r.initApplicant();
    a.setUnit(c.Need("unit", "the applicant's 统一社会信用代码"));
    a.setName(args.Get("name"));
    a.setRegion(args.Get("region"));
    a.setRepresentative(args.Get("representative"));
    a.setAddress(args.Get("address"));
    auto persons = SplitList(args.Get("persons"));
    auto pl = a.initPersons(persons.size());
    for (size_t i = 0; i < persons.size(); ++i) pl.set(i, persons[i]);
    c.Items("materials");
    if (args.Has("arrived")) r.setDay(c.DayOf("arrived"));
    r.setParty(args.Get("sender"));
    r.setReplyWaybill(args.Get("reply-waybill"));
    if (args.Has("waybill") && !args.Has("arrived")) {
      throw UsageError(
          "licence apply: --arrived DATE is required with --waybill (the day of arrival starts the "
          "clock)");
    }
  } else {
    r.setId(c.Id());
    c.Need("by", "who acts");
    if (sub == "notify") {
      r.setOp(Op::NOTIFY);
    } else if (sub == "supplement") {
      r.setOp(Op::SUPPLEMENT);
      c.Items("materials");
    } else if (sub == "accept") {
      r.setOp(Op::ACCEPT);
    } else if (sub == "extend") {
      r.setOp(Op::EXTEND);
      r.setText(c.Need("reason", "the reason told to the applicant, Art. 42"));
    } else if (sub == "uncounted") {
      r.setOp(Op::UNCOUNTED);
      c.Need("from", "the period's first day");
      r.setDay(c.DayOf("from"));
      c.Need("to", "the period's last day");
      r.setToDay(c.DayOf("to"));
      r.setText(c.Need("reason", "what the period is, e.g. 专家评审"));
    } else if (sub == "decide") {
      r.setOp(Op::DECIDE);
      r.setOrgan(c.Need("organ", "the deciding organ's code on this node"));
      if (args.Flag("approve") == args.Flag("refuse")) {
        throw UsageError("licence decide: --approve or --refuse");
      }
      r.setApprove(args.Flag("approve"));
      r.setText(args.Get("reason"));
    } else if (sub == "refuse") {
      r.setOp(Op::REFUSE);
      c.Items("reason");
    } else if (sub == "issue") {
      r.setOp(Op::ISSUE);
      r.setCertificate(args.Get("number"));
      r.setToDay(c.DayOf("valid-until"));
    } else {
      throw UsageError("licence: unknown step '" + sub + "' (see zhuji licence --help)");
    }
    r.setParty(args.Get("to"));
  }
  return Show(args, ctx, c.msg, out, full);
}

int CmdPost(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  int rc = 0;
  if (Usage(args, 2, kPostUsage, out, &rc)) return rc;
  args.Allow(
      NodeOptions({"waybill", "sender", "to", "arrived", "day", "items", "about", "by", "json"}));
  const std::string sub = args.positionals()[1];
  Call c(args, "post " + sub);
  auto& r = c.r;
  r.setId(args.Get("about"));
  if (sub == "list") {
    r.setOp(Op::POST_LIST);
  } else if (sub == "in" || sub == "out") {
    bool in = sub == "in";
    r.setOp(in ? Op::POST_IN : Op::POST_OUT);
    r.setWaybill(c.Need("waybill", "the EMS waybill number"));
    r.setParty(in ? c.Need("sender", "who sent it") : c.Need("to", "who it goes to"));
    if (in) c.Need("arrived", "the day it arrived");
    r.setDay(in ? c.DayOf("arrived") : c.DayOf("day"));
    c.Items("items");
    r.setBy(c.Need("by", "the clerk who records it"));
  } else {
    throw UsageError("post: unknown step '" + sub + "' (see zhuji post --help)");
  }
  return Show(args, ctx, c.msg, out, false);
}

int CmdCredit(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  int rc = 0;
  if (Usage(args, 2, kCreditUsage, out, &rc)) return rc;
  args.Allow(NodeOptions(
      {"unit", "person", "kind", "reason", "certificate", "day", "until", "by", "json"}));
  const std::string sub = args.positionals()[1];
  Call c(args, "credit " + sub);
  auto& r = c.r;
  r.setId(args.Has("person") ? args.Get("person") : args.Get("unit"));
  r.setPerson(args.Has("person"));
  if (sub == "show") {
    r.setOp(Op::CREDIT_SHOW);
  } else if (sub == "add") {
    r.setOp(Op::CREDIT_ADD);
    if (!args.Has("unit") && !args.Has("person"))
      throw UsageError("credit add: --unit or --person");
    r.setKind(c.Need("kind", "violation, false-commitment, revocation, exclusion"));
    r.setText(c.Need("reason", "what was found or decided"));
    r.setCertificate(args.Get("certificate"));
    r.setDay(c.DayOf("day"));
    r.setToDay(c.DayOf("until"));
    r.setBy(c.Need("by", "who records it"));
  } else {
    throw UsageError("credit: unknown step '" + sub + "' (see zhuji credit --help)");
  }
  return Show(args, ctx, c.msg, out, false);
}

int CmdExpert(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  int rc = 0;
  if (Usage(args, 2, kExpertUsage, out, &rc)) return rc;
  args.Allow(NodeOptions({"id", "name", "region", "unit", "fields", "by", "json"}));
  const std::string sub = args.positionals()[1];
  Call c(args, "expert " + sub);
  if (sub == "list") {
    c.r.setOp(Op::EXPERT_LIST);
  } else if (sub == "add") {
    c.r.setOp(Op::EXPERT_ADD);
    auto e = c.r.initExpert();
    e.setId(c.Need("id", "the expert's id"));
    e.setName(c.Need("name", "姓名"));
    e.setRegion(c.Need("region", "where the expert works, a GB/T 2260 code"));
    e.setUnit(args.Get("unit"));
    auto fields = SplitList(args.Get("fields"));
    auto fl = e.initFields(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) fl.set(i, fields[i]);
    c.r.setBy(c.Need("by", "who records it"));
  } else {
    throw UsageError("expert: unknown step '" + sub + "' (see zhuji expert --help)");
  }
  return Show(args, ctx, c.msg, out, false);
}

int CmdDraw(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  int rc = 0;
  if (Usage(args, 2, kDrawUsage, out, &rc)) return rc;
  args.Allow(NodeOptions({"seed", "units", "experts-per-unit", "report-by", "same-region", "unit",
                          "experts", "findings", "violation", "refer", "by", "json"}));
  const std::string sub = args.positionals()[1];
  Call c(args, "draw " + sub);
  auto& r = c.r;
  bool full = false;
  r.setBy(args.Get("by"));
  if (sub == "run") {
    r.setOp(Op::DRAW);
    r.setSeed(c.Need("seed", "the published seed"));
    r.setCount(static_cast<uint32_t>(args.GetInt("units", 0, 1, 100000)));
    r.setPerUnit(static_cast<uint32_t>(args.GetInt("experts-per-unit", 0, 1, 100)));
    if (!args.Has("units") || !args.Has("experts-per-unit")) {
      throw UsageError("draw run: --units N and --experts-per-unit K are required");
    }
    r.setSameRegion(args.Flag("same-region"));
    c.Need("report-by", "the day the reports are due");
    r.setToDay(c.DayOf("report-by"));
    c.Need("by", "who draws");
    full = true;
  } else if (sub == "fly") {
    r.setOp(Op::FLY);
    r.setSameRegion(args.Flag("same-region"));
    r.setId(c.Need("unit", "the unit inspected"));
    auto experts = SplitList(c.Need("experts", "the team"));
    auto el = r.initExperts(experts.size());
    for (size_t i = 0; i < experts.size(); ++i) el.set(i, experts[i]);
    c.Need("report-by", "the day the report is due");
    r.setToDay(c.DayOf("report-by"));
    c.Need("by", "who orders it");
  } else if (sub == "show") {
    r.setOp(Op::ROUNDS);
    if (args.positionals().size() > 2) r.setId(args.positionals()[2]);
    full = args.positionals().size() > 2;
  } else if (sub == "inspections") {
    r.setOp(Op::INSPECTIONS);
    if (args.positionals().size() > 2) r.setId(args.positionals()[2]);
  } else if (sub == "report") {
    r.setOp(Op::REPORT);
    r.setId(c.Id());
    r.setText(c.Need("findings", "what the inspection found"));
    r.setViolation(args.Flag("violation"));
    r.setOrgan(args.Get("refer"));
    c.Need("by", "who reports");
  } else {
    throw UsageError("draw: unknown step '" + sub + "' (see zhuji draw --help)");
  }
  return Show(args, ctx, c.msg, out, full);
}

}  // namespace zhuji::tools
