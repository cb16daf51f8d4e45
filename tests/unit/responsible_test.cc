// The register of 定密责任人 (GD Art. 16-22): who the responsible persons are, who designates
// them and on what conditions, who adjusts them, and who may approve a determination.
#include "services/workflows/responsible.h"

#include <gtest/gtest.h>

namespace zhuji::workflows {
namespace {

using L = SecrecyLevel;

calendar::Date D(const char* s) { return *calendar::ParseDate(s); }
// Noon (CST) of a day, in ms since the epoch.
int64_t NoonOf(const char* day) { return calendar::EndOfDayCstMs(D(day)) - 12 * 3600 * 1000; }

const calendar::Date kToday = D("2025-06-01");
const int64_t kNow = NoonOf("2025-06-01");

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ResponsibleRegister EmptyRegister(bool original_authority = true) {
  ResponsibleRegister reg;
  reg.organ = "440106/jyj";
  reg.organ_name = "天河区教育局";
  reg.organ_has_original_authority = original_authority;
  reg.organ_ceiling = L::kJimi;
  return reg;
}

// 天河区教育局 with 王局长 as its statutory person since 2024-01-02.
ResponsibleRegister WithHead(bool original_authority = true) {
  auto r = SetStatutory(EmptyRegister(original_authority), "王局长", "局长", "天任〔2024〕1号",
                        NoonOf("2024-01-02"));
  EXPECT_TRUE(r.ok()) << r.message();
  return r.value();
}

Designation Deputy() {
  Designation d;
  d.name = "李副局长";
  d.post = "副局长（分管保密工作）";
  d.matters = "教育考试试题及评分标准";
  d.doc_number = "天教定〔2025〕3号";
  d.ceiling = L::kMimi;
  d.from = D("2025-01-01");
  d.until = D("2027-12-31");
  return d;
}

Art17Declaration AllMet() { return Art17Declaration{true, true, true, true}; }

Result<ResponsibleRegister> DesignateDeputy(const ResponsibleRegister& reg,
                                            const Art18Record& art18 = {},
                                            const Art17Declaration& art17 = AllMet()) {
  return Designate(reg, Deputy(), "王局长", art17, art18, kToday, kNow);
}

// 王局长 and 李副局长 (秘密, 2025-01-01 to 2027-12-31).
ResponsibleRegister WithDeputy() {
  auto r = DesignateDeputy(WithHead());
  EXPECT_TRUE(r.ok()) << r.message();
  return r.value();
}

std::string DesignateError(const ResponsibleRegister& reg, const Art18Record& art18 = {},
                           const Art17Declaration& art17 = AllMet()) {
  auto r = DesignateDeputy(reg, art18, art17);
  return r.ok() ? "" : r.message();
}

// ---- GD Art. 16 ----

TEST(Responsible, GdArt16_ThePrincipalHeadIsTheStatutoryPerson) {
  auto reg = WithHead();
  EXPECT_EQ(reg.version, 1u);
  EXPECT_EQ(reg.changed_at, NoonOf("2024-01-02"));
  const ResponsiblePerson* head = reg.Statutory(kToday);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->name, "王局长");
  EXPECT_TRUE(head->statutory);
  EXPECT_EQ(head->post, "局长");
  EXPECT_EQ(head->ceiling, L::kJimi);
  EXPECT_EQ(head->matters, "本机关全部定密事项");
  EXPECT_EQ(head->from, D("2024-01-02"));
  EXPECT_EQ(head->until.days, 0);
  EXPECT_TRUE(head->designated_by.empty());
  EXPECT_EQ(reg.Statutory(D("2024-01-01")), nullptr);
}

TEST(Responsible, GdArt16_TheStatutoryPersonNeedsNamePostAndAppointment) {
  auto no_post = SetStatutory(EmptyRegister(), "王局长", " ", "天任〔2024〕1号", kNow);
  ASSERT_FALSE(no_post.ok());
  EXPECT_TRUE(Has(no_post.message(), "GD Art. 16 ¶1")) << no_post.message();
  EXPECT_TRUE(Has(no_post.message(), "职务")) << no_post.message();
  auto no_doc = SetStatutory(EmptyRegister(), "王局长", "局长", "", kNow);
  ASSERT_FALSE(no_doc.ok());
  EXPECT_TRUE(Has(no_doc.message(), "doc_number")) << no_doc.message();
  auto no_name = SetStatutory(EmptyRegister(), "", "局长", "天任〔2024〕1号", kNow);
  ASSERT_FALSE(no_name.ok());
  EXPECT_TRUE(Has(no_name.message(), "姓名")) << no_name.message();
  auto again = SetStatutory(WithHead(), "王局长", "局长", "天任〔2025〕2号", kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(Has(again.message(), "already the 法定定密责任人")) << again.message();
}

TEST(Responsible, GdArt16_ANewHeadEndsThePreviousStatutoryOneAndKeepsDesignations) {
  auto r = SetStatutory(WithDeputy(), "陈局长", "局长", "天任〔2025〕9号", kNow);
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& reg = r.value();
  EXPECT_EQ(reg.version, 3u);
  ASSERT_NE(reg.Statutory(kToday), nullptr);
  EXPECT_EQ(reg.Statutory(kToday)->name, "陈局长");
  EXPECT_EQ(reg.Find("王局长", kToday), nullptr);
  const auto& old = reg.persons[0];
  EXPECT_EQ(old.name, "王局长");
  EXPECT_TRUE(old.revoked);
  EXPECT_EQ(old.revoke_reason, "主要负责人变更");
  EXPECT_EQ(old.revoked_at, kNow);
  EXPECT_NE(reg.Find("李副局长", kToday), nullptr);
  EXPECT_EQ(reg.Live(kToday).size(), 2u);
  EXPECT_EQ(reg.persons.size(), 3u);  // history kept
}

TEST(Responsible, GdArt16_ADesigneeWhoBecomesHeadLeavesTheDesignation) {
  auto r = SetStatutory(WithDeputy(), "李副局长", "局长", "天任〔2025〕9号", kNow);
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& reg = r.value();
  auto live = reg.Live(kToday);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_TRUE(live[0].statutory);
  EXPECT_EQ(live[0].name, "李副局长");
  EXPECT_TRUE(reg.persons[1].revoked);
  EXPECT_EQ(reg.persons[1].revoke_reason, "任法定定密责任人");
}

TEST(Responsible, GdArt16_TheStatutoryPersonDesignatesInWriting) {
  auto r = DesignateDeputy(WithHead());
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& reg = r.value();
  EXPECT_EQ(reg.version, 2u);
  EXPECT_EQ(reg.changed_at, kNow);
  const ResponsiblePerson* p = reg.Find("李副局长", kToday);
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->statutory);
  EXPECT_EQ(p->ceiling, L::kMimi);
  EXPECT_EQ(p->matters, "教育考试试题及评分标准");
  EXPECT_EQ(p->doc_number, "天教定〔2025〕3号");
  EXPECT_EQ(p->designated_by, "王局长");
  EXPECT_EQ(p->designated_at, kNow);
  EXPECT_EQ(p->until, D("2027-12-31"));
  EXPECT_TRUE(p->LiveOn(D("2027-12-31")));
  EXPECT_FALSE(p->LiveOn(D("2028-01-01")));
  EXPECT_FALSE(p->LiveOn(D("2024-12-31")));
}

TEST(Responsible, GdArt16_SomeoneWhoIsNotAResponsiblePersonCannotDesignate) {
  auto r = Designate(WithHead(), Deputy(), "张三", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "GD Art. 16 ¶2")) << r.message();
  EXPECT_TRUE(Has(r.message(), "张三 is not a 定密责任人 of 天河区教育局")) << r.message();
  EXPECT_TRUE(Has(r.message(), "王局长")) << r.message();

