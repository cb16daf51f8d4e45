// 定密授权, 备案 and 定密责任人 with real node processes (issue #13; GD Art. 6-22): a grant goes
// down to its grantee and to the departments its 备案 go to; both 备案 chains of Art. 13 and 14
// are receipted (回执); a lapse and a revocation remove the authority; the registers of
// responsible persons decide who may approve. Fake clocks jump weeks; nodes are killed.
#include "services/workflows/filing.h"

#include <gtest/gtest.h>

#include "harness.h"
#include "services/workflows/matter.h"
#include "tools/control_client.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;
using GrantOp = schema::GrantRequest::Op;
using FilingOp = schema::FilingRequest::Op;
using ResponsibleOp = schema::ResponsibleRequest::Op;

// A filing as its node shows it.
struct FilingSeen {
  std::string id, kind, state, receiver, filer, refusal, receipt;
  int64_t due_at = 0, first_sent_at = 0;
  bool on_time = false;
};

class Filings : public ::testing::Test {
 protected:
  void Start() {
    h.StartBroker();
    h.AddNode(DemoSpec("440000", "province", ""));
    h.AddNode(DemoSpec("440100", "city", "440000"));
    h.AddNode(DemoSpec("440106", "county", "440100"));
    for (const char* id : {"440000", "440100", "440106"}) h.StartNode(id);
  }

  std::string Refusal(const std::function<void()>& step) {
    try {
      step();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  // 广州市教育局 grants 天河区教育局 authority up to 秘密 (GD Art. 7: for a secret task).
  std::string GrantToTianheEducation(int months = 36) {
    auto reply = h.Request("440100", [&](schema::ControlRequest::Builder r) {
      auto g = r.initGrant();
      g.setOp(GrantOp::DECIDE);
      g.setOrgan("jyj");
      g.setGrantee("440106/jyj");
      g.setCeiling("秘密");
      g.setMatters("区级招生考试命题工作中的秘密事项");
      g.setTermMonths(months);
      g.setProactive(true);
      g.setTask("2026年中考区级命题任务");
      g.setDocNumber("穗教密授〔2025〕1号");
      g.setBy("陈七");
    });
    return reply->Root<schema::ControlReply>().getGrants()[0].getId();
  }

  std::vector<FilingSeen> FilingsOn(const std::string& node, const char* filter = "") {
    auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto f = r.initFiling();
      f.setOp(FilingOp::LIST);
      f.setFilter(filter);
    });
    std::vector<FilingSeen> out;
    for (auto f : reply->Root<schema::ControlReply>().getFilings()) {
      out.push_back({f.getId(), f.getKind(), f.getState(), f.getReceiver(), f.getFiler(),
                     f.getRefusal(), f.getReceiptNumber(), f.getDueAt(), f.getFirstSentAt(),
                     f.getOnTime()});
    }
    return out;
  }
  // The filing of `kind` on `node` (waits up to a minute for it to be there in `state`).
  FilingSeen WaitFiling(const std::string& node, const std::string& kind,
                        const std::string& state) {
    FilingSeen found;
    bool ok = Harness::WaitFor(
        [&] {
          for (auto& f : FilingsOn(node)) {
            if (f.kind == kind && f.state == state) {
              found = f;
              return true;
            }
          }
          return false;
        },
        seconds(60));
    EXPECT_TRUE(ok) << "node " << node << " never held a " << kind << " filing in state " << state;
    return found;
  }
  void Submit(const std::string& node, const std::string& id,
              const std::vector<std::string>& materials) {
    h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto f = r.initFiling();
      f.setOp(FilingOp::SUBMIT);
      f.setId(id);
      auto list = f.initMaterials(materials.size());
      for (size_t i = 0; i < materials.size(); ++i) list.set(i, materials[i]);
      f.setBy("经办人" + node);
    });
  }
  void Receipt(const std::string& node, const std::string& id, const std::string& number) {
    h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto f = r.initFiling();
      f.setOp(FilingOp::RECEIPT);
      f.setId(id);
      f.setNumber(number);
      f.setBy("收件人" + node);
    });
  }
  bool DutyOpen(const std::string& node, const std::string& item) {
    for (auto& d : h.Deadlines(node)) {
      if (d.item == item) return true;
    }
    return false;
  }
  std::optional<DeadlineItem> Duty(const std::string& node, const std::string& item) {
    for (auto& d : h.Deadlines(node, true)) {
      if (d.item == item) return d;
    }
    return std::nullopt;
  }
  // Whether an organ of `node` may determine `level` itself now: a GD Art. 29 request is refused
  // then (GD Art. 28: it determines it itself).
  bool MayDetermineItself(const std::string& node, const std::string& organ, const char* mark) {
    std::string why = Refusal([&] {
      h.MatterStep(node, [&](schema::MatterRequest::Builder r) {
        r.setOp(schema::MatterRequest::Op::REQUEST);
        r.setOrgan(organ);
        r.setTitle("某事项");
        r.setMark(mark);
        r.setScope("本单位相关人员");
        r.setHold(true);
      });
    });
    return why.find("GD Art. 28") != std::string::npos;
  }
  std::string GrantState(const std::string& node, const std::string& id) {
    auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto g = r.initGrant();
      g.setOp(GrantOp::SHOW);
      g.setId(id);
    });
    return reply->Root<schema::ControlReply>().getGrants()[0].getState();
  }
  size_t MissingOn(const std::string& node, const std::string& grant) {
    auto reply = h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto g = r.initGrant();
      g.setOp(GrantOp::SHOW);
      g.setId(grant);
    });
    return reply->Root<schema::ControlReply>().getGrants()[0].getExpected().size();
  }

  Harness h;
};

