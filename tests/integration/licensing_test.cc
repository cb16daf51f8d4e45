// 保密行政许可 with real node processes on the Liaoning topology (issue #16; LN = 辽保局〔2021〕
// 46号; 行政许可法): the province node 辽宁省 (the bureau and the defence-industry department)
// and the city nodes 沈阳市 and 大连市 with their bureaus. Applications arrive by EMS and their
// clock runs from the arrival; item (1) is decided by both departments; a change of name is
// handled by post; a 双随机 draw reproducible from its seed goes to the two city bureaus, whose
// findings come back into the credit record, and a finding is referred on (联动处置).
#include <gtest/gtest.h>

#include <cstdio>

#include "harness.h"
#include "services/calendar/calendar.h"
#include "services/workflows/draw.h"
#include "services/workflows/licence_case.h"
#include "zhuji/schemas/licensing.capnp.h"

namespace zhuji::testing {
namespace {

using calendar::Date;
using std::chrono::seconds;
using Op = schema::LicensingRequest::Op;
using Fill = std::function<void(schema::LicensingRequest::Builder)>;

Date D(const char* s) { return *calendar::ParseDate(s); }

NodeSpec LnSpec(const std::string& id, const std::string& level, const std::string& parent) {
  return {id, level, parent, "",
          "directory = \"" ZHUJI_SOURCE_DIR
          "/deploy/topologies/liaoning-demo.toml\"\n"
          "[clock]\nfake_start = \"2026-10-09 09:00\"\n"};
}

void SetTexts(capnp::List<capnp::Text>::Builder l, const std::vector<std::string>& v) {
  for (size_t i = 0; i < v.size(); ++i) l.set(i, v[i]);
}

const std::vector<std::string> kWeaponsMaterials = {
    "申请书",       "营业执照副本", "保密管理制度",      "保密工作机构及人员情况",
    "涉密人员名单", "保密承诺书",   "备案的企业年度报告"};
const std::vector<std::string> kMaterials = {"申请书",       "营业执照副本",
                                             "保密管理制度", "保密工作机构及人员情况",
                                             "涉密人员名单", "保密承诺书"};

class LnLicensing : public ::testing::Test {
 protected:
  void SetUp() override {
    h.StartBroker();
    h.AddNode(LnSpec("210000", "province", ""));
    h.AddNode(LnSpec("210100", "city", "210000"));
    h.AddNode(LnSpec("210200", "city", "210000"));
    for (const char* id : {"210000", "210100", "210200"}) h.StartNode(id);
  }