  auto none = Designate(EmptyRegister(), Deputy(), "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(Has(none.message(), "no 法定定密责任人 registered")) << none.message();
}

TEST(Responsible, GdArt16_ACeilingAboveTheOrgansOwnIsRefused) {
  Designation d = Deputy();
  d.ceiling = L::kJuemi;
  auto r = Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "GD Art. 16 ¶2, 19")) << r.message();
  EXPECT_TRUE(Has(r.message(), "绝密")) << r.message();
  EXPECT_TRUE(Has(r.message(), "up to 机密")) << r.message();
  d.ceiling = L::kJimi;
  EXPECT_TRUE(Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow).ok());
}

TEST(Responsible, GdArt16_AnOrganWithoutOriginalAuthorityDesignatesItsHeadInChargeOfSecretWork) {
  auto ok = DesignateDeputy(WithHead(/*original_authority=*/false));
  ASSERT_TRUE(ok.ok()) << ok.message();
  Art17Declaration no_post = AllMet();
  no_post.leading_post = false;
  std::string e = DesignateError(WithHead(false), {}, no_post);
  EXPECT_TRUE(Has(e, "GD Art. 16 ¶2")) << e;
  EXPECT_TRUE(Has(e, "无原始定密权的机关")) << e;
  EXPECT_TRUE(Has(e, "分管涉密业务的负责人")) << e;
  // With original authority the item reads Art. 17 (二).
  std::string with = DesignateError(WithHead(true), {}, no_post);
  EXPECT_TRUE(Has(with, "GD Art. 17 (二) 机关、单位负责涉密业务工作的中层以上领导干部")) << with;
  EXPECT_FALSE(Has(with, "无原始定密权")) << with;
}

