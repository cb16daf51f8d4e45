#pragma once
// What a determination (定密) may say: levels, terms, marks, and who may decide. Pure checks
// that every workflow uses; each refusal names the rule it comes from (RULES.md "Checks on
// content"). No store, no sockets.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/result.h"

namespace zhuji::workflows {

// 密级: 秘密 < 机密 < 绝密.
enum class SecrecyLevel : uint8_t { kMimi = 1, kJimi = 2, kJuemi = 3 };

const char* LevelZh(SecrecyLevel level);
// Exactly "秘密", "机密" or "绝密".
std::optional<SecrecyLevel> ParseLevel(std::string_view text);
// National law: 绝密 ≤ 30 years, 机密 ≤ 20, 秘密 ≤ 10 (unless a release date or condition).
int MaxTermYears(SecrecyLevel level);

// A level with exactly one of a term (保密期限), a release date (解密时间) or a release
// condition (解密条件).
struct Protection {
  enum class Kind { kTerm, kReleaseDate, kReleaseCondition };
  SecrecyLevel level = SecrecyLevel::kMimi;
  Kind kind = Kind::kTerm;
  int term_months = 0;
  calendar::Date release_date;
  std::string condition;

  static Protection Term(SecrecyLevel level, int years, int months = 0);
  static Protection ReleaseDate(SecrecyLevel level, calendar::Date date);
  static Protection ReleaseCondition(SecrecyLevel level, std::string condition);
  bool operator==(const Protection&) const = default;
};

// Terms within what the level allows; a positive term; a non-empty condition.
Status CheckProtection(const Protection& p);

// GD Art. 32: "密级★保密期限", "密级★解密时间" or "密级★解密条件", complete, never abbreviated.
// Formats as "机密★10年", "机密★2年6个月", "秘密★2030年12月31日", "秘密★项目验收后解密".
std::string FormatMark(const Protection& p);
// Parses a mark, refusing (with the reason) a missing ★, an abbreviated level, a missing term,
// date or condition, or a term the level does not allow. A condition is any other text that
// ends in 解密 or 公开 ("工程竣工后解密").
Result<Protection> ParseMark(std::string_view mark);
// An operator's mark for `what` (e.g. "the proposed level (--mark)"): required and parsed, the
// refusal naming `what`.
Result<Protection> RequireMark(const std::string& mark, const std::string& what);

// GD Art. 33: a compilation or an excerpt is marked with the highest level and the longest term
// among its parts. Parts with terms give the longest term; parts with release dates the latest
// date. A mix of terms, dates and conditions has no computable "longest" and is refused: the
// responsible person decides the mark.
Result<Protection> CompilationMark(const std::vector<Protection>& parts);

// GD Art. 23 (and GD Art. 7 for grants): a level within the organ's authority. An organ without
// original classification authority cannot determine at all (GD Art. 29: it protects the matter
// provisionally and reports it to a superior with authority).
struct ClassificationAuthority {
  bool has_original_authority = false;
  SecrecyLevel ceiling = SecrecyLevel::kMimi;  // highest level it may determine
};
Status CheckWithinAuthority(const std::string& organ_name, const ClassificationAuthority& authority,
                            SecrecyLevel proposed);

// GD Art. 24: items that may not be state secrets unless a scope of secret matters lists them.
enum class Art24Category {
  kNone,                 // none of the below
  kPublicInformation,    // (一) general, public or publicly sourced information
  kInternalAffairs,      // (二) internal personnel, finance, party or administrative matters
  kSpeechWithoutSecret,  // (三) internal speeches, documents and briefings with no secret content
};
Status CheckNotExcluded(Art24Category category, bool listed_in_scope);
// "none", "public-information", "internal-affairs" or "speech" (the CLI's --art24 values).
std::optional<Art24Category> ParseArt24Category(std::string_view text);

// The level an item is set at: the mark given, or for a compilation or excerpt (`parts` not
// empty) the mark GD Art. 33 computes from its parts — and a given mark that differs from it is
// refused with the mark it should carry.
Result<Protection> ItemMark(const std::optional<Protection>& given,
                            const std::vector<Protection>& parts);

}  // namespace zhuji::workflows