  schema::LicensingReply::Reader Call(const std::string& node, const Fill& fill) {
    reply_ = h.Request(node, [&](schema::ControlRequest::Builder r) { fill(r.initLicensing()); });
    return reply_->Root<schema::ControlReply>().getLicensing();
  }
  std::string Refusal(const std::string& node, const Fill& fill) {
    try {
      Call(node, fill);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  // The application as the province holds it after a step.
  schema::ApplicationView::Reader Step(const Fill& fill) {
    auto l = Call("210000", fill);
    EXPECT_EQ(l.getApplications().size(), 1u);
    return l.getApplications()[0];
  }
  static Fill Apply(const std::string& item, const std::string& grade, const std::string& unit,
                    const std::string& name, const std::string& region,
                    const std::vector<std::string>& materials, const std::string& waybill,
                    const char* arrived) {
    return [=](schema::LicensingRequest::Builder r) {
      r.setOp(Op::APPLY);
      r.setItem(item);
      r.setGrade(grade);
      auto a = r.initApplicant();
      a.setUnit(unit);
      a.setName(name);
      a.setRegion(region);
      a.setRepresentative("王立");
      a.setAddress("辽宁省" + name + "路1号");
      SetTexts(r.initItems(materials.size()), materials);
      r.setWaybill(waybill);
      r.setParty(name);
      if (arrived) r.setDay(D(arrived).days);
      r.setBy("收件员 李梅");
    };
  }
  static Fill Act(Op op, const std::string& id, const std::string& waybill = "") {
    return [=](schema::LicensingRequest::Builder r) {
      r.setOp(op);
      r.setId(id);
      r.setWaybill(waybill);
      r.setBy("许可处 赵刚");
    };
  }
  static Fill Decide(const std::string& id, const char* organ, bool approve) {
    return [=](schema::LicensingRequest::Builder r) {
      r.setOp(Op::DECIDE);
      r.setId(id);
      r.setOrgan(organ);
      r.setApprove(approve);
      r.setText(approve ? "符合二级保密资格条件" : "");
      r.setBy(std::string(organ) == "bmj" ? "省保密局 孙伟" : "省国防科工局 钱敏");
    };
  }
  static Fill Issue(const std::string& id, const std::string& waybill, const char* until) {
    return [=](schema::LicensingRequest::Builder r) {
      r.setOp(Op::ISSUE);
      r.setId(id);
      r.setWaybill(waybill);
      if (until) r.setToDay(D(until).days);
      r.setBy("许可处 赵刚");
    };
  }
  std::optional<DeadlineItem> Duty(const std::string& node, const std::string& item,
                                   const std::string& step) {
    for (auto& d : h.Deadlines(node, true)) {
      if (d.item == item && d.step == step) return d;
    }
    return std::nullopt;
  }
  // The duty's state ("" when there is none) and due day, for comparisons that fail, not crash.
  std::string DutyState(const std::string& node, const std::string& item, const std::string& step) {
    auto d = Duty(node, item, step);
    return d ? d->state : "";
  }
  std::string DutyDue(const std::string& node, const std::string& item, const std::string& step) {
    auto d = Duty(node, item, step);
    return d ? d->due_day.ToString() : "";
  }
  // A certificate in force for `unit`, granted at the counter (not by post).
  std::string Licensed(const std::string& unit, const std::string& name, const std::string& region,
                       const char* until = "2029-10-08") {
    auto a = Step(Apply("system-integration", "乙级", unit, name, region, kMaterials, "", nullptr));
    std::string id = a.getApplication().getId();
    Step(Act(Op::ACCEPT, id));
    Step(Decide(id, "bmj", true));
    auto done = Step(Issue(id, "", until));
    return done.getApplication().getIssued();
  }

  calendar::Calendar cal_ = calendar::LoadCalendarDir(ZHUJI_SOURCE_DIR "/deploy/calendar");
  Harness h;
  std::unique_ptr<OwnedMessage> reply_;
};

// LN 二.1: grade 3 of item (1) was abolished — refused on arrival, with the reason, and the
// material goes back by EMS (最多跑一次).
TEST_F(LnLicensing, LnGrade3Abolished_AnApplicationForGrade3IsRefusedOnArrivalWithTheReason) {
  auto grade3 = Apply("weapons-secrecy", "三级", "91210100MA0000001A", "沈阳精工科技有限公司",
                      "210100", kWeaponsMaterials, "EA100000001CN", "2026-10-09");
  // Not accepted, and it came by EMS: the decision and the material go back by EMS at once.
  EXPECT_NE(Refusal("210000", grade3).find("--reply-waybill"), std::string::npos);
  auto a = Step([&](schema::LicensingRequest::Builder r) {
    grade3(r);
    r.setReplyWaybill("EA200000001CN");
  });
  auto app = a.getApplication();
  EXPECT_EQ(app.getState(), static_cast<uint8_t>(workflows::ApplicationState::kNotAccepted));
  ASSERT_EQ(app.getReasons().size(), 1u);
  EXPECT_NE(std::string(app.getReasons()[0].cStr()).find("三级保密资格已取消"), std::string::npos)
      << app.getReasons()[0].cStr();
  EXPECT_FALSE(Duty("210000", app.getId(), "accept")) << "nothing left to accept";
  std::string id = app.getId();
  auto post = Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::POST_LIST);
    r.setId(id);
  });
  ASSERT_EQ(post.getParcels().size(), 2u);
  EXPECT_TRUE(post.getParcels()[0].getIncoming());
  EXPECT_EQ(std::string(post.getParcels()[1].getWaybill().cStr()), "EA200000001CN");
  EXPECT_EQ(std::string(post.getParcels()[0].getWaybill().cStr()), "EA100000001CN");
  EXPECT_FALSE(post.getParcels()[1].getIncoming());
}

// LN 三 最多跑一次, 行政许可法 Art. 32, 42 ¶2, 44; LN 二.2: an application for item (1) arrives
// by EMS on Friday 2026-10-09 (the clerk records it on Monday 10-12): its clock runs from the
// arrival — five working days are 10-10 (a make-up Saturday), 10-12 … 10-15. One 一次告知 of the
// missing annual report, the report arrives by EMS on 10-20 and completes it; the decision is
// due 45 working days later (joint), granted only once both departments approved; the
// certificate within 10 working days, sent by EMS.
TEST_F(
    LnLicensing,
    LnEmsArrivalStartsTheClock_XzxkArt32_XzxkArt42JointDecisionOf45Days_XzxkArt45_XzxkArt44_LnAnnualReportReplacesAudit) {
  h.SetClock("210000", "2026-10-12 10:00");
  std::vector<std::string> sent(kWeaponsMaterials.begin(), kWeaponsMaterials.end() - 1);
  auto a = Step(Apply("weapons-secrecy", "二级", "91210200MA0000002B", "大连海工装备有限公司",
                      "210200", sent, "EA100000002CN", "2026-10-09"));
  std::string id = a.getApplication().getId();
  EXPECT_EQ(Date{a.getAcceptanceDue()}.ToString(), "2026-10-15");
  EXPECT_TRUE(a.getApplication().getByPost());
  auto accept = Duty("210000", id, "accept");
  ASSERT_TRUE(accept) << "the Art. 32 step is a duty of the bureau";
  EXPECT_EQ(accept->due_day.ToString(), "2026-10-15") << "counted from the arrival, not from 10-12";
  EXPECT_EQ(accept->rule, "行政许可法 Art. 32");
  for (auto m : a.getApplication().getRequired()) {
    EXPECT_NE(std::string(m.cStr()), workflows::kAuditedFinancialReport) << "LN 二.2";
  }

  EXPECT_NE(Refusal("210000", Act(Op::ACCEPT, id)).find("一次告知"), std::string::npos)
      << "not accepted while material is missing";
  EXPECT_NE(Refusal("210000", Act(Op::NOTIFY, id)).find("came by EMS"), std::string::npos)
      << "the notice goes back by EMS: its waybill is required";
  auto notified = Step(Act(Op::NOTIFY, id, "EA200000002CN"));
  ASSERT_EQ(notified.getApplication().getMissing().size(), 1u);
  EXPECT_EQ(std::string(notified.getApplication().getMissing()[0].cStr()),
            workflows::kAnnualEnterpriseReport);
  EXPECT_NE(Refusal("210000", Act(Op::NOTIFY, id, "EA200000003CN")).find("一次告知"),
            std::string::npos)
      << "Art. 32: the applicant is told once";
  EXPECT_TRUE(
      Harness::WaitFor([&] { return DutyState("210000", id, "accept") == "closed"; }, seconds(30)));

  h.SetClock("210000", "2026-10-21 09:00");
  Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::POST_IN);
    r.setId(id);
    r.setWaybill("EA100000009CN");
    r.setParty("大连海工装备有限公司");
    r.setDay(D("2026-10-20").days);
    SetTexts(r.initItems(1), {workflows::kAnnualEnterpriseReport});
    r.setBy("收件员 李梅");
  });
  auto accepted = Step(Act(Op::SHOW, id));
  EXPECT_EQ(Date{accepted.getAcceptedOn()}.ToString(), "2026-10-20") << "accepted on completion";
  EXPECT_EQ(accepted.getDecisionDays(), 45) << "decided jointly: 45 working days (Art. 42 ¶2)";
  std::string due = cal_.AddWorkingDays(D("2026-10-20"), 45).date.ToString();
  EXPECT_EQ(Date{accepted.getDecisionDue()}.ToString(), due);
  ASSERT_TRUE(Duty("210000", id, "decide"));
  EXPECT_EQ(DutyDue("210000", id, "decide"), due);

  // Art. 45: the expert review (专家评审) of 10-26 … 10-30, recorded as it starts, is not counted:
  // the decision is due five working days later.
  h.SetClock("210000", "2026-10-26 09:00");
  auto reviewed = Step([&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::UNCOUNTED);
    r.setId(id);
    r.setDay(D("2026-10-26").days);
    r.setToDay(D("2026-10-30").days);
    r.setText("专家评审 expert review");
    r.setWaybill("EA200000010CN");  // Art. 45: told in writing, by EMS as it came
    r.setBy("许可处 赵刚");
  });
  EXPECT_EQ(reviewed.getUncountedDays(), 5);
  due = cal_.AddWorkingDays(D("2026-10-20"), 50).date.ToString();
  EXPECT_EQ(Date{reviewed.getDecisionDue()}.ToString(), due);
  EXPECT_EQ(DutyDue("210000", id, "decide"), due) << "the duty follows";

  // Art. 42 ¶2: the bureau's approval alone does not grant it.
  EXPECT_EQ(Step(Decide(id, "bmj", true)).getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kAccepted));
  EXPECT_NE(Refusal("210000", Decide(id, "bmj", true)).find("decided already"), std::string::npos);
  h.SetClock("210000", "2026-11-02 09:00");
  auto granted = Step(Decide(id, "gfkg", true));
  EXPECT_EQ(granted.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kGranted));
  std::string cert_due = cal_.AddWorkingDays(D("2026-11-02"), 10).date.ToString();
  EXPECT_EQ(Date{granted.getCertificateDue()}.ToString(), cert_due) << "Art. 44";
  EXPECT_EQ(DutyState("210000", id, "decide"), "closed");
  EXPECT_EQ(DutyDue("210000", id, "certificate"), cert_due);
  EXPECT_NE(Refusal("210000", Issue(id, "", "2031-11-01")).find("came by EMS"), std::string::npos);
  auto done = Step(Issue(id, "EA200000004CN", "2031-11-01"));
  EXPECT_EQ(done.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kDone));
  EXPECT_EQ(DutyState("210000", id, "certificate"), "closed");
  auto certs =
      Call("210000", [](schema::LicensingRequest::Builder r) { r.setOp(Op::CERTIFICATES); });
  ASSERT_EQ(certs.getCertificates().size(), 1u);
  EXPECT_EQ(std::string(certs.getCertificates()[0].getGrade().cStr()), "二级");
  EXPECT_EQ(Date{certs.getCertificates()[0].getValidUntil()}.ToString(), "2031-11-01");
}