const std::vector<std::string> kArt13 = {"定密授权决定书", "被授权机关近三年原始定密统计表",
                                         "被授权机关定密责任人备案表"};

TEST_F(Filings, GdArt6_GdArt13_GdArt14_AGrantGoesDownAndBothFilingChainsAreReceipted) {
  Start();
  EXPECT_FALSE(MayDetermineItself("440106", "jyj", "秘密★5年"));
  const std::string grant = GrantToTianheEducation();
  // The grant reaches the grantee and the departments its 备案 go to; the authority is live.
  ASSERT_TRUE(Harness::WaitFor([&] { return MayDetermineItself("440106", "jyj", "秘密★5年"); },
                               seconds(60)))
      << "天河区教育局 holds the grant's authority (GD Art. 6)";
  EXPECT_FALSE(MayDetermineItself("440106", "jyj", "机密★10年")) << "no more than the grant";
  ASSERT_TRUE(Harness::WaitFor([&] { return GrantState("440000", grant) == "live"; }, seconds(60)));

  // GD Art. 13: 广州市教育局 owes its 备案 to 广东省国家保密局 within 20 WD of the decision.
  FilingSeen art13 = WaitFiling("440100", "grant", "owed");
  EXPECT_EQ(art13.receiver, "440000/bmj");
  auto duty = Duty("440100", art13.id);
  ASSERT_TRUE(duty);
  EXPECT_EQ(duty->rule, "GD Art. 13");
  EXPECT_EQ(duty->working_days, 20);
  // A material missing: refused with its name; nothing sent, the deadline runs on.
  std::string missing = Refusal([&] { Submit("440100", art13.id, {"定密授权决定书"}); });
  EXPECT_NE(missing.find("被授权机关近三年原始定密统计表"), std::string::npos) << missing;
  EXPECT_TRUE(DutyOpen("440100", art13.id));
  Submit("440100", art13.id, kArt13);
  FilingSeen at_province = WaitFiling("440000", "grant", "sent");
  EXPECT_EQ(at_province.id, art13.id);
  // The bureau refuses it for a material it names; the filer's duty runs on, then it is
  // completed and receipted.
  h.Request("440000", [&](schema::ControlRequest::Builder r) {
    auto f = r.initFiling();
    f.setOp(FilingOp::REFUSE);
    f.setId(art13.id);
    f.setMissing("被授权机关定密责任人备案表");
    f.setBy("收件人440000");
  });
  FilingSeen refused = WaitFiling("440100", "grant", "refused");
  EXPECT_EQ(refused.refusal, "被授权机关定密责任人备案表");
  EXPECT_TRUE(DutyOpen("440100", art13.id)) << "a refused 备案 keeps its deadline running";
  Submit("440100", art13.id, {"被授权机关定密责任人备案表"});
  WaitFiling("440000", "grant", "sent");
  Receipt("440000", art13.id, "粤保备〔2025〕7号");
  FilingSeen done = WaitFiling("440100", "grant", "receipted");
  EXPECT_EQ(done.receipt, "粤保备〔2025〕7号");
  EXPECT_TRUE(done.on_time);
  EXPECT_FALSE(DutyOpen("440100", art13.id)) << "the 回执 closes the filer's deadline";
  EXPECT_EQ(MissingOn("440000", grant), 0u);

  // GD Art. 14: the grantee files it with 天河区国家保密局 (its node) within 10 WD of receipt.
  FilingSeen art14 = WaitFiling("440106", "grant-received", "owed");
  EXPECT_EQ(art14.receiver, "440106/bmj");
  EXPECT_EQ(Duty("440106", art14.id)->working_days, 10);
  Submit("440106", art14.id, {"定密授权决定书"});
  Receipt("440106", art14.id, "天保备〔2025〕1号");
  EXPECT_FALSE(DutyOpen("440106", art14.id));
  // GD Art. 14 ¶2: the county dept reports it to 广州市国家保密局 (policy: 10 WD).
  EXPECT_EQ(MissingOn("440100", grant), 1u) << "the city expects the county's report";
  FilingSeen report = WaitFiling("440106", "region-report", "owed");
  EXPECT_EQ(report.receiver, "440100/bmj");
  Submit("440106", report.id, {"定密授权备案情况报告"});
  WaitFiling("440100", "region-report", "sent");
  Receipt("440100", report.id, "穗保备〔2025〕3号");
  WaitFiling("440106", "region-report", "receipted");
  EXPECT_FALSE(DutyOpen("440106", report.id));
  EXPECT_EQ(MissingOn("440100", grant), 0u);
  EXPECT_EQ(MissingOn("440106", grant), 0u);
}