TEST(Responsible, GdArt16_ANameAlreadyLiveIsRefused) {
  std::string e = DesignateError(WithDeputy());
  EXPECT_TRUE(Has(e, "GD Art. 16 ¶2")) << e;
  EXPECT_TRUE(Has(e, "李副局长")) << e;
  EXPECT_TRUE(Has(e, "already a 定密责任人")) << e;
  Designation head = Deputy();
  head.name = "王局长";
  auto r = Designate(WithHead(), head, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "already a 定密责任人")) << r.message();
}

// ---- GD Art. 16 ¶3: who may approve ----

TEST(Responsible, GdArt16_TheStatutoryPersonApprovesUpToTheOrgansCeiling) {
  auto reg = WithDeputy();
  EXPECT_TRUE(MayApprove(reg, "王局长", L::kMimi, kToday).ok());
  EXPECT_TRUE(MayApprove(reg, "王局长", L::kJimi, kToday).ok());
  Status s = MayApprove(reg, "王局长", L::kJuemi, kToday);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "GD Art. 16 ¶3")) << s.message();
  EXPECT_TRUE(Has(s.message(), "定密权限 of 天河区教育局 (440106/jyj) is 机密")) << s.message();
  EXPECT_TRUE(Has(s.message(), "nobody in the register")) << s.message();
}

TEST(Responsible, GdArt16_ADesigneeApprovesWithinItsCeilingAndTerm) {
  auto reg = WithDeputy();
  EXPECT_TRUE(MayApprove(reg, "李副局长", L::kMimi, kToday).ok());
  EXPECT_TRUE(MayApprove(reg, "李副局长", L::kMimi, D("2027-12-31")).ok());

  Status above = MayApprove(reg, "李副局长", L::kJimi, kToday);
  ASSERT_FALSE(above.ok());
  EXPECT_TRUE(Has(above.message(), "GD Art. 16 ¶3")) << above.message();
  EXPECT_TRUE(Has(above.message(), "定密权限 of 李副局长 is 秘密")) << above.message();
  EXPECT_TRUE(Has(above.message(), "who may approve 机密 on 2025-06-01: 王局长 (法定定密责任人"))
      << above.message();
  EXPECT_FALSE(Has(above.message(), ": 李副局长 (")) << above.message();

  Status after = MayApprove(reg, "李副局长", L::kMimi, D("2028-01-01"));
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(Has(after.message(), "until 2027-12-31")) << after.message();
  EXPECT_TRUE(Has(after.message(), "授权期限")) << after.message();

  Status before = MayApprove(reg, "李副局长", L::kMimi, D("2024-12-31"));
  ASSERT_FALSE(before.ok());
  EXPECT_TRUE(Has(before.message(), "only from 2025-01-01")) << before.message();
}