// 行政许可法 Art. 32: no notice within five working days (10-09 → 10-15): the application counts as
// accepted on receipt — a late notice is refused, the decision duty runs from 10-09, and the
// clerk records the acceptance the law made although material is missing.
TEST_F(LnLicensing, XzxkArt32_NoNoticeWithinFiveWorkingDaysCountsAsAcceptedOnReceipt) {
  std::vector<std::string> sent(kMaterials.begin(), kMaterials.end() - 1);
  auto a = Step(Apply("carrier-production", "乙级", "91210200MA0000007G", "大连印务有限公司",
                      "210200", sent, "", nullptr));
  std::string id = a.getApplication().getId();
  EXPECT_EQ(DutyDue("210000", id, "accept"), "2026-10-15");
  h.SetClock("210000", "2026-10-16 09:00");
  EXPECT_NE(Refusal("210000", Act(Op::NOTIFY, id)).find("counts as accepted on receipt"),
            std::string::npos);
  auto accepted = Step(Act(Op::ACCEPT, id));
  EXPECT_TRUE(accepted.getDeemedAccepted());
  EXPECT_EQ(Date{accepted.getAcceptedOn()}.ToString(), "2026-10-09");
  std::string due = cal_.AddWorkingDays(D("2026-10-09"), 20).date.ToString();
  EXPECT_EQ(Date{accepted.getDecisionDue()}.ToString(), due);
  EXPECT_EQ(DutyDue("210000", id, "decide"), due);
  EXPECT_EQ(DutyState("210000", id, "accept"), "closed");
}

