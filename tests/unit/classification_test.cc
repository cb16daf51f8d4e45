// Checks on the content of a determination (RULES.md "Checks on content").
#include "services/workflows/classification.h"

#include <gtest/gtest.h>

namespace zhuji::workflows {
namespace {

using L = SecrecyLevel;

calendar::Date D(const char* s) { return *calendar::ParseDate(s); }

std::string MarkError(const char* mark) {
  auto r = ParseMark(mark);
  return r.ok() ? "" : r.message();
}

TEST(Classification, GdArt32_TheThreeCompleteFormsOfAMark) {
  auto term = ParseMark("机密★10年");
  ASSERT_TRUE(term.ok()) << term.message();
  EXPECT_EQ(term.value(), Protection::Term(L::kJimi, 10));
  auto months = ParseMark("秘密★2年6个月");
  ASSERT_TRUE(months.ok()) << months.message();
  EXPECT_EQ(months.value().term_months, 30);
  auto date = ParseMark("绝密★2040年12月31日");
  ASSERT_TRUE(date.ok()) << date.message();
  EXPECT_EQ(date.value(), Protection::ReleaseDate(L::kJuemi, D("2040-12-31")));
  auto condition = ParseMark("秘密★工程竣工验收后解密");
  ASSERT_TRUE(condition.ok()) << condition.message();
  EXPECT_EQ(condition.value().kind, Protection::Kind::kReleaseCondition);
}

TEST(Classification, GdArt32_FormatAndParseAgree) {
  for (const auto& p :
       {Protection::Term(L::kJimi, 10), Protection::Term(L::kMimi, 0, 6),
        Protection::Term(L::kJuemi, 2, 3), Protection::ReleaseDate(L::kMimi, D("2030-01-05")),
        Protection::ReleaseCondition(L::kJimi, "正式公布后公开")}) {
    auto back = ParseMark(FormatMark(p));
    ASSERT_TRUE(back.ok()) << FormatMark(p) << ": " << back.message();
    EXPECT_EQ(back.value(), p) << FormatMark(p);
  }
  EXPECT_EQ(FormatMark(Protection::Term(L::kJimi, 2, 6)), "机密★2年6个月");
  EXPECT_EQ(FormatMark(Protection::ReleaseDate(L::kMimi, D("2030-12-31"))), "秘密★2030年12月31日");
}

TEST(Classification, GdArt32_AbbreviatedOrIncompleteMarksAreRefusedWithTheReason) {
  EXPECT_NE(MarkError("机密").find("no ★"), std::string::npos);
  EXPECT_NE(MarkError("机密*10年").find("U+2605"), std::string::npos);
  EXPECT_NE(MarkError("机★10年").find("in full"), std::string::npos);
  EXPECT_NE(MarkError("机密★").find("leaves out"), std::string::npos);
  EXPECT_NE(MarkError("机密★十年").find("is not a 保密期限"), std::string::npos);
  EXPECT_NE(MarkError("秘密★2025年2月30日").find("is not a 保密期限"), std::string::npos);
  for (const char* bad : {"机密", "机密*10年", "机★10年", "机密★", "机密★十年"}) {
    EXPECT_NE(MarkError(bad).find("GD Art. 32"), std::string::npos) << bad;
  }
}

TEST(Classification, TermsLongerThanTheLevelAllowsAreRefused) {
  EXPECT_TRUE(CheckProtection(Protection::Term(L::kMimi, 10)).ok());
  EXPECT_FALSE(CheckProtection(Protection::Term(L::kMimi, 10, 1)).ok());
  EXPECT_TRUE(CheckProtection(Protection::Term(L::kJimi, 20)).ok());
  EXPECT_FALSE(CheckProtection(Protection::Term(L::kJimi, 21)).ok());
  EXPECT_TRUE(CheckProtection(Protection::Term(L::kJuemi, 30)).ok());
  EXPECT_FALSE(CheckProtection(Protection::Term(L::kJuemi, 31)).ok());
  EXPECT_FALSE(CheckProtection(Protection::Term(L::kMimi, 0)).ok());
  // A date or a condition instead of a term is not limited.
  EXPECT_TRUE(CheckProtection(Protection::ReleaseDate(L::kMimi, D("2060-01-01"))).ok());
  EXPECT_NE(MarkError("秘密★11年").find("may not exceed 10年"), std::string::npos);
}

TEST(Classification, GdArt33_CompilationTakesTheHighestLevelAndTheLongestTerm) {
  auto m = CompilationMark({Protection::Term(L::kJimi, 5), Protection::Term(L::kMimi, 10),
                            Protection::Term(L::kJimi, 3)});
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(FormatMark(m.value()), "机密★10年");
  auto dates = CompilationMark({Protection::ReleaseDate(L::kMimi, D("2030-01-01")),
                                Protection::ReleaseDate(L::kJuemi, D("2028-06-30"))});
  ASSERT_TRUE(dates.ok()) << dates.message();
  EXPECT_EQ(FormatMark(dates.value()), "绝密★2030年1月1日");
}

TEST(Classification, GdArt33_AnItemMadeOfPartsTakesTheComputedMarkAndNoOther) {
  std::vector<Protection> parts = {Protection::Term(SecrecyLevel::kMimi, 10),
                                   Protection::Term(SecrecyLevel::kJimi, 5)};
  auto computed = ItemMark(std::nullopt, parts);
  ASSERT_TRUE(computed.ok()) << computed.message();
  EXPECT_EQ(FormatMark(computed.value()), "机密★10年");
  EXPECT_TRUE(ItemMark(Protection::Term(SecrecyLevel::kJimi, 10), parts).ok());
  auto wrong = ItemMark(Protection::Term(SecrecyLevel::kJimi, 5), parts);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("GD Art. 33"), std::string::npos) << wrong.message();
  EXPECT_NE(wrong.message().find("机密★10年"), std::string::npos) << wrong.message();
  EXPECT_FALSE(ItemMark(std::nullopt, {}).ok()) << "neither a mark nor parts";
  EXPECT_EQ(ParseArt24Category("speech"), Art24Category::kSpeechWithoutSecret);
  EXPECT_FALSE(ParseArt24Category("secret-ish"));
}

TEST(Classification, GdArt33_MixedPartsAreLeftToTheResponsiblePerson) {
  auto m = CompilationMark(
      {Protection::Term(L::kJimi, 5), Protection::ReleaseDate(L::kMimi, D("2030-01-01"))});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("GD Art. 33"), std::string::npos);
  EXPECT_NE(m.message().find("定密责任人"), std::string::npos);
  EXPECT_FALSE(CompilationMark({}).ok());
  EXPECT_FALSE(CompilationMark({Protection::Term(L::kMimi, 12)}).ok()) << "a bad part";
}

