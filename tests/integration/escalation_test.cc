// Escalations with real node processes (issue #4): 不明确事项 (GD Art. 30), 有争议事项 (GD Art.
// 31, 45) and 定密申请 (GD Art. 29) go level by level, and the decision comes back to every
// organ on the path. Nodes are killed (SIGKILL) mid-way: that changes the timing, nothing else.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <random>
#include <thread>

#include "harness.h"
#include "services/calendar/date.h"
#include "services/workflows/matter.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using Op = schema::MatterRequest::Op;
using MatterView = schema::MatterView::Reader;

constexpr const char* kArt30All = "申报不明确事项公文,不明确事项定密申报表,不明确事项的具体内容";

// The organs of the demo topology, on fake clocks that start together.
class Escalation : public ::testing::Test {
 protected:
  // 440000 广东省, 440100 广州市, 440106 天河区 (+ 440300 深圳市 when `shenzhen`).
  void SetUp() override {}
  void Start(bool shenzhen = false) {
    h.StartBroker();
    h.AddNode(DemoSpec("440000", "province", ""));
    h.AddNode(DemoSpec("440100", "city", "440000"));
    h.AddNode(DemoSpec("440106", "county", "440100"));
    if (shenzhen) h.AddNode(DemoSpec("440300", "city", "440000"));
    for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);
    if (shenzhen) h.StartNode("440300");
  }
  // Waits until `node` holds the matter in a state `pred` accepts.
  // Waits until `node` holds the matter in a state `pred` accepts. An empty view if it never does.
  HeldMatter WaitOn(const std::string& node, const std::string& id,
                    const std::function<bool(MatterView)>& pred) {
    std::optional<HeldMatter> got;
    bool ok = Harness::WaitFor(
        [&] {
          got = h.MatterOn(node, id);
          return got && pred(got->view);
        },
        seconds(60));
    EXPECT_TRUE(ok) << "node " << node << " never got matter " << id << " into the expected state"
                    << (got ? std::string(" (it is ") + got->view.getStateZh().cStr() + ", at " +
                                  std::to_string(got->view.getAt()) + ")"
                            : std::string(" (it has none)"));
    if (got) return std::move(*got);
    return {};
  }
  HeldMatter WaitHeldAt(const std::string& node, const std::string& id, int hop) {
    return WaitOn(node, id, [&](MatterView s) {
      return s.getState() == "in-review" && s.getAt() == hop &&
             s.getPath()[hop].getReceivedAt() > 0;
    });
  }
  HeldMatter WaitFinal(const std::string& node, const std::string& id) {
    return WaitOn(node, id,
                  [](MatterView s) { return s.getFinal() && s.getNoticeReceivedAt() > 0; });
  }
  void Review(const std::string& node, const std::string& id, bool forward, const char* text) {
    h.MatterStep(node, [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::REVIEW);
      r.setId(id);
      r.setForward(forward);
      r.setText(text);
      r.setWho("审核人" + node);
    });
  }
  void Decide(const std::string& node, const std::string& id, const char* mark) {
    h.MatterStep(node, [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::DECIDE);
      r.setScope("本单位相关人员");
      r.setId(id);
      r.setMark(mark);
      r.setText("知悉范围");
      // The deciding organ's 定密责任人 (GD Art. 16 ¶3; the heads of the demo topology), or at
      // the provincial bureau its 签发人.
      r.setWho(node == "440100" ? "陈七" : node == "440300" ? "赵六" : "李四");
    });
  }
  // The request that sets a new 不明确事项 (GD Art. 30) of `organ` and reports it with
  // `materials` (`hold`: set only, its report duty runs), with its 知悉范围.
  static std::function<void(schema::MatterRequest::Builder)> NewUnclear(
      const std::string& organ, const std::string& title, const std::string& mark,
      std::vector<std::string> materials =
          workflows::RequiredMaterials(workflows::MatterKind::kUnclear),
      bool hold = false, const std::string& scope = "本单位相关人员") {
    return [=](schema::MatterRequest::Builder r) {
      r.setOp(Op::REPORT);
      r.setScope(scope);
      r.setOrgan(organ);
      r.setTitle(title);
      r.setMark(mark);
      r.setHold(hold);
      tools::SetMaterials(r, materials);
    };
  }
  std::string Refusal(const std::string& node,
                      const std::function<void(schema::MatterRequest::Builder)>& fill) {
    try {
      h.MatterStep(node, fill);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  // 天河区教育局 objects to 深圳市公安局's `mark`; it claims `claim` (empty: not a state secret).
  HeldMatter ObjectTo440300(const char* title, const char* mark, const char* claim) {
    return h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::OBJECT);
      r.setOrgan("jyj");
      r.setAgainst("440300/gaj");
      r.setTitle(title);
      r.setMark(mark);
      r.setClaimMark(claim);
      r.setNotSecret(claim[0] == '\0');
    });
  }
  // The objection stands: 天河区教育局 reports the dispute up with the GD Art. 31 materials.
  void EscalateFrom440106(const std::string& id) {
    h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::ESCALATE);
      r.setId(id);
      tools::SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kDisputed));
    });
  }
  size_t OpenDeadlinesOf(const std::string& node, const std::string& item) {
    size_t n = 0;
    for (auto& d : h.Deadlines(node)) n += d.item == item;
    return n;
  }
  Harness h;
};

