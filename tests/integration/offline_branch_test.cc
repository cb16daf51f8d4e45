// Issue #15: a county branch runs on its own machine behind its own line. Here the county's node
// reaches the network only through its own broker (its end of the line), chained to the city's
// broker, chained to the province's: killing that broker cuts the county alone off. For seven
// days of fake clock both sides go on working: the county sets and reports a 不明确事项 (GD Art.
// 30), lets a duty run overdue and sends notices; the province and the city send notices to it.
// Local steps commit, deadlines run on each node's own clock, envelopes wait in the outboxes. After
// the line heals everything arrives exactly once and is judged by when it happened: the matter
// carries its report time (09-21), the city's review and the bureau's decision run from their
// own receipt (09-28), the county's report duty ran on its own calendar and was met when the
// bureau received the matter; nobody above is blamed for the line. Its overdue duty was raised
// once, to the county's own 保密局, while the line was down.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.h"
#include "services/workflows/matter.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using Op = schema::MatterRequest::Op;

constexpr const char* kItem = "authorization/440106-2026-007";

std::optional<DeadlineItem> Find(Harness& h, const std::string& node, const std::string& item,
                                 const std::string& step_prefix) {
  for (auto& d : h.Deadlines(node, true)) {
    if (d.item == item && d.step.rfind(step_prefix, 0) == 0) return d;
  }
  return std::nullopt;
}

