#include "services/workflows/secret_change.h"

#include <algorithm>
#include <set>

namespace zhuji::workflows {

namespace {

void Note(Determination& d, int64_t now, const std::string& who, const std::string& action,
          const std::string& detail) {
  d.history.push_back({now, who, action, detail});
}

std::string DayText(std::optional<calendar::Date> day) {
  return day ? day->ToString() : std::string("解密条件 (by a decision only)");
}

bool Approved(const Determination& d) { return d.state == DeterminationState::kApproved; }

}  // namespace

std::optional<calendar::Date> ReleasesOn(const Determination& d) {
  if (d.version == 0) return std::nullopt;
  switch (d.protection.kind) {
    case Protection::Kind::kTerm:
      return calendar::AddMonths(d.determined_on, d.protection.term_months);
    case Protection::Kind::kReleaseDate:
      return d.protection.release_date;
    case Protection::Kind::kReleaseCondition:
      return std::nullopt;
  }
  return std::nullopt;
}

const char* ChangeKindZh(ChangeKind k) {
  switch (k) {
    case ChangeKind::kDetermine:
      return "确定 determined";
    case ChangeKind::kExtend:
      return "延长保密期限 extended";
    case ChangeKind::kShorten:
      return "缩短保密期限 shortened";
    case ChangeKind::kChange:
      return "变更 changed";
    case ChangeKind::kRelease:
      return "解除 released";
  }
  return "?";
}

const char* ChangeKindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kDetermine:
      return "determine";
    case ChangeKind::kExtend:
      return "extend";
    case ChangeKind::kShorten:
      return "shorten";
    case ChangeKind::kChange:
      return "change";
    case ChangeKind::kRelease:
      return "release";
  }
  return "?";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (ChangeKind k :
       {ChangeKind::kExtend, ChangeKind::kShorten, ChangeKind::kChange, ChangeKind::kRelease}) {
    if (name == ChangeKindName(k)) return k;
  }
  return std::nullopt;
}

const char* ChangeGroundZh(ChangeGround g) {
  switch (g) {
    case ChangeGround::kOwn:
      return "工作需要 the organ's own (GD Art. 35 (一))";
    case ChangeGround::kSuperior:
      return "上级机关、单位或者业务主管部门通知 (GD Art. 35 (二), 38 (一))";
    case ChangeGround::kSecrecyDept:
      return "保密行政管理部门建议 (GD Art. 35 (三), 38 (二))";
    case ChangeGround::kPublished:
      return "正式公布 published (GD Art. 40)";
  }
  return "?";
}

const char* ChangeGroundName(ChangeGround g) {
  switch (g) {
    case ChangeGround::kOwn:
      return "own";
    case ChangeGround::kSuperior:
      return "superior";
    case ChangeGround::kSecrecyDept:
      return "secrecy-dept";
    case ChangeGround::kPublished:
      return "published";
  }
  return "?";
}

std::optional<ChangeGround> ParseChangeGround(std::string_view name) {
  for (ChangeGround g : {ChangeGround::kOwn, ChangeGround::kSuperior, ChangeGround::kSecrecyDept,
                         ChangeGround::kPublished}) {
    if (name == ChangeGroundName(g)) return g;
  }
  return std::nullopt;
}

