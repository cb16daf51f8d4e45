// `zhuji matter …`: escalated matters (不明确事项, 有争议事项, 定密申请) over a node's control
// socket: the steps of services/workflows/, and the trail of each matter.
#include <capnp/message.h>

#include <chrono>
#include <iomanip>
#include <set>
#include <sstream>
#include <thread>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/clock.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

using MatterView = schema::MatterView::Reader;
using Outcome = schema::HopView::Outcome;
using Op = schema::MatterRequest::Op;

// The matters of a reply, with the reply that holds them.
struct MatterList {
  std::unique_ptr<OwnedMessage> reply;
  std::vector<MatterView> matters;
};

MatterList Call(const Args& args, zmq::context_t& ctx, capnp::MessageBuilder& req) {
  ControlClient client(ctx, ResolveControl(args));
  MatterList out{client.CallOk(req, NodeTimeoutMs(args)), {}};
  auto r = out.reply->Root<schema::ControlReply>();
  if (r.isMatterViews()) {
    for (auto m : r.getMatterViews()) out.matters.push_back(m);
  }
  return out;
}

std::string When(int64_t ms) { return ms ? FormatCst(ms) : "-"; }

// "按时 on time" / "超期 late" / "逾期 overdue" / "" for a duty due at `due` done at `done`.
std::string Timeliness(int64_t due, int64_t done, int64_t now) {
  if (!due) return "";
  if (done) return done <= due ? "按时 on time" : "超期 late";
  return now > due ? "逾期 overdue" : "待办 pending";
}

void PrintOrgan(schema::OrganView::Reader o, std::ostream& out) {
  out << o.getName().cStr() << " (" << o.getAddress().cStr() << ")";
}

// 有争议事项: the classifier, every party's claim.
void PrintParties(MatterView m, std::ostream& out) {
  out << "  原定密机关 classifier ";
  PrintOrgan(m.getClassifier(), out);
  out << "\n";
  for (auto c : m.getClaims()) {
    out << "  主张 claim           " << c.getOrganName().cStr() << ": " << c.getLevel().cStr()
        << "\n";
  }
}

// 有争议事项: the objection to the classifier and its answer (GD Art. 45).
void PrintObjection(MatterView m, int64_t now, std::ostream& out) {
  if (m.getHasAnswerer()) {
    out << "  受理 addressed to     ";
    PrintOrgan(m.getAnswerer(), out);
    out << " (原定密机关的上级机关 the classifier's superior, GD Art. 45)\n";
  }
  out << "  定密异议 objection    sent " << When(m.getProvisionalAt()) << ", received "
      << When(m.getObjectionReceivedAt()) << ", due "
      << (m.getAnswerDueAt() ? FormatDueCst(m.getAnswerDueAt()) : "-") << " (GD Art. 45)  "
      << Timeliness(m.getAnswerDueAt(), m.getAnsweredAt(), now) << "\n";
  if (m.getAnsweredAt()) {
    out << "  答复 answer          " << (m.getUpheld() ? "维持 upheld" : "采纳 adopted") << ": "
        << m.getAnswer().cStr() << " — " << m.getAnsweredBy().cStr() << ", "
        << When(m.getAnsweredAt()) << "\n";
  }
  if (m.getChangeNoticeDueAt()) {  // GD Art. 40, on the classifier's node
    out << "  变更通知 change notice to the 知悉范围, due "
        << FormatDueCst(m.getChangeNoticeDueAt()) << " (GD Art. 40)  "
        << Timeliness(m.getChangeNoticeDueAt(), m.getChangeNotifiedAt(), now)
        << (m.getChangeNotifiedAt() ? "  sent " + When(m.getChangeNotifiedAt()) + " " +
                                          std::string(m.getChangeNotice().cStr())
                                    : std::string())
        << "\n";
  }
}