TEST(OfflineBranch, GdArt30_GdArt14_SevenDaysCutOffBothSidesWorkEverythingOnceAndJudgedRight) {
  Harness h;
  int province = h.StartBroker();
  int city = h.StartBroker({"--upstream", h.BrokerEndpoint(province)});
  int line = h.StartBroker({"--upstream", h.BrokerEndpoint(city)});  // the county's end
  const std::string start = "2026-09-21 08:00";                      // a Monday
  h.AddNode(DemoSpec("440000", "province", "", start), province);
  h.AddNode(DemoSpec("440100", "city", "440000", start), city);
  h.AddNode(DemoSpec("440106", "county", "440100", start), line);
  for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);
  // A duty of the county (GD Art. 14: file a received grant within 10 working days), due today.
  h.OpenDeadline("440106", kItem, "备案", "GD Art. 14", 10, "2026-09-08");
  ASSERT_EQ(Find(h, "440106", kItem, "备案")->due_day.ToString(), "2026-09-21");
  // 天河区教育局 sets a 不明确事项 (its report duty runs from today, GD Art. 30).
  auto set = h.MatterStep("440106", [](schema::MatterRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setScope("本单位相关人员");
    r.setOrgan("jyj");
    r.setTitle("线路中断期间上报");
    r.setMark("秘密★5年");
    r.setHold(true);
    tools::SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kUnclear));
  });
  const std::string id = set->getId();
  ASSERT_TRUE(Find(h, "440106", id, workflows::kStepReport)) << "no report duty at the county";

  // The line goes down.
  h.KillBroker(line, SIGKILL);
  for (const char* n : {"440000", "440100", "440106"}) h.SetClock(n, "2026-09-21 09:30");
  h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setId(id);
    tools::SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kUnclear));
  });
  h.Send("440106", "440000", "offline-up", 300);
  h.Send("440000", "440106", "offline-down", 300);
  h.Send("440100", "440106", "offline-city", 100);
  // A week of both sides working on their own clocks.
  for (const char* day : {"2026-09-22 09:00", "2026-09-24 09:00", "2026-09-28 09:00"}) {
    for (const char* n : {"440000", "440100", "440106"}) h.SetClock(n, day);
  }
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto d = Find(h, "440106", kItem, "备案");
        return d && d->state == "overdue";
      },
      seconds(60)))
      << "the county's duty did not go overdue on its own clock, offline";
  // The report duty runs until the deciding department has received the matter (条例 Art. 25;
  // docs/escalation.md): 10 working days from the day it was set, to 10-12, on the county's
  // own clock; a week of cut line leaves it open, not overdue.
  auto report = Find(h, "440106", id, workflows::kStepReport);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->due_day.ToString(), "2026-10-12");
  EXPECT_EQ(report->state, "open");
  // GD Art. 41: the county's own 保密局 supervises its organs, on its node: the 逾期报告 is listed
  // there at once, line or no line.
  ASSERT_TRUE(Harness::WaitFor([&] { return h.Supervised("440106").size() == 1; }, seconds(60)))
      << "the county's bureau did not list the overdue duty while offline";
  EXPECT_EQ(h.Supervised("440106")[0].item, kItem);
  EXPECT_EQ(h.Supervised("440106")[0].rule, "GD Art. 14");
  EXPECT_FALSE(h.MatterOn("440100", id)) << "the matter crossed a cut line";
  EXPECT_GE(h.Counters("440106").outbox_depth, 301u)
      << "the county's envelopes (300 notices, the matter) wait in its outbox";

  // The line heals on 09-28.
  h.RestartBroker(line);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return h.CountPrefix("440000", "offline-up") >= 300; }, seconds(180)));
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440106", "offline-down") >= 300; },
                               seconds(180)));
  ASSERT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440106", "offline-city") >= 100; },
                               seconds(180)));
  // The city received the matter on 09-28: its review period (10 working days) runs from then,
  // to 10-16 — not from the county's report on 09-21 (which would end on 10-12).
  std::optional<DeadlineItem> review;
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        review = Find(h, "440100", id, "审核");
        return review.has_value();
      },
      seconds(60)))
      << "the city never opened its review of the matter";
  EXPECT_EQ(review->due_day.ToString(), "2026-10-16");
  EXPECT_EQ(review->state, "open");
  auto at_city = h.MatterOn("440100", id);
  ASSERT_TRUE(at_city);
  EXPECT_EQ(at_city->view.getState(), "in-review");
  EXPECT_EQ(at_city->view.getReportedAt(), Harness::CstMs("2026-09-21 09:30"))
      << "the report time is the county's, not the time the line healed";

  // Up to the bureau, the same day: the city forwards, 广东省教育厅 forwards to 广东省国家保密局.
  // Its decision period runs from its own receipt (09-28, to 10-16); the county's report duty is
  // met the day the deciding department received it (条例 Art. 25), well before its 10-12.
  auto forward = [&](const std::string& node) {
    h.MatterStep(node, [&](schema::MatterRequest::Builder r) {
      r.setOp(Op::REVIEW);
      r.setId(id);
      r.setForward(true);
      r.setText("同意上报");
      r.setWho("审核人" + node);
    });
  };
  forward("440100");
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto m = h.MatterOn("440000", id);
        return m && m->view.getAt() == 1 && m->view.getState() == "in-review";
      },
      seconds(60)))
      << "the province never held the matter";
  forward("440000");
  std::optional<DeadlineItem> decide;
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        decide = Find(h, "440000", id, "确定");
        return decide.has_value();
      },
      seconds(60)))
      << "the bureau never opened its decision";
  EXPECT_EQ(decide->due_day.ToString(), "2026-10-16");
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto d = Find(h, "440106", id, workflows::kStepReport);
        return d && d->state == "closed";
      },
      seconds(60)))
      << "the county's report duty did not close when the bureau received the matter";
  EXPECT_EQ(h.Supervised("440100", true).size(), 0u) << "someone was blamed for the line";
  EXPECT_EQ(h.Supervised("440000", true).size(), 0u) << "someone was blamed for the line";

  // Exactly once, both ways.
  ExpectEachOnce(h.Inbox("440000"), "440106", "offline-up", 300);
  ExpectEachOnce(h.Inbox("440106"), "440000", "offline-down", 300);
  ExpectEachOnce(h.Inbox("440106"), "440100", "offline-city", 100);
  EXPECT_EQ(h.Supervised("440106", true).size(), 1u) << "the 督办 was raised twice";
}

}  // namespace
}  // namespace zhuji::testing
