// An organ's own determination as a pure workflow (GD Art. 25-28): its 保密事项一览表, the
// handler's proposal, the 定密责任人's approval, correction or return; then (GD Art. 34-40,
// secret_change.h) the yearly review, changes, extension, shortening, release and their notices.
#include "services/workflows/determination.h"

#include <gtest/gtest.h>

#include "guangdong.h"
#include "services/workflows/secret_change.h"

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
  return {"2026年中考数学试题",
          entry,
          Protection::Term(level, 1),
          "命题组成员",
          "一览表第1项",
          "启用前泄露将影响考试公平",
          "试题内容",
          "张承办",
          kToday,
          {}};
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
  auto stranger = ApproveDetermination(d, reg, "张承办", std::nullopt, "", nullptr, kToday, kT0);
  EXPECT_NE(stranger.message().find("GD Art. 16"), std::string::npos) << stranger.message();
  auto low = ApproveDetermination(d, reg, "刘二", std::nullopt, "", nullptr, kToday, kT0);
  EXPECT_FALSE(low.ok()) << "刘二 approves 秘密 at most";
  auto corrected = ApproveDetermination(d, reg, "刘二", Protection::Term(SecrecyLevel::kMimi, 1),
                                        "", nullptr, kToday, kT0 + kDay);
  ASSERT_TRUE(corrected.ok()) << corrected.message();
  EXPECT_TRUE(corrected.value().corrected);
  EXPECT_EQ(FormatMark(corrected.value().protection), "秘密★1年");
  auto returned = ReturnDetermination(d, reg, "陈七", "", kToday, kT0);
  EXPECT_FALSE(returned.ok()) << "a return says why";
  returned = ReturnDetermination(d, reg, "陈七", "依据不充分", kToday, kT0);
  ASSERT_TRUE(returned.ok());
  EXPECT_FALSE(
      ApproveDetermination(returned.value(), reg, "陈七", std::nullopt, "", nullptr, kToday, kT0)
          .ok())
      << "a returned proposal is with the handler";
  auto again =
      ProposeDetermination(&returned.value(), "ignored", List(), AProposal(), kToday, kT0 + kDay);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again.value().id, "d1");
  auto approved = ApproveDetermination(again.value(), reg, "陈七", std::nullopt, "", nullptr,
                                       kToday, kT0 + 2 * kDay);
  ASSERT_TRUE(approved.ok()) << approved.message();
  EXPECT_FALSE(approved.value().corrected);
  EXPECT_EQ(approved.value().approved_by, "陈七");
}

// ---- After approval (secret_change.h, GD Art. 34-40) ----

const calendar::Calendar& Official() {
  static const calendar::Calendar cal =
      calendar::LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar");
  return cal;
}

// 2026年中考数学试题, approved today as 秘密★1年, known also to two other organs.
Determination Approved() {
  auto reg = Register();
  Proposal p = AProposal();
  p.scope_organs = {"440106/jyj", "440100/gaj"};
  auto d = ProposeDetermination(nullptr, "440100/jyj/2025-D0001", List(), p, kToday, kT0).value();
  return ApproveDetermination(d, reg, "陈七", std::nullopt, "", nullptr, kToday, kT0).value();
}

ChangeRequest Ask(ChangeKind kind, const char* mark) {
  ChangeRequest r;
  r.kind = kind;
  if (*mark) r.protection = ParseMark(mark).value();
  r.reason = "考试推迟";
  r.doc_number = "穗教密〔2026〕3号";
  r.by = "陈七";
  return r;
}

TEST(SecretChange, GdArt39_ReleasedByItselfOnTheDayItsTermEndsAndManagedAsAnInternalMatter) {
  Determination d = Approved();
  EXPECT_EQ(d.version, 1u);
  EXPECT_EQ(d.determined_on, kToday);
  auto end = ReleasesOn(d);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, calendar::AddMonths(kToday, 12));
  EXPECT_FALSE(ReleaseIfDue(d, *end - 1, kT0)) << "secret through the day before";
  EXPECT_TRUE(ReleaseIfDue(d, *end, kT0));
  EXPECT_EQ(d.state, DeterminationState::kReleased);
  EXPECT_EQ(d.released_on, *end);
  EXPECT_NE(d.release_reason.find("内部事项"), std::string::npos) << d.release_reason;
  EXPECT_FALSE(ReleaseIfDue(d, *end + 1, kT0)) << "once";
  Determination cond = Approved();
  cond.protection = Protection::ReleaseCondition(SecrecyLevel::kMimi, "考试结束");
  EXPECT_FALSE(ReleasesOn(cond));
  EXPECT_FALSE(ReleaseIfDue(cond, kToday + 4000, kT0)) << "a 解密条件 is released by a decision";
}