TEST_F(Filings, GdArt8_GdArt9_AnApplicationGoesLevelByLevelWithReviewsAndAGrantComesBackDown) {
  Start();
  auto apply = [&](std::vector<std::string> materials) {
    return h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
      r.setOp(schema::MatterRequest::Op::APPLY);
      r.setOrgan("jyj");
      r.setCeiling("机密");
      r.setTitle("高考考务工作中的国家秘密事项");
      r.setTermMonths(36);
      tools::SetMaterials(r, materials);
    });
  };
  std::vector<std::string> art8 = {"定密授权书面申请公文", "定密授权申请表", "定密责任人情况一览表",
                                   "近三年来原始定密情况"};
  // GD Art. 8: a material missing is named; nothing is sent.
  std::string missing = Refusal([&] { apply(art8); });
  EXPECT_NE(missing.find("GD Art. 8"), std::string::npos) << missing;
  EXPECT_NE(missing.find("定密工作制度"), std::string::npos) << missing;
  art8.push_back("定密工作制度");
  art8.push_back(workflows::kNoScopeList);  // GD Art. 8 ¶2: no scope of secret matters yet
  auto m = apply(art8);
  const std::string id = m->getId();
  // GD Art. 9: 广州市教育局 may grant 秘密 only: it reviews and forwards to 广东省教育厅.
  ASSERT_EQ(m->getPath().size(), 2u);
  EXPECT_STREQ(m->getPath()[1].getOrgan().getName().cStr(), "广东省教育厅");
  auto held_at = [&](const std::string& node, int hop) {
    return Harness::WaitFor(
        [&] {
          auto c = h.MatterOn(node, id);
          return c && c->view.getAt() == hop && c->view.getPath()[hop].getReceivedAt() > 0;
        },
        seconds(60));
  };
  ASSERT_TRUE(held_at("440100", 0));
  auto review = Duty("440100", id);
  ASSERT_TRUE(review);
  EXPECT_EQ(review->rule, "GD Art. 9");
  EXPECT_EQ(review->working_days, 30) << "30 WD from this level's own receipt";
  h.MatterStep("440100", [&](schema::MatterRequest::Builder r) {
    r.setOp(schema::MatterRequest::Op::REVIEW);
    r.setId(id);
    r.setForward(true);
    r.setText("经审核，该单位常年承担考务工作，同意上报");
    r.setWho("吴芳");
  });
  ASSERT_TRUE(held_at("440000", 1));
  EXPECT_EQ(Duty("440000", id)->working_days, 30);
  auto reply = h.Request("440000", [&](schema::ControlRequest::Builder r) {
    auto g = r.initGrant();
    g.setOp(GrantOp::DECIDE);
    g.setApplication(id);
    g.setDocNumber("粤教密授〔2025〕3号");
    g.setBy("陈明");
  });
  auto grant = reply->Root<schema::ControlReply>().getGrants()[0];
  EXPECT_STREQ(grant.getGranteeName().cStr(), "天河区教育局");
  EXPECT_STREQ(grant.getCeiling().cStr(), "机密");
  EXPECT_STREQ(grant.getApplication().cStr(), id.c_str());
  // The answer comes back down to every level and the applicant; the authority is live.
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        auto c = h.MatterOn("440106", id);
        return c && c->view.getFinal() && c->view.getDecision().getGrantId().size() > 0;
      },
      seconds(60)));
  EXPECT_TRUE(Harness::WaitFor([&] { return MayDetermineItself("440106", "jyj", "机密★10年"); },
                               seconds(60)));
  EXPECT_FALSE(DutyOpen("440000", id));
  // A province-level grantor owes no GD Art. 13 备案; the grantee owes its GD Art. 14 one.
  WaitFiling("440106", "grant-received", "owed");
  for (auto& f : FilingsOn("440000")) EXPECT_NE(f.kind, "grant");
}

