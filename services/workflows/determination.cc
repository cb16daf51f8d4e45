#include "services/workflows/determination.h"

#include <set>

namespace zhuji::workflows {

namespace {

void Note(Determination& d, int64_t now, const std::string& who, const std::string& action,
          const std::string& detail) {
  d.history.push_back({now, who, action, detail});
}

}  // namespace

const ScopeEntry* ScopeList::Entry(int no) const {
  for (const auto& e : entries) {
    if (e.no == no) return &e;
  }
  return nullptr;
}

const char* DeterminationStateZh(DeterminationState s) {
  switch (s) {
    case DeterminationState::kProposed:
      return "待审核批准 proposed";
    case DeterminationState::kReturned:
      return "退回重新办理 returned";
    case DeterminationState::kApproved:
      return "已确定 approved";
    case DeterminationState::kReleased:
      return "已解密 released";
  }
  return "?";
}

const char* DeterminationStateName(DeterminationState s) {
  switch (s) {
    case DeterminationState::kProposed:
      return "proposed";
    case DeterminationState::kReturned:
      return "returned";
    case DeterminationState::kApproved:
      return "approved";
    case DeterminationState::kReleased:
      return "released";
  }
  return "?";
}

Result<ScopeList> ApproveScopeList(const ScopeList* held, std::vector<ScopeEntry> entries,
                                   const ResponsibleRegister& reg, const std::string& by,
                                   calendar::Date today, int64_t now) {
  const ResponsiblePerson* head = reg.Statutory(today);
  if (!head || head->name != by) {
    return Status::Error("GD Art. 26: the 保密事项一览表 of " + reg.organ_name +
                         " is approved by its 法定定密责任人" +
                         (head ? " (" + head->name + ")" : std::string(", none registered")) +
                         ", not by " + (by.empty() ? std::string("nobody (--by)") : by));
  }
  if (!reg.organ_has_original_authority) {
    return Status::Error("GD Art. 25, 29: " + reg.organ_name +
                         " has no classification authority: it determines nothing itself and "
                         "asks the superior with authority (matter request)");
  }
  if (entries.empty()) return Status::Error("GD Art. 25: the 一览表 lists at least one matter");
  std::set<std::string> names;
  for (size_t i = 0; i < entries.size(); ++i) {
    ScopeEntry& e = entries[i];
    e.no = static_cast<int>(i) + 1;
    std::string where = "GD Art. 25: entry " + std::to_string(e.no) + " (" + e.name + ")";
    if (e.name.empty())
      return Status::Error("GD Art. 25: entry " + std::to_string(e.no) + " has no name");
    if (!names.insert(e.name).second) return Status::Error(where + " is listed twice");
    if (e.basis.empty()) return Status::Error(where + " names no 法律法规依据 (basis)");
    if (e.scope.empty()) return Status::Error(where + " has no 知悉范围 (scope)");
    if (e.department.empty()) return Status::Error(where + " has no 承办部门 (department)");
    if (Status st = CheckProtection(e.protection); !st.ok()) {
      return Status::Error(where + ": " + st.message());
    }
    if (e.protection.level > reg.organ_ceiling) {
      return Status::Error("GD Art. 25 ¶3: entry " + std::to_string(e.no) + " (" + e.name +
                           ") is " + LevelZh(e.protection.level) + ", beyond " + reg.organ_name +
                           "'s authority (" + LevelZh(reg.organ_ceiling) + ")");
    }
  }
  ScopeList list;
  list.organ = reg.organ;
  list.version = held ? held->version + 1 : 1;
  list.entries = std::move(entries);
  list.approved_by = by;
  list.approved_at = now;
  return list;
}

Result<Determination> ProposeDetermination(const Determination* held, std::string id,
                                           const ScopeList& list, const Proposal& p,
                                           calendar::Date today, int64_t now) {
  if (held && held->state != DeterminationState::kReturned) {
    return Status::Error("determination " + held->id + " is " + DeterminationStateZh(held->state) +
                         ": it is not with the handler");
  }
  const ScopeEntry* entry = list.Entry(p.entry_no);
  if (!entry) {
    return Status::Error(
        "GD Art. 27 (一): the proposal refers to an entry of the organ's "
        "保密事项一览表 (version " +
        std::to_string(list.version) + " has no entry " + std::to_string(p.entry_no) +
        "); a matter the list does not cover is "
        "an unclear matter (matter report)");
  }
  if (Status st = CheckProtection(p.protection); !st.ok()) {
    return Status::Error("GD Art. 27 (一): the proposed level: " + st.message());
  }
  if (p.protection.level > entry->protection.level) {
    return Status::Error(std::string("GD Art. 25 ¶3, 27: entry ") + std::to_string(entry->no) +
                         " (" + entry->name + ") is " + LevelZh(entry->protection.level) +
                         "; the proposal cannot be " + LevelZh(p.protection.level));
  }
  if (p.scope.empty())
    return Status::Error("GD Art. 27 (一): the proposal states its 知悉范围 (--scope)");
  if (p.basis.empty() || p.reasons.empty()) {
    return Status::Error(
        "GD Art. 27 (一): the proposal states its 依据和理由 (--basis, --reasons)");
  }
  if (p.handler.empty())
    return Status::Error("GD Art. 27 (一): the proposal names its 承办人 (--by)");
  if (p.title.empty()) return Status::Error("a title is required");
  if (p.arose_on.days > today.days) {
    return Status::Error("GD Art. 28: the matter cannot have arisen on " + p.arose_on.ToString() +
                         ", after today (" + today.ToString() + ")");
  }
  Determination d = held ? *held : Determination{};
  if (!held) {
    d.id = std::move(id);
    d.organ = list.organ;
    d.arose_on = p.arose_on;
  }
  d.title = p.title;
  d.entry_no = entry->no;
  d.list_version = list.version;
  d.entry_name = entry->name;
  d.proposed = p.protection;
  d.scope = p.scope;
  d.scope_organs = p.scope_organs;
  d.basis = p.basis;
  d.reasons = p.reasons;
  d.key_points = p.key_points;
  d.handler = p.handler;
  d.proposed_at = now;
  d.state = DeterminationState::kProposed;
  d.return_reason.clear();
  Note(d, now, p.handler, held ? "重新提出承办意见 proposed again" : "承办意见 proposed",
       FormatMark(p.protection) + "，知悉范围 " + p.scope + "，一览表第 " +
           std::to_string(entry->no) + " 项「" + entry->name + "」，依据 " + p.basis);
  return d;
}

namespace {
Status WithHandlerDone(const Determination& d, const char* step) {
  if (d.state == DeterminationState::kProposed) return Status::Ok();
  return Status::Error(std::string(step) + " is not possible now: determination " + d.id + " is " +
                       DeterminationStateZh(d.state));
}
}  // namespace

Result<Determination> ApproveDetermination(const Determination& in, const ResponsibleRegister& reg,
                                           const std::string& by,
                                           const std::optional<Protection>& correction,
                                           const std::string& corrected_scope,
                                           const std::vector<std::string>* corrected_organs,
                                           calendar::Date today, int64_t now) {
  if (Status st = WithHandlerDone(in, "approval"); !st.ok()) return st;
  Protection p = correction ? *correction : in.proposed;
  if (correction) {
    if (Status st = CheckProtection(p); !st.ok()) {
      return Status::Error("GD Art. 27 (二): the correction: " + st.message());
    }
  }
  if (p.level > reg.organ_ceiling || !reg.organ_has_original_authority) {
    return Status::Error("GD Art. 23: " + reg.organ_name + " may not determine " +
                         LevelZh(p.level));
  }
  // GD Art. 16 ¶3: only a 定密责任人 of the organ, within their ceiling.
  if (Status st = MayApprove(reg, by, p.level, today); !st.ok()) return st;
  Determination d = in;
  d.state = DeterminationState::kApproved;
  d.protection = p;
  d.corrected = correction.has_value() ||
                (!corrected_scope.empty() && corrected_scope != in.scope) ||
                (corrected_organs && *corrected_organs != in.scope_organs);
  if (!corrected_scope.empty()) d.scope = corrected_scope;
  if (corrected_organs) d.scope_organs = *corrected_organs;
  d.approved_by = by;
  d.approved_at = now;
  d.version = 1;
  d.determined_on = today;
  Note(d, now, by, d.corrected ? "直接纠正并批准 corrected and approved" : "审核批准 approved",
       FormatMark(d.protection) + "，知悉范围 " + d.scope);
  return d;
}

Result<Determination> ReturnDetermination(const Determination& in, const ResponsibleRegister& reg,
                                          const std::string& by, std::string reason,
                                          calendar::Date today, int64_t now) {
  if (Status st = WithHandlerDone(in, "a return"); !st.ok()) return st;
  if (Status st = MayApprove(reg, by, in.proposed.level, today); !st.ok()) return st;
  if (reason.empty()) return Status::Error("GD Art. 27 (二): a return says why (--reason)");
  Determination d = in;
  d.state = DeterminationState::kReturned;
  d.return_reason = std::move(reason);
  Note(d, now, by, "退回重新办理 returned", d.return_reason);
  return d;
}

}  // namespace zhuji::workflows
