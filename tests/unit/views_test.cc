// The control views (services/node/views.h): what the node's control reply shows of a stored
// matter or deadline is what the store holds, rendered, after the reply's round trip as bytes.
#include "services/node/views.h"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include "guangdong.h"
#include "services/common/capnp_io.h"
#include "services/workflows/disputed_matter.h"
#include "services/workflows/unclear_matter.h"

namespace zhuji::node {
namespace {

using namespace workflows;
using workflows::testing::Guangdong;
using workflows::testing::kDay;
using workflows::testing::kT0;

// A 不明确事项 of 天河区教育局 taken up to the bureau, which decides 机密★10年.
StoredMatter DecidedUnclear() {
  auto set = SetProvisional(Guangdong(), "440106/jyj", "440106/jyj/2025-0001", "某考试命题工作方案",
                            Protection::Term(SecrecyLevel::kMimi, 5), "本单位相关人员", kT0);
  EXPECT_TRUE(set.ok()) << set.message();
  Matter m = Report(set.value().matter,
                    {"申报不明确事项公文", "不明确事项定密申报表", "不明确事项的具体内容"}, kT0)
                 .value()
                 .matter;
  for (int hop = 0; hop < 2; ++hop) {
    m = Receive(m, kT0 + kDay, EscalationPolicy{}).value().matter;
    m = Forward(m, "审核人", "同意上报", kT0 + 2 * kDay).value().matter;
  }
  m = Receive(m, kT0 + 3 * kDay, EscalationPolicy{}).value().matter;
  m.path[2].due_at = 77;
  Decision d;
  d.protection = Protection::Term(SecrecyLevel::kJimi, 10);
  d.scope = "命题组";
  d.decided_by = "李四";
  auto decided = Decide(m, d, kT0 + 4 * kDay);
  EXPECT_TRUE(decided.ok()) << decided.message();
  StoredMatter s;
  s.matter = decided.value().matter;
  s.notice_received_at = kT0 + 5 * kDay;
  s.created_at = kT0;
  s.updated_at = kT0 + 5 * kDay;
  return s;
}

// The view as a CLI reads it: a ControlReply carrying it, written to bytes and read back.
std::unique_ptr<OwnedMessage> ReplyWith(const StoredMatter& s) {
  capnp::MallocMessageBuilder reply;
  FillMatterView(s, reply.initRoot<schema::ControlReply>().initMatterViews(1)[0]);
  return ReadMessage(ToBytes(reply));
}

TEST(Views, ADecidedMatterShowsItsPathDecisionAndTrail) {
  StoredMatter s = DecidedUnclear();
  auto reply = ReplyWith(s);
  auto r = reply->Root<schema::ControlReply>();
  ASSERT_TRUE(r.isMatterViews());
  ASSERT_EQ(r.getMatterViews().size(), 1u);
  auto v = r.getMatterViews()[0];
  EXPECT_STREQ(v.getId().cStr(), "440106/jyj/2025-0001");
  EXPECT_STREQ(v.getKind().cStr(), "unclear");
  EXPECT_STREQ(v.getKindZh().cStr(), "不明确事项");
  EXPECT_STREQ(v.getState().cStr(), "decided");
  EXPECT_STREQ(v.getStateZh().cStr(), MatterStateZh(MatterState::kDecided));
  EXPECT_TRUE(v.getFinal());
  EXPECT_EQ(v.getVersion(), s.matter.version);
  EXPECT_STREQ(v.getOrigin().getAddress().cStr(), "440106/jyj");
  EXPECT_STREQ(v.getOrigin().getLevel().cStr(), "县级");
  EXPECT_STREQ(v.getHolder().getName().cStr(), s.matter.holder().name.c_str());
  EXPECT_STREQ(v.getProvisionalMark().cStr(), "秘密★5年");
  EXPECT_EQ(v.getAt(), s.matter.at);
  EXPECT_EQ(v.getMaterials().size(), 3u);
  EXPECT_EQ(v.getCurrentDueAt(), 0) << "a final matter waits for no step";

  ASSERT_EQ(v.getPath().size(), 3u);
  EXPECT_STREQ(v.getPath()[0].getOrgan().getLevel().cStr(), "市级");
  EXPECT_STREQ(v.getPath()[1].getOrgan().getLevel().cStr(), "省级");
  EXPECT_EQ(v.getPath()[0].getOutcome(), schema::HopView::Outcome::FORWARDED);
  EXPECT_STREQ(v.getPath()[0].getOutcomeZh().cStr(), "转报 forwarded");
  EXPECT_STREQ(v.getPath()[0].getOpinion().cStr(), "同意上报");
  EXPECT_EQ(v.getPath()[0].getSentAt(), kT0 + 2 * kDay);
  auto bureau = v.getPath()[2];
  EXPECT_STREQ(bureau.getOrgan().getName().cStr(), "广东省国家保密局");
  EXPECT_STREQ(bureau.getOrgan().getAddress().cStr(), "440000/bmj");
  EXPECT_EQ(bureau.getOutcome(), schema::HopView::Outcome::DECIDED);
  EXPECT_STREQ(bureau.getReviewer().cStr(), "李四");
  EXPECT_EQ(bureau.getDueAt(), 77);

  ASSERT_TRUE(v.getHasDecision());
  EXPECT_FALSE(v.getDecision().getNotSecret());
  EXPECT_STREQ(v.getDecision().getMark().cStr(), "机密★10年");
  EXPECT_STREQ(v.getDecision().getLevel().cStr(), "机密★10年");
  EXPECT_STREQ(v.getDecision().getScope().cStr(), "命题组");
  EXPECT_EQ(v.getDecision().getDecidedAt(), kT0 + 4 * kDay);
  EXPECT_FALSE(v.getHasClassifier());

  ASSERT_EQ(v.getHistory().size(), s.matter.history.size());
  for (size_t i = 0; i < s.matter.history.size(); ++i) {
    EXPECT_STREQ(v.getHistory()[i].getAction().cStr(), s.matter.history[i].action.c_str());
    EXPECT_EQ(v.getHistory()[i].getAt(), s.matter.history[i].at);
  }
  EXPECT_EQ(v.getNoticeReceivedAt(), kT0 + 5 * kDay);
  EXPECT_EQ(v.getUpdatedAt(), kT0 + 5 * kDay);
}

TEST(Views, ADisputedMatterShowsItsPartiesAndTheHighestClaim) {
  Claim claim;
  claim.not_secret = true;  // the objector: not a state secret
  auto o = Object(Guangdong(), "440106/jyj", "440300/gaj", "440106/jyj/2025-0002", "通报",
                  Protection::Term(SecrecyLevel::kJimi, 10), claim, "", kT0);
  ASSERT_TRUE(o.ok()) << o.message();
  StoredMatter s;
  s.matter = Receive(o.value().matter, kT0 + kDay, EscalationPolicy{}).value().matter;
  auto reply = ReplyWith(s);
  auto v = reply->Root<schema::ControlReply>().getMatterViews()[0];
  EXPECT_STREQ(v.getKind().cStr(), "disputed");
  EXPECT_STREQ(v.getState().cStr(), "objected");
  EXPECT_FALSE(v.getFinal());
  EXPECT_STREQ(v.getProtectedAt().cStr(), "机密★10年") << "the highest level any party claims";
  ASSERT_TRUE(v.getHasClassifier());
  EXPECT_STREQ(v.getClassifier().getName().cStr(), "深圳市公安局");
  EXPECT_STREQ(v.getHolder().getAddress().cStr(), "440300/gaj");
  EXPECT_GT(v.getObjectionReceivedAt(), 0);
  EXPECT_EQ(v.getCurrentDueAt(), s.matter.answer_due_at);
  ASSERT_EQ(v.getClaims().size(), 2u);
  for (auto c : v.getClaims()) {
    if (c.getNotSecret()) {
      EXPECT_STREQ(c.getMark().cStr(), "");
      EXPECT_STREQ(c.getLevel().cStr(), "非国家秘密 not a state secret");
    } else {
      EXPECT_STREQ(c.getMark().cStr(), "机密★10年");
      EXPECT_STREQ(c.getLevel().cStr(), "机密★10年");
    }
  }
  EXPECT_FALSE(v.getHasDecision());
}

TEST(Views, AnOverdueDeadlineShowsItsFieldsAndState) {
  deadlines::DeadlineRecord d;
  d.item = "authorization/440106-2025-001";
  d.step = "备案";
  d.rule = "GD Art. 14";
  d.title = "授权决定备案";
  d.trigger = *calendar::ParseDate("2025-09-25");
  d.due_day = *calendar::ParseDate("2025-10-15");
  d.working_days = 10;
  d.due_ms = calendar::EndOfDayCstMs(d.due_day);
  d.remind_ms = 1'000;
  d.provisional = true;
  d.calendar_version = "gd-2025.1";
  d.state = schema::Deadline::State::OVERDUE;
  d.opened_ms = 2'000;
  d.overdue_at_ms = d.due_ms;
  d.supervisor = "440100";

  capnp::MallocMessageBuilder msg;
  auto list = msg.initRoot<schema::ControlReply>().initDeadlines().initDeadlines(1);
  FillDeadlineView(d, -2, list[0]);
  auto reply = ReadMessage(ToBytes(msg));
  auto v = reply->Root<schema::ControlReply>().getDeadlines().getDeadlines()[0];
  EXPECT_EQ(v.getRecord().size(), 0u) << "no store encoding on the operator protocol";
  EXPECT_EQ(v.getDaysLeft(), -2);
  EXPECT_STREQ(v.getItem().cStr(), "authorization/440106-2025-001");
  EXPECT_STREQ(v.getStep().cStr(), "备案");
  EXPECT_STREQ(v.getRule().cStr(), "GD Art. 14");
  EXPECT_STREQ(v.getTitle().cStr(), "授权决定备案");
  EXPECT_EQ(calendar::Date{v.getTriggerDay()}.ToString(), "2025-09-25");
  EXPECT_EQ(calendar::Date{v.getDueDay()}.ToString(), "2025-10-15");
  EXPECT_EQ(v.getWorkingDays(), 10);
  EXPECT_EQ(v.getDueMs(), d.due_ms);
  EXPECT_EQ(v.getRemindMs(), 1'000);
  EXPECT_TRUE(v.getProvisional());
  EXPECT_STREQ(v.getCalendarVersion().cStr(), "gd-2025.1");
  EXPECT_STREQ(v.getState().cStr(), "overdue");
  EXPECT_STREQ(v.getStateZh().cStr(), "逾期 overdue");
  EXPECT_EQ(v.getOpenedMs(), 2'000);
  EXPECT_EQ(v.getClosedMs(), 0);
  EXPECT_STREQ(v.getSupervisor().cStr(), "440100");
  EXPECT_EQ(v.getOverdueAtMs(), d.due_ms);
}

TEST(Views, EveryDeadlineStateHasTheNameTheCliPrints) {
  using State = schema::Deadline::State;
  EXPECT_STREQ(DeadlineStateName(State::OPEN), "open");
  EXPECT_STREQ(DeadlineStateName(State::REMINDED), "reminded");
  EXPECT_STREQ(DeadlineStateName(State::DUE_TODAY), "due_today");
  EXPECT_STREQ(DeadlineStateName(State::CLOSED), "closed");
  EXPECT_STREQ(workflows::MatterStateName(MatterState::kInReview), "in-review");
  EXPECT_STREQ(workflows::MatterStateName(MatterState::kSettled), "settled");
}

}  // namespace
}  // namespace zhuji::node