TEST_F(Escalation, GdArt30_UnclearMatterGoesLevelByLevelWithAReturnAndComesBackDown) {
  Start();
  auto m = h.MatterStep("440106", NewUnclear("jyj", "某考试命题工作方案", "秘密★5年",
                                             {"申报不明确事项公文", "不明确事项定密申报表"}));
  const std::string id = m->getId();
  EXPECT_EQ(id, "440106/jyj/2025-0001");
  EXPECT_STREQ(m->getState().cStr(), "in-review");
  EXPECT_GT(m->getReportDueAt(), 0) << "the 10-WD report deadline was tracked";

  // 广州市教育局 receives it; its review clock starts. The province has not seen it.
  WaitHeldAt("440100", id, 0);
  EXPECT_FALSE(h.MatterOn("440000", id)) << "nothing skips a level";
  EXPECT_EQ(OpenDeadlinesOf("440100", id), 1u);
  EXPECT_EQ(OpenDeadlinesOf("440106", id), 1u)
      << "条例 Art. 25: the report duty runs until the deciding department has the matter";
  Review("440100", id, true, "属于不明确事项，同意上报");
  WaitHeldAt("440000", id, 1);  // 广东省教育厅
  // The origin follows its matter: its copy shows who holds it now, received when.
  auto followed = WaitHeldAt("440106", id, 1);
  EXPECT_STREQ(followed->getPath()[0].getOpinion().cStr(), "属于不明确事项，同意上报");

  // GD Art. 30: the submission to the bureau is refused while a material is missing.
  std::string refused = Refusal("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::REVIEW);
    r.setId(id);
    r.setForward(true);
    r.setText("同意报送");
    r.setWho("王五");
  });
  EXPECT_NE(refused.find("不明确事项的具体内容"), std::string::npos) << refused;
  EXPECT_EQ(h.Counters("440000").refused, 0u) << "a refused step is not a refused frame";

  // 退回补充 one level down, then to the origin, which is cut off meanwhile.
  Review("440000", id, false, "缺不明确事项的具体内容");
  WaitHeldAt("440100", id, 0);
  h.KillNode("440106");
  Review("440100", id, false, "请补充不明确事项的具体内容");
  h.StartNode("440106");
  auto returned = WaitOn("440106", id, [](MatterView s) {
    return s.getState() == "returned" && s.getResubmitDueAt() > 0;
  });
  EXPECT_EQ(OpenDeadlinesOf("440106", id), 2u) << "the report duty, and the resubmission's";
  EXPECT_STREQ(returned->getReturnReason().cStr(), "请补充不明确事项的具体内容");

  // The origin adds the material and reports again, a day later: up again, level by level.
  h.SetClock("440106", "2025-09-25 10:00");
  h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setScope("本单位相关人员");
    r.setId(id);
    tools::SetMaterials(r, {"不明确事项的具体内容"});
  });
  WaitHeldAt("440100", id, 0);
  Review("440100", id, true, "已补充，同意上报");
  WaitHeldAt("440000", id, 1);
  h.KillNode("440100");  // the city is down while the province submits and decides
  Review("440000", id, true, "同意报送");
  auto at_bureau = WaitHeldAt("440000", id, 2);
  EXPECT_STREQ(at_bureau->getPath()[2].getOrgan().getName().cStr(), "广东省国家保密局");
  auto reached = WaitOn("440106", id, [](MatterView s) { return s.getDeciderReceivedAt() > 0; });
  EXPECT_LT(reached->getFirstReportedAt(), reached->getReportedAt())
      << "the first report is kept when it is reported again";
  EXPECT_TRUE(Harness::WaitFor([&] { return OpenDeadlinesOf("440106", id) == 0; }, seconds(60)))
      << "the bureau has it: the report duty is met";
  Decide("440000", id, "机密★10年");

  // The written notice reaches the origin and, once it is back, the city.
  auto origin = WaitFinal("440106", id);
  h.StartNode("440100");
  auto city = WaitFinal("440100", id);
  for (const HeldMatter* held : {&origin, &city}) {
    MatterView copy = held->view;
    ASSERT_TRUE(copy.getHasDecision());
    EXPECT_STREQ(copy.getDecision().getMark().cStr(), "机密★10年");
    EXPECT_STREQ(copy.getState().cStr(), "decided");
    ASSERT_EQ(copy.getPath().size(), 3u);
    EXPECT_STREQ(copy.getPath()[0].getOpinion().cStr(), "已补充，同意上报");
    for (auto hop : copy.getPath()) {
      const char* name = hop.getOrgan().getName().cStr();
      EXPECT_GT(hop.getReceivedAt(), 0) << name;
      EXPECT_GT(hop.getDueAt(), 0) << name << ": its deadline travels with the matter";
    }
  }
  int returns = 0;
  for (auto e : origin->getHistory()) {
    returns += std::string(e.getAction().cStr()).find("退回补充") != std::string::npos;
  }
  EXPECT_EQ(returns, 2) << "both returns stay in the trail";
  for (const char* node : {"440100", "440106"}) {
    EXPECT_EQ(OpenDeadlinesOf(node, id), 0u) << "every duty on " << node << " closed";
  }
  ASSERT_EQ(OpenDeadlinesOf("440000", id), 1u)
      << "only the bureau's 备案 to 国家保密局 (条例 Art. 25 ¶2) is left";
}

