// Supervision of classification work with real node processes (issue #14; GD Art. 41, 43, 44):
// 广州市国家保密局 inspects 天河区教育局 on points of GD Art. 43, finds problems and asks for a
// rectification by a date; the report is late, so 广州市国家保密局 has it as a 督办事项 until the
// report arrives; it closes the case. Only a dept of the region or a superior of the line
// inspects, and only a dept of the region issues a correction notice (GD Art. 44).
#include "services/workflows/inspection.h"

#include <gtest/gtest.h>

#include "harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using Op = schema::InspectionRequest::Op;

class Supervision : public ::testing::Test {
 protected:
  void SetUp() override { h.StartDemoNodes({"440000", "440100", "440106"}); }
  std::string Step(const std::string& node,
                   const std::function<void(schema::InspectionRequest::Builder)>& fill) {
    auto reply =
        h.Request(node, [&](schema::ControlRequest::Builder r) { fill(r.initInspection()); });
    return reply->Root<schema::ControlReply>().getInspections()[0].getId();
  }
  std::string Refusal(const std::string& node,
                      const std::function<void(schema::InspectionRequest::Builder)>& fill) {
    try {
      Step(node, fill);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  std::string StateOn(const std::string& node, const std::string& id) {
    try {
      auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) {
        auto s = r.initInspection();
        s.setOp(Op::SHOW);
        s.setId(id);
      });
      return reply->Root<schema::ControlReply>().getInspections()[0].getState();
    } catch (const std::exception&) {
      return "";
    }
  }
  bool Supervised(const std::string& id, bool closed) {
    for (auto& s : h.Supervised("440100", true)) {
      if (s.item == id && s.rule == "GD Art. 41" && s.closed == closed) return true;
    }
    return false;
  }
  Harness h;
};

TEST_F(Supervision, GdArt41_GdArt43_AnInspectionsRectificationIsTrackedUntilReported) {
  auto open = [](const char* organ, const char* target, const char* kind) {
    return [=](schema::InspectionRequest::Builder r) {
      r.setOp(Op::OPEN);
      r.setOrgan(organ);
      r.setTarget(target);
      r.setKind(kind);
      auto p = r.initPoints(3);
      p.set(0, 3);
      p.set(1, 4);
      p.set(2, 6);
      r.setBy("检查组");
    };
  };
  // GD Art. 41, 43: 广州市公安局 is neither a dept nor of the education line.
  EXPECT_NE(Refusal("440100", open("gaj", "440106/jyj", "inspection")).find("GD Art. 41, 43"),
            std::string::npos);
  // GD Art. 44: a correction notice comes from the dept of the organ's region.
  EXPECT_NE(Refusal("440106",
                    [](schema::InspectionRequest::Builder r) {
                      r.setOp(Op::OPEN);
                      r.setOrgan("bmj");
                      r.setTarget("440100/jyj");
                      r.setKind("correction");
                      r.setSubject("grant");
                      r.setDetail("穗教密授〔2025〕1号");
                      r.setRequest("撤销超出权限的授权");
                      r.setBy("林静");
                    })
                .find("GD Art. 44"),
            std::string::npos);
  std::string id = Step("440100", open("bmj", "440106/jyj", "inspection"));
  EXPECT_TRUE(Harness::WaitFor([&] { return StateOn("440106", id) == "open"; }, seconds(60)))
      << "the case reached 天河区教育局's node";
  EXPECT_NE(Refusal("440100",
                    [&](schema::InspectionRequest::Builder r) {
                      r.setOp(Op::REQUEST);
                      r.setId(id);
                      r.setFindings("8:未按时报送年度统计");
                      r.setRequest("限期整改");
                      r.setDueDay(calendar::ParseDate("2025-10-10")->days);
                      r.setBy("周强");
                    })
                .find("does not cover"),
            std::string::npos)
      << "a finding on a point the inspection does not cover";
  Step("440100", [&](schema::InspectionRequest::Builder r) {
    r.setOp(Op::REQUEST);
    r.setId(id);
    r.setFindings("6:部分定密事项未写明依据；4:指定的定密责任人未备案");
    r.setRequest("补正定密依据，补报定密责任人备案");
    r.setDueDay(calendar::ParseDate("2025-10-10")->days);
    r.setBy("周强");
  });
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& d : h.Deadlines("440106")) {
          if (d.item == id && d.rule == "GD Art. 41") return d.due_day.ToString() == "2025-10-10";
        }
        return false;
      },
      seconds(60)))
      << "the rectification report is 天河区教育局's duty, due 2025-10-10";

  // Late: 广州市国家保密局, which asked for it, has it as a 督办事项 (GD Art. 41).
  h.SetClock("440106", "2025-10-13 09:00");
  EXPECT_TRUE(Harness::WaitFor([&] { return Supervised(id, false); }, seconds(60)));
  Step("440106", [&](schema::InspectionRequest::Builder r) {
    r.setOp(Op::REPORT);
    r.setId(id);
    r.setReport("已补正依据，已向天河区国家保密局补报备案");
    r.setBy("张三");
  });
  EXPECT_TRUE(Harness::WaitFor([&] { return StateOn("440100", id) == "reported"; }, seconds(60)));
  EXPECT_TRUE(Harness::WaitFor([&] { return Supervised(id, true); }, seconds(60)))
      << "the 督办事项 closes with the report";
  EXPECT_NE(Refusal("440106",
                    [&](schema::InspectionRequest::Builder r) {
                      r.setOp(Op::CLOSE);
                      r.setId(id);
                      r.setBy("张三");
                    })
                .find("closed by"),
            std::string::npos)
      << "only who opened it closes it";
  Step("440100", [&](schema::InspectionRequest::Builder r) {
    r.setOp(Op::CLOSE);
    r.setId(id);
    r.setClosing("整改到位");
    r.setBy("周强");
  });
  EXPECT_TRUE(Harness::WaitFor([&] { return StateOn("440106", id) == "closed"; }, seconds(60)));
}

}  // namespace
}  // namespace zhuji::testing
