// An organ's own determination with a real node process (issue #14; GD Art. 25-28): the
// 保密事项一览表 approved by the statutory head, the handler's proposal, the 定密责任人's return,
// correction and approval, and the GD Art. 28 duty that goes overdue to the region's bureau.
#include "services/workflows/determination.h"

#include <gtest/gtest.h>

#include <set>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using Op = schema::SecretRequest::Op;

class Determinations : public ::testing::Test {
 protected:
  void SetUp() override {
    h.StartBroker();
    h.AddNode({"440100", "city", "440000", "",
               "directory = \"" ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong-demo.toml\"\n"
               "[clock]\nfake_start = \"2025-09-24 09:00\"\n"});
    h.StartNode("440100", false);
    ASSERT_TRUE(Harness::WaitFor(
        [&] {
          try {
            h.Status("440100");
            return true;
          } catch (const std::exception&) {
            return false;
          }
        },
        seconds(60)))
        << "node 440100 answers on its control socket";
  }
  std::unique_ptr<OwnedMessage> Step(
      const std::function<void(schema::SecretRequest::Builder)>& fill) {
    return h.Request("440100", [&](schema::ControlRequest::Builder r) { fill(r.initSecret()); });
  }
  std::string Refusal(const std::function<void(schema::SecretRequest::Builder)>& fill) {
    try {
      Step(fill);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  static std::function<void(schema::SecretRequest::Builder)> ApproveList(const char* by,
                                                                         const char* first) {
    return [=](schema::SecretRequest::Builder s) {
      s.setOp(Op::SCOPE_APPROVE);
      s.setOrgan("jyj");
      s.setBy(by);
      auto e = s.initEntries(2);
      e[0].setName("中考试题（启用前）");
      e[0].setBasis("教育工作中国家秘密及其密级具体范围的规定");
      e[0].setMark(first);
      e[0].setScope("命题组成员");
      e[0].setDepartment("市招生考试院");
      e[1].setName("考生个人信息汇总");
      e[1].setBasis("教育工作中国家秘密及其密级具体范围的规定");
      e[1].setMark("秘密★5年");
      e[1].setScope("招生办工作人员");
      e[1].setDepartment("市招生考试院");
    };
  }
  static std::function<void(schema::SecretRequest::Builder)> Propose(const char* title) {
    return [=](schema::SecretRequest::Builder s) {
      s.setOp(Op::PROPOSE);
      s.setOrgan("jyj");
      s.setEntryNo(1);
      s.setTitle(title);
      s.setMark("秘密★1年");
      s.setScope("命题组成员");
      s.setBasis("一览表第1项");
      s.setReasons("启用前泄露将影响考试公平");
      s.setBy("张承办");
    };
  }
  std::optional<DeadlineItem> Duty(const std::string& item) {
    for (auto& d : h.Deadlines("440100", true)) {
      if (d.item == item) return d;
    }
    return std::nullopt;
  }
  Harness h;
};

TEST_F(Determinations, GdArt25_GdArt26_GdArt27_GdArt28_ProposedReturnedCorrectedApproved) {
  // GD Art. 26: the statutory head (陈七, the demo's) approves the list; GD Art. 25 ¶3: nothing
  // beyond the organ's authority (广州市教育局: 秘密).
  EXPECT_NE(Refusal(ApproveList("刘二", "秘密★1年")).find("GD Art. 26"), std::string::npos);
  EXPECT_NE(Refusal(ApproveList("陈七", "机密★1年")).find("GD Art. 25 ¶3"), std::string::npos);
  Step(ApproveList("陈七", "秘密★1年"));
  auto reply = Step(Propose("2026年中考数学试题"));
  const std::string id = reply->Root<schema::ControlReply>().getSecrets()[0].getId();
  auto duty = Duty(id);
  ASSERT_TRUE(duty);
  EXPECT_EQ(duty->rule, "GD Art. 28");
  EXPECT_EQ(duty->working_days, 10);
  EXPECT_EQ(duty->state, "open");
  auto act = [&](Op op, const char* by, const char* mark, const char* reason) {
    return [=](schema::SecretRequest::Builder s) {
      s.setOp(op);
      s.setId(id);
      s.setBy(by);
      s.setMark(mark);
      s.setReason(reason);
    };
  };
  // GD Art. 16 ¶3: nobody outside the register approves.
  EXPECT_NE(Refusal(act(Op::APPROVE, "无名氏", "", "")).find("GD Art. 16"), std::string::npos);
  Step(act(Op::RETURN, "陈七", "", "依据和理由不充分"));
  EXPECT_EQ(Duty(id)->state, "open") << "a return keeps the GD Art. 28 days running";
  Step([&](schema::SecretRequest::Builder s) {
    Propose("2026年中考数学试题")(s);
    s.setId(id);
    s.setReasons("启用前泄露将影响考试公平，且属一览表第1项");
  });
  auto approved = Step(act(Op::APPROVE, "陈七", "秘密★6个月", ""));  // 直接纠正 (GD Art. 27 ②)
  auto v = approved->Root<schema::ControlReply>().getSecrets()[0];
  EXPECT_STREQ(v.getState().cStr(), "approved");
  EXPECT_TRUE(v.getCorrected());
  EXPECT_STREQ(v.getMark().cStr(), "秘密★6个月");
  EXPECT_EQ(Duty(id)->state, "closed");

  // GD Art. 28, 41: a proposal left unapproved goes overdue; the report reaches 广州市国家保密局.
  auto other = Step(Propose("2026年中考语文试题"));
  const std::string late = other->Root<schema::ControlReply>().getSecrets()[0].getId();
  h.SetClock("440100", "2025-10-31 09:00");
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("440100")) {
          if (s.item == late && s.rule == "GD Art. 28") return true;
        }
        return false;
      },
      seconds(60)))
      << "the overdue determination is a 督办事项 of 广州市国家保密局";
}