// The origin's line of the trail: reported when, and its report deadline.
void PrintOriginHop(MatterView m, int64_t now, std::ostream& out) {
  auto o = m.getOrigin();
  out << "    " << o.getName().cStr() << " (" << o.getLevel().cStr() << ", 发起 origin): ";
  if (m.getAroseOn().size()) out << "事项产生 arose on " << m.getAroseOn().cStr() << ", ";
  if (m.getFirstReportedAt()) {
    out << "上报 reported " << When(m.getFirstReportedAt());
    if (m.getReportedAt() != m.getFirstReportedAt()) {
      out << " (再次上报 again " << When(m.getReportedAt()) << ")";
    }
  } else {
    out << "未上报 not reported";
  }
  out << "\n";
  if (m.getReportDueAt()) {
    // 条例 Art. 25 "报有关部门确定": the duty is met when the deciding department has it.
    out << "        送达确定机关 reached the decider " << When(m.getDeciderReceivedAt())
        << "   due " << FormatDueCst(m.getReportDueAt()) << "  "
        << Timeliness(m.getReportDueAt(), m.getDeciderReceivedAt(), now) << "\n";
  }
  if (m.getState() == "returned" && m.getResubmitDueAt()) {
    out << "        补充重报 resubmit due " << FormatDueCst(m.getResubmitDueAt()) << "  "
        << Timeliness(m.getResubmitDueAt(), 0, now) << "\n";
  }
}

void PrintHop(MatterView m, int i, int64_t now, std::ostream& out) {
  auto h = m.getPath()[i];
  bool reached = h.getReceivedAt() || h.getSentAt() || i <= m.getAt() ||
                 (m.getFinal() && h.getOutcome() != Outcome::PENDING);
  out << "    " << (i == m.getAt() && !m.getFinal() ? "▶ " : "  ") << h.getOrgan().getName().cStr()
      << " (" << h.getOrgan().getLevel().cStr() << ", " << h.getOrgan().getAddress().cStr() << ")";
  if (!reached) {
    out << ": 未到 not reached\n";
    return;
  }
  out << ": " << h.getOutcomeZh().cStr() << "\n";
  out << "        received-at " << When(h.getReceivedAt()) << "   sent-at " << When(h.getSentAt());
  if (h.getDueAt()) {
    out << "   due " << FormatDueCst(h.getDueAt()) << "  "
        << Timeliness(h.getDueAt(), h.getSentAt(), now);
  }
  out << "\n";
  if (h.getReviewer().size() || h.getOpinion().size()) {
    out << "        "
        << (h.getOutcome() == Outcome::DECIDED ? "决定人 decided by " : "审核人 reviewer ")
        << h.getReviewer().cStr()
        << (h.getOpinion().size() ? "   审核意见 opinion: " + std::string(h.getOpinion().cStr())
                                  : "")
        << "\n";
  }
}

// What happened, the return reason, the decision and the written notice.
// 条例 Art. 25 ¶2: the 备案 is the deciding bureau's, and only its node records the filing.
bool FilingIsHere(MatterView m, const std::string& here) {
  auto path = m.getPath();
  return m.getOwesNationalFiling() && path.size() > 0 &&
         path[path.size() - 1].getOrgan().getNode() == here.c_str();
}