// Issue #8 "nothing is swallowed": a step and its deadline go together. The 10-WD report duty of
// a new 不明确事项 (GD Art. 30) cannot be opened (one with its item and step is open already):
// the report is refused as a whole, and nothing of it is stored or sent.
TEST_F(Escalation, GdArt30_StepWhoseDeadlineCannotBeOpenedChangesNothing) {
  Start();
  const std::string id = "440106/jyj/2025-0001";  // the id the report will take
  h.OpenDeadline("440106", id, workflows::kStepReport, "test", 10, "2025-09-24");
  auto report = NewUnclear("jyj", "某考试命题工作方案", "秘密★5年",
                           {"申报不明确事项公文", "不明确事项定密申报表"});
  std::string why = Refusal("440106", report);
  EXPECT_NE(why.find("cannot be opened"), std::string::npos) << why;
  EXPECT_FALSE(h.MatterOn("440106", id)) << "the matter was stored without its deadline";
  EXPECT_EQ(OpenDeadlinesOf("440106", id), 1u) << "only the one opened by hand";
  EXPECT_EQ(h.Counters("440106").outbox_depth, 0u) << "the refused step sent something";

  h.CloseDeadline("440106", id, workflows::kStepReport);
  auto m = h.MatterStep("440106", report);
  EXPECT_EQ(std::string(m->getId().cStr()), id);
  EXPECT_GT(m->getReportDueAt(), 0) << "its own report duty was tracked (and closed: reported)";
}

// GD Art. 41: the secrecy admin dept supervises the organs of its own region: a province-level
// organ's overdue review becomes a 督办事项 of 广东省国家保密局 (on the same node), not nobody's;
// a county organ's of the county bureau.
TEST_F(Escalation, GdArt41_OverdueDutiesReachTheBureauOfTheOrgansOwnRegion) {
  Start();
  auto m = h.MatterStep(  // set only: its report duty runs
      "440106", NewUnclear("jyj", "某考试命题工作方案", "秘密★5年",
                           workflows::RequiredMaterials(workflows::MatterKind::kUnclear), true));
  const std::string id = m->getId();
  h.SetClock("440106", "2025-11-03 09:00");  // 10 WD from 2025-09-24 have passed
  auto supervised_at = [&](const std::string& node, const char* step) {
    return Harness::WaitFor(
        [&] {
          for (auto& s : h.Supervised(node)) {
            if (s.item == id && s.step == step) return true;
          }
          return false;
        },
        seconds(60));
  };
  EXPECT_TRUE(supervised_at("440106", workflows::kStepReport))
      << "天河区教育局's overdue report duty: a 督办事项 of 天河区国家保密局";
  for (auto& d : h.Deadlines("440106")) {
    if (d.item == id) {
      EXPECT_EQ(d.supervisor, "440106") << "reported on its own node, not up";
    }
  }

  h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setId(id);
  });
  WaitHeldAt("440100", id, 0);
  Review("440100", id, true, "同意上报");
  WaitHeldAt("440000", id, 1);  // 广东省教育厅 reviews within 10 WD (policy)
  h.SetClock("440000", "2025-11-03 09:00");
  EXPECT_TRUE(supervised_at("440000", "审核 review @ 广东省教育厅"))
      << "a province-level organ's overdue duty is a 督办事项 of 广东省国家保密局";
}

