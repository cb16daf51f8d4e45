#include "services/workflows/classification.h"

#include <algorithm>
#include <cstdio>

namespace zhuji::workflows {

namespace {

constexpr std::string_view kStar = "★";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Reads ASCII digits at the front of `s`; nullopt if there are none or too many.
std::optional<int> TakeNumber(std::string_view& s) {
  size_t n = 0;
  int v = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 6) v = v * 10 + (s[n++] - '0');
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool TakeWord(std::string_view& s, std::string_view word) {
  if (s.substr(0, word.size()) != word) return false;
  s.remove_prefix(word.size());
  return true;
}

// "10年", "2年6个月", "6个月".
std::optional<int> ParseTermMonths(std::string_view s) {
  std::string_view rest = s;
  auto first = TakeNumber(rest);
  if (!first) return std::nullopt;
  if (TakeWord(rest, "个月")) return rest.empty() ? std::optional<int>(*first) : std::nullopt;
  if (!TakeWord(rest, "年")) return std::nullopt;
  int months = *first * 12;
  if (rest.empty()) return months;
  auto m = TakeNumber(rest);
  if (!m || !TakeWord(rest, "个月") || !rest.empty() || *m >= 12) return std::nullopt;
  return months + *m;
}

// "2030年12月31日".
std::optional<calendar::Date> ParseZhDate(std::string_view s) {
  std::string_view rest = s;
  auto y = TakeNumber(rest);
  if (!y || !TakeWord(rest, "年")) return std::nullopt;
  auto m = TakeNumber(rest);
  if (!m || !TakeWord(rest, "月")) return std::nullopt;
  auto d = TakeNumber(rest);
  if (!d || !TakeWord(rest, "日") || !rest.empty()) return std::nullopt;
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", *y, *m, *d);
  return calendar::ParseDate(iso);
}

std::string TermText(int months) {
  int y = months / 12, m = months % 12;
  std::string s;
  if (y) s += std::to_string(y) + "年";
  if (m) s += std::to_string(m) + "个月";
  return s;
}

}  // namespace

const char* LevelZh(SecrecyLevel level) {
  switch (level) {
    case SecrecyLevel::kMimi:
      return "秘密";
    case SecrecyLevel::kJimi:
      return "机密";
    case SecrecyLevel::kJuemi:
      return "绝密";
  }
  return "?";
}

std::optional<SecrecyLevel> ParseLevel(std::string_view t) {
  if (t == "秘密") return SecrecyLevel::kMimi;
  if (t == "机密") return SecrecyLevel::kJimi;
  if (t == "绝密") return SecrecyLevel::kJuemi;
  return std::nullopt;
}

int MaxTermYears(SecrecyLevel level) {
  switch (level) {
    case SecrecyLevel::kMimi:
      return 10;
    case SecrecyLevel::kJimi:
      return 20;
    case SecrecyLevel::kJuemi:
      return 30;
  }
  return 0;
}

Protection Protection::Term(SecrecyLevel level, int years, int months) {
  Protection p;
  p.level = level;
  p.kind = Kind::kTerm;
  p.term_months = years * 12 + months;
  return p;
}
Protection Protection::ReleaseDate(SecrecyLevel level, calendar::Date date) {
  Protection p;
  p.level = level;
  p.kind = Kind::kReleaseDate;
  p.release_date = date;
  return p;
}
Protection Protection::ReleaseCondition(SecrecyLevel level, std::string condition) {
  Protection p;
  p.level = level;
  p.kind = Kind::kReleaseCondition;
  p.condition = std::move(condition);
  return p;
}

Status CheckProtection(const Protection& p) {
  switch (p.kind) {
    case Protection::Kind::kTerm:
      if (p.term_months <= 0) return Status::Error("保密期限 (term) must be positive");
      if (p.term_months > MaxTermYears(p.level) * 12) {
        return Status::Error(std::string("a ") + LevelZh(p.level) + " term may not exceed " +
                             std::to_string(MaxTermYears(p.level)) + "年 (national law); " +
                             TermText(p.term_months) +
                             " needs a release date or condition instead");
      }
      return Status::Ok();
    case Protection::Kind::kReleaseDate:
      return Status::Ok();
    case Protection::Kind::kReleaseCondition:
      if (p.condition.empty()) return Status::Error("解密条件 (release condition) is empty");
      return Status::Ok();
  }
  return Status::Error("unknown kind of protection");
}

std::string FormatMark(const Protection& p) {
  std::string mark = std::string(LevelZh(p.level)) + std::string(kStar);
  switch (p.kind) {
    case Protection::Kind::kTerm:
      return mark + TermText(p.term_months);
    case Protection::Kind::kReleaseDate:
      return mark + std::to_string(p.release_date.year()) + "年" +
             std::to_string(p.release_date.month()) + "月" + std::to_string(p.release_date.day()) +
             "日";
    case Protection::Kind::kReleaseCondition:
      return mark + p.condition;
  }
  return mark;
}

Result<Protection> ParseMark(std::string_view mark) {
  auto star = mark.find(kStar);
  if (star == std::string_view::npos) {
    bool look_alike =
        mark.find('*') != std::string_view::npos || mark.find("☆") != std::string_view::npos;
    return Status::Error("GD Art. 32: '" + std::string(mark) + "' is not a mark of the form " +
                         "密级★保密期限, 密级★解密时间 or 密级★解密条件" +
                         (look_alike ? " (the separator is ★, U+2605)" : " (no ★)"));
  }
  std::string_view level_text = mark.substr(0, star);
  std::string_view rest = mark.substr(star + kStar.size());
  auto level = ParseLevel(level_text);
  if (!level) {
    return Status::Error(
        "GD Art. 32: the level must be written in full as 秘密, 机密 or 绝密, not '" +
        std::string(level_text) + "'");
  }
  if (rest.empty()) {
    return Status::Error("GD Art. 32: '" + std::string(mark) +
                         "' leaves out the 保密期限, 解密时间 or 解密条件");
  }
  Protection p;
  if (auto months = ParseTermMonths(rest)) {
    p = Protection::Term(*level, 0, *months);
  } else if (auto date = ParseZhDate(rest)) {
    p = Protection::ReleaseDate(*level, *date);
  } else if (EndsWith(rest, "解密") || EndsWith(rest, "公开")) {
    p = Protection::ReleaseCondition(*level, std::string(rest));
  } else {
    return Status::Error("GD Art. 32: '" + std::string(rest) +
                         "' is not a 保密期限 (10年, 2年6个月), a 解密时间 (2030年12月31日) or a "
                         "解密条件 (…后解密)");
  }
  if (auto st = CheckProtection(p); !st.ok())
    return Status::Error(std::string("'").append(mark).append("': ") + st.message());
  return p;
}

Result<Protection> CompilationMark(const std::vector<Protection>& parts) {
  if (parts.empty()) return Status::Error("GD Art. 33: a compilation needs at least one part");
  Protection out = parts[0];
  for (const auto& p : parts) {
    if (auto st = CheckProtection(p); !st.ok()) {
      return Status::Error("GD Art. 33: part " + FormatMark(p) + ": " + st.message());
    }
    if (p.kind != parts[0].kind || p.kind == Protection::Kind::kReleaseCondition) {
      if (parts.size() > 1) {
        return Status::Error(
            "GD Art. 33: the parts mix terms, release dates and conditions (or carry "
            "conditions), so there is no computable longest term; the responsible person "
            "(定密责任人) decides the compilation's mark");
      }
    }
    out.level = std::max(out.level, p.level);
    if (p.kind == Protection::Kind::kTerm)
      out.term_months = std::max(out.term_months, p.term_months);
    if (p.kind == Protection::Kind::kReleaseDate) {
      out.release_date = std::max(out.release_date, p.release_date);
    }
  }
  return out;
}

Status CheckWithinAuthority(const std::string& organ_name, const ClassificationAuthority& a,
                            SecrecyLevel proposed) {
  if (!a.has_original_authority) {
    return Status::Error("GD Art. 29: " + organ_name +
                         " has no original classification authority (原始定密权): protect the "
                         "matter at the proposed level and report it to the superior with "
                         "authority within 10 working days");
  }
  if (proposed > a.ceiling) {
    return Status::Error(std::string("GD Art. 23: ") + organ_name + " may determine up to " +
                         LevelZh(a.ceiling) + ", not " + LevelZh(proposed));
  }
  return Status::Ok();
}

Status CheckNotExcluded(Art24Category category, bool listed_in_scope) {
  if (category == Art24Category::kNone || listed_in_scope) return Status::Ok();
  const char* what = category == Art24Category::kPublicInformation
                         ? "(一) general information, or information from public sources or media"
                     : category == Art24Category::kInternalAffairs
                         ? "(二) internal personnel, finance, party or administrative matters"
                         : "(三) internal speeches, documents or briefings with no secret content";
  return Status::Error(std::string("GD Art. 24: ") + what +
                       " may not be determined a state secret unless a scope of secret matters "
                       "(保密事项范围) lists it");
}

std::optional<Art24Category> ParseArt24Category(std::string_view text) {
  if (text.empty() || text == "none") return Art24Category::kNone;
  if (text == "public-information") return Art24Category::kPublicInformation;
  if (text == "internal-affairs") return Art24Category::kInternalAffairs;
  if (text == "speech") return Art24Category::kSpeechWithoutSecret;
  return std::nullopt;
}

Result<Protection> ItemMark(const std::optional<Protection>& given,
                            const std::vector<Protection>& parts) {
  if (parts.empty()) {
    if (!given) return Status::Error("a level is required (a GD Art. 32 mark, e.g. 秘密★5年)");
    return *given;
  }
  auto computed = CompilationMark(parts);
  if (!computed.ok()) return computed.status();
  if (given && !(*given == computed.value())) {
    return Status::Error("GD Art. 33: a compilation of these parts is marked " +
                         FormatMark(computed.value()) +
                         " (the highest level, the longest term), not " + FormatMark(*given));
  }
  return computed;
}

Result<Protection> RequireMark(const std::string& mark, const std::string& what) {
  if (mark.empty()) return Status::Error(what + " is required (a GD Art. 32 mark, e.g. 秘密★5年)");
  auto p = ParseMark(mark);
  if (!p.ok()) return Status::Error(what + ": " + p.message());
  return p;
}

}  // namespace zhuji::workflows