TEST_F(Filings,
       GdArt15_TheListOfAuthorizingOrgansReachesEveryNodeAlsoOneOfflineAndDecidesWhoGrants) {
  Start();
  h.KillNode("440106");  // 天河区 is offline when the province publishes
  auto list = [](int version, const std::string& extra) {
    std::string t = "version = " + std::to_string(version) +
                    "\npublished = \"2025-09-24\"\nsource = \"粤保发〔2025〕9号\"\n";
    for (const char* a : {"440000/bmj", "440000/jyt", "440000/gat", "440100/bmj", "440100/gaj"}) {
      t += "[[organ]]\naddress = \"" + std::string(a) + "\"\n";
    }
    return t + extra;  // 广州市教育局 (440100/jyj) is not listed
  };
  auto publish = [&](const std::string& node, const std::string& text) {
    return Refusal([&] {
      h.Request(node, [&](schema::ControlRequest::Builder r) {
        auto g = r.initGrant();
        g.setOp(GrantOp::PUBLISH);
        g.setText(text);
      });
    });
  };
  auto version_on = [&](const std::string& node) {
    auto reply = h.Request(
        node, [](schema::ControlRequest::Builder r) { r.initGrant().setOp(GrantOp::AUTHORIZING); });
    return reply->Root<schema::ControlReply>().getAuthorizingList().getVersion();
  };
  EXPECT_NE(publish("440100", list(1, "")).find("GD Art. 15"), std::string::npos)
      << "only the province publishes it";
  std::string county = publish("440000", list(1, "[[organ]]\naddress = \"440106/bmj\"\n"));
  EXPECT_NE(county.find("GD Art. 6"), std::string::npos) << county;
  EXPECT_EQ(publish("440000", list(1, "")), "");
  EXPECT_NE(publish("440000", list(1, "")).find("not newer"), std::string::npos);
  ASSERT_TRUE(Harness::WaitFor([&] { return version_on("440100") == 1; }, seconds(60)));
  // Not listed: 广州市教育局 grants no more.
  std::string unlisted = Refusal([&] { GrantToTianheEducation(); });
  EXPECT_NE(unlisted.find("not an authorizing organ"), std::string::npos) << unlisted;
  // 天河区 comes back and gets the list that was published while it was away.
  h.StartNode("440106");
  ASSERT_TRUE(Harness::WaitFor([&] { return version_on("440106") == 1; }, seconds(60)));
  // Applications route by it: past 广州市教育局 to 广东省教育厅.
  auto m = h.MatterStep("440106", [&](schema::MatterRequest::Builder r) {
    r.setOp(schema::MatterRequest::Op::APPLY);
    r.setOrgan("jyj");
    r.setCeiling("秘密");
    r.setTitle("招生考试工作中的国家秘密事项");
    r.setTermMonths(24);
    tools::SetMaterials(r, {"定密授权书面申请公文", "定密授权申请表", "定密责任人情况一览表",
                            "近三年来原始定密情况", "定密工作制度", workflows::kScopeList});
  });
  ASSERT_EQ(m->getPath().size(), 2u);
  EXPECT_STREQ(m->getPath()[1].getOrgan().getName().cStr(), "广东省教育厅");
}

