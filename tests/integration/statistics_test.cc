// The yearly classification statistics with real node processes (issue #14; GD Art. 46, 47):
// the demo province's six nodes record a year's determinations, changes, releases, an
// escalation and a grant; in January every organ reports to its same-level dept (the grantee
// also to its grantor), every dept rolls its region up level by level, and the province's table
// is exactly the sum of what all fifteen organs filed.
#include "services/workflows/statistics.h"

#include <gtest/gtest.h>

#include "harness.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using SecretOp = schema::SecretRequest::Op;
using StatsOp = schema::StatsRequest::Op;

// Every organ of the demo topology with its 法定定密责任人 (deploy/topologies/guangdong-demo.toml).
struct Head {
  const char* node;
  const char* organ;
  const char* name;
};
constexpr Head kHeads[] = {
    {"440000", "bmj", "李四"}, {"440000", "jyt", "陈明"},  {"440000", "gat", "钱八"},
    {"440100", "bmj", "周强"}, {"440100", "jyj", "陈七"},  {"440100", "gaj", "郑涛"},
    {"440300", "bmj", "孙丽"}, {"440300", "gaj", "赵六"},  {"440106", "bmj", "林静"},
    {"440106", "jyj", "张三"}, {"440106", "gafj", "何军"}, {"440104", "bmj", "马红"},
    {"440104", "jyj", "罗斌"}, {"440305", "bmj", "梁燕"},  {"440305", "jyj", "谢东"},
};

struct Row {
  std::string id, state;
  int64_t mimi = 0, jimi = 0, juemi = 0, changed = 0, released = 0, escalated = 0, grants = 0,
          responsible = 0, organs = 0;
  uint64_t version = 0;
  bool operator==(const Row& o) const {
    return mimi == o.mimi && jimi == o.jimi && juemi == o.juemi && changed == o.changed &&
           released == o.released && escalated == o.escalated && grants == o.grants &&
           responsible == o.responsible && organs == o.organs;
  }
  Row& operator+=(const Row& o) {
    mimi += o.mimi, jimi += o.jimi, juemi += o.juemi, changed += o.changed;
    released += o.released, escalated += o.escalated, grants += o.grants;
    responsible += o.responsible, organs += o.organs;
    return *this;
  }
};

std::ostream& operator<<(std::ostream& out, const Row& r) {
  return out << r.id << " 秘密 " << r.mimi << " 机密 " << r.jimi << " 绝密 " << r.juemi << " 变更 "
             << r.changed << " 解除 " << r.released << " 上报 " << r.escalated << " 授权 "
             << r.grants << " 责任人 " << r.responsible << " organs " << r.organs;
}

Row RowOf(schema::StatRow::Reader r) {
  Row x;
  x.id = r.getId();
  x.state = r.getState();
  auto f = r.getFigures();
  x.mimi = f.getMimi(), x.jimi = f.getJimi(), x.juemi = f.getJuemi(), x.changed = f.getChanged();
  x.released = f.getReleased(), x.escalated = f.getEscalated(), x.grants = f.getGrants();
  x.responsible = f.getResponsible(), x.organs = f.getOrgans(), x.version = r.getVersion();
  return x;
}