TEST_F(Determinations, GdArt34_EachJanuaryTheYearlyReviewOpensForWhatWasDeterminedBefore) {
  Step(ApproveList("陈七", "秘密★1年"));
  auto reply = Step(Propose("2026年中考数学试题"));
  const std::string id = reply->Root<schema::ControlReply>().getSecrets()[0].getId();
  Step([&](schema::SecretRequest::Builder s) {
    s.setOp(Op::APPROVE);
    s.setId(id);
    s.setBy("陈七");
  });
  const std::string item = "440100/jyj/年度审核-2026";
  EXPECT_FALSE(Duty("440100/jyj/年度审核-2025")) << "nothing determined before 2025 to review";
  h.SetClock("440100", "2026-01-05 09:00");
  ASSERT_TRUE(Harness::WaitFor([&] { return Duty(item).has_value(); }, seconds(60)))
      << "the 2026 review of 广州市教育局 opened in January";
  EXPECT_EQ(Duty(item)->rule, "GD Art. 34");
  EXPECT_EQ(Duty(item)->due_day.ToString(), "2026-12-31");
  auto due = Step([](schema::SecretRequest::Builder s) {
    s.setOp(Op::REVIEW_DUE);
    s.setOrgan("jyj");
  });
  ASSERT_EQ(due->Root<schema::ControlReply>().getSecrets().size(), 1u);
  EXPECT_NE(Refusal([&](schema::SecretRequest::Builder s) {
              s.setOp(Op::REVIEW);
              s.setId(id);
              s.setBy("张承办");
            }).find("GD Art. 16"),
            std::string::npos)
      << "a 定密责任人 reviews";
  Step([&](schema::SecretRequest::Builder s) {
    s.setOp(Op::REVIEW);
    s.setId(id);
    s.setBy("陈七");
  });
  EXPECT_EQ(Duty(item)->state, "closed") << "nothing left to review this year";
}