TEST_F(Filings, GdArt6_GdArt7_GdArt10_RefusedGrants) {
  Start();
  auto refused = [&](const std::string& node,
                     const std::function<void(schema::GrantRequest::Builder)>& fill) {
    return Refusal([&] {
      h.Request(node, [&](schema::ControlRequest::Builder r) {
        auto g = r.initGrant();
        g.setOp(GrantOp::DECIDE);
        g.setMatters("某事项");
        g.setTermMonths(36);
        g.setDocNumber("文号");
        g.setBy("签发人");
        g.setCeiling("秘密");
        fill(g);
      });
    });
  };
  // GD Art. 6: a county organ does not authorize.
  EXPECT_NE(refused("440106",
                    [](auto g) {
                      g.setOrgan("bmj");
                      g.setGrantee("440106/jyj");
                    })
                .find("GD Art. 6"),
            std::string::npos);
  // GD Art. 7: not beyond the grantor's own authority (广州市教育局: 秘密).
  EXPECT_NE(refused("440100",
                    [](auto g) {
                      g.setOrgan("jyj");
                      g.setGrantee("440106/jyj");
                      g.setCeiling("机密");
                    })
                .find("GD Art. 7"),
            std::string::npos);
  // GD Art. 10: over five years only with a reason.
  EXPECT_NE(refused("440100",
                    [](auto g) {
                      g.setOrgan("jyj");
                      g.setGrantee("440106/jyj");
                      g.setTermMonths(72);
                    })
                .find("GD Art. 10"),
            std::string::npos);
  // GD Art. 6: outside the grantor's region (深圳市 is not below 广州市).
  EXPECT_NE(refused("440100",
                    [](auto g) {
                      g.setOrgan("gaj");
                      g.setGrantee("440300/gaj");
                    })
                .find("GD Art. 6"),
            std::string::npos);
}

TEST_F(Filings, GdArt10_GdArt11_ALapseAndARevocationRemoveTheAuthorityOnEveryNode) {
  Start();
  const std::string lapsing = GrantToTianheEducation(3);  // three months: lapses 2025-12-24
  // 广州市公安局 grants 广州市公安局天河区分局 机密 for a year, then revokes it (GD Art. 11).
  auto reply = h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto g = r.initGrant();
    g.setOp(GrantOp::DECIDE);
    g.setOrgan("gaj");
    g.setGrantee("440106/gafj");
    g.setCeiling("机密");
    g.setMatters("刑事侦查工作中的秘密事项");
    g.setTermMonths(12);
    g.setProactive(true);
    g.setTask("某专案侦办任务");
    g.setDocNumber("穗公密授〔2025〕2号");
    g.setBy("郑涛");
  });
  const std::string revoked = reply->Root<schema::ControlReply>().getGrants()[0].getId();
  ASSERT_TRUE(Harness::WaitFor([&] { return MayDetermineItself("440106", "gafj", "机密★10年"); },
                               seconds(60)));
  std::string no_ground = Refusal([&] {
    h.Request("440100", [&](schema::ControlRequest::Builder r) {
      auto g = r.initGrant();
      g.setOp(GrantOp::REVOKE);
      g.setId(revoked);
      g.setDocNumber("穗公密撤〔2025〕1号");
      g.setBy("郑涛");
    });
  });
  EXPECT_NE(no_ground.find("GD Art. 11"), std::string::npos) << no_ground;
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto g = r.initGrant();
    g.setOp(GrantOp::REVOKE);
    g.setId(revoked);
    g.setGround(5);  // (五) 被授权机关、单位被撤销或者合并
    g.setDocNumber("穗公密撤〔2025〕1号");
    g.setBy("郑涛");
  });
  ASSERT_TRUE(
      Harness::WaitFor([&] { return GrantState("440106", revoked) == "revoked"; }, seconds(60)));
  EXPECT_FALSE(MayDetermineItself("440106", "gafj", "机密★10年"))
      << "a revoked grant gives no authority";
  EXPECT_EQ(GrantState("440000", revoked), "revoked");
  // GD Art. 13, 14: the revocation owes its own 备案 at both ends.
  WaitFiling("440100", "revocation", "owed");
  WaitFiling("440106", "revocation-received", "owed");

  // GD Art. 10: at the end of its term the other grant lapses by itself, on every node's clock.
  EXPECT_TRUE(MayDetermineItself("440106", "jyj", "秘密★5年"));
  for (const char* node : {"440000", "440100", "440106"}) h.SetClock(node, "2025-12-24 00:01");
  ASSERT_TRUE(Harness::WaitFor([&] { return !MayDetermineItself("440106", "jyj", "秘密★5年"); },
                               seconds(60)))
      << "the lapsed grant's authority is gone on the grantee's node";
  for (const char* node : {"440000", "440100", "440106"}) {
    EXPECT_TRUE(
        Harness::WaitFor([&] { return GrantState(node, lapsing) == "lapsed"; }, seconds(60)))
        << "node " << node;
  }
}

