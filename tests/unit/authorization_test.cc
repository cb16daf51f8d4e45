// 定密授权 and 备案 as pure workflows (GD Art. 6-14): grants, revocations, lapses, the authority
// they give, and the life of a filing.
#include "services/workflows/authorization.h"

#include <gtest/gtest.h>

#include "guangdong.h"
#include "services/config/authorizing_list.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/signed_document.h"
#include "services/workflows/filing.h"

namespace zhuji::workflows {
namespace {

using testing::kDay;
using testing::kT0;

// The test directory with its province and city organs authorizing, as the demo's are.
OrganDirectory Authorizing() {
  OrganDirectory d;
  for (const char* id : {"440000", "440100", "440300", "440106", "440305"}) {
    DirectoryNode n = *testing::Guangdong().Node(id);
    for (auto& o : n.organs) o.authorizing = n.level != NodeLevel::kCounty;
    EXPECT_TRUE(d.AddNode(n).ok());
  }
  return d;
}

GrantDecision Decision(int months = 36) {
  GrantDecision d;
  d.doc_number = "穗教密授〔2025〕1号";
  d.grantee = "440106/jyj";
  d.ceiling = SecrecyLevel::kMimi;
  d.matters = "招生考试工作中的秘密事项";
  d.term_months = months;
  d.decided_by = "陈七";
  return d;
}

Grant Granted(int months = 36) {
  auto s = DecideGrant(Authorizing(), "440100/jyj", "440100/jyj/2025-G0001", Decision(months),
                       nullptr, kT0);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.value().grant;
}

TEST(Authorization, GdArt6_ACountyOrganFlaggedAuthorizingIsRefusedWhenTheDirectoryLoads) {
  OrganDirectory d;
  DirectoryNode county = *testing::Guangdong().Node("440106");
  county.organs[0].authorizing = true;
  Status st = d.AddNode(county);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("GD Art. 6"), std::string::npos) << st.message();
}

TEST(Authorization, GdArt6_OnlyAnAuthorizingOrganOfItsRegionGrants) {
  auto dir = Authorizing();
  auto county = DecideGrant(dir, "440106/bmj", "x", Decision(), nullptr, kT0);
  EXPECT_NE(county.message().find("GD Art. 6"), std::string::npos) << county.message();
  GrantDecision elsewhere = Decision();
  elsewhere.grantee = "440305/jyj";  // 南山区: 深圳市's, not 广州市's
  auto out = DecideGrant(dir, "440100/jyj", "x", elsewhere, nullptr, kT0);
  EXPECT_NE(out.message().find("本行政区域内"), std::string::npos) << out.message();
  OrganDirectory plain = testing::Guangdong();  // nobody flagged authorizing
  auto flag = DecideGrant(plain, "440100/jyj", "x", Decision(), nullptr, kT0);
  EXPECT_NE(flag.message().find("not an authorizing organ"), std::string::npos);
}

TEST(Authorization, GdArt7_AGrantStaysWithinTheGrantorsOwnAuthorityAndIsNotPassedOn) {
  auto dir = Authorizing();
  GrantDecision high = Decision();
  high.ceiling = SecrecyLevel::kJuemi;  // 广州市教育局 may determine 机密 at most
  auto r = DecideGrant(dir, "440100/jyj", "x", high, nullptr, kT0);
  EXPECT_NE(r.message().find("GD Art. 7"), std::string::npos) << r.message();
  // The grantee holds authority only through the grant: it has none of its own to grant on.
  DirectoryNode county = *dir.Node("440106");
  EXPECT_FALSE(county.organs[1].authority.has_original_authority);
  GrantDecision proactive = Decision();
  proactive.proactive = true;
  auto no_task = DecideGrant(dir, "440100/jyj", "x", proactive, nullptr, kT0);
  EXPECT_NE(no_task.message().find("GD Art. 7"), std::string::npos);
  proactive.task = "2026年中考区级命题任务";
  EXPECT_TRUE(DecideGrant(dir, "440100/jyj", "x", proactive, nullptr, kT0).ok());
}

TEST(Authorization, GdArt10_ATermOverFiveYearsNeedsItsReasonAndIsWarned) {
  auto dir = Authorizing();
  auto r = DecideGrant(dir, "440100/jyj", "x", Decision(72), nullptr, kT0);
  EXPECT_NE(r.message().find("一般不超过五年"), std::string::npos) << r.message();
  GrantDecision d = Decision(72);
  d.long_term_reason = "命题周期六年";
  auto ok = DecideGrant(dir, "440100/jyj", "x", d, nullptr, kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  ASSERT_EQ(ok.value().warnings.size(), 1u);
  EXPECT_NE(ok.value().warnings[0].find("over five years"), std::string::npos);
  auto written = Decision();
  written.doc_number.clear();
  EXPECT_NE(DecideGrant(dir, "440100/jyj", "x", written, nullptr, kT0).message().find("written"),
            std::string::npos);
}

TEST(Authorization, GdArt10_AGrantLapsesByItselfAtTheEndOfItsTerm) {
  Grant g = Granted(3);  // three months from its day: in force through the day before
  EXPECT_EQ(g.until(), calendar::Date::FromYmd(2025, 12, g.from.day()) - 1);
  int64_t end = g.LapsesAtMs();
  EXPECT_FALSE(LapseIfDue(g, end - 1));
  auto lapsed = LapseIfDue(g, end);
  ASSERT_TRUE(lapsed);
  EXPECT_EQ(lapsed->state, GrantState::kLapsed);
  Organ grantee = *Authorizing().Find("440106/jyj");
  EXPECT_TRUE(EffectiveAuthority(grantee, {g}, end - 1).has_original_authority);
  EXPECT_FALSE(EffectiveAuthority(grantee, {g}, end).has_original_authority);
}

TEST(Authorization, GdArt11_ARevocationNamesOneOfTheSixGrounds) {
  auto dir = Authorizing();
  Grant g = Granted();
  auto none = RevokeGrant(dir, g, 0, "", "穗教密撤〔2025〕1号", "陈七", kT0 + kDay);
  EXPECT_NE(none.message().find("(六)"), std::string::npos) << "lists the grounds";
  auto six = RevokeGrant(dir, g, 6, "", "穗教密撤〔2025〕1号", "陈七", kT0 + kDay);
  EXPECT_NE(six.message().find("--detail"), std::string::npos);
  auto ok = RevokeGrant(dir, g, 1, "", "穗教密撤〔2025〕1号", "陈七", kT0 + kDay);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().grant.state, GrantState::kRevoked);
  Organ grantee = *dir.Find("440106/jyj");
  EXPECT_FALSE(EffectiveAuthority(grantee, {ok.value().grant}, kT0 + kDay).has_original_authority);
  // The copy goes to every holder: the grantee, and the city's dept above the county grantee.
  EXPECT_EQ(ok.value().send_to, (std::vector<std::string>{"440106", "440000"}));
}

TEST(Authorization, GdArt12_ARegrantReplacesTheGrantWithItsCause) {
  auto dir = Authorizing();
  Grant g = Granted(3);
  GrantDecision again = Decision();
  again.regrants = g.id;
  auto no_cause = DecideGrant(dir, "440100/jyj", "y", again, &g, kT0 + kDay);
  EXPECT_NE(no_cause.message().find("GD Art. 12"), std::string::npos);
  again.regrant_cause = RegrantCause::kScopeChanged;
  auto ok = DecideGrant(dir, "440100/jyj", "y", again, &g, kT0 + kDay);
  ASSERT_TRUE(ok.ok()) << ok.message();
  ASSERT_TRUE(ok.value().superseded);
  EXPECT_EQ(ok.value().superseded->state, GrantState::kSuperseded);
}

TEST(Authorization, GdArt6_GdArt7_AReceiverChecksAGrantAgainstItsOwnDirectory) {
  auto dir = Authorizing();
  Grant g = Granted();
  EXPECT_TRUE(CheckGrantAgainst(dir, g, "440106", true).ok()) << "the grantee's node";
  EXPECT_TRUE(CheckGrantAgainst(dir, g, "440000", true).ok()) << "GD Art. 13: the province";
  EXPECT_FALSE(CheckGrantAgainst(dir, g, "440300", true).ok()) << "a node it does not concern";
  Grant county = g;  // forged by a county node: its own bureau as the grantor
  county.grantor = *dir.Find("440106/bmj");
  county.grantee = *dir.Find("440100/jyj");
  EXPECT_NE(CheckGrantAgainst(dir, county, "440100", true).message().find("GD Art. 6"),
            std::string::npos);
  Grant high = g;
  high.ceiling = SecrecyLevel::kJuemi;  // beyond 广州市教育局's own 机密
  EXPECT_NE(CheckGrantAgainst(dir, high, "440106", true).message().find("GD Art. 7"),
            std::string::npos);
  Grant elsewhere = g;
  elsewhere.grantee = *dir.Find("440305/jyj");
  EXPECT_NE(CheckGrantAgainst(dir, elsewhere, "440305", true).message().find("GD Art. 6"),
            std::string::npos);
  // The decision never changes from one version to the next.
  Grant widened = g;
  widened.ceiling = SecrecyLevel::kJimi;
  widened.version += 1;
  EXPECT_FALSE(CheckGrantCopy(&g, widened, "440100").ok());
}

TEST(Authorization, GdArt13_CopiesFromTheGrantorsNodeOnlyAndNeverBackInForce) {
  Grant g = Granted();
  EXPECT_TRUE(CheckGrantCopy(nullptr, g, "440100").ok());
  EXPECT_FALSE(CheckGrantCopy(nullptr, g, "440106").ok());
  auto revoked = RevokeGrant(Authorizing(), g, 1, "", "撤", "陈七", kT0 + kDay).value().grant;
  Grant forged = revoked;
  forged.state = GrantState::kLive;
  forged.version += 1;
  EXPECT_FALSE(CheckGrantCopy(&revoked, forged, "440100").ok());
}

std::set<std::string> Art8(bool scope_list = true) {
  std::set<std::string> m{"定密授权书面申请公文", "定密授权申请表", "定密责任人情况一览表",
                          "近三年来原始定密情况", "定密工作制度"};
  m.insert(scope_list ? kScopeList : kNoScopeList);
  return m;
}

TEST(Authorization, GdArt9_AnApplicationGoesToTheFirstAuthorizingOrganThatMayGrantIt) {
  auto dir = Authorizing();
  auto low = ApplicationPath(dir, "440106/jyj", SecrecyLevel::kMimi);
  ASSERT_TRUE(low.ok());
  ASSERT_EQ(low.value().size(), 1u);
  EXPECT_EQ(low.value()[0].organ.name, "广州市教育局");
  auto high = ApplicationPath(dir, "440106/jyj", SecrecyLevel::kJuemi);
  ASSERT_TRUE(high.ok());
  ASSERT_EQ(high.value().size(), 2u) << "广州市教育局 (机密 at most) reviews, 广东省教育厅 decides";
  EXPECT_EQ(high.value()[1].organ.name, "广东省教育厅");
}

TEST(Authorization, GdArt8_TheApplicationCarriesItsMaterialsFromTheStart) {
  auto dir = Authorizing();
  std::set<std::string> partial = Art8();
  partial.erase("定密工作制度");
  auto r = ApplyForGrant(dir, "440106/jyj", "a", "招生考试", SecrecyLevel::kMimi, 36, partial, kT0);
  EXPECT_NE(r.message().find("GD Art. 8"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("定密工作制度"), std::string::npos);
  auto no_list =
      ApplyForGrant(dir, "440106/jyj", "a", "招生考试", SecrecyLevel::kMimi, 36, Art8(false), kT0);
  EXPECT_TRUE(no_list.ok()) << "GD Art. 8 ¶2: " << no_list.message();
  auto ok = ApplyForGrant(dir, "440106/jyj", "a", "招生考试", SecrecyLevel::kMimi, 36, Art8(), kT0);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.value().matter.kind, MatterKind::kAuthorization);
  EXPECT_EQ(ok.value().effects.send_to, std::vector<std::string>{"440100"});
}

TEST(Authorization, GdArt9_EachLevelHasThirtyWorkingDaysAndTheAnswerGoesBackDown) {
  auto dir = Authorizing();
  auto sent =
      ApplyForGrant(dir, "440106/jyj", "a", "招生考试", SecrecyLevel::kJuemi, 36, Art8(), kT0);
  ASSERT_TRUE(sent.ok()) << sent.message();
  auto at_city = Receive(sent.value().matter, kT0 + kDay, {});
  ASSERT_TRUE(at_city.ok());
  ASSERT_EQ(at_city.value().effects.open.size(), 1u);
  EXPECT_EQ(at_city.value().effects.open[0].working_days, kApplicationWorkingDays);
  EXPECT_EQ(at_city.value().effects.open[0].rule, "GD Art. 9");
  auto fwd = Forward(at_city.value().matter, "吴芳", "同意上报", kT0 + kDay);
  ASSERT_TRUE(fwd.ok()) << fwd.message();
  auto at_province = Receive(fwd.value().matter, kT0 + 2 * kDay, {});
  EXPECT_EQ(at_province.value().effects.open[0].working_days, kApplicationWorkingDays);
  EXPECT_FALSE(Decide(at_province.value().matter, {}, kT0 + 2 * kDay).ok())
      << "an application is answered with a grant or a refusal";
  auto no_reason =
      AnswerApplication(at_province.value().matter, nullptr, "", "陈明", kT0 + 2 * kDay);
  EXPECT_NE(no_reason.message().find("GD Art. 9"), std::string::npos);
  auto refused = AnswerApplication(at_province.value().matter, nullptr, "不经常产生机密级事项",
                                   "陈明", kT0 + 2 * kDay);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused.value().matter.decision->refused);
  EXPECT_EQ(refused.value().matter.state, MatterState::kDecided);
  auto nodes = refused.value().effects.send_to;
  std::sort(nodes.begin(), nodes.end());
  EXPECT_EQ(nodes, (std::vector<std::string>{"440100", "440106"}));
}