void PrintOutcome(MatterView m, const std::string& here, std::ostream& out) {
  out << "  经过 history:\n";
  for (auto e : m.getHistory()) {
    out << "    " << When(e.getAt()) << "  " << e.getOrgan().cStr() << "  " << e.getAction().cStr()
        << (e.getDetail().size() ? "：" + std::string(e.getDetail().cStr()) : "") << "\n";
  }
  for (auto e : m.getLateSteps()) {
    out << "    " << When(e.getAt()) << "  " << e.getOrgan().cStr() << "  " << e.getAction().cStr()
        << (e.getDetail().size() ? "：" + std::string(e.getDetail().cStr()) : "")
        << "  [迟到 late: the dispute had gone up; kept as history]\n";
  }
  if (m.getState() == "returned") {
    out << "  退回补充 returned for: " << m.getReturnReason().cStr() << "\n";
  }
  if (m.getHasDecision() && m.getKind() == "authorization") {  // GD Art. 9
    auto d = m.getDecision();
    out << "  答复 answer          "
        << (d.getRefused()
                ? "不予授权 refused: " + std::string(d.getRefusal().cStr())
                : "授权 granted: " + std::string(d.getGrantId().cStr()) + " (" +
                      d.getMark().cStr() + ", zhuji grant show " + d.getGrantId().cStr() + ")")
        << "   by " << d.getDecidedBy().cStr() << ", " << When(d.getDecidedAt()) << "\n";
  } else if (m.getHasDecision()) {
    auto d = m.getDecision();
    out << "  确定 decision        " << d.getLevel().cStr()
        << (d.getScope().size() ? "   知悉范围 scope: " + std::string(d.getScope().cStr()) : "")
        << "   by " << d.getDecidedBy().cStr() << ", " << When(d.getDecidedAt()) << "\n";
  }
  if (m.getHasNational()) {
    out << "  国家保密局 national  sent " << When(m.getNationalSentAt()) << " via "
        << m.getNationalChannel().cStr() << " by " << m.getNationalSentBy().cStr();
    if (m.getNationalDoc().size()) {
      out << "; decided " << m.getNationalDecidedOn().cStr() << " (" << m.getNationalDoc().cStr()
          << ")";
    } else {
      out << "; 待国家保密局决定 awaiting its decision (no provincial deadline runs)";
    }
    out << "\n";
  }
  if (FilingIsHere(m, here)) {
    out << "  备案 national filing "
        << (m.getNationalFiledAt() ? "filed " + When(m.getNationalFiledAt()) + " via " +
                                         std::string(m.getNationalFiledVia().cStr())
                                   : std::string("owed by the provincial bureau (条例 Art. 25 ¶2)"))
        << "\n";
  }
  if (m.getNoticeReceivedAt()) {
    out << "  书面通知 notice       recorded on this node " << When(m.getNoticeReceivedAt())
        << "\n";
  }
}

void PrintTrail(MatterView m, int64_t now, const std::string& here, std::ostream& out) {
  bool disputed = m.getKind() == "disputed";
  out << "事项 matter " << m.getId().cStr() << "  " << m.getKindZh().cStr() << " ("
      << m.getKind().cStr() << ")\n";
  out << "  标题 title           " << m.getTitle().cStr() << "\n";
  bool application = m.getKind() == "authorization";
  out << "  状态 state           " << m.getStateZh().cStr()
      << (m.getFinal()  ? "  [最终 final]"
          : application ? ""
                        : "  [先行采取保密措施 provisional measures]")
      << "\n";
  out << "  发起 origin          ";
  PrintOrgan(m.getOrigin(), out);
  out << "\n";
  if (disputed) PrintParties(m, out);
  if (application) {
    out << "  申请 applied for     " << m.getProvisionalMark().cStr()
        << " (密级上限★授权期限 ceiling★term, GD Art. 8)\n";
  } else if (!m.getFinal()) {
    out << "  保护 protected at    "
        << (m.getProtectedAt().size() ? m.getProtectedAt().cStr() : "-")
        << (disputed ? "  (各方主张的最高密级、最长期限 highest level, longest term claimed)"
                     : "  (拟定 provisional)")
        << " since " << When(m.getProvisionalAt()) << "\n";
  }
  if (m.getScope().size()) out << "  知悉范围 scope        " << m.getScope().cStr() << "\n";
  if (m.getMaterials().size()) {
    out << "  材料 materials       ";
    bool first = true;
    for (auto name : m.getMaterials()) out << (first ? "" : "、") << name.cStr(), first = false;
    out << "\n";
  }
  if (disputed) PrintObjection(m, now, out);
  out << "  逐级上报 trail:\n";
  PrintOriginHop(m, now, out);
  for (int i = 0; i < static_cast<int>(m.getPath().size()); ++i) PrintHop(m, i, now, out);
  PrintOutcome(m, here, out);
}