class Statistics : public ::testing::Test {
 protected:
  void SetUp() override {
    h.StartDemoNodes({"440000", "440100", "440300", "440106", "440104", "440305"}, kStart);
  }
  std::unique_ptr<OwnedMessage> Secret(
      const std::string& node, const std::function<void(schema::SecretRequest::Builder)>& f) {
    return h.Request(node, [&](schema::ControlRequest::Builder r) { f(r.initSecret()); });
  }
  // The organ approves a one-entry list and determines `title` at `mark`; returns the id.
  std::string Determine(const std::string& node, const char* organ, const char* head,
                        const char* title, const char* mark) {
    Secret(node, [&](schema::SecretRequest::Builder s) {
      s.setOp(SecretOp::SCOPE_APPROVE);
      s.setOrgan(organ);
      s.setBy(head);
      auto e = s.initEntries(1);
      e[0].setName("工作秘密事项（示例）");
      e[0].setBasis("保密事项范围（示例）");
      e[0].setMark(mark);
      e[0].setScope("承办人员");
      e[0].setDepartment("办公室");
    });
    auto reply = Secret(node, [&](schema::SecretRequest::Builder s) {
      s.setOp(SecretOp::PROPOSE);
      s.setOrgan(organ);
      s.setEntryNo(1);
      s.setTitle(title);
      s.setMark(mark);
      s.setScope("承办人员");
      s.setBasis("一览表第1项");
      s.setReasons("泄露将损害国家安全和利益");
      s.setBy("承办人");
    });
    std::string id = reply->Root<schema::ControlReply>().getSecrets()[0].getId();
    Secret(node, [&](schema::SecretRequest::Builder s) {
      s.setOp(SecretOp::APPROVE);
      s.setId(id);
      s.setBy(head);
    });
    return id;
  }
  std::unique_ptr<OwnedMessage> Stats(const std::string& node, StatsOp op, const char* organ = "",
                                      const char* by = "") {
    return h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto s = r.initStats();
      s.setOp(op);
      s.setYear(2026);
      s.setOrgan(organ);
      s.setBy(by);
    });
  }
  static constexpr const char* kStart = "2026-06-01 09:00";
  static constexpr const char* kNodes[] = {"440000", "440100", "440300",
                                           "440106", "440104", "440305"};
  Harness h;
};