TEST_F(Escalation, GdArt30_AProvinceLevelOrgansOwnMatterGoesToTheBureauOnItsOwnNode) {
  Start();
  // 广东省教育厅: its report is the submission (GD Art. 30).
  auto m = h.MatterStep("440000", NewUnclear("jyt", "全省统一考试组织方案", "机密★5年"));
  const std::string id = m->getId();
  ASSERT_EQ(m->getPath().size(), 1u);
  EXPECT_GT(m->getPath()[0].getReceivedAt(), 0) << "handed over inside the node, at once";
  Decide("440000", id, "机密★5年");
  auto decided = WaitFinal("440000", id);
  EXPECT_STREQ(decided->getDecision().getMark().cStr(), "机密★5年");

  // 条例 Art. 25 ¶2: the provincial bureau files its decision with 国家保密局 (备案), promptly: a
  // policy deadline tracks it until the clerk records the filing.
  EXPECT_TRUE(decided->getOwesNationalFiling());
  ASSERT_EQ(OpenDeadlinesOf("440000", id), 1u);
  EXPECT_EQ(h.Deadlines("440000")[0].step, workflows::kStepNationalFiling);
  auto file = [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::FILE_NATIONAL);
    r.setId(id);
    r.setVia("机要交通");
    r.setWho("王五");
  };
  auto filed = h.MatterStep("440000", file);
  EXPECT_GT(filed->getNationalFiledAt(), 0);
  EXPECT_EQ(OpenDeadlinesOf("440000", id), 0u);
  EXPECT_NE(Refusal("440000", file).find("already"), std::string::npos) << "filed once";
}

// 条例 Art. 25 ¶1: "拟定为绝密级的事项 … 报国家保密行政管理部门确定". 广东省国家保密局 sends the
// 绝密 proposal to 国家保密局 (outside the network) and records its decision, which goes back down.
TEST_F(Escalation, TiaoliArt25_AJuemiProposalGoesToTheNationalBureauAndItsDecisionComesBackDown) {
  Start();
  auto m = h.MatterStep(
      "440106",
      NewUnclear("jyj", "某国家级考试命题方案", "绝密★30年",
                 workflows::RequiredMaterials(workflows::MatterKind::kUnclear), false, "命题组"));
  const std::string id = m->getId();
  WaitHeldAt("440100", id, 0);
  Review("440100", id, true, "同意上报");
  WaitHeldAt("440000", id, 1);
  Review("440000", id, true, "同意报送");
  WaitHeldAt("440000", id, 2);
  std::string refused = Refusal("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::DECIDE);
    r.setId(id);
    r.setMark("绝密★30年");
    r.setScope("命题组");
    r.setWho("李四");
  });
  EXPECT_NE(refused.find("条例 Art. 25"), std::string::npos) << refused;

  h.MatterStep("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::REFER_NATIONAL);
    r.setId(id);
    r.setVia("机要交通");
    r.setWho("李四");
  });
  EXPECT_EQ(OpenDeadlinesOf("440000", id), 0u) << "no provincial deadline runs meanwhile";
  auto waiting = WaitOn("440106", id, [](MatterView s) { return s.getState() == "national"; });
  EXPECT_STREQ(waiting->getNationalChannel().cStr(), "机要交通");
  EXPECT_GT(waiting->getNationalSentAt(), 0);

  h.SetClock("440000", "2025-10-20 10:00");  // the national decision arrives weeks later
  h.MatterStep("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::RECORD_NATIONAL);
    r.setId(id);
    r.setMark("绝密★30年");
    r.setScope("命题组核心成员");
    r.setDocNumber("国保函〔2025〕12号");
    r.setDocDay(calendar::ParseDate("2025-10-16")->days);
    r.setWho("王五");
  });
  for (const char* node : {"440106", "440100"}) {
    auto copy = WaitFinal(node, id);
    EXPECT_STREQ(copy->getDecision().getMark().cStr(), "绝密★30年") << node;
    EXPECT_STREQ(copy->getNationalDoc().cStr(), "国保函〔2025〕12号") << node;
    EXPECT_STREQ(copy->getNationalDecidedOn().cStr(), "2025-10-16") << node;
  }
  auto province = h.MatterOn("440000", id);
  ASSERT_TRUE(province);
  EXPECT_FALSE((*province)->getOwesNationalFiling()) << "the national bureau decided it";
  EXPECT_EQ(OpenDeadlinesOf("440000", id), 0u);
}