void PathJson(JsonWriter& j, MatterView m) {
  j.Key("path").BeginArray();
  for (auto h : m.getPath()) {
    j.BeginObject().Key("organ").String(h.getOrgan().getAddress().cStr());
    j.Key("name").String(h.getOrgan().getName().cStr());
    j.Key("received_at").Int(h.getReceivedAt()).Key("sent_at").Int(h.getSentAt());
    j.Key("due_at").Int(h.getDueAt()).Key("reviewer").String(h.getReviewer().cStr());
    j.Key("opinion").String(h.getOpinion().cStr());
    j.Key("outcome").Int(static_cast<int>(h.getOutcome()));
    j.EndObject();
  }
  j.EndArray();
}

void DisputeJson(JsonWriter& j, MatterView m) {
  j.Key("classifier").String(m.getClassifier().getAddress().cStr());
  j.Key("answer").String(m.getAnswer().cStr());
  j.Key("upheld").Bool(m.getUpheld()).Key("answered_at").Int(m.getAnsweredAt());
  j.Key("claims").BeginArray();
  for (auto c : m.getClaims()) {
    j.BeginObject().Key("organ").String(c.getOrgan().cStr());
    j.Key("mark").String(c.getMark().cStr());
    j.Key("not_secret").Bool(c.getNotSecret()).EndObject();
  }
  j.EndArray();
}

void MatterJson(JsonWriter& j, MatterView m, const std::string& here) {
  j.BeginObject().Key("id").String(m.getId().cStr()).Key("kind").String(m.getKind().cStr());
  j.Key("title").String(m.getTitle().cStr()).Key("state").String(m.getStateZh().cStr());
  j.Key("final").Bool(m.getFinal()).Key("version").Uint(m.getVersion());
  j.Key("origin").String(m.getOrigin().getAddress().cStr()).Key("at").Int(m.getAt());
  j.Key("protected_at").String(m.getProtectedAt().cStr());
  j.Key("reported_at").Int(m.getReportedAt()).Key("report_due_at").Int(m.getReportDueAt());
  j.Key("first_reported_at").Int(m.getFirstReportedAt());
  j.Key("decider_received_at").Int(m.getDeciderReceivedAt());
  j.Key("resubmit_due_at").Int(m.getResubmitDueAt()).Key("scope").String(m.getScope().cStr());
  j.Key("arose_on").String(m.getAroseOn().cStr());
  if (m.getHasNational()) {
    j.Key("national").BeginObject().Key("sent_at").Int(m.getNationalSentAt());
    j.Key("via")
        .String(m.getNationalChannel().cStr())
        .Key("sent_by")
        .String(m.getNationalSentBy().cStr());
    j.Key("doc").String(m.getNationalDoc().cStr());
    j.Key("decided_on").String(m.getNationalDecidedOn().cStr()).EndObject();
  }
  j.Key("owes_national_filing").Bool(FilingIsHere(m, here) && !m.getNationalFiledAt());
  j.Key("national_filed_at").Int(m.getNationalFiledAt());
  PathJson(j, m);
  if (m.getHasClassifier()) DisputeJson(j, m);
  if (m.getHasDecision()) {
    auto d = m.getDecision();
    j.Key("decision").BeginObject().Key("not_secret").Bool(d.getNotSecret());
    j.Key("mark").String(d.getMark().cStr());
    j.Key("scope").String(d.getScope().cStr()).Key("decided_by").String(d.getDecidedBy().cStr());
    j.Key("decided_at").Int(d.getDecidedAt()).EndObject();
  }
  j.Key("history").BeginArray();
  for (auto e : m.getHistory()) {
    j.BeginObject().Key("at").Int(e.getAt()).Key("organ").String(e.getOrgan().cStr());
    j.Key("action").String(e.getAction().cStr()).Key("detail").String(e.getDetail().cStr());
    j.EndObject();
  }
  j.EndArray();
  j.Key("return_reason").String(m.getReturnReason().cStr());
  j.Key("notice_received_at").Int(m.getNoticeReceivedAt());
  j.Key("updated_at").Int(m.getUpdatedAt());
  j.EndObject();
}

