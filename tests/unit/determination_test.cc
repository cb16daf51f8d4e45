// An organ's own determination as a pure workflow (GD Art. 25-28): its 保密事项一览表, the
// handler's proposal, the 定密责任人's approval, correction or return.
#include "services/workflows/determination.h"

#include <gtest/gtest.h>

#include "guangdong.h"

namespace zhuji::workflows {
namespace {

using testing::kDay;
using testing::kT0;

const calendar::Date kToday = calendar::CstDateOf(kT0);

// 广州市教育局 (机密 at most), its head 陈七 and a designee 刘二 (秘密 at most).
ResponsibleRegister Register() {
  ResponsibleRegister r;
  r.organ = "440100/jyj";
  r.organ_name = "广州市教育局";
  r.organ_has_original_authority = true;
  r.organ_ceiling = SecrecyLevel::kJimi;
  r = SetStatutory(r, "陈七", "局长", "穗教任〔2025〕1号", kT0 - 10 * kDay).value();
  Designation d{"刘二",     "副局长",    "招生考试", "穗教指〔2025〕1号", SecrecyLevel::kMimi,
                kToday - 5, kToday + 365};
  Art17Declaration a17{true, true, true, true};
  return Designate(r, d, "陈七", a17, {}, kToday - 5, kT0 - 5 * kDay).value();
}

ScopeEntry Entry(const char* name, Protection p) {
  return {0, name, "教育工作国家秘密范围的规定 第三条", p, "命题组成员", "考试院"};
}

ScopeList List() {
  auto reg = Register();
  return ApproveScopeList(nullptr,
                          {Entry("中考试题（启用前）", Protection::Term(SecrecyLevel::kJimi, 1)),
                           Entry("考生个人信息汇总", Protection::Term(SecrecyLevel::kMimi, 5))},
                          reg, "陈七", kToday, kT0)
      .value();
}

Proposal AProposal(int entry = 1, SecrecyLevel level = SecrecyLevel::kMimi) {
  return {"2026年中考数学试题", entry,         Protection::Term(level, 1),
          "命题组成员",         "一览表第1项", "启用前泄露将影响考试公平",
          "试题内容",           "张承办",      kToday};
}

TEST(Determination, GdArt25_GdArt26_TheListIsApprovedByTheStatutoryHeadWithinTheOrgansAuthority) {
  auto reg = Register();
  auto by_designee = ApproveScopeList(
      nullptr, {Entry("x", Protection::Term(SecrecyLevel::kMimi, 5))}, reg, "刘二", kToday, kT0);
  EXPECT_NE(by_designee.message().find("GD Art. 26"), std::string::npos) << by_designee.message();
  auto beyond = ApproveScopeList(nullptr, {Entry("x", Protection::Term(SecrecyLevel::kJuemi, 5))},
                                 reg, "陈七", kToday, kT0);
  EXPECT_NE(beyond.message().find("GD Art. 25 ¶3"), std::string::npos) << beyond.message();
  ScopeEntry no_scope = Entry("x", Protection::Term(SecrecyLevel::kMimi, 5));
  no_scope.scope.clear();
  EXPECT_NE(
      ApproveScopeList(nullptr, {no_scope}, reg, "陈七", kToday, kT0).message().find("知悉范围"),
      std::string::npos);
  ScopeList l = List();
  EXPECT_EQ(l.version, 1u);
  EXPECT_EQ(l.entries[1].no, 2);
  auto next = ApproveScopeList(&l, {Entry("y", Protection::Term(SecrecyLevel::kMimi, 5))}, reg,
                               "陈七", kToday, kT0 + kDay);
  EXPECT_EQ(next.value().version, 2u);
  ResponsibleRegister none = reg;
  none.organ_has_original_authority = false;
  EXPECT_NE(ApproveScopeList(nullptr, {Entry("x", Protection::Term(SecrecyLevel::kMimi, 5))}, none,
                             "陈七", kToday, kT0)
                .message()
                .find("GD Art. 25, 29"),
            std::string::npos);
}

TEST(Determination, GdArt27_TheProposalRefersToAnEntryAndStaysWithinIt) {
  ScopeList l = List();
  auto none = ProposeDetermination(nullptr, "d1", l, AProposal(9), kToday, kT0);
  EXPECT_NE(none.message().find("GD Art. 27"), std::string::npos) << none.message();
  auto above =
      ProposeDetermination(nullptr, "d1", l, AProposal(2, SecrecyLevel::kJimi), kToday, kT0);
  EXPECT_NE(above.message().find("GD Art. 25 ¶3, 27"), std::string::npos) << above.message();
  Proposal no_reasons = AProposal();
  no_reasons.reasons.clear();
  EXPECT_NE(
      ProposeDetermination(nullptr, "d1", l, no_reasons, kToday, kT0).message().find("依据和理由"),
      std::string::npos);
  Proposal future = AProposal();
  future.arose_on = kToday + 1;
  EXPECT_NE(
      ProposeDetermination(nullptr, "d1", l, future, kToday, kT0).message().find("GD Art. 28"),
      std::string::npos);
  auto ok = ProposeDetermination(nullptr, "d1", l, AProposal(), kToday, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().state, DeterminationState::kProposed);
  EXPECT_EQ(ok.value().entry_name, "中考试题（启用前）");
}

TEST(Determination, GdArt16_GdArt27_OnlyAResponsiblePersonApprovesCorrectsOrReturns) {
  auto reg = Register();
  auto d =
      ProposeDetermination(nullptr, "d1", List(), AProposal(1, SecrecyLevel::kJimi), kToday, kT0)
          .value();
  auto stranger = ApproveDetermination(d, reg, "张承办", std::nullopt, "", kToday, kT0);
  EXPECT_NE(stranger.message().find("GD Art. 16"), std::string::npos) << stranger.message();
  auto low = ApproveDetermination(d, reg, "刘二", std::nullopt, "", kToday, kT0);
  EXPECT_FALSE(low.ok()) << "刘二 approves 秘密 at most";
  auto corrected = ApproveDetermination(d, reg, "刘二", Protection::Term(SecrecyLevel::kMimi, 1),
                                        "", kToday, kT0 + kDay);
  ASSERT_TRUE(corrected.ok()) << corrected.message();
  EXPECT_TRUE(corrected.value().corrected);
  EXPECT_EQ(FormatMark(corrected.value().protection), "秘密★1年");
  auto returned = ReturnDetermination(d, reg, "陈七", "", kToday, kT0);
  EXPECT_FALSE(returned.ok()) << "a return says why";
  returned = ReturnDetermination(d, reg, "陈七", "依据不充分", kToday, kT0);
  ASSERT_TRUE(returned.ok());
  EXPECT_FALSE(
      ApproveDetermination(returned.value(), reg, "陈七", std::nullopt, "", kToday, kT0).ok())
      << "a returned proposal is with the handler";
  auto again =
      ProposeDetermination(&returned.value(), "ignored", List(), AProposal(), kToday, kT0 + kDay);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again.value().id, "d1");
  auto approved =
      ApproveDetermination(again.value(), reg, "陈七", std::nullopt, "", kToday, kT0 + 2 * kDay);
  ASSERT_TRUE(approved.ok()) << approved.message();
  EXPECT_FALSE(approved.value().corrected);
  EXPECT_EQ(approved.value().approved_by, "陈七");
}

}  // namespace
}  // namespace zhuji::workflows