// 行政许可法 Art. 42 ¶2: a refusal by the defence-industry department refuses item (1), with its
// reason; the material goes back by post.
TEST_F(LnLicensing, XzxkArt42_EitherDepartmentsRefusalRefusesAJointItem) {
  auto a = Step(Apply("weapons-secrecy", "二级", "91210100MA0000003C", "沈阳兵器配套有限公司",
                      "210100", kWeaponsMaterials, "", nullptr));
  std::string id = a.getApplication().getId();
  Step(Act(Op::ACCEPT, id));
  auto refused = Step([&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::DECIDE);
    r.setId(id);
    r.setOrgan("gfkg");
    r.setApprove(false);
    r.setText("科研生产任务不属于武器装备范围");
    r.setBy("省国防科工局 钱敏");
  });
  EXPECT_EQ(refused.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kRefused));
  ASSERT_EQ(refused.getApplication().getReasons().size(), 1u);
  EXPECT_NE(std::string(refused.getApplication().getReasons()[0].cStr()).find("武器装备范围"),
            std::string::npos);
  EXPECT_EQ(DutyState("210000", id, "decide"), "closed");
}

// LN 三 不见面审批: a change of name by post — approved, the re-issued certificate goes back by
// EMS; a second change with a wrong certificate holder and no new value is refused with every
// reason at once.
TEST_F(LnLicensing, LnNoVisitChangeOfNameByPost_ApprovedOrRefusedWithEveryReason) {
  std::string cert = Licensed("91210100MA0000004D", "沈阳信安集成有限公司", "210100");
  std::vector<std::string> change = {"变更申请书", "变更事项证明材料", "原证书正副本"};
  auto a = Step([&](schema::LicensingRequest::Builder r) {
    Apply("", "", "91210100MA0000004D", "", "", change, "EA100000005CN", "2026-10-09")(r);
    r.setKind("change");
    r.setCertificate(cert);
    r.setChange("name");
    r.setChangeTo("沈阳信安数字技术有限公司");
  });
  std::string id = a.getApplication().getId();
  EXPECT_EQ(std::string(a.getApplication().getApplicant().getName().cStr()),
            "沈阳信安集成有限公司");
  Step(Act(Op::ACCEPT, id));
  Step(Decide(id, "bmj", true));
  auto done = Step(Issue(id, "EA200000005CN", nullptr));
  EXPECT_EQ(done.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kDone));
  auto certs =
      Call("210000", [](schema::LicensingRequest::Builder r) { r.setOp(Op::CERTIFICATES); });
  ASSERT_EQ(certs.getCertificates().size(), 1u);
  EXPECT_EQ(std::string(certs.getCertificates()[0].getHolder().getName().cStr()),
            "沈阳信安数字技术有限公司");
  EXPECT_EQ(std::string(certs.getCertificates()[0].getNumber().cStr()), cert);
  auto post = Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::POST_LIST);
    r.setId(id);
  });
  ASSERT_EQ(post.getParcels().size(), 2u);
  EXPECT_EQ(std::string(post.getParcels()[1].getWaybill().cStr()), "EA200000005CN");
  EXPECT_NE(std::string(post.getParcels()[1].getItems()[0].cStr()).find(cert), std::string::npos);

  auto wrong = Step([&](schema::LicensingRequest::Builder r) {
    Apply("", "", "91210200MA0000099Z", "大连某公司", "210200", change, "EA100000006CN",
          "2026-10-09")(r);
    r.setKind("change");
    r.setCertificate(cert);
    r.setChange("address");
    r.setReplyWaybill("EA200000006CN");
  });
  EXPECT_EQ(wrong.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kNotAccepted));
  ASSERT_EQ(wrong.getApplication().getReasons().size(), 2u) << "every reason, at once";
  EXPECT_NE(std::string(wrong.getApplication().getReasons()[0].cStr()).find("not by the applicant"),
            std::string::npos);
  EXPECT_NE(std::string(wrong.getApplication().getReasons()[1].cStr()).find("注册地址"),
            std::string::npos);
}