Result<ChangeDecision> DecideChange(const Determination& d, const ChangeRequest& r,
                                    const ResponsibleRegister& reg,
                                    const calendar::Calendar& calendar, calendar::Date today,
                                    int64_t now) {
  const char* what = ChangeKindZh(r.kind);
  if (!Approved(d)) {
    return Status::Error(std::string("GD Art. 35-40: ") + what + " applies to an item in force; " +
                         d.id + " is " + DeterminationStateZh(d.state));
  }
  if (r.kind == ChangeKind::kDetermine) return Status::Error("not a change");
  if (r.doc_number.empty() || r.reason.empty()) {
    return Status::Error(std::string("GD Art. 35-40: the decision (") + what +
                         ") is written: its 文号 (--doc) and reason (--reason)");
  }
  if ((r.ground == ChangeGround::kSuperior || r.ground == ChangeGround::kSecrecyDept) &&
      r.source.empty()) {
    return Status::Error(std::string("GD Art. 35, 38: a decision on the ground of ") +
                         ChangeGroundZh(r.ground) +
                         " names that notice or recommendation (--source)");
  }
  if (r.ground == ChangeGround::kPublished && r.kind != ChangeKind::kRelease) {
    return Status::Error("GD Art. 40: publication (正式公布) is a ground for a release only");
  }
  std::optional<calendar::Date> old_end = ReleasesOn(d);
  if (old_end && *old_end <= today) {
    return Status::Error("GD Art. 39: " + d.id + "'s term ended on " + old_end->ToString() +
                         ": it is released by itself");
  }
  Determination after = d;
  ChangeDecision out;
  const bool changes_mark = r.kind != ChangeKind::kRelease;
  if (changes_mark) {
    if (!r.protection && r.kind != ChangeKind::kChange) {
      return Status::Error(std::string("GD Art. 36, 37: ") + what +
                           " gives the new term or 解密时间 (--mark, counted from 确定之日 " +
                           d.determined_on.ToString() + ")");
    }
    if (r.protection) {
      if (Status st = CheckProtection(*r.protection); !st.ok()) {
        return Status::Error(std::string(what) + ": " + st.message());
      }
      after.protection = *r.protection;
    }
    if (r.scope_organs) after.scope_organs = *r.scope_organs;
    if (!r.scope.empty()) after.scope = r.scope;
  }
  std::optional<calendar::Date> new_end = ReleasesOn(after);
  // x ends later than y; a 解密条件 has no end by itself: later than any day.
  auto ends_later = [](std::optional<calendar::Date> x, std::optional<calendar::Date> y) {
    return !x ? y.has_value() : (y && *x > *y);
  };
  switch (r.kind) {
    case ChangeKind::kExtend: {
      if (after.protection.level != d.protection.level) {
        return Status::Error("GD Art. 36: an extension keeps the level; a new level is a change");
      }
      if (!old_end) {
        return Status::Error("GD Art. 36: " + d.id +
                             " is released by a 解密条件, not at the end of a term: nothing to "
                             "extend");
      }
      if (!ends_later(new_end, old_end)) {
        return Status::Error("GD Art. 36: the new end (" + DayText(new_end) +
                             ") is not later than the old one (" + old_end->ToString() + ")");
      }
      calendar::Date opens = calendar.WorkingDayBefore(*old_end, kExtendWindowWorkingDays);
      if (today < opens) {
        return Status::Error(
            "GD Art. 36: an extension is decided within the last 30 working "
            "days before the term ends (" +
            old_end->ToString() + "): not before " + opens.ToString());
      }
      out.rule = "GD Art. 36";
      out.notice_due_day = calendar.WorkingDayBefore(*old_end, kExtendNoticeWorkingDays);
      break;
    }
    case ChangeKind::kShorten:
      if (after.protection.level != d.protection.level) {
        return Status::Error("GD Art. 37: a shortening keeps the level; a new level is a change");
      }
      if (!new_end || (old_end && *new_end >= *old_end)) {
        return Status::Error("GD Art. 37: the new end (" + DayText(new_end) +
                             ") is not earlier than the old one (" + DayText(old_end) + ")");
      }
      if (*new_end <= today) {
        return Status::Error("GD Art. 37: the shortened term would have ended by " +
                             new_end->ToString() + ": that is a release (--kind release)");
      }
      out.rule = "GD Art. 37";
      break;
    case ChangeKind::kChange:
      // A later end (a later date, or a 解密条件 in place of a date) is an extension whatever
      // else changes: decided in the Art. 36 window with its notice before the old end.
      if (ends_later(new_end, old_end)) {
        return Status::Error("GD Art. 36: the change makes the item end later (" +
                             DayText(new_end) + " instead of " + DayText(old_end) +
                             "): that is an extension (--kind extend), decided within the last "
                             "30 working days");
      }
      if (after.protection.level == d.protection.level && new_end != old_end) {
        return Status::Error(
            "GD Art. 37: an earlier end of the same level is a shortening "
            "(--kind shorten)");
      }
      if (after.protection == d.protection && after.scope_organs == d.scope_organs &&
          after.scope == d.scope) {
        return Status::Error(
            "GD Art. 35: the change changes nothing (--mark, --scope, "
            "--scope-organs)");
      }
      if (new_end && *new_end <= today) {
        return Status::Error("GD Art. 35: the changed term would have ended by " +
                             new_end->ToString() + ": that is a release (--kind release)");
      }
      if (after.protection.level > reg.organ_ceiling || !reg.organ_has_original_authority) {
        return Status::Error("GD Art. 23: " + reg.organ_name + " may not determine " +
                             LevelZh(after.protection.level));
      }
      out.rule = "GD Art. 40";
      break;
    case ChangeKind::kRelease:
      out.rule = r.ground == ChangeGround::kPublished ? "" : "GD Art. 40";
      break;
    case ChangeKind::kDetermine:
      break;
  }
  // GD Art. 16 ¶3: a 定密责任人 of the organ, within their ceiling for the old and new level.
  if (Status st =
          MayApprove(reg, r.by, std::max(d.protection.level, after.protection.level), today);
      !st.ok()) {
    return st;
  }
  after.version = d.version + 1;
  after.reviewed_year = today.year();  // GD Art. 34: a decision in the year is its review
  std::string detail = std::string(ChangeGroundZh(r.ground)) +
                       (r.source.empty() ? "" : " " + r.source) + "；" + r.doc_number + "；" +
                       r.reason;
  if (r.kind == ChangeKind::kRelease) {
    after.state = DeterminationState::kReleased;
    after.released_on = today;
    after.release_reason = "解除 " + r.doc_number + "：" + r.reason +
                           "（GD Art. 39: 按内部事项管理 managed as an internal matter）";
    Note(after, now, r.by, "解除 released (GD Art. 38, 40)", detail);
  } else {
    Note(after, now, r.by, std::string(what) + " (" + out.rule + ")",
         FormatMark(d.protection) + " → " + FormatMark(after.protection) + "；" + detail);
  }
  out.notice_owed = !out.rule.empty();
  std::set<std::string> to(d.scope_organs.begin(), d.scope_organs.end());
  to.insert(after.scope_organs.begin(), after.scope_organs.end());
  to.erase(d.organ);
  out.recipients.assign(to.begin(), to.end());
  out.after = std::move(after);
  return out;
}