TEST_F(Escalation, GdArt31_GdArt45_ObjectionFirstToTheClassifierThenUpToBothParties) {
  Start(/*shenzhen=*/true);
  auto m = ObjectTo440300("某联合执法通报", "机密★10年", "秘密★5年");
  const std::string id = m->getId();
  // Protected at the highest level any party claims.
  EXPECT_STREQ(m->getProtectedAt().cStr(), "机密★10年");

  // GD Art. 45: the classifier (深圳市公安局) has 20 WD from receipt.
  auto at_classifier =
      WaitOn("440300", id, [](MatterView s) { return s.getObjectionReceivedAt() > 0; });
  EXPECT_GT(at_classifier->getAnswerDueAt(), 0)
      << "the GD Art. 45 deadline travels with the matter";
  bool tracked = false;
  for (auto& d : h.Deadlines("440300")) {
    if (d.item == id) tracked = d.rule == "GD Art. 45" && d.working_days == 20;
  }
  EXPECT_TRUE(tracked);
  std::string early = Refusal("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ESCALATE);
    r.setId(id);
  });
  EXPECT_NE(early.find("20 working days"), std::string::npos) << early;

  h.MatterStep("440300", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ANSWER);
    r.setId(id);
    r.setUpheld(true);
    r.setText("维持原定密");
    r.setWho("赵六");
  });
  EXPECT_EQ(OpenDeadlinesOf("440300", id), 0u) << "answered: its GD Art. 45 duty is done";
  WaitOn("440106", id, [](MatterView s) { return s.getState() == "answered"; });

  // The objection stands: up as a disputed matter, while the city on the path is down.
  h.KillNode("440100");
  EscalateFrom440106(id);
  h.StartNode("440100");
  WaitHeldAt("440100", id, 0);
  EXPECT_FALSE(h.MatterOn("440000", id)) << "nothing skips a level";
  Review("440100", id, true, "争议属实，同意上报");
  WaitHeldAt("440000", id, 1);
  Review("440000", id, true, "同意报送");
  WaitHeldAt("440000", id, 2);
  Decide("440000", id, "秘密★10年");

  // Both parties and every level on the path record the written notice.
  for (const char* node : {"440106", "440300", "440100"}) {
    auto copy = WaitFinal(node, id);
    ASSERT_TRUE(copy->getHasDecision()) << node;
    EXPECT_STREQ(copy->getDecision().getMark().cStr(), "秘密★10年") << node;
  }
}

// GD Art. 31, 45: the race the procedure allows. With the broker down, the objector escalates
// (the answer is overdue) while the classifier answers late, adopting the objection: two copies
// of one version. When the broker is back the escalation wins on both sides, the late answer is
// kept as history, nothing is settled, and the dispute goes on up to the bureau.
TEST_F(Escalation, GdArt31_GdArt45_ALateAnswerRacingTheEscalationForksNothing) {
  Start(/*shenzhen=*/true);
  auto m = ObjectTo440300("某联合通报", "机密★10年", "秘密★5年");
  const std::string id = m->getId();
  WaitOn("440106", id, [](MatterView s) { return s.getAnswerDueAt() > 0; });  // the receipt
  h.SetClock("440300", "2025-11-03 09:00");
  h.SetClock("440106", "2025-11-03 09:00");
  h.KillBroker(0);
  EscalateFrom440106(id);
  h.MatterStep("440300", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ANSWER);
    r.setId(id);
    r.setUpheld(false);
    r.setText("采纳异议（迟复）");
    r.setScope("两单位经办人员");
    r.setWho("赵六");
  });
  h.RestartBroker(0);

  auto has_late = [](MatterView s) {
    for (auto e : s.getLateSteps()) {
      if (std::string(e.getAction().cStr()) == workflows::kActionAnswerAdopted) return true;
    }
    return false;
  };
  auto objector = WaitOn("440106", id, has_late);
  EXPECT_STRNE(objector->getState().cStr(), "settled");
  auto classifier = WaitOn(
      "440300", id, [&](MatterView s) { return has_late(s) && s.getState() == "in-review"; });
  EXPECT_FALSE(classifier->getFinal()) << "the late adoption settled nothing";
  EXPECT_EQ(classifier->getChangeNoticeDueAt(), 0) << "and changed nothing";
  EXPECT_EQ(OpenDeadlinesOf("440300", id), 0u) << "no GD Art. 40 notice is owed for it";

  WaitHeldAt("440100", id, 0);
  Review("440100", id, true, "同意上报");
  WaitHeldAt("440000", id, 1);
  Review("440000", id, true, "同意报送");
  WaitHeldAt("440000", id, 2);
  Decide("440000", id, "秘密★5年");
  for (const char* node : {"440106", "440300", "440100"}) {
    auto copy = WaitFinal(node, id);
    EXPECT_STREQ(copy->getState().cStr(), "decided") << node;
    EXPECT_STREQ(copy->getDecision().getMark().cStr(), "秘密★5年") << node;
  }
}