TEST(Classification, GdArt23_ALevelAboveTheOrgansCeilingIsRefused) {
  ClassificationAuthority city_edu{true, L::kJimi};
  EXPECT_TRUE(CheckWithinAuthority("广州市教育局", city_edu, L::kJimi).ok());
  auto st = CheckWithinAuthority("广州市教育局", city_edu, L::kJuemi);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("GD Art. 23"), std::string::npos);
  EXPECT_NE(st.message().find("up to 机密, not 绝密"), std::string::npos) << st.message();
}

TEST(Classification, GdArt29_AnOrganWithoutAuthorityMustReportUpwards) {
  auto st =
      CheckWithinAuthority("天河区教育局", ClassificationAuthority{false, L::kMimi}, L::kMimi);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("GD Art. 29"), std::string::npos);
  EXPECT_NE(st.message().find("10 working days"), std::string::npos);
}

TEST(Classification, GdArt24_ExcludedItemsAreRefusedUnlessAScopeListsThem) {
  EXPECT_TRUE(CheckNotExcluded(Art24Category::kNone, false).ok());
  for (auto c : {Art24Category::kPublicInformation, Art24Category::kInternalAffairs,
                 Art24Category::kSpeechWithoutSecret}) {
    auto st = CheckNotExcluded(c, false);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("GD Art. 24"), std::string::npos);
    EXPECT_TRUE(CheckNotExcluded(c, true).ok()) << "a scope of secret matters says otherwise";
  }
}

}  // namespace
}  // namespace zhuji::workflows
