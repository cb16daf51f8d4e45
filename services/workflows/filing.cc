#include "services/workflows/filing.h"

namespace zhuji::workflows {

namespace {

void Note(Filing& f, int64_t now, const std::string& organ, const std::string& action,
          const std::string& detail = "") {
  f.history.push_back({now, organ, action, detail});
  f.version += 1;
}

Status Where(const Filing& f, const char* step) {
  return Status::Error(std::string(step) + " is not possible now: filing " + f.id + " is " +
                       FilingStateZh(f.state));
}

}  // namespace

const char* FilingKindZh(FilingKind kind) {
  switch (kind) {
    case FilingKind::kGrant:
      return "定密授权决定备案";
    case FilingKind::kRevocation:
      return "撤销定密授权决定备案";
    case FilingKind::kGrantReceived:
      return "收到定密授权决定备案";
    case FilingKind::kRevocationReceived:
      return "收到撤销定密授权决定备案";
    case FilingKind::kRegionReport:
      return "定密授权备案情况报告";
    case FilingKind::kResponsible:
      return "定密责任人备案";
  }
  return "?";
}

const char* FilingKindName(FilingKind kind) {
  switch (kind) {
    case FilingKind::kGrant:
      return "grant";
    case FilingKind::kRevocation:
      return "revocation";
    case FilingKind::kGrantReceived:
      return "grant-received";
    case FilingKind::kRevocationReceived:
      return "revocation-received";
    case FilingKind::kRegionReport:
      return "region-report";
    case FilingKind::kResponsible:
      return "responsible";
  }
  return "?";
}

std::optional<FilingKind> ParseFilingKind(std::string_view text) {
  for (auto k :
       {FilingKind::kGrant, FilingKind::kRevocation, FilingKind::kGrantReceived,
        FilingKind::kRevocationReceived, FilingKind::kRegionReport, FilingKind::kResponsible}) {
    if (text == FilingKindName(k)) return k;
  }
  return std::nullopt;
}

const char* FilingRule(FilingKind kind) {
  switch (kind) {
    case FilingKind::kGrant:
    case FilingKind::kRevocation:
      return "GD Art. 13";
    case FilingKind::kGrantReceived:
    case FilingKind::kRevocationReceived:
      return "GD Art. 14";
    case FilingKind::kRegionReport:
      return "GD Art. 14 ¶2, policy";
    case FilingKind::kResponsible:
      return "GD Art. 21";
  }
  return "?";
}

const char* FilingStateZh(FilingState state) {
  switch (state) {
    case FilingState::kOwed:
      return "待报送 owed";
    case FilingState::kSent:
      return "已报送待回执 sent";
    case FilingState::kReceipted:
      return "已回执 receipted";
    case FilingState::kRefused:
      return "被退回 refused";
  }
  return "?";
}

const char* FilingStateName(FilingState state) {
  switch (state) {
    case FilingState::kOwed:
      return "owed";
    case FilingState::kSent:
      return "sent";
    case FilingState::kReceipted:
      return "receipted";
    case FilingState::kRefused:
      return "refused";
  }
  return "?";
}

std::vector<std::string> RequiredFilingMaterials(FilingKind kind, const Grant* grant) {
  switch (kind) {
    case FilingKind::kGrant: {
      // GD Art. 13 ¶2 (一)-(四); (五) "其他需要备案的材料" is optional.
      std::vector<std::string> m{"定密授权决定书"};
      if (!grant || !grant->proactive) m.push_back("被授权机关定密授权申请表");
      m.push_back("被授权机关近三年原始定密统计表");
      m.push_back("被授权机关定密责任人备案表");
      return m;
    }
    case FilingKind::kRevocation:
    case FilingKind::kRevocationReceived:
      return {"撤销定密授权决定书"};  // GD Art. 13 ¶3
    case FilingKind::kGrantReceived:
      return {"定密授权决定书"};  // GD Art. 14 names none: the decision received
    case FilingKind::kRegionReport:
      return {"定密授权备案情况报告"};
    case FilingKind::kResponsible:
      return {"定密责任人名单及有关情况"};  // GD Art. 21 "名单及有关情况"
  }
  return {};
}

FilingStep OweFiling(FilingKind kind, std::string id, const Organ& filer, const Organ& receiver,
                     std::string subject, std::string title, calendar::Date trigger,
                     const FilingPolicy& policy, int64_t now) {
  FilingStep s;
  Filing& f = s.filing;
  f.id = std::move(id);
  f.kind = kind;
  f.filer = filer;
  f.receiver = receiver;
  f.subject = std::move(subject);
  f.title = std::move(title);
  f.trigger = trigger;
  switch (kind) {
    case FilingKind::kGrant:
    case FilingKind::kRevocation:
      f.working_days = kGrantFilingWorkingDays;
      break;
    case FilingKind::kGrantReceived:
    case FilingKind::kRevocationReceived:
      f.working_days = kReceivedFilingWorkingDays;
      break;
    case FilingKind::kRegionReport:
      f.working_days = policy.region_report_working_days;
      break;
    case FilingKind::kResponsible:
      f.working_days = kResponsibleFilingWorkingDays;
      break;
  }
  Note(f, now, filer.name, "应备案 owed",
       std::string(FilingKindZh(kind)) + " → " + receiver.name + "，" + FilingRule(kind) + " " +
           std::to_string(f.working_days) + " 个工作日，自 " + trigger.ToString() + " 起");
  s.duty = DutyChange::kOpen;
  return s;
}

Result<FilingStep> SubmitFiling(const Filing& in, std::set<std::string> materials, std::string by,
                                int64_t now) {
  if (in.state != FilingState::kOwed && in.state != FilingState::kRefused) {
    return Where(in, "submit");
  }
  if (by.empty()) return Status::Error("a filing names who submitted it (--by)");
  FilingStep s{in, {}, DutyChange::kNone};
  Filing& f = s.filing;
  f.materials.insert(materials.begin(), materials.end());
  const Grant* grant = f.grant ? &*f.grant : nullptr;
  std::vector<std::string> required = RequiredFilingMaterials(f.kind, grant);
  required.insert(required.end(), f.asked.begin(), f.asked.end());  // what a refusal named
  for (const auto& need : required) {
    if (!f.materials.count(need)) {
      return Status::Error(std::string(FilingRule(f.kind)) + ": the " + FilingKindZh(f.kind) +
                           " lacks 「" + need + "」 (--materials); not sent, its deadline runs on");
    }
  }
  f.state = FilingState::kSent;
  f.sent_at = now;
  if (!f.first_sent_at) f.first_sent_at = now;
  f.received_at = 0;
  f.sent_by = std::move(by);
  f.refusal.clear();
  std::string list;
  for (const auto& m : f.materials) list += (list.empty() ? "" : "、") + m;
  Note(f, now, f.filer.name, "报送备案 filed",
       "→ " + f.receiver.name + "：" + list + " — " + f.sent_by);
  s.send_to = f.receiver.node;
  s.duty = DutyChange::kMet;
  return s;
}

FilingStep ReceiveFiling(const Filing& in, int64_t now) {
  FilingStep s{in, {}, DutyChange::kNone};
  if (in.state != FilingState::kSent || in.received_at) return s;
  s.filing.received_at = now;
  Note(s.filing, now, in.receiver.name, "收到备案 received");
  return s;
}

Result<FilingStep> ReceiptFiling(const Filing& in, std::string number, std::string by,
                                 int64_t now) {
  if (in.state != FilingState::kSent || !in.received_at) return Where(in, "a 回执");
  if (number.empty()) return Status::Error("a 回执 has its number (--number)");
  if (by.empty()) return Status::Error("a 回执 names who issued it (--by)");
  FilingStep s{in, in.filer.node, DutyChange::kClose};
  Filing& f = s.filing;
  f.state = FilingState::kReceipted;
  f.receipt_number = std::move(number);
  f.answered_by = std::move(by);
  f.answered_at = now;
  Note(f, now, f.receiver.name, "回执 receipted", f.receipt_number + " — " + f.answered_by);
  return s;
}

Result<FilingStep> RefuseFiling(const Filing& in, std::string missing, std::string by,
                                int64_t now) {
  if (in.state != FilingState::kSent || !in.received_at) return Where(in, "a refusal");
  if (missing.empty()) return Status::Error("a refusal names the material missing (--missing)");
  if (by.empty()) return Status::Error("a refusal names who refused (--by)");
  FilingStep s{in, in.filer.node, DutyChange::kRunOn};
  Filing& f = s.filing;
  f.state = FilingState::kRefused;
  f.refusal = std::move(missing);
  f.answered_by = std::move(by);
  f.answered_at = now;
  // The material named is required from now on, and no longer counted as given.
  f.materials.erase(f.refusal);
  f.asked.insert(f.refusal);
  Note(f, now, f.receiver.name, "退回 refused",
       "缺少 missing 「" + f.refusal + "」 — " + f.answered_by);
  return s;
}

Status CheckFilingCopy(const Filing* held, const Filing& copy, const std::string& sender) {
  if (copy.id.empty() || copy.version == 0 || copy.history.empty()) {
    return Status::Error("a filing copy without its id, version or history");
  }
  bool answer = copy.state == FilingState::kReceipted || copy.state == FilingState::kRefused;
  const std::string& from = answer ? copy.receiver.node : copy.filer.node;
  if (sender != from) {
    return Status::Error("filing " + copy.id + " (" + FilingStateName(copy.state) +
                         ") sent by node " + sender + ", not by " +
                         (answer ? "the receiver's" : "the filer's") + " node " + from);
  }
  if (copy.state == FilingState::kOwed) {
    return Status::Error("filing " + copy.id + " is owed, not sent: nothing to send");
  }
  if (!held) return Status::Ok();
  if (held->kind != copy.kind || held->filer.address() != copy.filer.address() ||
      held->receiver.address() != copy.receiver.address() || held->subject != copy.subject) {
    return Status::Error("filing " + copy.id + ": the copy names other parties than the one held");
  }
  return Status::Ok();
}

}  // namespace zhuji::workflows