TEST_F(Filings, GdArt13_GdArt41_AFilingSentWhileTheBureauIsDownIsJudgedBySentAtAnUnsentOneOverdue) {
  Start();
  GrantToTianheEducation();
  FilingSeen art13 = WaitFiling("440100", "grant", "owed");
  h.KillNode("440000");  // the provincial bureau's node is away for six weeks
  Submit("440100", art13.id, kArt13);
  // A duty of the same node that is not met: it shows when the node's clock has fired past them.
  h.OpenDeadline("440100", "witness", "a duty not met", "GD Art. 14", 20, "2025-09-24");
  // Six weeks on (past the 20 WD): met by its sent-at, so nothing goes overdue.
  h.SetClock("440100", "2025-11-05 09:00");
  ASSERT_TRUE(
      Harness::WaitFor([&] { return Duty("440100", "witness")->state == "overdue"; }, seconds(60)))
      << "the node's clock fired past the 20 working days";
  auto d = Duty("440100", art13.id);
  ASSERT_TRUE(d);
  EXPECT_NE(d->state, "overdue") << "the link's time is not the filer's";
  for (auto& s : h.Supervised("440100")) EXPECT_NE(s.item, art13.id);
  // GD Art. 14, 41: a 备案 never sent goes overdue, and its overdue report (逾期报告) reaches the
  // bureau that supervises the grantee (天河区国家保密局, on its node) as a 督办事项.
  FilingSeen art14 = WaitFiling("440106", "grant-received", "owed");
  h.SetClock("440106", "2025-11-05 09:00");
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        for (auto& s : h.Supervised("440106")) {
          if (s.item == art14.id && s.rule == "GD Art. 14") return true;
        }
        return false;
      },
      seconds(60)))
      << "the unsent 备案 is a 督办事项 of 天河区国家保密局";
  // The bureau's node returns (its clock there too) and receipts it.
  h.RewriteNode(DemoSpec("440000", "province", "", "2025-11-05 09:05"));
  h.StartNode("440000");
  WaitFiling("440000", "grant", "sent");
  Receipt("440000", art13.id, "粤保备〔2025〕9号");
  FilingSeen done = WaitFiling("440100", "grant", "receipted");
  EXPECT_TRUE(done.on_time) << "judged by its sent-at, not by the outage";
  EXPECT_FALSE(DutyOpen("440100", art13.id));
}