TEST(Responsible, GdArt16_NobodyElseMayApprove) {
  Status s = MayApprove(WithDeputy(), "张三", L::kMimi, kToday);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "GD Art. 16 ¶3")) << s.message();
  EXPECT_TRUE(Has(s.message(), "张三 is not a 定密责任人 of 天河区教育局")) << s.message();
  EXPECT_TRUE(Has(s.message(), "not registered")) << s.message();
  EXPECT_TRUE(Has(s.message(), "其他人员不得审核批准国家秘密的确定、变更和解除")) << s.message();
  EXPECT_TRUE(Has(s.message(), "王局长 (法定定密责任人, 可审批至机密)")) << s.message();
  EXPECT_TRUE(Has(s.message(), "李副局长 (指定定密责任人, 可审批至秘密, 至 2027-12-31)"))
      << s.message();
}

TEST(Responsible, GdArt16_AReplacedHeadMayNoLongerApprove) {
  auto r = SetStatutory(WithDeputy(), "陈局长", "局长", "天任〔2025〕9号", kNow);
  ASSERT_TRUE(r.ok()) << r.message();
  Status s = MayApprove(r.value(), "王局长", L::kMimi, kToday);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "主要负责人变更")) << s.message();
  EXPECT_TRUE(Has(s.message(), "陈局长 (法定定密责任人")) << s.message();
  EXPECT_TRUE(MayApprove(r.value(), "陈局长", L::kJimi, kToday).ok());
}

// ---- GD Art. 17 ----

TEST(Responsible, GdArt17_EachConditionMustBeDeclared) {
  for (int item = 1; item <= kArt17Items; ++item) {
    Art17Declaration a = AllMet();
    bool* fields[] = {&a.secret_personnel_conditions, &a.leading_post, &a.trained, &a.familiar};
    *fields[item - 1] = false;
    std::string e = DesignateError(WithHead(), {}, a);
    EXPECT_TRUE(Has(e, "GD Art. 17")) << item << ": " << e;
    EXPECT_TRUE(Has(e, Art17ItemZh(item))) << item << ": " << e;
    EXPECT_TRUE(Has(e, "李副局长")) << item << ": " << e;
    for (int other = 1; other <= kArt17Items; ++other) {
      if (other != item) {
        EXPECT_FALSE(Has(e, Art17ItemZh(other))) << item << ": " << e;
      }
    }
  }
}

TEST(Responsible, GdArt17_EveryMissingConditionIsNamed) {
  std::string e = DesignateError(WithHead(), {}, Art17Declaration{});
  for (int item = 1; item <= kArt17Items; ++item) {
    EXPECT_TRUE(Has(e, Art17ItemZh(item))) << item << ": " << e;
  }
  EXPECT_TRUE(Has(Art17ItemZh(3), "经过定密业务培训合格"));
}

// ---- GD Art. 18 ----

TEST(Responsible, GdArt18_CriminalLiabilityRefusesTheDesignation) {
  Art18Record r;
  r.criminal_liability = true;
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(一) 受过刑事责任追究")) << e;
  EXPECT_TRUE(Has(e, "不得指定为定密责任人")) << e;
}

TEST(Responsible, GdArt18_DismissalWithinTwoYearsRefusesTheDesignation) {
  Art18Record r;
  r.dismissal_or_worse = D("2023-06-01");  // exactly two years before today: still counts
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(二) 近两年来受过党纪政纪撤职(含)以上处分")) << e;
  EXPECT_TRUE(Has(e, "2023-06-01")) << e;
  r.dismissal_or_worse = D("2025-05-31");
  EXPECT_TRUE(Has(DesignateError(WithHead(), r), "(二)"));
}