// GD Art. 45 "原定密机关或者其上级机关": 天河区教育局 objects to 深圳市公安局's determination with
// its superior, 广东省公安厅, which adopts the objection. GD Art. 40: that is a 变更 of
// 深圳市公安局's determination; once the settlement reaches it, it notifies the 知悉范围 in writing
// within 10 WD.
TEST_F(Escalation, GdArt45_GdArt40_AnObjectionToTheSuperiorAdoptedIsAChangeNotifiedToTheScope) {
  Start(/*shenzhen=*/true);
  auto m = h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::OBJECT);
    r.setOrgan("jyj");
    r.setAgainst("440300/gaj");
    r.setTitle("某执法通报");
    r.setMark("机密★10年");
    r.setClaimMark("秘密★5年");
    r.setScope("各区教育局");
    r.setToSuperior(true);
  });
  const std::string id = m->getId();
  EXPECT_STREQ(m->getAnswerer().getName().cStr(), "广东省公安厅");
  WaitOn("440000", id, [](MatterView s) { return s.getObjectionReceivedAt() > 0; });
  std::string elsewhere = Refusal("440300", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ANSWER);
    r.setId(id);
    r.setUpheld(true);
    r.setText("维持");
    r.setWho("赵六");
  });
  EXPECT_FALSE(elsewhere.empty()) << "the superior answers, not the classifier";
  h.MatterStep("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ANSWER);
    r.setId(id);
    r.setUpheld(false);
    r.setText("采纳异议，变更为秘密★5年");
    r.setWho("钱八");
  });
  auto settled = WaitFinal("440106", id);
  EXPECT_STREQ(settled->getState().cStr(), "settled");
  EXPECT_STREQ(settled->getDecision().getMark().cStr(), "秘密★5年");
  auto at_classifier = WaitOn(
      "440300", id, [](MatterView s) { return s.getFinal() && s.getChangeNoticeDueAt() > 0; });
  EXPECT_NE(std::string(at_classifier->getStateZh().cStr()).find("变更"), std::string::npos);
  bool tracked = false;
  for (auto& d : h.Deadlines("440300")) {
    tracked |= d.item == id && d.step == workflows::kStepChangeNotice && d.rule == "GD Art. 40" &&
               d.working_days == 10;
  }
  EXPECT_TRUE(tracked) << "the written notice to the 知悉范围 is a tracked duty";
  h.MatterStep("440300", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::NOTIFY_CHANGE);
    r.setId(id);
    r.setWho("赵六");
    r.setText("深公保〔2025〕3号");
  });
  EXPECT_EQ(OpenDeadlinesOf("440300", id), 0u);
  EXPECT_FALSE(h.MatterOn("440100", id)) << "a dispute settled below reaches no level of the route";
}

TEST_F(Escalation, GdArt29_RequestGoesToTheFirstSuperiorWithAuthorityWhichDecides) {
  Start();
  auto m = h.MatterStep("440106", [](schema::MatterRequest::Builder r) {
    r.setOp(Op::REQUEST);
    r.setScope("本单位相关人员");
    r.setOrgan("jyj");  // 天河区教育局: no original classification authority
    r.setTitle("某招生录取方案");
    r.setMark("秘密★5年");
  });
  const std::string id = m->getId();
  ASSERT_EQ(m->getPath().size(), 1u);
  EXPECT_STREQ(m->getPath()[0].getOrgan().getName().cStr(), "广州市教育局");
  WaitHeldAt("440100", id, 0);
  bool tracked = false;
  for (auto& d : h.Deadlines("440100")) {
    if (d.item == id) tracked = d.rule == "GD Art. 29 ¶2" && d.working_days == 10;
  }
  EXPECT_TRUE(tracked) << "the superior decides within 10 WD of receipt";
  std::string above = Refusal("440100", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::DECIDE);
    r.setScope("本单位相关人员");
    r.setId(id);
    r.setMark("绝密★20年");
    r.setWho("陈七");
  });
  EXPECT_NE(above.find("GD Art. 23"), std::string::npos) << above;
  h.KillNode("440106");  // the origin is away when the decision is made
  Decide("440100", id, "秘密★5年");
  h.StartNode("440106");
  auto origin = WaitFinal("440106", id);
  EXPECT_STREQ(origin->getDecision().getMark().cStr(), "秘密★5年");
  EXPECT_FALSE(h.MatterOn("440000", id)) << "the province is not on this route";
}