// After approval, across real processes (GD Art. 34-40): the copy reaches the organs of the
// 知悉范围 on three other nodes; an extension's written notice is a tracked delivery — one
// recipient's node is down from before the decision until two days before the old end of term,
// its missing 签收 is raised to 广州市国家保密局 when the notice falls due, and it receipts once
// back; the item is released by itself at the end of its (extended) term on every node.
class SecretLifecycle : public ::testing::Test {
 protected:
  void SetUp() override { h.StartDemoNodes({"440000", "440100", "440106", "440104"}); }
  void Secret(const std::string& node,
              const std::function<void(schema::SecretRequest::Builder)>& fill,
              std::string* id = nullptr) {
    auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) { fill(r.initSecret()); });
    if (id) *id = reply->Root<schema::ControlReply>().getSecrets()[0].getId();
  }
  // The item as `node` holds it: "state mark vN", or "" when it holds none.
  std::string Held(const std::string& node, const std::string& id) {
    auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto s = r.initSecret();
      s.setOp(Op::SHOW);
      s.setId(id);
    });
    auto v = reply->Root<schema::ControlReply>().getSecrets()[0];
    return std::string(v.getState().cStr()) + " " + v.getMark().cStr() + " v" +
           std::to_string(v.getVersion());
  }
  std::string HeldOrNone(const std::string& node, const std::string& id) {
    try {
      return Held(node, id);
    } catch (const std::exception&) {
      return "";
    }
  }
  // Receipted recipients of the notice of version `version`, as "organ organ …".
  std::string Receipted(const std::string& id, int version) {
    auto reply = h.Request("440100", [&](schema::ControlRequest::Builder r) {
      auto s = r.initSecret();
      s.setOp(Op::NOTICES);
      s.setId(id);
    });
    std::set<std::string> organs;
    for (auto n : reply->Root<schema::ControlReply>().getSecretNotices()) {
      if (n.getVersion() != static_cast<uint64_t>(version)) continue;
      for (auto r : n.getRecipients()) {
        if (r.getReceiptedAt()) organs.insert(r.getOrgan());
      }
    }
    std::string out;
    for (const auto& o : organs) out += (out.empty() ? "" : " ") + o;
    return out;
  }
  bool Supervised(const std::string& item, bool closed) {
    for (auto& s : h.Supervised("440100", true)) {
      if (s.item == item && s.rule == "GD Art. 36" && s.closed == closed &&
          s.step.find("440104/jyj") != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  std::string Due(const std::string& item) {
    for (auto& d : h.Deadlines("440100", true)) {
      if (d.item == item && d.step.find("440104/jyj") != std::string::npos) {
        return d.due_day.ToString();
      }
    }
    return "";
  }
  std::string Duties() {
    std::string out;
    for (auto& d : h.Deadlines("440100", true)) {
      out += d.item + " / " + d.step + " " + d.rule + " " + d.state + "; ";
    }
    for (auto& s : h.Supervised("440100", true)) {
      out += "督办 " + s.item + " / " + s.step + " " + s.rule + (s.closed ? " closed" : "") + "; ";
    }
    return out;
  }
  static constexpr const char* kNodes[] = {"440000", "440100", "440106", "440104"};
  Harness h;
};

TEST_F(
    SecretLifecycle,
    GdArt36_GdArt39_GdArt41_AnExtensionNoticeReachesEveryNodeInScopeAndTheItemIsReleasedAtItsEnd) {
  // 广州市教育局 determines 秘密★1年 on 2025-09-24, known to 广东省教育厅, 天河区教育局 and
  // 越秀区教育局.
  Secret("440100", [](schema::SecretRequest::Builder s) {
    s.setOp(Op::SCOPE_APPROVE);
    s.setOrgan("jyj");
    s.setBy("陈七");
    auto e = s.initEntries(1);
    e[0].setName("中考试题（启用前）");
    e[0].setBasis("教育工作中国家秘密及其密级具体范围的规定");
    e[0].setMark("秘密★1年");
    e[0].setScope("命题组成员");
    e[0].setDepartment("市招生考试院");
  });
  std::string id;
  Secret(
      "440100",
      [](schema::SecretRequest::Builder s) {
        s.setOp(Op::PROPOSE);
        s.setOrgan("jyj");
        s.setEntryNo(1);
        s.setTitle("2026年中考数学试题");
        s.setMark("秘密★1年");
        s.setScope("命题组成员");
        s.setBasis("一览表第1项");
        s.setReasons("启用前泄露将影响考试公平");
        s.setBy("张承办");
        auto organs = s.initScopeOrgans(3);
        organs.set(0, "440000/jyt");
        organs.set(1, "440106/jyj");
        organs.set(2, "440104/jyj");
      },
      &id);
  Secret("440100", [&](schema::SecretRequest::Builder s) {
    s.setOp(Op::APPROVE);
    s.setId(id);
    s.setBy("陈七");
  });
  EXPECT_TRUE(Harness::WaitFor(
      [&] { return Receipted(id, 1) == "440000/jyt 440104/jyj 440106/jyj"; }, seconds(60)))
      << "the copy reached the three organs' nodes and each receipted it; receipted: "
      << Receipted(id, 1);
  for (const char* node : kNodes) EXPECT_EQ(Held(node, id), "approved 秘密★1年 v1") << node;

  // 越秀区's node goes down, and ordinary traffic piles up for it; the organ extends the term on
  // 2026-09-01, inside the last 30 WD before 2026-09-24 (GD Art. 36).
  h.KillNode("440104");
  constexpr uint32_t kBacklog = 3000;
  h.Send("440100", "440104", "积压 backlog", kBacklog);
  for (const char* node : {"440000", "440100", "440106"}) h.SetClock(node, "2026-09-01 09:00");
  Secret("440100", [&](schema::SecretRequest::Builder s) {
    s.setOp(Op::CHANGE);
    s.setId(id);
    s.setChangeKind("extend");
    s.setMark("秘密★2年");
    s.setDocNumber("穗教密〔2026〕9号");
    s.setReason("考试推迟一年举行");
    s.setBy("陈七");
  });
  EXPECT_TRUE(
      Harness::WaitFor([&] { return Receipted(id, 2) == "440000/jyt 440106/jyj"; }, seconds(60)))
      << "the nodes that are up receipt the extension; receipted: " << Receipted(id, 2);
  const std::string notice = id + "#2";
  EXPECT_FALSE(Supervised(notice, false)) << "not due yet";

  // The notice falls due on the 10th working day before 2026-09-24 (2026-09-11: Sunday 09-20
  // is a make-up working day) without 越秀区's 签收: raised to 广州市国家保密局 (GD Art. 41) on
  // the city's node.
  EXPECT_EQ(Due(notice), "2026-09-11");
  h.SetClock("440100", "2026-09-14 09:00");
  EXPECT_TRUE(Harness::WaitFor([&] { return Supervised(notice, false); }, seconds(60)))
      << "the missing receipt is a 督办事项 of 广州市国家保密局; " << Duties();

  // 越秀区 comes back two days before the old end of term: the notice arrives and is receipted.
  h.SetClock("440100", "2026-09-22 09:00");
  h.RewriteNode(DemoSpec("440104", "county", "440100", "2026-09-22 09:00"));
  h.StartNode("440104");
  EXPECT_TRUE(Harness::WaitFor(
      [&] { return Receipted(id, 2) == "440000/jyt 440104/jyj 440106/jyj"; }, seconds(60)))
      << "receipted: " << Receipted(id, 2);
  EXPECT_EQ(Held("440104", id), "approved 秘密★2年 v2");
  // The notice went ahead of the backlog queued before it (RULES.md: an extension notice is
  // sent ahead of other traffic): on its own lane it is not behind the link's 3000 envelopes.
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440104", "积压 backlog") == kBacklog; },
                               seconds(60)));
  size_t before_notice = 0;
  for (const auto& e : h.Inbox("440104")) {
    if (e.text.find("延长保密期限") != std::string::npos) break;
    before_notice += e.text.rfind("积压 backlog", 0) == 0;
  }
  EXPECT_LT(before_notice, 100u) << "test messages delivered before the extension notice";
  EXPECT_TRUE(Harness::WaitFor([&] { return Supervised(notice, true); }, seconds(60)))
      << "the 督办事项 is closed once the receipt is in";

  // 2026-09-24, the old end: still secret everywhere. 2027-09-24, the new end: released by
  // itself on every node that holds it (GD Art. 39), without any message.
  for (const char* node : kNodes) h.SetClock(node, "2026-09-24 09:00");
  for (const char* node : kNodes) EXPECT_EQ(Held(node, id), "approved 秘密★2年 v2") << node;
  for (const char* node : kNodes) h.SetClock(node, "2027-09-24 00:30");
  for (const char* node : kNodes) {
    EXPECT_TRUE(Harness::WaitFor([&] { return HeldOrNone(node, id) == "released 秘密★2年 v2"; },
                                 seconds(60)))
        << node << " holds " << HeldOrNone(node, id);
  }
}

}  // namespace
}  // namespace zhuji::testing