TEST(Responsible, GdArt18_DismissalMoreThanTwoYearsAgoDoesNotCount) {
  Art18Record r;
  r.dismissal_or_worse = D("2023-05-31");  // two years ended on 2025-05-31
  auto ok = DesignateDeputy(WithHead(), r);
  EXPECT_TRUE(ok.ok()) << ok.message();
}

TEST(Responsible, GdArt18_SecrecyDisciplineWithinTwoYearsRefusesTheDesignation) {
  Art18Record r;
  r.secrecy_discipline = D("2023-06-01");
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(三) 近两年内有违反保密法律法规行为，受过党纪政纪处分")) << e;
  EXPECT_FALSE(Has(e, "(二)")) << e;
  r.secrecy_discipline = D("2023-05-31");
  auto ok = DesignateDeputy(WithHead(), r);
  EXPECT_TRUE(ok.ok()) << ok.message();
}

TEST(Responsible, GdArt18_UnqualifiedLastYearRefusesTheDesignation) {
  Art18Record r;
  r.unqualified_last_year = true;
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(四) 上一年度岗位考核被评为“不称职(不合格)”")) << e;
}

TEST(Responsible, GdArt18_TwoViolationsWithinOneYearInTheLastTwoYearsRefuse) {
  Art18Record r;
  r.secrecy_violations = {D("2024-12-10"), D("2024-01-10")};
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(五) 近两年来，一年内有两次以上违反保密法律法规记录")) << e;
  EXPECT_TRUE(Has(e, "2024-01-10, 2024-12-10")) << e;

  // One year to the day apart: still within one year.
  r.secrecy_violations = {D("2023-07-01"), D("2024-07-01")};
  EXPECT_TRUE(Has(DesignateError(WithHead(), r), "(五)"));
}

TEST(Responsible, GdArt18_ViolationsMoreThanAYearApartOrOutsideTwoYearsDoNotCount) {
  Art18Record r;
  r.secrecy_violations = {D("2023-07-01"), D("2024-07-02")};  // a year and a day apart
  auto apart = DesignateDeputy(WithHead(), r);
  EXPECT_TRUE(apart.ok()) << apart.message();
  r.secrecy_violations = {D("2023-05-31"), D("2023-12-01")};  // the first is over two years old
  auto old = DesignateDeputy(WithHead(), r);
  EXPECT_TRUE(old.ok()) << old.message();
  r.secrecy_violations = {D("2023-06-01"), D("2023-12-01")};  // both within two years
  EXPECT_TRUE(Has(DesignateError(WithHead(), r), "(五)"));
  r.secrecy_violations = {D("2025-03-01")};  // one violation
  auto one = DesignateDeputy(WithHead(), r);
  EXPECT_TRUE(one.ok()) << one.message();
}

TEST(Responsible, GdArt18_OtherCircumstancesRefuseQuotingThem) {
  Art18Record r;
  r.other = "正在接受纪律审查";
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18")) << e;
  EXPECT_TRUE(Has(e, "(六) 保密法律法规规定的其他情形")) << e;
  EXPECT_TRUE(Has(e, "正在接受纪律审查")) << e;
}

TEST(Responsible, GdArt18_EveryApplicableItemIsNamed) {
  Art18Record r;
  r.criminal_liability = true;
  r.dismissal_or_worse = D("2024-01-01");
  r.secrecy_discipline = D("2024-02-01");
  r.unqualified_last_year = true;
  r.secrecy_violations = {D("2024-03-01"), D("2024-04-01")};
  r.other = "其他";
  std::string e = DesignateError(WithHead(), r);
  for (int item = 1; item <= kArt18Items; ++item) {
    EXPECT_TRUE(Has(e, Art18ItemZh(item))) << item << ": " << e;
  }
}

TEST(Responsible, GdArt18_ADateAfterTodayIsRefusedAsInput) {
  Art18Record r;
  r.secrecy_discipline = D("2025-06-02");
  std::string e = DesignateError(WithHead(), r);
  EXPECT_TRUE(Has(e, "GD Art. 18 (三)")) << e;
  EXPECT_TRUE(Has(e, "after today")) << e;
}