// GD Art. 45: the classifier's 20 WD run from the day it received the objection, whatever the
// objector's calendar says: a classifier cut off for weeks is not late for it, and the objector
// cannot escalate before the receipt tells it the day. GD Art. 41: once overdue, the overdue
// report goes to the secrecy admin dept of the classifier's own region (深圳市国家保密局), where it
// is a 督办事项, and it is closed when the duty ends.
TEST_F(Escalation, GdArt45_GdArt41_CountedFromReceiptThenOverdueToItsOwnBureauAndEscalated) {
  Start(/*shenzhen=*/true);
  h.KillNode("440300");  // 深圳市 is cut off when the objection is made
  auto m = ObjectTo440300("某会议纪要", "秘密★10年", "");  // it says: not a state secret
  const std::string id = m->getId();

  // Six weeks later on the objector's calendar: 20 WD since the objection, none since receipt.
  h.SetClock("440106", "2025-11-03 09:00");
  std::string blind = Refusal("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ESCALATE);
    r.setId(id);
  });
  EXPECT_NE(blind.find("has not acknowledged"), std::string::npos) << blind;

  // 深圳市 comes back on 2025-11-03 and receives it: its 20 WD end on 2025-12-01.
  NodeSpec shenzhen = DemoSpec("440300", "city", "440000");
  shenzhen.extra_config = "directory = \"" ZHUJI_SOURCE_DIR
                          "/deploy/topologies/guangdong-demo.toml\"\n"
                          "[clock]\nfake_start = \"2025-11-03 09:00\"\n";
  h.RewriteNode(shenzhen);
  h.StartNode("440300");
  auto receipt = WaitOn("440106", id, [](MatterView s) { return s.getAnswerDueAt() > 0; });
  EXPECT_EQ(receipt->getAnswerDueAt(), Harness::CstMs("2025-12-02 00:00"))
      << "the receipt carries the classifier's deadline, counted from its receipt";
  std::string early = Refusal("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::ESCALATE);
    r.setId(id);
  });
  EXPECT_NE(early.find("still has time"), std::string::npos) << early;

  h.SetClock("440300", "2025-12-03 09:00");
  h.SetClock("440106", "2025-12-03 09:00");
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("440300")) {
          if (s.item == id && s.rule == "GD Art. 45" && !s.closed) return true;
        }
        return false;
      },
      seconds(60)))
      << "督办事项 of the unanswered objection at 深圳市国家保密局 (GD Art. 41)";
  for (auto& d : h.Deadlines("440300", /*all=*/true)) {
    if (d.item == id) {
      EXPECT_EQ(d.supervisor, "440300") << "the city's own bureau, not the province";
    }
  }

  // GD Art. 31 "未予以处理": the objector escalates without an answer.
  EscalateFrom440106(id);
  WaitHeldAt("440100", id, 0);
  Review("440100", id, true, "同意上报");
  WaitHeldAt("440000", id, 1);
  Review("440000", id, true, "同意报送");
  WaitHeldAt("440000", id, 2);
  h.MatterStep("440000", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::DECIDE);
    r.setScope("本单位相关人员");
    r.setId(id);
    r.setNotSecret(true);
    r.setWho("李四");
  });
  auto classifier = WaitFinal("440300", id);
  EXPECT_TRUE(classifier->getHasDecision() && classifier->getDecision().getNotSecret());
  EXPECT_EQ(OpenDeadlinesOf("440300", id), 0u) << "the decision ends the classifier's duty";
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("440300", /*all=*/true)) {
          if (s.item == id && s.closed) return true;
        }
        return false;
      },
      seconds(60)))
      << "the 督办 is closed once the duty ended";
}

TEST_F(Escalation, GdArt24_GdArt33_ContentChecksRefuseAtTheOriginAndStoreNothing) {
  Start();
  auto report = [&](const char* mark, std::vector<const char*> parts, const char* art24,
                    bool listed) {
    return h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::REPORT);
      r.setScope("本单位相关人员");
      r.setOrgan("jyj");
      r.setTitle("汇编");
      r.setMark(mark);
      auto list = r.initParts(parts.size());
      for (size_t i = 0; i < parts.size(); ++i) list.set(i, parts[i]);
      r.setArt24(art24);
      r.setListedInScope(listed);
      r.setHold(true);
    });
  };
  std::string why;
  try {
    report("秘密★5年", {}, "internal-affairs", false);
  } catch (const std::exception& e) {
    why = e.what();
  }
  EXPECT_NE(why.find("GD Art. 24"), std::string::npos) << why;
  why.clear();
  try {
    report("机密★5年", {"秘密★10年", "机密★5年"}, "", false);
  } catch (const std::exception& e) {
    why = e.what();
  }
  EXPECT_NE(why.find("GD Art. 33"), std::string::npos) << why;
  EXPECT_NE(why.find("机密★10年"), std::string::npos) << why;
  why.clear();
  try {
    report("机密★5年年", {}, "", false);
  } catch (const std::exception& e) {
    why = e.what();
  }
  EXPECT_NE(why.find("--mark"), std::string::npos) << "a GD Art. 32 mark is required: " << why;

  // Nothing of the refused steps was stored: the first matter accepted gets serial 0001.
  auto ok = report("", {"秘密★10年", "机密★5年"}, "internal-affairs", /*listed=*/true);
  const std::string id = ok->getId();
  EXPECT_EQ(id, "440106/jyj/2025-0001");
  EXPECT_STREQ(ok->getProvisionalMark().cStr(), "机密★10年");
  EXPECT_STREQ(ok->getState().cStr(), "provisional") << "--hold: set, not reported";
  EXPECT_FALSE(h.MatterOn("440100", id));
}