// 行政许可法 Art. 50: a holder applies 30 days before expiry; a licence whose renewal was applied
// for on time and is not decided by its last day counts as continued — one applied late does not.
TEST_F(LnLicensing, XzxkArt50_ARenewalAppliedOnTimeAndUndecidedAtExpiryCountsAsContinued) {
  std::string on_time = Licensed("91210100MA0000005E", "沈阳甲公司", "210100", "2026-11-10");
  std::string late = Licensed("91210100MA0000006F", "沈阳乙公司", "210100", "2026-11-10");
  auto renew = [&](const std::string& unit, const std::string& cert) {
    return Step([&](schema::LicensingRequest::Builder r) {
      Apply("", "乙级", unit, "", "", kMaterials, "", nullptr)(r);
      r.setKind("renew");
      r.setCertificate(cert);
    });
  };
  renew("91210100MA0000005E", on_time);  // 10-09: by 10-11, in time
  h.SetClock("210000", "2026-10-20 09:00");
  auto l = renew("91210100MA0000006F", late);
  EXPECT_EQ(l.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kReceived))
      << "late, but still an application";
  h.SetClock("210000", "2026-11-12 09:00");
  auto certs =
      Call("210000", [](schema::LicensingRequest::Builder r) { r.setOp(Op::CERTIFICATES); });
  ASSERT_EQ(certs.getCertificates().size(), 2u);
  for (auto c : certs.getCertificates()) {
    bool first = std::string(c.getNumber().cStr()) == on_time;
    EXPECT_EQ(Date{c.getRenewBy()}.ToString(), "2026-10-11");
    EXPECT_EQ(c.getDeemedContinued(), first) << c.getNumber().cStr();
    EXPECT_EQ(c.getInForce(), first) << c.getNumber().cStr();
  }
}