TEST_F(Filings, GdArt16_GdArt18_GdArt19_GdArt21_GdArt22_TheRegisterDecidesWhoMayApprove) {
  Start();
  auto designate = [&](const std::string& node, const std::string& organ, const std::string& name,
                       const std::string& by,
                       const std::function<void(schema::ResponsibleRequest::Builder)>& more) {
    h.Request(node, [&](schema::ControlRequest::Builder r) {
      auto d = r.initResponsible();
      d.setOp(ResponsibleOp::DESIGNATE);
      d.setOrgan(organ);
      d.setName(name);
      d.setPost("副局长（分管保密工作）");
      d.setCeiling("秘密");
      d.setMatters("招生考试工作中的秘密事项");
      d.setUntilDay(calendar::ParseDate("2027-12-31")->days);
      d.setDocNumber("穗教指〔2025〕1号");
      d.setBy(by);
      auto a17 = d.initArt17(4);
      a17.set(0, "conditions");
      a17.set(1, "post");
      a17.set(2, "trained");
      a17.set(3, "familiar");
      more(d);
    });
  };
  // GD Art. 18 (二): dismissed within the last two years.
  std::string dismissed = Refusal([&] {
    designate("440100", "jyj", "刘一", "陈七",
              [](auto d) { d.setDismissalDay(calendar::ParseDate("2024-06-01")->days); });
  });
  EXPECT_NE(dismissed.find("GD Art. 18"), std::string::npos) << dismissed;
  designate("440100", "jyj", "刘二", "陈七", [](auto) {});
  designate("440100", "jyj", "刘五", "陈七", [](auto) {});
  // GD Art. 19: a designee cannot designate.
  std::string by_designee =
      Refusal([&] { designate("440100", "jyj", "刘三", "刘二", [](auto) {}); });
  EXPECT_NE(by_designee.find("19 ¶2"), std::string::npos) << by_designee;
  // GD Art. 21: the change owes its 备案 with 广州市国家保密局 within 30 WD.
  FilingSeen art21 = WaitFiling("440100", "responsible", "owed");
  EXPECT_EQ(art21.receiver, "440100/bmj");
  EXPECT_EQ(Duty("440100", art21.id)->working_days, 30);
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto f = r.initResponsible();
    f.setOp(ResponsibleOp::FILE);
    f.setOrgan("jyj");
    auto m = f.initMaterials(1);
    m.set(0, "定密责任人名单及有关情况");
    f.setBy("经办人");
  });
  // 广州市国家保密局 refuses it; the organ files the list again.
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto f = r.initFiling();
    f.setOp(FilingOp::REFUSE);
    f.setId(art21.id);
    f.setMissing("指定定密责任人的书面指定文件");
    f.setBy("收件人440100");
  });
  EXPECT_TRUE(DutyOpen("440100", art21.id));
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto f = r.initResponsible();
    f.setOp(ResponsibleOp::FILE);
    f.setOrgan("jyj");
    auto m = f.initMaterials(1);
    m.set(0, "指定定密责任人的书面指定文件");
    f.setBy("经办人");
  });
  Receipt("440100", art21.id, "穗保备〔2025〕5号");
  EXPECT_FALSE(DutyOpen("440100", art21.id));

  // GD Art. 16 ¶3: only a registered 定密责任人 approves the organ's determination.
  auto m = h.MatterStep("440106", [](schema::MatterRequest::Builder r) {
    r.setOp(schema::MatterRequest::Op::REQUEST);
    r.setOrgan("jyj");
    r.setTitle("某招生录取方案");
    r.setMark("秘密★5年");
    r.setScope("本单位相关人员");
  });
  const std::string id = m->getId();
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto held = h.MatterOn("440100", id);
        return held && held->view.getPath()[0].getReceivedAt() > 0;
      },
      seconds(60)));
  auto decide = [&](const char* who, const char* overrides = "") {
    return h.MatterStep("440100", [&](schema::MatterRequest::Builder r) {
      r.setOp(schema::MatterRequest::Op::DECIDE);
      r.setId(id);
      r.setMark("秘密★5年");
      r.setScope("本单位相关人员");
      r.setWho(who);
      r.setOverrides(overrides);
      r.setOverridden("秘密★3年");
    });
  };
  std::string stranger = Refusal([&] { decide("无名氏"); });
  EXPECT_NE(stranger.find("GD Art. 16"), std::string::npos) << stranger;
  // GD Art. 22: only the statutory one changes a designee's opinion.
  std::string override_by_designee = Refusal([&] { decide("刘二", "刘五"); });
  EXPECT_NE(override_by_designee.find("GD Art. 22"), std::string::npos) << override_by_designee;
  // GD Art. 22: the statutory head ends the designation; the former designee may not approve.
  h.Request("440100", [&](schema::ControlRequest::Builder r) {
    auto d = r.initResponsible();
    d.setOp(ResponsibleOp::REVOKE);
    d.setOrgan("jyj");
    d.setName("刘二");
    d.setBy("陈七");
    d.setReason("岗位调整");
  });
  std::string ended = Refusal([&] { decide("刘二"); });
  EXPECT_NE(ended.find("GD Art. 16"), std::string::npos) << ended;
  auto decided = decide("陈七", "刘五");
  auto history = decided->getHistory();
  std::string last = history[history.size() - 1].getDetail();
  EXPECT_NE(last.find("更改指定定密责任人 刘五 的定密意见"), std::string::npos) << last;
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        auto c = h.MatterOn("440106", id);
        return c && c->view.getFinal();
      },
      seconds(60)));
}

}  // namespace
}  // namespace zhuji::testing