TEST(Authorization, GdArt15_TheListIsSignedByTheProvinceAndOnlyAsAList) {
  auto dir = Authorizing();
  auto list = config::AuthorizingListOf(dir, {"440000", "440100"}, 3, "2025-09-24", "粤保发");
  std::string text = config::RenderAuthorizingList(list);
  auto key = crypto::NewKeyPair("directory:gd");
  auto other = crypto::NewKeyPair("directory:other");
  auto signed_text = crypto::SignDocument(text, key, config::kAuthorizingListDomain).value();
  auto body = crypto::VerifiedBody(signed_text, "list", key.pub.suite, key.pub.sign,
                                   config::kAuthorizingListDomain);
  ASSERT_TRUE(body.ok()) << body.message();
  auto parsed = config::ParseAuthorizingList(body.value(), "list");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed.value().version, 3u);
  EXPECT_TRUE(parsed.value().Lists("440100/jyj"));
  EXPECT_TRUE(config::CheckAuthorizingList(parsed.value(), dir).ok());
  EXPECT_FALSE(crypto::VerifiedBody(signed_text, "list", key.pub.suite, other.pub.sign,
                                    config::kAuthorizingListDomain)
                   .ok())
      << "another key";
  // A directory of keys signed by the same key does not pass for a list (domains differ).
  auto as_directory = crypto::KeyDirectory::Sign(text, key).value();
  EXPECT_FALSE(crypto::VerifiedBody(as_directory, "list", key.pub.suite, key.pub.sign,
                                    config::kAuthorizingListDomain)
                   .ok());
  config::AuthorizingList county = list;
  county.organs.push_back({"440106/bmj", "天河区国家保密局"});
  EXPECT_NE(config::CheckAuthorizingList(county, dir).message().find("GD Art. 6"),
            std::string::npos);
}

