#include "services/workflows/licensing.h"

#include <algorithm>

namespace zhuji::workflows {

const char* LicenceItemZh(LicenceItem item) {
  switch (item) {
    case LicenceItem::kWeaponsSecrecy:
      return "武器装备科研生产单位保密资格";
    case LicenceItem::kCarrierProduction:
      return "国家秘密载体制作、复制、维修、销毁定点单位乙级资质";
    case LicenceItem::kSystemIntegration:
      return "涉密信息系统集成乙级资质";
  }
  return "";
}

const char* LicenceItemCode(LicenceItem item) {
  switch (item) {
    case LicenceItem::kWeaponsSecrecy:
      return "weapons-secrecy";
    case LicenceItem::kCarrierProduction:
      return "carrier-production";
    case LicenceItem::kSystemIntegration:
      return "system-integration";
  }
  return "";
}

std::optional<LicenceItem> ParseLicenceItem(std::string_view code) {
  for (auto item : {LicenceItem::kWeaponsSecrecy, LicenceItem::kCarrierProduction,
                    LicenceItem::kSystemIntegration}) {
    if (code == LicenceItemCode(item)) return item;
  }
  return std::nullopt;
}

bool DecidedJointly(LicenceItem item) { return item == LicenceItem::kWeaponsSecrecy; }

Status CheckGrade(LicenceItem item, const std::string& grade) {
  if (item == LicenceItem::kWeaponsSecrecy) {
    if (grade == "二级") return Status::Ok();
    if (grade == "三级") {
      return Status::Error(
          "武器装备科研生产单位三级保密资格已取消 (LN 二.1: 由三级调整为两级，取消三级资格): "
          "only 二级 is licensed by the provincial bureau");
    }
    if (grade == "一级") {
      return Status::Error(
          "一级保密资格 is not licensed by a provincial bureau (LN 一: 二级 only)");
    }
    return Status::Error("grade '" + grade + "': " + LicenceItemZh(item) + " is licensed as 二级");
  }
  if (grade == "乙级") return Status::Ok();
  if (grade == "甲级") {
    return Status::Error(std::string("甲级 of ") + LicenceItemZh(item) +
                         " is not licensed by a provincial bureau (LN 一: 乙级 only)");
  }
  return Status::Error("grade '" + grade + "': " + LicenceItemZh(item) + " is licensed as 乙级");
}

std::vector<std::string> DefaultMaterials(LicenceItem item) {
  // The default list of an installation; `[licensing]` of the province's configuration may
  // replace it (issue #16). Item (1) asks for the filed annual report, never the audit (LN 二.2).
  std::vector<std::string> m = {"申请书",       "营业执照副本",
                                "保密管理制度", "保密工作机构及人员情况",
                                "涉密人员名单", "保密承诺书"};
  if (item == LicenceItem::kWeaponsSecrecy) m.push_back(kAnnualEnterpriseReport);
  return m;
}

std::vector<std::string> MissingMaterials(const std::vector<std::string>& required,
                                          const std::vector<std::string>& submitted) {
  std::vector<std::string> missing;
  for (const auto& r : required) {
    if (std::find(submitted.begin(), submitted.end(), r) == submitted.end()) missing.push_back(r);
  }
  return missing;
}

Result<LicenceDeadlines> ComputeDeadlines(const LicenceCase& c, const calendar::Calendar& cal,
                                          calendar::Date today) {
  using calendar::Date;
  LicenceDeadlines d;
  // Art. 32: accept, or tell the applicant once and in full what is missing, within 5 WD.
  d.acceptance = cal.AddWorkingDays(c.received, 5);
  if (c.notified_missing && *c.notified_missing < c.received) {
    return Status::Error("the notice of missing material (" + c.notified_missing->ToString() +
                         ") is before the material arrived (" + c.received.ToString() + ")");
  }
  if (c.completed && !c.notified_missing) {
    return Status::Error("material completed on " + c.completed->ToString() +
                         " but nothing was notified missing");
  }
  if (c.completed && *c.completed < *c.notified_missing) {
    return Status::Error("material completed (" + c.completed->ToString() +
                         ") before the notice of what was missing (" +
                         c.notified_missing->ToString() + ")");
  }
  if (c.accepted && *c.accepted < c.received) {
    return Status::Error("accepted (" + c.accepted->ToString() + ") before the material arrived (" +
                         c.received.ToString() + ")");
  }
  bool notice_in_time = c.notified_missing && *c.notified_missing <= d.acceptance.date;
  if (notice_in_time) {
    // Accepted once the missing material is complete (Art. 32 ¶1 (5)).
    if (c.completed) d.accepted_on = *c.completed;
  } else if (c.accepted && *c.accepted <= d.acceptance.date && !c.notified_missing) {
    d.accepted_on = *c.accepted;
  } else if (c.notified_missing || (c.accepted && *c.accepted > d.acceptance.date) ||
             today > d.acceptance.date) {
    // A notice too late, an acceptance too late, or none within 5 WD: accepted on the day of
    // receipt (Art. 32 "逾期不告知的，自收到申请材料之日起即为受理").
    d.accepted_on = c.received;
    d.deemed_accepted = true;
  }
  if (!d.accepted_on) return d;

  // Art. 42: 20 WD from acceptance, +10 with the head's approval; jointly 45, +15.
  bool joint = DecidedJointly(c.item);
  d.decision_working_days = (joint ? 45 : 20) + (c.extended ? (joint ? 15 : 10) : 0);
  // Art. 45: expert review and the like are not counted.
  for (const auto& p : c.uncounted) {
    if (p.to < p.from) {
      return Status::Error("the uncounted period '" + p.why + "' ends (" + p.to.ToString() +
                           ") before it begins (" + p.from.ToString() + ")");
    }
    Date from = std::max(p.from, *d.accepted_on + 1);
    if (p.to < from) continue;
    d.uncounted_working_days += cal.WorkingDaysBetween(from - 1, p.to);
  }
  d.decision =
      cal.AddWorkingDays(*d.accepted_on, d.decision_working_days + d.uncounted_working_days);
  if (c.granted) {
    if (*c.granted < *d.accepted_on) {
      return Status::Error("granted (" + c.granted->ToString() + ") before it was accepted (" +
                           d.accepted_on->ToString() + ")");
    }
    d.certificate = cal.AddWorkingDays(*c.granted, 10);  // Art. 44
  }
  return d;
}

calendar::Date RenewalApplicationDue(calendar::Date expires) { return expires - 30; }

bool DeemedContinued(calendar::Date expires, calendar::Date applied,
                     std::optional<calendar::Date> decided) {
  return applied <= RenewalApplicationDue(expires) && (!decided || expires < *decided);
}

}  // namespace zhuji::workflows