// "a,b,c" → {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& all) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < all.size()) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    if (comma > start) names.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

std::string Need(const Args& args, const char* name, const char* what) {
  std::string v = args.Get(name);
  if (v.empty()) throw UsageError(std::string("matter: --") + name + " is required (" + what + ")");
  return v;
}

constexpr const char* kMatterUsage = R"(zhuji [NODE] matter — escalated matters (逐级上报)

  matter report --organ CODE --title T --mark 秘密★5年 --scope S [--materials A,B,C] [--hold]
        不明确事项 (GD Art. 30; 条例 Art. 25): set the provisional level, term and 知悉范围
        (scope), take the provisional measures (先行采取保密措施) and report it; --hold sets it
        only (report within 10 working days with `matter report --id ID`)
  matter report --id ID [--materials A,B]      report again after a return (退回补充)
    report/request also take: --parts M1,M2,… a compilation or excerpt: its mark is the highest
        level and the longest term of its parts (GD Art. 33; a --mark that differs is refused);
        --art24 public-information|internal-affairs|speech [--listed-in-scope]: content of a
        GD Art. 24 category is refused unless a scope of secret matters lists it
  matter request --organ CODE --title T --mark 秘密★5年 --scope S [--arose-on YYYY-MM-DD] [--hold]
        定密申请 (GD Art. 29): no authority for the level: protect it and ask the superior with
        authority, straight to it, within 10 working days of the day it arose (default today)
  matter object --organ CODE --against NODE/CODE --title T --mark 机密★10年
        (--claim 秘密★5年 | --claim-not-secret) [--scope S] [--to-superior]
        定密异议 (GD Art. 45): object to the classifier's determination (--mark; --scope: its
        知悉范围, if known); --to-superior: to the classifier's superior (其上级机关) instead
  matter answer --id ID (--uphold | --adopt [--scope S]) --text T --by NAME
        the classifier (or the superior addressed) answers within 20 working days of receipt;
        an adoption is a 变更 of the determination, final once it reaches the objector
  matter notify-change ID --by NAME [--text 通知文号]
        GD Art. 40: the classifier sent the written notice of the 变更 to the 知悉范围 (10 WD)
  matter accept --id ID                        the objector accepts an upheld answer
  matter escalate --id ID [--materials A,B,C]  有争议事项 (GD Art. 31): report the dispute up
  matter review --id ID (--forward --opinion T | --return WHAT_IS_MISSING) --reviewer NAME
        an intermediate level: 审核意见 and forward, or 退回补充 one level down
  matter decide --id ID (--mark 机密★10年 --scope S | --not-secret) --by NAME
        the last level decides (a secret with its 知悉范围, GD Art. 23); --by: the 定密责任人,
        or at a secrecy bureau the deciding official (签发人); the written notice (书面通知)
        goes back down the path. [--overrides DESIGNEE --overridden "原意见"]: GD Art. 22, the
        法定定密责任人 changes a designee's 定密意见 and decides (recorded in the trail)
  matter refer-national ID --via 机要交通 --by NAME
        the provincial bureau sends a 绝密 matter to 国家保密局 (条例 Art. 25, 26); it waits there
        with no provincial deadline running
  matter record-national ID (--mark 绝密★30年 --scope S | --not-secret) --doc 文号
        --date YYYY-MM-DD --by NAME
        record the national bureau's decision when it arrives; it goes back down the path
  matter file-national ID --via 机要交通 --by NAME
        the provincial bureau filed its own decision with 国家保密局 (备案, 条例 Art. 25 ¶2)
  matter show ID [--json]                      the whole trail: each level, who, opinion,
                                               received-at, sent-at, deadline, on time or late
  matter list [--todo] [--owing-filing] [--json]
                                               every matter on this node, where it is and the
                                               deadline of its current step; --todo: only those
                                               waiting on an organ of this node; --owing-filing:
                                               this bureau's decisions not yet filed with 国家保密局
  matter wait ID (--held-by NODE/CODE | --state STATE | --final) [--wait-seconds S]
        wait until this node's copy is received by that organ, in that state (provisional,
        objected, answered, settled, in-review, returned, decided, national), or final with its
        notice