TEST(Filing, GdArt13_AFilingMissingAMaterialIsRefusedByNameAndItsDutyRunsOn) {
  auto dir = Authorizing();
  Grant g = Granted();
  auto owed =
      OweFiling(FilingKind::kGrant, "440100/jyj/2025-B0001", *dir.Find("440100/jyj"),
                *dir.Find("440000/bmj"), g.id, "定密授权决定书", calendar::CstDateOf(kT0), {}, kT0);
  owed.filing.grant = g;
  EXPECT_EQ(owed.duty, DutyChange::kOpen);
  EXPECT_EQ(owed.filing.working_days, kGrantFilingWorkingDays);
  auto partial = SubmitFiling(owed.filing, {"定密授权决定书"}, "经办人", kT0);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.message().find("被授权机关定密授权申请表"), std::string::npos)
      << "a grant on application files its application form";
  auto sent = SubmitFiling(owed.filing,
                           {"定密授权决定书", "被授权机关定密授权申请表",
                            "被授权机关近三年原始定密统计表", "被授权机关定密责任人备案表"},
                           "经办人", kT0 + kDay);
  ASSERT_TRUE(sent.ok()) << sent.message();
  EXPECT_EQ(sent.value().duty, DutyChange::kMet);
  EXPECT_EQ(sent.value().send_to, "440000");
  EXPECT_FALSE(ReceiptFiling(sent.value().filing, "1号", "收件人", kT0 + kDay).ok())
      << "a 回执 after the receiver's node took it in";
  auto received = ReceiveFiling(sent.value().filing, kT0 + 2 * kDay);
  auto refused =
      RefuseFiling(received.filing, "被授权机关定密责任人备案表", "收件人", kT0 + 2 * kDay);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused.value().duty, DutyChange::kRunOn);
  EXPECT_FALSE(refused.value().filing.materials.count("被授权机关定密责任人备案表"));
  auto again = SubmitFiling(refused.value().filing, {}, "经办人", kT0 + 3 * kDay);
  EXPECT_NE(again.message().find("被授权机关定密责任人备案表"), std::string::npos);
  // A material the department asks for, outside the list, is required from then on.
  auto asked = RefuseFiling(received.filing, "被授权机关定密责任人备案表（加盖公章）", "收件人",
                            kT0 + 2 * kDay);
  auto without = SubmitFiling(asked.value().filing, {}, "经办人", kT0 + 3 * kDay);
  EXPECT_NE(without.message().find("加盖公章"), std::string::npos) << without.message();
  auto complete = SubmitFiling(refused.value().filing, {"被授权机关定密责任人备案表"}, "经办人",
                               kT0 + 3 * kDay);
  ASSERT_TRUE(complete.ok());
  auto in = ReceiveFiling(complete.value().filing, kT0 + 3 * kDay);
  auto receipted = ReceiptFiling(in.filing, "粤保备〔2025〕7号", "收件人", kT0 + 4 * kDay);
  ASSERT_TRUE(receipted.ok());
  EXPECT_EQ(receipted.value().duty, DutyChange::kClose);
  EXPECT_EQ(receipted.value().send_to, "440100");
  EXPECT_EQ(receipted.value().filing.first_sent_at, kT0 + kDay);
}

