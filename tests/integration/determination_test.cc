// An organ's own determination with a real node process (issue #14; GD Art. 25-28): the
// 保密事项一览表 approved by the statutory head, the handler's proposal, the 定密责任人's return,
// correction and approval, and the GD Art. 28 duty that goes overdue to the region's bureau.
#include "services/workflows/determination.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace zhuji::testing