Result<Determination> ReviewKeep(const Determination& d, const ResponsibleRegister& reg,
                                 const std::string& by, calendar::Date today, int64_t now) {
  if (!Approved(d)) {
    return Status::Error("GD Art. 34: the yearly review covers items in force; " + d.id + " is " +
                         DeterminationStateZh(d.state));
  }
  if (Status st = MayApprove(reg, by, d.protection.level, today); !st.ok()) return st;
  Determination after = d;
  after.reviewed_year = today.year();
  Note(after, now, by, "年度审核 reviewed: 保持 kept (GD Art. 34)",
       FormatMark(d.protection) + "，" + std::to_string(today.year()) + " 年度");
  return after;
}

std::vector<const Determination*> DueForReview(const std::vector<Determination>& all,
                                               const std::string& organ, int year) {
  std::vector<const Determination*> out;
  calendar::Date first = calendar::Date::FromYmd(year, 1, 1);
  for (const auto& d : all) {
    if (d.organ == organ && Approved(d) && d.determined_on < first && d.reviewed_year < year) {
      out.push_back(&d);
    }
  }
  return out;
}

bool ReleaseIfDue(Determination& d, calendar::Date today, int64_t now) {
  if (!Approved(d)) return false;
  std::optional<calendar::Date> end = ReleasesOn(d);
  if (!end || *end > today) return false;
  d.state = DeterminationState::kReleased;
  d.released_on = *end;
  d.release_reason = "保密期限届满自行解密 the term ended (" + FormatMark(d.protection) +
                     "); GD Art. 39: 按内部事项管理 managed as an internal matter";
  Note(d, now, "", "自行解密 released at the end of its term (GD Art. 39)", end->ToString());
  return true;
}

Status CheckSecretCopy(const Determination* held, const Determination& copy,
                       const std::string& origin, bool* newer) {
  auto slash = copy.organ.find('/');
  if (slash == std::string::npos || copy.organ.substr(0, slash) != origin) {
    return Status::Error("determination " + copy.id + " of " + copy.organ + " sent by node " +
                         origin + ", not by its organ's node");
  }
  if (copy.id.rfind(copy.organ + "/", 0) != 0) {
    return Status::Error("determination " + copy.id + " is not numbered by its organ " +
                         copy.organ);
  }
  if (copy.version == 0 || copy.state == DeterminationState::kProposed ||
      copy.state == DeterminationState::kReturned) {
    return Status::Error("determination " + copy.id +
                         " is sent to the organs in its 知悉范围 only once approved");
  }
  if (Status st = CheckProtection(copy.protection); !st.ok()) {
    return Status::Error("determination " + copy.id + ": " + st.message());
  }
  if (held && held->organ != copy.organ) {
    return Status::Error("determination " + copy.id + " changed its organ");
  }
  *newer = !held || copy.version > held->version;
  return Status::Ok();
}

size_t SecretNotice::receipted() const {
  return std::count_if(recipients.begin(), recipients.end(),
                       [](const NoticeRecipient& r) { return r.receipted_at != 0; });
}

std::vector<std::string> SecretNotice::Receipt(const std::set<std::string>& who, int64_t at,
                                               int64_t at_recipient) {
  std::vector<std::string> done;
  for (auto& r : recipients) {
    if (r.receipted_at || !who.count(r.organ)) continue;
    r.receipted_at = at;
    r.at_recipient = at_recipient;
    done.push_back(r.organ);
  }
  return done;
}

std::string NoticeId(const std::string& secret_id, uint64_t version) {
  return secret_id + "#" + std::to_string(version);
}

}  // namespace zhuji::workflows