// SIGKILL of the county, the city, the province and the broker at random moments while matters
// are escalated on the test auto-review policy: every matter is decided once and every step of
// it happens once, whatever was redelivered. ZHUJI_CHAOS_SEED replays a run.
TEST_F(Escalation, SigkillChaosEveryEscalationDecidedOnceAndEveryStepOnce) {
  unsigned seed = std::getenv("ZHUJI_CHAOS_SEED")
                      ? static_cast<unsigned>(std::atoll(std::getenv("ZHUJI_CHAOS_SEED")))
                      : std::random_device{}();
  std::cout << "escalation chaos: seed " << seed << " (ZHUJI_CHAOS_SEED=" << seed
            << " replays it)\n";
  std::mt19937 rng(seed);
  auto pause = [&](int max_ms) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<>(0, max_ms)(rng)));
  };
  h.StartBroker();
  auto automatic = [](NodeSpec s) {
    s.extra_config += "[escalation]\nauto_review = true\n";  // TEST POLICY
    return s;
  };
  h.AddNode(automatic(DemoSpec("440000", "province", "")));
  h.AddNode(automatic(DemoSpec("440100", "city", "440000")));
  h.AddNode(DemoSpec("440106", "county", "440100"));
  for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);

  constexpr int kMatters = 40;
  int kills = 0;
  std::vector<std::string> ids;
  for (int i = 0; i < kMatters; ++i) {
    // Only a reply proves the report committed, so the county is never killed mid-request.
    auto m = h.MatterStep("440106", NewUnclear("jyj", "chaos #" + std::to_string(i), "秘密★5年"));
    ids.emplace_back(m->getId().cStr());
    if (std::uniform_int_distribution<>(0, 99)(rng) >= 25) continue;
    pause(10);  // somewhere on its way up or down
    int victim = std::uniform_int_distribution<>(0, 3)(rng);
    ++kills;
    if (victim == 3) {
      h.KillBroker(0, SIGKILL);
      pause(150);
      h.RestartBroker(0);
    } else {
      const char* node = victim == 0 ? "440106" : victim == 1 ? "440100" : "440000";
      h.KillNode(node, SIGKILL);
      pause(150);
      h.StartNode(node);
    }
  }
  for (const auto& id : ids) {
    auto m = WaitFinal("440106", id);
    ASSERT_TRUE(m->getHasDecision()) << id;
    EXPECT_STREQ(m->getDecision().getMark().cStr(), "秘密★5年") << id;
    // Set, reported, received ×3, forwarded ×2, decided: each once.
    std::map<std::string, int> actions;
    for (auto e : m->getHistory()) {
      std::string action = e.getAction().cStr();
      ++actions[action.substr(0, action.find(' '))];
    }
    EXPECT_EQ(m->getHistory().size(), 8u) << id;
    EXPECT_EQ(actions["收到"], 3) << id;
    EXPECT_EQ(actions["审核转报"], 2) << id;
    EXPECT_EQ(actions["确定"], 1) << id;
    EXPECT_EQ(m->getVersion(), 8u) << id;
    if (HasFailure()) {
      std::cout << "escalation chaos failed at " << id << " with seed " << seed << "\n";
      return;
    }
  }
  for (const char* node : {"440000", "440100", "440106"}) {
    for (auto& d : h.Deadlines(node)) {
      if (d.step == workflows::kStepNationalFiling) continue;  // the bureau's 备案, owed after
      EXPECT_EQ(d.item.find("440106/jyj/"), std::string::npos)
          << node << " still has a duty open: " << d.item << " / " << d.step;
    }
  }
  EXPECT_GT(kills, 0) << "the chaos killed nothing";
  std::cout << "escalation chaos: " << kMatters << " matters, " << kills
            << " SIGKILLs; each decided once, every step once\n";
}

}  // namespace
}  // namespace zhuji::testing