TEST(Responsible, GdArt18_TwoYearWindowsCountLikeTheCivilCode) {
  EXPECT_TRUE(WithinYearsBefore(D("2023-05-10"), D("2025-05-10"), 2));
  EXPECT_FALSE(WithinYearsBefore(D("2023-05-10"), D("2025-05-11"), 2));
  EXPECT_TRUE(WithinYearsBefore(D("2024-02-29"), D("2026-02-28"), 2));
  EXPECT_FALSE(WithinYearsBefore(D("2024-02-29"), D("2026-03-01"), 2));
  EXPECT_FALSE(WithinYearsBefore(D("2022-02-28"), D("2024-02-29"), 2));
  EXPECT_FALSE(WithinYearsBefore(D("2025-06-02"), D("2025-06-01"), 2));
  EXPECT_TRUE(WithinYearsBefore(D("2024-03-01"), D("2025-03-01"), 1));
}

// ---- GD Art. 19 ----

TEST(Responsible, GdArt19_ADesigneeCannotDesignateAnother) {
  Designation other = Deputy();
  other.name = "赵科长";
  auto r = Designate(WithDeputy(), other, "李副局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "19 ¶2")) << r.message();
  EXPECT_TRUE(Has(r.message(), "李副局长 is a 指定定密责任人 of 天河区教育局")) << r.message();
  EXPECT_TRUE(Has(r.message(), "指定定密责任人不得指定其他人为定密责任人")) << r.message();
  EXPECT_TRUE(Has(r.message(), "(王局长)")) << r.message();
}

TEST(Responsible, GdArt19_EveryWrittenFieldIsRequired) {
  struct Case {
    const char* field;
    void (*clear)(Designation&);
  };
  const Case cases[] = {
      {"姓名", [](Designation& d) { d.name.clear(); }},
      {"定密权限", [](Designation& d) { d.ceiling = SecrecyLevel{}; }},
      {"定密事项范围", [](Designation& d) { d.matters = "  "; }},
      {"授权期限", [](Designation& d) { d.until = calendar::Date{}; }},
      {"授权期限", [](Designation& d) { d.from = calendar::Date{}; }},
      {"书面指定文号", [](Designation& d) { d.doc_number.clear(); }},
  };
  for (const auto& c : cases) {
    Designation d = Deputy();
    c.clear(d);
    auto r = Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_TRUE(Has(r.message(), "GD Art. 19")) << c.field << ": " << r.message();
    EXPECT_TRUE(Has(r.message(), std::string("missing: ") + c.field) ||
                Has(r.message(), std::string(", ") + c.field))
        << c.field << ": " << r.message();
  }
  // A default Designation lacks all of them.
  auto none = Designate(WithHead(), Designation{}, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(none.ok());
  for (const char* f : {"姓名", "定密权限", "定密事项范围", "授权期限", "书面指定文号"}) {
    EXPECT_TRUE(Has(none.message(), f)) << f << ": " << none.message();
  }
}

TEST(Responsible, GdArt19_TheTermRunsForwardAndIsNotOver) {
  Designation d = Deputy();
  d.from = D("2026-01-01");
  d.until = D("2025-12-31");
  auto backwards = Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(backwards.ok());
  EXPECT_TRUE(Has(backwards.message(), "GD Art. 19")) << backwards.message();
  EXPECT_TRUE(Has(backwards.message(), "runs backwards")) << backwards.message();
  d.from = D("2024-01-01");
  d.until = D("2025-05-31");
  auto over = Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(Has(over.message(), "ended on 2025-05-31")) << over.message();
  d.from = d.until = kToday;  // a one-day term is a term
  EXPECT_TRUE(Designate(WithHead(), d, "王局长", AllMet(), {}, kToday, kNow).ok());
}

// ---- GD Art. 22 ----

TEST(Responsible, GdArt22_TheStatutoryPersonEndsADesignationWithAReason) {
  auto r = RevokeDesignation(WithDeputy(), "李副局长", "王局长", "岗位调整", kToday, kNow);
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& reg = r.value();
  EXPECT_EQ(reg.version, 3u);
  EXPECT_EQ(reg.changed_at, kNow);
  EXPECT_EQ(reg.Find("李副局长", kToday), nullptr);
  ASSERT_EQ(reg.persons.size(), 2u);
  EXPECT_TRUE(reg.persons[1].revoked);
  EXPECT_EQ(reg.persons[1].revoked_by, "王局长");
  EXPECT_EQ(reg.persons[1].revoke_reason, "岗位调整");
  Status s = MayApprove(reg, "李副局长", L::kMimi, kToday);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "ended by 王局长 (岗位调整)")) << s.message();
  // A second revocation has nothing to end.
  auto again = RevokeDesignation(reg, "李副局长", "王局长", "岗位调整", kToday, kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(Has(again.message(), "no designation in force")) << again.message();
  // The same person may be designated again.
  EXPECT_TRUE(DesignateDeputy(reg).ok());
}

TEST(Responsible, GdArt22_AReasonIsRequired) {
  auto r = RevokeDesignation(WithDeputy(), "李副局长", "王局长", " ", kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "GD Art. 22")) << r.message();
  EXPECT_TRUE(Has(r.message(), "理由")) << r.message();
}

