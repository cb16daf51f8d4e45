#pragma once
// One application to the provincial bureau's licensing (issue #16; LN = 辽保局〔2021〕46号), from
// the parcel that brought it to the certificate or refusal sent back: a new licence, a renewal
// (延续, 行政许可法 Art. 50), and the no-visit procedures (不见面审批, LN 三) — a change of legal
// representative, name or registered address, and a cancellation (注销). The clock is
// licensing.h's; the certificates, the EMS register (最多跑一次) and the 双随机 inspections are
// here too. Pure: the node service stores and sends what these functions return.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"
#include "services/workflows/credit.h"
#include "services/workflows/licensing.h"
#include "services/workflows/matter.h"
#include "services/workflows/organs.h"

namespace zhuji::workflows {

// Items as a Chinese list reads: "申请书、营业执照副本".
std::string ListZh(const std::vector<std::string>& items);

// What an application asks for.
enum class ApplicationKind { kNew, kRenew, kChange, kCancel };
const char* ApplicationKindZh(ApplicationKind kind);    // 新申请, 延续, 变更, 注销
const char* ApplicationKindCode(ApplicationKind kind);  // new, renew, change, cancel
std::optional<ApplicationKind> ParseApplicationKind(std::string_view code);

// What a change (不见面审批, LN 三) changes on the certificate.
enum class ChangeField { kNone, kName, kRepresentative, kAddress };
const char* ChangeFieldZh(ChangeField field);  // 单位名称, 法定代表人, 注册地址
std::optional<ChangeField> ParseChangeField(
    std::string_view code);  // name, representative, address

enum class ApplicationState {
  kReceived,     // 待受理: arrived, not yet accepted
  kAwaiting,     // 待补正: the missing material was notified once (一次告知)
  kAccepted,     // 已受理: under review
  kGranted,      // 准予许可: the certificate (or cancellation document) is to be sent
  kDone,         // 已办结: sent
  kRefused,      // 不予许可: every reason told, the material returned
  kNotAccepted,  // 不予受理: inadmissible on arrival (行政许可法 Art. 32), every reason told
};
const char* ApplicationStateZh(ApplicationState s);
const char* ApplicationStateCode(ApplicationState s);  // received, awaiting, accepted, …

// An entry of the EMS register (邮件登记, LN 三 最多跑一次): what arrived, or what the bureau sent.
struct Parcel {
  std::string id;  // the register's serial, e.g. "YJ2026-0001"
  bool incoming = true;
  std::string waybill;             // EMS 运单号
  std::string party;               // the sender (incoming) or the addressee (outgoing)
  calendar::Date day;              // the day of arrival, or of posting
  std::vector<std::string> items;  // what is in the parcel
  std::string about;               // the application, inspection or filing it belongs to ("" none)
  std::string recorded_by;
  int64_t recorded_at = 0;
};
// Refuses an entry without a waybill, party or items, naming what is missing.
Status CheckParcel(const Parcel& p);

struct Applicant {
  std::string unit;                  // 统一社会信用代码
  std::string name;                  // 单位名称
  std::string representative;        // 法定代表人
  std::string address;               // 注册地址
  std::string region;                // the city (GB/T 2260) where it is registered
  std::vector<std::string> persons;  // responsible persons (their ids), checked against 市场禁入
};

// A decision of one of the deciding departments (item (1): both, 行政许可法 Art. 42 ¶2).
struct Approval {
  std::string organ;  // address, e.g. "210000/gfkg"
  std::string organ_name;
  bool approve = false;
  std::string opinion;
  std::string by;
  calendar::Date day;
};

struct Certificate {
  enum class State { kValid, kReplaced, kCancelled, kRevoked };
  std::string number;
  LicenceItem item = LicenceItem::kCarrierProduction;
  std::string grade;
  std::string scope;
  Applicant holder;  // persons left empty
  calendar::Date issued;
  calendar::Date valid_until;  // the last day in force
  State state = State::kValid;
  std::string application;  // the application that issued it
  std::string ended_by;     // the application, or the credit entry, that ended it
};
const char* CertificateStateZh(Certificate::State s);  // 有效, 已换发, 已注销, 已撤销/吊销
// The certificate's name as the seed's table gives it (LN 一).
const char* CertificateNameZh(LicenceItem item);

struct Application {
  std::string id;
  ApplicationKind kind = ApplicationKind::kNew;
  LicenceItem item = LicenceItem::kCarrierProduction;
  std::string grade;
  std::string scope;
  Applicant applicant;
  std::string certificate;  // renew, change, cancel: the certificate concerned
  ChangeField change = ChangeField::kNone;
  std::string change_to;
  std::vector<std::string> required;
  std::vector<std::string> submitted;
  std::vector<std::string> missing;  // what the single notice listed (一次告知)
  LicenceCase clock;                 // received, notified, completed, accepted, extended, …
  std::string extension_reason;      // Art. 42: told to the applicant
  std::string extension_by;          // the head who approved it
  std::vector<Approval> approvals;
  std::vector<std::string> deciders;  // the organs whose approval it needs (addresses)
  std::optional<calendar::Date> decided;
  std::vector<std::string> reasons;  // a refusal: every reason
  std::string issued;                // the certificate issued or cancelled
  ApplicationState state = ApplicationState::kReceived;
  bool by_post = false;  // arrived by EMS (最多跑一次): every answer is posted back
  std::vector<TrailEvent> history;
  uint64_t version = 0;
};

// The material an application of `kind` needs: for a new licence or a renewal the item's list
// (`item_list`, DefaultMaterials unless configured); for a change or cancellation by post
// (不见面审批, LN 三) the default lists below, which an installation's own guide may differ from.
std::vector<std::string> MaterialsFor(ApplicationKind kind,
                                      const std::vector<std::string>& item_list);

// What the clerk records when an application arrives (by EMS or at the counter).
struct ApplicationInput {
  ApplicationKind kind = ApplicationKind::kNew;
  LicenceItem item = LicenceItem::kCarrierProduction;
  std::string grade;
  std::string scope;
  Applicant applicant;
  std::string certificate;
  ChangeField change = ChangeField::kNone;
  std::string change_to;
  std::vector<std::string> submitted;
  std::string busy_with;    // another application on the same certificate still open ("" none)
  calendar::Date received;  // for EMS: the day of arrival (LN 三), which starts the clock
  std::string by;
};

// The application as recorded on arrival. Everything that makes it inadmissible — a grade no
// longer licensed (LN 二.1), a bar in the credit record (LN 四.2), a certificate that is not
// the applicant's or not in force, a change without its new value — is collected, and the
// application is refused at once with every reason (不予受理; 不见面审批 "列明原因"). An input
// that cannot be recorded at all (no unit, a date missing) is an error instead.
// `held`: the certificate named by the input, if the bureau has it. `deciders`: who decides.
Result<Application> Receive(const std::string& id, const ApplicationInput& in,
                            const std::vector<std::string>& required,
                            const std::vector<std::string>& deciders,
                            const std::vector<CreditEntry>& credit, const Certificate* held,
                            const std::string& by_organ, int64_t now);

// Art. 32: the single notice of everything missing; a second notice is refused.
Result<Application> NotifyMissing(const Application& a, calendar::Date day, const std::string& by,
                                  int64_t now);
// Material arrived later (by post): added; once nothing is missing after the notice, the
// application is accepted on that day (Art. 32 ¶1 (5)).
Result<Application> Supplement(const Application& a, const std::vector<std::string>& items,
                               calendar::Date day, const std::string& by, int64_t now);
// Art. 32: accepted expressly; refused while material is missing — unless the law already counts
// it as accepted on receipt (`deemed`: five working days passed without a notice), when the
// bureau records what the law says and reviews what it has.
Result<Application> Accept(const Application& a, calendar::Date day, const std::string& by,
                           int64_t now, bool deemed = false);
// Art. 42: extended once, with the reason told to the applicant — approved by the organ's head
// (+10 working days), or for an item decided jointly by the head of the people's government at
// that level (+15).
Result<Application> Extend(const Application& a, const std::string& reason, const std::string& head,
                           calendar::Date day, int64_t now);
// Art. 45: a period not counted (专家评审 …), recorded with what it was.
Result<Application> AddUncounted(const Application& a, const UncountedPeriod& p,
                                 const std::string& by, int64_t now);
// One deciding department's decision. A refusal by any of them refuses the application with
// its opinion; the last approval grants it (Art. 42 ¶2: item (1) needs both).
Result<Application> Decide(const Application& a, const Approval& decision, int64_t now);
// Refused with every reason (at least one), the material to be returned: 不予受理 before the
// application was accepted, 不予许可 after.
Result<Application> Refuse(const Application& a, const std::vector<std::string>& reasons,
                           const std::string& by, calendar::Date day, int64_t now);

// Art. 44: what the granted application produces — for a new licence or a renewal, a
// certificate numbered `number` valid until `valid_until` (a renewal marks the old one
// replaced); for a change, the certificate re-issued with the change under the same number (the
// value it replaces is kept in the application's trail); for a cancellation, the certificate
// marked cancelled. A certificate no longer in force or not the applicant's is refused. Returns the
// application (done) and the certificates to store (the new one first, then the one it ends).
struct Issued {
  Application application;
  std::vector<Certificate> certificates;
};
Result<Issued> Issue(const Application& a, const Certificate* held, const std::string& number,
                     std::optional<calendar::Date> valid_until, calendar::Date day,
                     const std::string& by, int64_t now);

// Whether `c` is in force on `today`: valid and not past its last day, or past it while a
// renewal applied for on time is undecided — 行政许可法 Art. 50: it then counts as continued
// (`*deemed_continued` set). `applications`: the bureau's, any kind (renewals are picked out).
bool InForce(const Certificate& c, const std::vector<Application>& applications,
             calendar::Date today, bool* deemed_continued);

// A 双随机 or 飞行 inspection of a licensed unit by the bureau of its city (LN 四.1), carried
// between the province and that city's node; the findings enter the credit record (四.2) and
// a finding that concerns another department is referred to it (联动处置).
struct UnitInspection {
  enum class State { kAssigned, kReported };
  std::string id;
  std::string round;    // the draw it comes from ("" for a 飞行检查)
  bool flying = false;  // 飞行检查: unannounced, chosen by the bureau, not drawn
  std::string unit;
  std::string unit_name;
  std::string certificate;
  std::string region;
  std::vector<std::string> experts;  // "id 姓名"
  std::string by_organ;              // the province's bureau (address)
  std::string inspector;             // the city bureau that carries it out (address)
  std::string inspector_name;
  calendar::Date report_by;  // its report is due then
  std::string findings;
  bool violation = false;
  std::string refer_to;  // 联动处置: the organ (address) the finding concerns
  std::string refer_to_name;
  std::string reported_by;
  int64_t reported_at = 0;
  State state = State::kAssigned;
  uint64_t version = 0;
};
// The city bureau's report: findings, whether they are a violation, and the department a
// finding concerns. Refused once reported, or without findings.
Result<UnitInspection> ReportInspection(const UnitInspection& i, const std::string& findings,
                                        bool violation, const std::string& refer_to,
                                        const std::string& refer_to_name, const std::string& by,
                                        int64_t now);
// Whether `copy` of an inspection may replace `held` (null: none held) on node `self`, sent by
// node `origin` (LN 四.1): the province's bureau (`by_is_provincial_bureau` per the receiver's own
// directory) assigns it to the inspector's node; the inspector's node reports it, once, to the
// bureau, changing nothing but the report; the bureau refers a report to a third node. Nothing
// else: no state going back, no version skipped, no fact of the assignment rewritten.
Status CheckInspectionStep(const UnitInspection* held, const UnitInspection& copy,
                           const std::string& origin, const std::string& self,
                           bool by_is_provincial_bureau);

// The credit entry a reported violation makes (LN 四.2), dated `day`.
std::optional<CreditEntry> CreditOf(const UnitInspection& i, calendar::Date day);

}  // namespace zhuji::workflows