TEST(SecretChange, GdArt36_AnExtensionIsDecidedInTheLast30WorkingDaysAndNotifiedBy10Before) {
  const auto& cal = Official();
  Determination d = Approved();
  calendar::Date end = *ReleasesOn(d);
  calendar::Date opens = cal.WorkingDayBefore(end, 30);
  EXPECT_EQ(cal.WorkingDaysBetween(opens - 1, end - 1), 30) << "30 working days up to the end";
  auto early =
      DecideChange(d, Ask(ChangeKind::kExtend, "秘密★2年"), Register(), cal, opens - 1, kT0);
  EXPECT_NE(early.message().find("GD Art. 36"), std::string::npos) << early.message();
  EXPECT_NE(early.message().find(opens.ToString()), std::string::npos) << early.message();
  auto ok = DecideChange(d, Ask(ChangeKind::kExtend, "秘密★2年"), Register(), cal, opens, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().rule, "GD Art. 36");
  ASSERT_TRUE(ok.value().notice_due_day);
  EXPECT_EQ(*ok.value().notice_due_day, cal.WorkingDayBefore(end, 10));
  EXPECT_EQ(ok.value().recipients, (std::vector<std::string>{"440100/gaj", "440106/jyj"}));
  EXPECT_EQ(ok.value().after.version, 2u);
  EXPECT_EQ(*ReleasesOn(ok.value().after), calendar::AddMonths(kToday, 24));
  EXPECT_NE(DecideChange(d, Ask(ChangeKind::kExtend, "机密★2年"), Register(), cal, opens, kT0)
                .message()
                .find("keeps the level"),
            std::string::npos);
  EXPECT_NE(DecideChange(d, Ask(ChangeKind::kExtend, "秘密★1年"), Register(), cal, opens, kT0)
                .message()
                .find("not later"),
            std::string::npos);
  EXPECT_NE(DecideChange(d, Ask(ChangeKind::kExtend, "秘密★2年"), Register(), cal, end, kT0)
                .message()
                .find("GD Art. 39"),
            std::string::npos)
      << "on the day the term ends it is released already";
  ChangeRequest unwritten = Ask(ChangeKind::kExtend, "秘密★2年");
  unwritten.doc_number.clear();
  EXPECT_FALSE(DecideChange(d, unwritten, Register(), cal, opens, kT0).ok()) << "in writing";
  ChangeRequest stranger = Ask(ChangeKind::kExtend, "秘密★2年");
  stranger.by = "张承办";
  EXPECT_NE(DecideChange(d, stranger, Register(), cal, opens, kT0).message().find("GD Art. 16"),
            std::string::npos);
}

TEST(SecretChange, GdArt37_AShorteningIsNotifiedWithin10WorkingDaysOfTheDecision) {
  const auto& cal = Official();
  Determination d = Approved();
  auto ok =
      DecideChange(d, Ask(ChangeKind::kShorten, "秘密★6个月"), Register(), cal, kToday + 3, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().rule, "GD Art. 37");
  EXPECT_FALSE(ok.value().notice_due_day) << "10 WD from the decision, counted by the node";
  EXPECT_EQ(*ReleasesOn(ok.value().after), calendar::AddMonths(kToday, 6));
  auto past =
      DecideChange(d, Ask(ChangeKind::kShorten, "秘密★1个月"), Register(), cal, kToday + 40, kT0);
  EXPECT_NE(past.message().find("that is a release"), std::string::npos) << past.message();
}