TEST(Filing, GdArt13_AProactiveGrantsFilingHasNoApplicationForm) {
  Grant g = Granted();
  g.proactive = true;
  auto need = RequiredFilingMaterials(FilingKind::kGrant, &g);
  EXPECT_EQ(std::count(need.begin(), need.end(), "被授权机关定密授权申请表"), 0);
  EXPECT_EQ(RequiredFilingMaterials(FilingKind::kRevocation, &g),
            std::vector<std::string>{"撤销定密授权决定书"});
}

TEST(Filing, GdArt14_GdArt21_PeriodsAreTheRulesAndTheCountyReportIsPolicy) {
  auto dir = Authorizing();
  Organ a = *dir.Find("440106/jyj"), b = *dir.Find("440106/bmj");
  auto day = calendar::CstDateOf(kT0);
  EXPECT_EQ(
      OweFiling(FilingKind::kGrantReceived, "f", a, b, "g", "t", day, {}, kT0).filing.working_days,
      10);
  EXPECT_EQ(
      OweFiling(FilingKind::kResponsible, "f", a, b, "g", "t", day, {}, kT0).filing.working_days,
      30);
  FilingPolicy policy;
  policy.region_report_working_days = 5;
  EXPECT_EQ(OweFiling(FilingKind::kRegionReport, "f", b, *dir.Find("440100/bmj"), "g", "t", day,
                      policy, kT0)
                .filing.working_days,
            5);
}

TEST(Filing, GdArt13_ACopyComesFromTheFilerOrTheReceiverAsItsStateSays) {
  auto dir = Authorizing();
  auto owed = OweFiling(FilingKind::kGrantReceived, "f", *dir.Find("440106/jyj"),
                        *dir.Find("440000/bmj"), "g", "t", calendar::CstDateOf(kT0), {}, kT0);
  auto sent = SubmitFiling(owed.filing, {"定密授权决定书"}, "经办人", kT0).value().filing;
  EXPECT_TRUE(CheckFilingCopy(nullptr, sent, "440106").ok());
  EXPECT_FALSE(CheckFilingCopy(nullptr, sent, "440000").ok()) << "a submission is the filer's";
  auto receipt = ReceiptFiling(ReceiveFiling(sent, kT0).filing, "1", "x", kT0).value().filing;
  EXPECT_TRUE(CheckFilingCopy(&sent, receipt, "440000").ok());
  EXPECT_FALSE(CheckFilingCopy(&sent, receipt, "440106").ok()) << "a 回执 is the receiver's";
}

}  // namespace
}  // namespace zhuji::workflows