// LN 四.1, 四.2: a 双随机 draw among the licensed units, reproducible from its published seed,
// sends each drawn unit's inspection to the bureau of its city (沈阳市, 大连市); a report late
// is raised to the province; the reports come back; a violation enters the unit's credit
// record, and a finding referred to another department reaches it (联动处置). A 飞行检查 goes
// the same way. 市场禁入 then refuses the unit's next application with the reason.
TEST_F(LnLicensing, LnRandomDrawIsReproducible_SentToTwoCityBureaus_LnCreditRecordFromTheFindings) {
  struct U {
    const char *unit, *name, *region;
  };
  std::vector<U> units = {{"91210100MA00000101", "沈阳一号科技", "210100"},
                          {"91210100MA00000102", "沈阳二号科技", "210100"},
                          {"91210200MA00000201", "大连一号科技", "210200"},
                          {"91210200MA00000202", "大连二号科技", "210200"}};
  for (auto& u : units) Licensed(u.unit, u.name, u.region);
  struct E {
    const char *id, *name, *region, *unit;
  };
  std::vector<E> experts = {
      {"E01", "周明", "210300", "东北大学"},           {"E02", "吴芳", "210300", "鞍山钢铁"},
      {"E03", "郑军", "210000", "辽宁省保密技术中心"}, {"E04", "冯雪", "210100", "沈阳工业大学"},
      {"E05", "陈亮", "210200", "大连理工大学"},       {"E06", "何静", "210300", "辽宁科技大学"},
      {"E07", "孔磊", "210000", "辽宁大学"},           {"E08", "曹阳", "210100", "沈阳建筑大学"}};
  workflows::DrawRequest dr;
  dr.unit_count = 3;  // of two units in each city: both cities are drawn
  dr.experts_per_unit = 2;
  for (auto& u : units) dr.units.push_back({u.unit, u.region});
  for (auto& e : experts) {
    dr.experts.push_back({e.id, e.region, e.unit});
    Call("210000", [&](schema::LicensingRequest::Builder r) {
      r.setOp(Op::EXPERT_ADD);
      auto x = r.initExpert();
      x.setId(e.id);
      x.setName(e.name);
      x.setRegion(e.region);
      x.setUnit(e.unit);
      r.setBy("许可处 赵刚");
    });
  }
  auto drawn = Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::DRAW);
    r.setSeed("辽宁省国家保密局 2026年第1轮");
    r.setCount(3);
    r.setPerUnit(2);
    r.setToDay(D("2026-10-30").days);
    r.setBy("许可处 赵刚");
  });
  ASSERT_EQ(drawn.getRounds().size(), 1u);
  auto round = drawn.getRounds()[0];
  std::string seed = round.getSeed();
  EXPECT_EQ(seed.rfind("辽宁省国家保密局 2026年第1轮 ", 0), 0u)
      << "the label, then the node's random part";
  EXPECT_EQ(seed.size(), std::string("辽宁省国家保密局 2026年第1轮 ").size() + 32);
  // Anyone with the published lists and seed gets the same result.
  dr.seed = seed;
  auto expected = workflows::Draw(dr);
  ASSERT_TRUE(expected.ok()) << expected.message();
  ASSERT_EQ(round.getResult().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::string(round.getResult()[i].getUnit().cStr()), expected.value()[i].unit);
    ASSERT_EQ(round.getResult()[i].getExperts().size(), 2u);
    for (size_t k = 0; k < 2; ++k) {
      EXPECT_EQ(std::string(round.getResult()[i].getExperts()[k].cStr()),
                expected.value()[i].experts[k]);
    }
  }
  ASSERT_EQ(drawn.getInspections().size(), 3u);
  std::string round_id = round.getId();
  // 一公开: the round as `zhuji draw show` publishes it, redone by the independent script.
  std::string published = h.dir() + "/round.json";
  std::string cmd = std::string(ZHUJI_BIN_DIR "/zhuji --control ") + h.ControlEndpoint("210000") +
                    " draw show " + round_id + " --json > " + published + " && python3 " +
                    ZHUJI_SOURCE_DIR "/tools/verify_draw.py --check " + published + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string said;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) said += buf;
  EXPECT_EQ(::pclose(p), 0) << said;
  EXPECT_NE(said.find("same result: 3 unit(s)"), std::string::npos) << said;
  std::map<std::string, std::string> task, unit;  // city → inspection id, unit
  for (auto i : drawn.getInspections()) {
    task[i.getRegion()] = i.getId();
    unit[i.getRegion()] = i.getUnit();
  }
  ASSERT_EQ(task.size(), 2u) << "one unit in each city";
  // (the reply's readers end with the next call)

  auto held = [&](const std::string& node, const std::string& id) -> std::optional<std::string> {
    auto l = Call(node, [&](schema::LicensingRequest::Builder r) {
      r.setOp(Op::INSPECTIONS);
      r.setId(id);
    });
    if (l.getInspections().size() != 1) return std::nullopt;
    return std::string(l.getInspections()[0].getState() ? "reported" : "assigned");
  };
  for (const char* city : {"210100", "210200"}) {
    EXPECT_TRUE(Harness::WaitFor([&] { return held(city, task[city]) == "assigned"; }, seconds(60)))
        << "the city bureau of " << city << " received its part of the draw";
    auto duty = Duty(city, task[city], "report");
    ASSERT_TRUE(duty);
    EXPECT_EQ(duty->due_day.ToString(), "2026-10-30");
    EXPECT_EQ(duty->supervisor, "210000");
  }
  EXPECT_NE(Refusal("210100",
                    [&](schema::LicensingRequest::Builder r) {
                      r.setOp(Op::REPORT);
                      r.setId(task["210200"]);
                      r.setText("x");
                      r.setBy("x");
                    })
                .find("no inspection"),
            std::string::npos)
      << "沈阳 does not hold 大连's task";

  // 大连 is late: the province has it as a 督办事项.
  h.SetClock("210200", "2026-11-02 09:00");
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("210000", true)) {
          if (s.item == task["210200"] && !s.closed) return true;
        }
        return false;
      },
      seconds(60)));
  Call("210100", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setId(task["210100"]);
    r.setText("涉密人员未按规定签订保密承诺书；部分载体未登记");
    r.setViolation(true);
    r.setOrgan("210200/bmj");  // its branch in 大连 is 大连市国家保密局's to follow up
    r.setBy("沈阳市国家保密局 检查组");
  });
  Call("210200", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setId(task["210200"]);
    r.setText("未发现问题");
    r.setBy("大连市国家保密局 检查组");
  });
  for (const char* city : {"210100", "210200"}) {
    EXPECT_TRUE(
        Harness::WaitFor([&] { return held("210000", task[city]) == "reported"; }, seconds(60)));
  }
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("210000", true)) {
          if (s.item == task["210200"]) return s.closed;
        }
        return false;
      },
      seconds(60)))
      << "the 督办事项 closes with the report";
  std::string violator = unit["210100"];
  auto record = Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::CREDIT_SHOW);
    r.setId(violator);
  });
  ASSERT_EQ(record.getCredit().size(), 1u) << "LN 四.2: the violation is in the credit record";
  EXPECT_NE(std::string(record.getCredit()[0].getReference().cStr()).find(task["210100"]),
            std::string::npos);
  auto all = Call("210000", [](schema::LicensingRequest::Builder r) { r.setOp(Op::CREDIT_SHOW); });
  EXPECT_EQ(all.getCredit().size(), 1u) << "no violation, no entry";
  // 联动处置: 大连市国家保密局 has 沈阳's finding too, though it did not inspect that unit.
  EXPECT_TRUE(
      Harness::WaitFor([&] { return held("210200", task["210100"]) == "reported"; }, seconds(60)));

  // 飞行检查: unannounced, chosen by the bureau, to 大连市国家保密局.
  auto fly = Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::FLY);
    r.setId("91210200MA00000202");
    SetTexts(r.initExperts(2), {"E01", "E03"});
    r.setToDay(D("2026-11-20").days);
    r.setBy("许可处 赵刚");
  });
  ASSERT_EQ(fly.getInspections().size(), 1u);
  EXPECT_TRUE(fly.getInspections()[0].getFlying());
  std::string fly_id = fly.getInspections()[0].getId();
  EXPECT_TRUE(Harness::WaitFor([&] { return held("210200", fly_id) == "assigned"; }, seconds(60)));

  // 市场禁入 bars the unit's next application, with the reason.
  Call("210000", [&](schema::LicensingRequest::Builder r) {
    r.setOp(Op::CREDIT_ADD);
    r.setId(violator);
    r.setKind("exclusion");
    r.setText("整改不力，市场禁入二年");
    r.setToDay(D("2028-10-31").days);
    r.setBy("省保密局 孙伟");
  });
  auto again = Step(
      Apply("carrier-production", "乙级", violator, "沈阳", "210100", kMaterials, "", nullptr));
  EXPECT_EQ(again.getApplication().getState(),
            static_cast<uint8_t>(workflows::ApplicationState::kNotAccepted));
  ASSERT_EQ(again.getApplication().getReasons().size(), 1u);
  EXPECT_NE(std::string(again.getApplication().getReasons()[0].cStr()).find("市场禁入"),
            std::string::npos);
}

}  // namespace
}  // namespace zhuji::testing
