#include "services/workflows/responsible.h"

#include <algorithm>
#include <utility>

namespace zhuji::workflows {

namespace {

constexpr const char* kStatutoryMatters = "本机关全部定密事项";
constexpr const char* kHeadChanged = "主要负责人变更";
constexpr const char* kBecameStatutory = "任法定定密责任人";

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

bool ValidLevel(SecrecyLevel level) {
  return level >= SecrecyLevel::kMimi && level <= SecrecyLevel::kJuemi;
}

// "天河区教育局 (440106/jyj)".
std::string OrganLabel(const ResponsibleRegister& reg) {
  if (reg.organ_name.empty()) return reg.organ;
  if (reg.organ.empty()) return reg.organ_name;
  return reg.organ_name + " (" + reg.organ + ")";
}

// The same date `years` later, or the month's last day when that date does not exist.
calendar::Date AddYears(calendar::Date d, int years) {
  int y = d.year() + years, m = d.month();
  return calendar::Date::FromYmd(y, m, std::min(d.day(), calendar::DaysInMonth(y, m)));
}

// The highest level `p` may approve in `reg`.
SecrecyLevel EffectiveCeiling(const ResponsibleRegister& reg, const ResponsiblePerson& p) {
  if (p.statutory) return reg.organ_ceiling;
  return std::min(p.ceiling, reg.organ_ceiling);
}

// "王五 (法定定密责任人, 可审批至机密)", "李四 (指定定密责任人, 可审批至秘密, 至 2026-12-31)".
std::string Describe(const ResponsibleRegister& reg, const ResponsiblePerson& p) {
  std::string s = p.name + " (" + (p.statutory ? "法定定密责任人" : "指定定密责任人") +
                  ", 可审批至" + LevelZh(EffectiveCeiling(reg, p));
  if (p.until.days != 0) s += ", 至 " + p.until.ToString();
  return s + ")";
}

// "who may approve 机密 on 2025-06-01: …" for refusals.
std::string WhoMayApprove(const ResponsibleRegister& reg, SecrecyLevel level, calendar::Date day) {
  std::string list;
  for (const auto& p : reg.persons) {
    if (!p.LiveOn(day) || EffectiveCeiling(reg, p) < level) continue;
    list += (list.empty() ? "" : ", ") + Describe(reg, p);
  }
  std::string head = std::string("who may approve ") + LevelZh(level) + " on " + day.ToString();
  if (list.empty()) return head + ": nobody in the register of " + OrganLabel(reg);
  return head + ": " + list;
}

// Why a registered person is not live on `day`.
std::string WhyNotLive(const ResponsiblePerson& p, calendar::Date day) {
  const char* kind = p.statutory ? "法定定密责任人" : "指定定密责任人";
  if (p.revoked) {
    std::string s = std::string("was ") + kind + " until " +
                    calendar::CstDateOf(p.revoked_at).ToString() + ", ended";
    if (!p.revoked_by.empty()) s += " by " + p.revoked_by;
    if (!p.revoke_reason.empty()) s += " (" + p.revoke_reason + ")";
    return s;
  }
  if (day < p.from) return std::string("is ") + kind + " only from " + p.from.ToString();
  return std::string("was ") + kind + " until " + p.until.ToString() +
         ": the term (授权期限) ended";
}

// The last record of `name` (live or not), or null.
const ResponsiblePerson* LastRecord(const ResponsibleRegister& reg, const std::string& name) {
  for (auto it = reg.persons.rbegin(); it != reg.persons.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

std::string StatutoryNameOrNone(const ResponsibleRegister& reg, calendar::Date day) {
  const ResponsiblePerson* s = reg.Statutory(day);
  return s ? s->name : "none registered";
}

// Art. 19 ¶2 / Art. 22: `by` must be the live statutory person. `act` names what only it does;
// `designee_rule`, if any, is the rule quoted when `by` is a live designee.
Status CheckStatutoryActor(const ResponsibleRegister& reg, const std::string& by,
                           calendar::Date day, const std::string& article, const char* act,
                           const char* designee_rule) {
  const ResponsiblePerson* statutory = reg.Statutory(day);
  if (statutory && statutory->name == by) return Status::Ok();
  const ResponsiblePerson* live = reg.Find(by, day);
  std::string only = "only the 法定定密责任人 of " + OrganLabel(reg) + " (" +
                     StatutoryNameOrNone(reg, day) + ") " + act;
  if (live) {
    return Status::Error(article + ": " + by + " is a 指定定密责任人 of " + OrganLabel(reg) +
                         (designee_rule ? std::string(", and ") + designee_rule : "") + "; " +
                         only);
  }
  if (!statutory) {
    return Status::Error(article + ": " + OrganLabel(reg) +
                         " has no 法定定密责任人 registered (GD Art. 16 ¶1: its 主要负责人); " +
                         only);
  }
  return Status::Error(article + ": " + (by.empty() ? std::string("(nobody)") : by) +
                       " is not a 定密责任人 of " + OrganLabel(reg) + "; " + only);
}

Status CheckArt19Fields(const Designation& d, calendar::Date today) {
  std::string missing;
  auto need = [&missing](bool present, const char* what) {
    if (!present) missing += (missing.empty() ? "" : ", ") + std::string(what);
  };
  need(!Blank(d.name), "姓名 (name)");
  need(ValidLevel(d.ceiling), "定密权限 (ceiling)");
  need(!Blank(d.matters), "定密事项范围 (matters)");
  need(d.from.days != 0 && d.until.days != 0, "授权期限 (term: from and until)");
  need(!Blank(d.doc_number), "书面指定文号 (doc_number)");
  if (!missing.empty()) {
    return Status::Error(
        "GD Art. 19: a designation is made in writing and names the person, 定密权限, "
        "定密事项范围 and 授权期限; missing: " +
        missing);
  }
  if (d.until < d.from) {
    return Status::Error("GD Art. 19: the 授权期限 runs backwards: from " + d.from.ToString() +
                         " until " + d.until.ToString());
  }
  if (d.until < today) {
    return Status::Error("GD Art. 19: the 授权期限 ended on " + d.until.ToString() +
                         ", before today (" + today.ToString() + ")");
  }
  return Status::Ok();
}

Status CheckArt17(const ResponsibleRegister& reg, const std::string& name,
                  const Art17Declaration& a) {
  std::string missing;
  const bool met[kArt17Items] = {a.secret_personnel_conditions, a.leading_post, a.trained,
                                 a.familiar};
  for (int item = 1; item <= kArt17Items; ++item) {
    if (met[item - 1]) continue;
    if (!missing.empty()) missing += "; ";
    if (item == 2 && !reg.organ_has_original_authority) {
      missing +=
          "GD Art. 16 ¶2, 17 (二) 无原始定密权的机关、单位的指定定密责任人应为本机关、本单位"
          "分管涉密业务的负责人";
    } else {
      missing += std::string("GD Art. 17 ") + Art17ItemZh(item);
    }
  }
  if (missing.empty()) return Status::Ok();
  return Status::Error("GD Art. 17: " + name +
                       " is not declared to meet every condition of a 指定定密责任人: " + missing);
}

Status CheckArt18(const std::string& name, const Art18Record& r, calendar::Date today) {
  auto future = [&today](calendar::Date d, int item) {
    return Status::Error(std::string("GD Art. 18 ") + Art18ItemZh(item) + ": the date " +
                         d.ToString() + " is after today (" + today.ToString() + ")");
  };
  if (r.dismissal_or_worse && today < *r.dismissal_or_worse)
    return future(*r.dismissal_or_worse, 2);
  if (r.secrecy_discipline && today < *r.secrecy_discipline)
    return future(*r.secrecy_discipline, 3);
  for (const auto& v : r.secrecy_violations) {
    if (today < v) return future(v, 5);
  }

  std::vector<std::string> found;
  auto add = [&found](int item, const std::string& detail) {
    found.push_back(std::string(Art18ItemZh(item)) + detail);
  };
  if (r.criminal_liability) add(1, "");
  if (r.dismissal_or_worse && WithinYearsBefore(*r.dismissal_or_worse, today, 2)) {
    add(2, " (处分 " + r.dismissal_or_worse->ToString() + ")");
  }
  if (r.secrecy_discipline && WithinYearsBefore(*r.secrecy_discipline, today, 2)) {
    add(3, " (处分 " + r.secrecy_discipline->ToString() + ")");
  }
  if (r.unqualified_last_year) add(4, "");
  std::vector<calendar::Date> recent;
  for (const auto& v : r.secrecy_violations) {
    if (WithinYearsBefore(v, today, 2)) recent.push_back(v);
  }
  std::sort(recent.begin(), recent.end());
  for (size_t i = 1; i < recent.size(); ++i) {
    if (WithinYearsBefore(recent[i - 1], recent[i], 1)) {
      add(5, " (" + recent[i - 1].ToString() + ", " + recent[i].ToString() + ")");
      break;
    }
  }
  if (!Blank(r.other)) add(6, ": “" + r.other + "”");
  if (found.empty()) return Status::Ok();

  std::string list;
  for (const auto& f : found) list += (list.empty() ? "" : "; ") + f;
  return Status::Error("GD Art. 18: " + name + " 不得指定为定密责任人: " + list);
}

}  // namespace

const char* Art17ItemZh(int item) {
  switch (item) {
    case 1:
      return "(一) 涉密人员基本条件";
    case 2:
      return "(二) 机关、单位负责涉密业务工作的中层以上领导干部";
    case 3:
      return "(三) 经过定密业务培训合格，掌握定密专业知识和技能";
    case 4:
      return "(四) 熟悉本机关、本单位涉密业务工作";
  }
  return "?";
}

const char* Art18ItemZh(int item) {
  switch (item) {
    case 1:
      return "(一) 受过刑事责任追究";
    case 2:
      return "(二) 近两年来受过党纪政纪撤职(含)以上处分";
    case 3:
      return "(三) 近两年内有违反保密法律法规行为，受过党纪政纪处分";
    case 4:
      return "(四) 上一年度岗位考核被评为“不称职(不合格)”";
    case 5:
      return "(五) 近两年来，一年内有两次以上违反保密法律法规记录";
    case 6:
      return "(六) 保密法律法规规定的其他情形";
  }
  return "?";
}

bool WithinYearsBefore(calendar::Date event, calendar::Date today, int years) {
  return event <= today && today <= AddYears(event, years);
}

bool ResponsiblePerson::LiveOn(calendar::Date day) const {
  return !revoked && from <= day && (until.days == 0 || day <= until);
}

const ResponsiblePerson* ResponsibleRegister::Statutory(calendar::Date day) const {
  for (const auto& p : persons) {
    if (p.statutory && p.LiveOn(day)) return &p;
  }
  return nullptr;
}

const ResponsiblePerson* ResponsibleRegister::Find(const std::string& name,
                                                   calendar::Date day) const {
  for (const auto& p : persons) {
    if (p.name == name && p.LiveOn(day)) return &p;
  }
  return nullptr;
}

std::vector<ResponsiblePerson> ResponsibleRegister::Live(calendar::Date day) const {
  std::vector<ResponsiblePerson> out;
  for (const auto& p : persons) {
    if (p.LiveOn(day)) out.push_back(p);
  }
  return out;
}

Result<ResponsibleRegister> SetStatutory(const ResponsibleRegister& reg, std::string name,
                                         std::string post, std::string doc_number, int64_t now) {
  std::string missing;
  if (Blank(name)) missing += "姓名 (name)";
  if (Blank(post)) missing += (missing.empty() ? "" : ", ") + std::string("职务 (post)");
  if (Blank(doc_number)) {
    missing += (missing.empty() ? "" : ", ") + std::string("任职文件文号 (doc_number)");
  }
  if (!missing.empty()) {
    return Status::Error(
        "GD Art. 16 ¶1: the 法定定密责任人 is the organ's 主要负责人, named with its post and "
        "appointment; missing: " +
        missing);
  }
  const calendar::Date today = calendar::CstDateOf(now);
  ResponsibleRegister out = reg;
  for (auto& p : out.persons) {
    if (p.revoked) continue;
    if (p.statutory && p.name == name) {
      return Status::Error("GD Art. 16 ¶1: " + name + " is already the 法定定密责任人 of " +
                           OrganLabel(reg));
    }
    const bool ended_designee = !p.statutory && p.until.days != 0 && p.until < today;
    if (p.statutory || (p.name == name && !ended_designee)) {
      p.revoked = true;
      p.revoked_at = now;
      p.revoked_by = name;
      p.revoke_reason = p.statutory ? kHeadChanged : kBecameStatutory;
    }
  }
  ResponsiblePerson head;
  head.name = std::move(name);
  head.statutory = true;
  head.post = std::move(post);
  head.ceiling = reg.organ_ceiling;
  head.matters = kStatutoryMatters;
  head.from = today;
  head.doc_number = std::move(doc_number);
  head.designated_at = now;
  out.persons.push_back(std::move(head));
  ++out.version;
  out.changed_at = now;
  return out;
}

Result<ResponsibleRegister> Designate(const ResponsibleRegister& reg, const Designation& d,
                                      const std::string& by, const Art17Declaration& art17,
                                      const Art18Record& art18, calendar::Date today, int64_t now) {
  if (Status s =
          CheckStatutoryActor(reg, by, today, "GD Art. 16 ¶2, 19 ¶2", "designates 定密责任人",
                              "指定定密责任人不得指定其他人为定密责任人");
      !s.ok()) {
    return s;
  }
  if (Status s = CheckArt19Fields(d, today); !s.ok()) return s;
  for (const auto& p : reg.persons) {
    if (p.name != d.name || p.revoked) continue;
    if (p.LiveOn(today) || today < p.from) {
      return Status::Error("GD Art. 16 ¶2: " + Describe(reg, p) + " is already a 定密责任人 of " +
                           OrganLabel(reg) + " (" + p.doc_number + ")");
    }
  }
  if (d.ceiling > reg.organ_ceiling) {
    return Status::Error(std::string("GD Art. 16 ¶2, 19: the 定密权限 ") + LevelZh(d.ceiling) +
                         " exceeds the organ's own: " + OrganLabel(reg) + " may determine up to " +
                         LevelZh(reg.organ_ceiling));
  }
  if (Status s = CheckArt17(reg, d.name, art17); !s.ok()) return s;
  if (Status s = CheckArt18(d.name, art18, today); !s.ok()) return s;

  ResponsibleRegister out = reg;
  ResponsiblePerson p;
  p.name = d.name;
  p.post = d.post;
  p.ceiling = d.ceiling;
  p.matters = d.matters;
  p.from = d.from;
  p.until = d.until;
  p.doc_number = d.doc_number;
  p.designated_by = by;
  p.designated_at = now;
  out.persons.push_back(std::move(p));
  ++out.version;
  out.changed_at = now;
  return out;
}

Result<ResponsibleRegister> RevokeDesignation(const ResponsibleRegister& reg,
                                              const std::string& name, const std::string& by,
                                              std::string reason, calendar::Date today,
                                              int64_t now) {
  if (Status s = CheckStatutoryActor(reg, by, today, "GD Art. 22", "adjusts (调整) a designation",
                                     nullptr);
      !s.ok()) {
    return s;
  }
  if (Blank(reason)) {
    return Status::Error("GD Art. 22: adjusting the designation of " + name +
                         " states the reason (理由)");
  }
  ResponsibleRegister out = reg;
  for (auto& p : out.persons) {
    if (p.name != name || p.revoked) continue;
    if (p.statutory) {
      return Status::Error("GD Art. 16 ¶1: " + name + " is the 法定定密责任人 of " +
                           OrganLabel(reg) +
                           " by office (主要负责人); a change of head replaces it (SetStatutory)");
    }
    if (p.until.days != 0 && p.until < today) continue;  // ended by its term: nothing to end
    p.revoked = true;
    p.revoked_at = now;
    p.revoked_by = by;
    p.revoke_reason = std::move(reason);
    ++out.version;
    out.changed_at = now;
    return out;
  }
  const ResponsiblePerson* last = LastRecord(reg, name);
  if (last) {
    return Status::Error("GD Art. 22: " + name + " " + WhyNotLive(*last, today) +
                         "; no designation in force to adjust");
  }
  return Status::Error("GD Art. 22: " + name + " is not a 定密责任人 of " + OrganLabel(reg));
}

Status MayApprove(const ResponsibleRegister& reg, const std::string& name, SecrecyLevel level,
                  calendar::Date day) {
  const std::string article = "GD Art. 16 ¶3";
  const std::string rule = "除定密责任人外，其他人员不得审核批准国家秘密的确定、变更和解除";
  const ResponsiblePerson* p = reg.Find(name, day);
  if (!p) {
    const ResponsiblePerson* last = LastRecord(reg, name);
    std::string why =
        last ? name + " " + WhyNotLive(*last, day) + " of " + OrganLabel(reg)
             : name + " is not a 定密责任人 of " + OrganLabel(reg) + " (not registered)";
    return Status::Error(article + ": " + why + " (" + rule + "); " +
                         WhoMayApprove(reg, level, day));
  }
  if (EffectiveCeiling(reg, *p) < level) {
    std::string why = p->statutory || p->ceiling > reg.organ_ceiling
                          ? std::string("the 定密权限 of ") + OrganLabel(reg) + " is " +
                                LevelZh(reg.organ_ceiling)
                          : std::string("the 定密权限 of ") + name + " is " + LevelZh(p->ceiling);
    return Status::Error(article + ": " + name + " may not approve " + LevelZh(level) + ": " + why +
                         "; " + WhoMayApprove(reg, level, day));
  }
  return Status::Ok();
}

Status MayOverride(const ResponsibleRegister& reg, const std::string& overrider,
                   calendar::Date day) {
  return CheckStatutoryActor(reg, overrider, day, "GD Art. 22",
                             "may change (更改) a 指定定密责任人's 定密意见", nullptr);
}

}  // namespace zhuji::workflows