TEST(SecretChange, GdArt35_GdArt40_AChangeOfScopeNotifiesTheOrgansBeforeAndAfter) {
  const auto& cal = Official();
  Determination d = Approved();
  ChangeRequest r = Ask(ChangeKind::kChange, "");
  r.scope_organs = std::vector<std::string>{"440106/jyj", "440300/jyj"};
  r.ground = ChangeGround::kSuperior;
  EXPECT_NE(DecideChange(d, r, Register(), cal, kToday + 3, kT0).message().find("--source"),
            std::string::npos)
      << "a superior's notice is named";
  r.source = "粤教密〔2026〕1号";
  auto ok = DecideChange(d, r, Register(), cal, kToday + 3, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().rule, "GD Art. 40");
  EXPECT_EQ(ok.value().recipients,
            (std::vector<std::string>{"440100/gaj", "440106/jyj", "440300/jyj"}))
      << "the organ taken out of the scope is told too";
  auto disguised =
      DecideChange(d, Ask(ChangeKind::kChange, "秘密★3年"), Register(), cal, kToday + 3, kT0);
  EXPECT_NE(disguised.message().find("extension"), std::string::npos) << disguised.message();
  auto to_date = DecideChange(d, Ask(ChangeKind::kChange, "秘密★2030年12月31日"), Register(), cal,
                              kToday + 3, kT0);
  EXPECT_NE(to_date.message().find("GD Art. 36"), std::string::npos)
      << "a later end by another kind of mark is an extension too: " << to_date.message();
  auto to_condition = DecideChange(d, Ask(ChangeKind::kChange, "秘密★考试结束后解密"), Register(),
                                   cal, kToday + 3, kT0);
  EXPECT_NE(to_condition.message().find("GD Art. 36"), std::string::npos) << to_condition.message();
  auto nothing = DecideChange(d, Ask(ChangeKind::kChange, ""), Register(), cal, kToday + 3, kT0);
  EXPECT_NE(nothing.message().find("changes nothing"), std::string::npos);
  auto level =
      DecideChange(d, Ask(ChangeKind::kChange, "机密★1年"), Register(), cal, kToday + 3, kT0);
  ASSERT_TRUE(level.ok()) << level.message();
  EXPECT_EQ(level.value().after.protection.level, SecrecyLevel::kJimi);
}

TEST(SecretChange, GdArt38_GdArt40_AReleaseIsNotifiedUnlessItWasPublished) {
  const auto& cal = Official();
  Determination d = Approved();
  auto own = DecideChange(d, Ask(ChangeKind::kRelease, ""), Register(), cal, kToday + 3, kT0);
  ASSERT_TRUE(own.ok()) << own.message();
  EXPECT_EQ(own.value().after.state, DeterminationState::kReleased);
  EXPECT_EQ(own.value().rule, "GD Art. 40");
  EXPECT_TRUE(own.value().notice_owed);
  ChangeRequest published = Ask(ChangeKind::kRelease, "");
  published.ground = ChangeGround::kPublished;
  auto pub = DecideChange(d, published, Register(), cal, kToday + 3, kT0);
  ASSERT_TRUE(pub.ok()) << pub.message();
  EXPECT_FALSE(pub.value().notice_owed) << "GD Art. 40: not for 正式公布";
  EXPECT_FALSE(DecideChange(own.value().after, Ask(ChangeKind::kRelease, ""), Register(), cal,
                            kToday + 4, kT0)
                   .ok())
      << "released once";
}

TEST(SecretChange, GdArt34_TheYearlyReviewCoversWhatWasDeterminedBeforeTheYear) {
  Determination d = Approved();
  std::vector<Determination> all{d};
  EXPECT_TRUE(DueForReview(all, d.organ, kToday.year()).empty()) << "determined this year";
  int next = kToday.year() + 1;
  ASSERT_EQ(DueForReview(all, d.organ, next).size(), 1u);
  calendar::Date in_next = calendar::Date::FromYmd(next, 3, 2);
  EXPECT_NE(ReviewKeep(d, Register(), "张承办", in_next, kT0).message().find("GD Art. 16"),
            std::string::npos);
  auto kept = ReviewKeep(d, Register(), "陈七", in_next, kT0);
  ASSERT_TRUE(kept.ok()) << kept.message();
  all = {kept.value()};
  EXPECT_TRUE(DueForReview(all, d.organ, next).empty());
  EXPECT_EQ(DueForReview(all, d.organ, next + 1).size(), 1u) << "every year";
}

TEST(SecretChange, ACopyComesFromItsOrgansNodeAndANewerOneWins) {
  Determination d = Approved();
  bool newer = false;
  EXPECT_FALSE(CheckSecretCopy(nullptr, d, "440106", &newer).ok()) << "not from another node";
  ASSERT_TRUE(CheckSecretCopy(nullptr, d, "440100", &newer).ok());
  EXPECT_TRUE(newer);
  Determination v2 = d;
  v2.version = 2;
  ASSERT_TRUE(CheckSecretCopy(&v2, d, "440100", &newer).ok());
  EXPECT_FALSE(newer) << "an older copy is only receipted";
  Determination proposed = d;
  proposed.state = DeterminationState::kProposed;
  EXPECT_FALSE(CheckSecretCopy(nullptr, proposed, "440100", &newer).ok());
}

}  // namespace
}  // namespace zhuji::workflows