Materials of GD Art. 30: 申报不明确事项公文, 不明确事项定密申报表, 不明确事项的具体内容;
of GD Art. 31: 申报有争议事项公文, 有争议事项定密申报表, 有争议事项的具体内容.
)";

// The node's id and its clock (a test node runs a fake clock, which decides "overdue").
struct NodeNow {
  std::string id;
  int64_t now_ms = 0;
};
NodeNow AskNode(ControlClient& client, int timeout_ms) {
  capnp::MallocMessageBuilder status;
  status.initRoot<schema::ControlRequest>().setStatus();
  auto reply = client.CallOk(status, timeout_ms);
  auto st = reply->Root<schema::ControlReply>().getStatus();
  return {st.getNodeId(), st.getNowMs()};
}

// `matter wait`: polls the node's copy until it is where the operator (or a script) waits for it.
int Wait(const Args& args, zmq::context_t& ctx, const std::string& id, std::ostream& out) {
  std::string held_by = args.Get("held-by");
  std::string state = args.Get("state");
  bool want_final = args.Flag("final");
  if (!want_final && held_by.empty() && state.empty()) {
    throw UsageError("matter wait: give --held-by NODE/CODE, --state STATE or --final");
  }
  static const std::set<std::string> kStates = {"provisional", "objected", "answered", "settled",
                                                "in-review",   "returned", "decided",  "national"};
  if (!state.empty() && !kStates.count(state)) {
    throw UsageError(
        "matter wait: --state is one of provisional, objected, answered, settled, "
        "in-review, returned, decided, national");
  }
  int64_t deadline = MonotonicMs() + args.GetInt("wait-seconds", 60, 1, 86'400) * 1000;
  std::string last = "no copy on this node yet";
  ControlClient client(ctx, ResolveControl(args));
  const std::string on = std::string("[").append(AskNode(client, NodeTimeoutMs(args)).id) + "] ";
  while (true) {
    if (auto held = ShowMatter(client, id, NodeTimeoutMs(args))) {
      MatterView m = held->view;
      bool ok = true;
      if (want_final) ok = m.getFinal() && m.getNoticeReceivedAt();
      if (!state.empty()) ok = ok && m.getState() == state.c_str();
      if (!held_by.empty()) {
        auto path = m.getPath();
        int at = m.getAt();
        ok = ok && m.getState() == "in-review" && at >= 0 && at < static_cast<int>(path.size()) &&
             path[at].getOrgan().getAddress() == held_by.c_str() && path[at].getReceivedAt() > 0;
      }
      last = std::string(m.getStateZh().cStr()) + " @ " + m.getHolder().getName().cStr();
      if (ok) {
        out << on << id << ": " << last << "\n";
        return 0;
      }
    }
    if (MonotonicMs() > deadline) {
      out << on << id << ": still " << last << " after " << args.Get("wait-seconds", "60")
          << " s\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

int CmdMatter(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kMatterUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions({"id",           "organ",
                          "title",        "mark",
                          "claim",        "claim-not-secret",
                          "not-secret",   "against",
                          "materials",    "hold",
                          "forward",      "return",
                          "opinion",      "reviewer",
                          "by",           "text",
                          "scope",        "uphold",
                          "adopt",        "json",
                          "held-by",      "state",
                          "final",        "wait-seconds",
                          "art24",        "listed-in-scope",
                          "parts",        "todo",
                          "arose-on",     "via",
                          "doc",          "date",
                          "owing-filing", "to-superior",
                          "overrides",    "overridden"}));
  const std::string& sub = pos[1];
  std::string id = args.Get("id", pos.size() > 2 ? pos[2] : "");
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initMatter();
  r.setId(id);
  bool is_new = false;
  if (sub == "list") {
    r.setOp(Op::LIST);
  } else if (sub == "show") {
    r.setOp(Op::SHOW);
    if (id.empty()) throw UsageError("matter show: which matter? (matter show ID)");
  } else if (sub == "report" || sub == "request") {
    r.setOp(sub == "report" ? Op::REPORT : Op::REQUEST);
    if (id.empty() || sub == "request") {
      is_new = true;
      r.setOrgan(Need(args, "organ", "the organ's code on this node"));
      r.setTitle(Need(args, "title", "what the matter is"));
      if (!args.Has("parts")) {
        Need(args, "mark", "the provisional level, a GD Art. 32 mark such as 秘密★5年, or --parts");
      }
      r.setMark(args.Get("mark"));
      r.setScope(Need(args, "scope", "the 知悉范围 set with the level (GD Art. 23, 条例 Art. 25)"));
      if (args.Has("arose-on")) {
        if (sub != "request") {
          throw UsageError("matter report: --arose-on is for `matter request` (GD Art. 29)");
        }
        std::string why;
        auto day = calendar::ParseInputDate(args.Get("arose-on"), &why);
        if (!day) throw UsageError("matter request: --arose-on: " + why);
        r.setAroseDay(day->days);
        r.setHasAroseDay(true);
      }
      r.setHold(args.Flag("hold"));
      r.setArt24(args.Get("art24"));
      r.setListedInScope(args.Flag("listed-in-scope"));
      auto parts = SplitList(args.Get("parts"));
      auto list = r.initParts(parts.size());
      for (size_t i = 0; i < parts.size(); ++i) list.set(i, parts[i]);
    }
    SetMaterials(r, SplitList(args.Get("materials")));
  } else if (sub == "object") {
    is_new = true;
    r.setOp(Op::OBJECT);
    r.setOrgan(Need(args, "organ", "the objecting organ's code on this node"));
    r.setAgainst(Need(args, "against", "the classifier, NODE/CODE"));
    r.setTitle(Need(args, "title", "the item objected to"));
    r.setMark(Need(args, "mark", "the classifier's mark, e.g. 机密★10年"));
    r.setNotSecret(args.Flag("claim-not-secret"));
    if (!args.Flag("claim-not-secret")) r.setClaimMark(Need(args, "claim", "the objector's level"));
    r.setScope(args.Get("scope"));
    r.setToSuperior(args.Flag("to-superior"));
  } else if (sub == "notify-change") {
    r.setOp(Op::NOTIFY_CHANGE);
    r.setWho(Need(args, "by", "who sent the written notice"));
    r.setText(args.Get("text"));
  } else if (sub == "review") {
    r.setOp(Op::REVIEW);
    if (args.Flag("forward") == args.Has("return")) {
      throw UsageError("matter review: give --forward --opinion TEXT, or --return WHAT_IS_MISSING");
    }
    r.setForward(args.Flag("forward"));
    r.setText(args.Flag("forward") ? Need(args, "opinion", "审核意见") : args.Get("return"));
    r.setWho(Need(args, "reviewer", "who reviewed"));
  } else if (sub == "decide") {
    r.setOp(Op::DECIDE);
    r.setNotSecret(args.Flag("not-secret"));
    if (!args.Flag("not-secret")) {
      r.setMark(Need(args, "mark", "the decided level, or --not-secret"));
      r.setScope(Need(args, "scope", "the 知悉范围 of the determination (GD Art. 23)"));
    }
    r.setWho(Need(args, "by", "who decided: the 定密责任人, or at a bureau the 签发人"));
    r.setOverrides(args.Get("overrides"));
    r.setOverridden(args.Get("overridden"));
  } else if (sub == "answer") {
    r.setOp(Op::ANSWER);
    if (args.Flag("uphold") == args.Flag("adopt")) {
      throw UsageError("matter answer: give --uphold (keep the determination) or --adopt");
    }
    r.setUpheld(args.Flag("uphold"));
    r.setScope(args.Get("scope"));  // an adoption's 知悉范围, unless the objection gave it
    r.setText(Need(args, "text", "the answer (处理结果)"));
    r.setWho(Need(args, "by", "who answered"));
  } else if (sub == "accept") {
    r.setOp(Op::ACCEPT);
  } else if (sub == "wait") {
    if (id.empty()) throw UsageError("matter wait: which matter? (matter wait ID)");
    return Wait(args, ctx, id, out);
  } else if (sub == "refer-national" || sub == "file-national") {
    r.setOp(sub == "refer-national" ? Op::REFER_NATIONAL : Op::FILE_NATIONAL);
    r.setVia(Need(args, "via", "how it went: 机要交通, 机要通信 …"));
    r.setWho(Need(args, "by", "who sent it"));
  } else if (sub == "record-national") {
    r.setOp(Op::RECORD_NATIONAL);
    r.setNotSecret(args.Flag("not-secret"));
    if (!args.Flag("not-secret")) {
      r.setMark(Need(args, "mark", "the national decision's level, or --not-secret"));
      r.setScope(Need(args, "scope", "the 知悉范围 of the determination (GD Art. 23)"));
    }
    r.setDocNumber(Need(args, "doc", "the national decision's 文号"));
    std::string why;
    auto day = calendar::ParseInputDate(Need(args, "date", "the national decision's date"), &why);
    if (!day) throw UsageError("matter record-national: --date: " + why);
    r.setDocDay(day->days);
    r.setWho(Need(args, "by", "who recorded it"));
  } else if (sub == "escalate") {
    r.setOp(Op::ESCALATE);
    SetMaterials(r, SplitList(args.Get("materials")));
  } else {
    throw UsageError("matter: unknown step '" + sub + "' (see zhuji matter --help)");
  }
  if (!is_new && sub != "list" && id.empty()) {
    throw UsageError("matter " + sub + ": which matter? (--id ID)");
  }
  MatterList reply = Call(args, ctx, msg);
  std::vector<MatterView>& list = reply.matters;
  ControlClient client(ctx, ResolveControl(args));
  const NodeNow node = AskNode(client, NodeTimeoutMs(args));
  const int64_t now = node.now_ms;
  if (args.Flag("todo")) {  // what waits on an organ of this node
    std::erase_if(list, [&](MatterView m) {
      return m.getFinal() || m.getHolder().getNode() != node.id.c_str();
    });
  }
  if (args.Flag("owing-filing")) {  // 条例 Art. 25 ¶2: this bureau's decisions not yet filed
    std::erase_if(
        list, [&](MatterView m) { return !FilingIsHere(m, node.id) || m.getNationalFiledAt(); });
  }
  if (args.Flag("json")) {
    JsonWriter j;
    if (sub == "list") j.BeginArray();
    for (auto m : list) MatterJson(j, m, node.id);
    if (sub == "list") j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") {
    if (args.Flag("owing-filing")) {
      out << "待报国家保密局备案 decisions of this bureau not yet filed with 国家保密局 (条例 Art. "
             "25 "
             "¶2): "
          << list.size() << "\n";
    } else if (list.empty()) {
      out << (args.Flag("todo") ? "(nothing waits on this node's organs)\n"
                                : "(no matters on this node)\n");
    }
    for (auto m : list) {
      out << m.getId().cStr() << "  " << m.getKindZh().cStr() << "  " << m.getStateZh().cStr()
          << "  @ " << m.getHolder().getName().cStr();
      if (int64_t due = m.getCurrentDueAt(); due && !m.getFinal()) {
        out << "  due " << FormatDueCst(due) << (now > due ? " 逾期 overdue" : "");
      }
      out << "  「" << m.getTitle().cStr() << "」\n";
    }
    return 0;
  }
  for (auto m : list) PrintTrail(m, now, node.id, out);
  return 0;
}

}  // namespace zhuji::tools