TEST_F(Statistics, GdArt46_GdArt47_TheProvincesTableIsTheSumOfWhatEveryOrganFiled) {
  // The year 2026: 广州市教育局 determines two items at 秘密 and releases one; 广东省教育厅 one at
  // 机密, then changes it; 广州市教育局 grants 天河区教育局 authority (GD Art. 6, 7); 天河区教育局
  // reports a 不明确事项 (GD Art. 30).
  std::string a = Determine("440100", "jyj", "陈七", "2026年中考数学试题", "秘密★1年");
  Determine("440100", "jyj", "陈七", "2026年中考语文试题", "秘密★1年");
  std::string c = Determine("440000", "jyt", "陈明", "2026年高考命题方案", "机密★2年");
  Secret("440100", [&](schema::SecretRequest::Builder s) {
    s.setOp(SecretOp::CHANGE);
    s.setId(a);
    s.setChangeKind("release");
    s.setDocNumber("穗教密〔2026〕5号");
    s.setReason("试题已使用");
    s.setBy("陈七");
  });
  Secret("440000", [&](schema::SecretRequest::Builder s) {
    s.setOp(SecretOp::CHANGE);
    s.setId(c);
    s.setChangeKind("change");
    s.setScope("命题组成员及省考试院领导");
    s.setDocNumber("粤教密〔2026〕2号");
    s.setReason("工作需要调整知悉范围");
    s.setBy("陈明");
  });
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto g = r.initGrant();
    g.setOp(schema::GrantRequest::Op::DECIDE);
    g.setOrgan("jyj");
    g.setGrantee("440106/jyj");
    g.setCeiling("秘密");
    g.setMatters("区级招生考试命题工作中的秘密事项");
    g.setTermMonths(36);
    g.setProactive(true);
    g.setTask("2027年中考区级命题任务");
    g.setDocNumber("穗教密授〔2026〕1号");
    g.setBy("陈七");
  });
  h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(schema::MatterRequest::Op::REPORT);
    r.setScope("本单位相关人员");
    r.setOrgan("gafj");
    r.setTitle("某专项行动部署方案");
    r.setMark("秘密★5年");
    tools::SetMaterials(r, workflows::RequiredMaterials(workflows::MatterKind::kUnclear));
  });

  // January 2027: the past year's duties open on every node (GD Art. 46: end of February).
  for (const char* id : kNodes) h.SetClock(id, "2027-01-05 09:00");
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& d : h.Deadlines("440106")) {
          if (d.item == "440106/jyj/定密统计-2026" && d.rule == "GD Art. 46") {
            return d.due_day.ToString() == "2027-02-28";
          }
        }
        return false;
      },
      seconds(60)))
      << "天河区教育局's duty to report its 2026 statistics by the end of February";
  std::string refused;
  try {
    Stats("440106", StatsOp::FILE, "jyj", "无名氏");
  } catch (const std::exception& e) {
    refused = e.what();
  }
  EXPECT_NE(refused.find("GD Art. 46"), std::string::npos) << "approved by the head: " << refused;

  // Every organ reports, approved by its 法定定密责任人 (GD Art. 46 ¶1).
  for (const auto& head : kHeads) Stats(head.node, StatsOp::FILE, head.organ, head.name);
  Row filed;  // what every organ filed, as its dept's node holds it
  for (const char* node : kNodes) {
    auto reply = Stats(node, StatsOp::TABLE);
    for (auto row : reply->Root<schema::ControlReply>().getStats().getRows()) {
      std::string organ = row.getOrgan();
      if (row.getKind() != "organ" || organ.rfind(std::string(node) + "/", 0) != 0) continue;
      EXPECT_EQ(row.getVersion(), 1u) << row.getId().cStr();
      EXPECT_STREQ(row.getState().cStr(), "已报送 filed");
      filed += RowOf(row);
    }
  }
  Row expected;
  expected.mimi = 2, expected.jimi = 1, expected.changed = 1, expected.released = 1;
  expected.escalated = 1, expected.grants = 1, expected.responsible = 15, expected.organs = 15;
  EXPECT_EQ(filed, expected) << filed;
  bool closed = false;
  for (auto& d : h.Deadlines("440106", true)) {
    if (d.item == "440106/jyj/定密统计-2026") closed = d.state == "closed";
  }
  EXPECT_TRUE(closed) << "the filing met the duty";
  // GD Art. 46 ¶2: the grantee's report reached its grantor, 广州市教育局.
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        auto reply = Stats("440100", StatsOp::TABLE);
        for (auto row : reply->Root<schema::ControlReply>().getStats().getRows()) {
          if (row.getId() == "2026/440106/jyj" && row.getVersion() == 1) return true;
        }
        return false;
      },
      seconds(60)));

  // The regions roll up level by level (GD Art. 46 ¶3, 47): counties, then cities, then the
  // province, each once the reports below have arrived.
  auto roll = [&](const char* node, const char* head, std::vector<std::string> below) {
    ASSERT_TRUE(Harness::WaitFor(
        [&] {
          auto reply = Stats(node, StatsOp::TABLE);
          size_t have = 0;
          for (auto row : reply->Root<schema::ControlReply>().getStats().getRows()) {
            for (const auto& b : below)
              have += row.getId() == "2026/region/" + b && row.getVersion();
          }
          return have == below.size();
        },
        seconds(60)))
        << node << " has the region reports of the nodes below it";
    Stats(node, StatsOp::FILE_REGION, "", head);
  };
  roll("440106", "林静", {});
  roll("440104", "马红", {});
  roll("440305", "梁燕", {});
  roll("440100", "周强", {"440106", "440104"});
  roll("440300", "孙丽", {"440305"});
  roll("440000", "李四", {"440100", "440300"});
  auto reply = Stats("440000", StatsOp::TABLE);
  auto table = reply->Root<schema::ControlReply>().getStats();
  ASSERT_TRUE(table.getRegionFiled());
  EXPECT_EQ(table.getRegion().getMissing().size(), 0u);
  Row province = RowOf(table.getRegion());
  EXPECT_EQ(province, filed) << "广东省's table: " << province
                             << "\nfiled by the organs: " << filed;
}

}  // namespace
}  // namespace zhuji::testing