TEST(Responsible, GdArt22_OnlyTheStatutoryPersonAdjustsADesignation) {
  Designation other = Deputy();
  other.name = "赵科长";
  auto two = Designate(WithDeputy(), other, "王局长", AllMet(), {}, kToday, kNow);
  ASSERT_TRUE(two.ok()) << two.message();
  auto r = RevokeDesignation(two.value(), "赵科长", "李副局长", "越权", kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "GD Art. 22")) << r.message();
  EXPECT_TRUE(Has(r.message(), "李副局长 is a 指定定密责任人")) << r.message();
  EXPECT_TRUE(Has(r.message(), "(王局长)")) << r.message();
  auto outsider = RevokeDesignation(two.value(), "赵科长", "张三", "越权", kToday, kNow);
  ASSERT_FALSE(outsider.ok());
  EXPECT_TRUE(Has(outsider.message(), "张三 is not a 定密责任人")) << outsider.message();
  auto unknown = RevokeDesignation(two.value(), "钱某", "王局长", "调整", kToday, kNow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Has(unknown.message(), "钱某 is not a 定密责任人")) << unknown.message();
}

TEST(Responsible, GdArt22_TheStatutoryOneIsNotRevokedAsADesignation) {
  auto r = RevokeDesignation(WithDeputy(), "王局长", "王局长", "调整", kToday, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Has(r.message(), "GD Art. 16 ¶1")) << r.message();
  EXPECT_TRUE(Has(r.message(), "SetStatutory")) << r.message();
}

TEST(Responsible, GdArt22_OnlyTheStatutoryPersonChangesADesigneesOpinion) {
  auto reg = WithDeputy();
  EXPECT_TRUE(MayOverride(reg, "王局长", kToday).ok());
  Status designee = MayOverride(reg, "李副局长", kToday);
  ASSERT_FALSE(designee.ok());
  EXPECT_TRUE(Has(designee.message(), "GD Art. 22")) << designee.message();
  EXPECT_TRUE(Has(designee.message(), "李副局长 is a 指定定密责任人")) << designee.message();
  Status outsider = MayOverride(reg, "张三", kToday);
  ASSERT_FALSE(outsider.ok());
  EXPECT_TRUE(Has(outsider.message(), "张三 is not a 定密责任人")) << outsider.message();
  auto replaced = SetStatutory(reg, "陈局长", "局长", "天任〔2025〕9号", kNow);
  ASSERT_TRUE(replaced.ok()) << replaced.message();
  EXPECT_FALSE(MayOverride(replaced.value(), "王局长", kToday).ok());
  EXPECT_TRUE(MayOverride(replaced.value(), "陈局长", kToday).ok());
}

}  // namespace
}  // namespace zhuji::workflows
