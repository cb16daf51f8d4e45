// `zhuji matter …`: escalated matters (不明确事项, 有争议事项, 定密申请) over a node's control
// socket: the steps of services/workflows/, and the trail of each matter.
#include <capnp/message.h>

#include <chrono>
#include <iomanip>
#include <map>
#include <sstream>
#include <thread>

#include "services/common/capnp_io.h"
#include "services/common/clock.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/node/matters.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

using node::StoredMatter;
using workflows::HopOutcome;
using workflows::Matter;
using workflows::MatterState;
using Op = schema::MatterRequest::Op;

std::vector<StoredMatter> Call(const Args& args, zmq::context_t& ctx, capnp::MessageBuilder& req) {
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.CallOk(req, NodeTimeoutMs(args));
  std::vector<StoredMatter> out;
  for (auto bytes : reply->Root<schema::ControlReply>().getMatters()) {
    out.push_back(node::Matters::DecodeStored(AsView(bytes)));
  }
  return out;
}

std::string When(int64_t ms) { return ms ? FormatCst(ms) : "-"; }

// The deadline of the step the matter waits for now (0 when none is tracked).
int64_t CurrentDue(const Matter& m) {
  switch (m.state) {
    case MatterState::kProvisional:
      return m.report_due_at;
    case MatterState::kObjected:
      return m.answer_due_at;
    case MatterState::kInReview:
      return m.at >= 0 ? m.path[m.at].due_at : 0;
    default:
      return 0;
  }
}

// "按时 on time" / "超期 late" / "逾期 overdue" / "" for a duty due at `due` done at `done`.
std::string Timeliness(int64_t due, int64_t done, int64_t now) {
  if (!due) return "";
  if (done) return done <= due ? "按时 on time" : "超期 late";
  return now > due ? "逾期 overdue" : "待办 pending";
}

const char* OutcomeZh(HopOutcome o) {
  switch (o) {
    case HopOutcome::kPending:
      return "待审 pending";
    case HopOutcome::kForwarded:
      return "转报 forwarded";
    case HopOutcome::kReturned:
      return "退回补充 returned";
    case HopOutcome::kDecided:
      return "确定 decided";
  }
  return "未知 unknown (from a newer node)";
}

std::string LevelOf(const workflows::Organ& o) {
  // GB/T 2260: a province's code ends in 0000, a city's in 00.
  return o.node.substr(2) == "0000" ? "省级" : o.node.substr(4) == "00" ? "市级" : "县级";
}

void PrintTrail(const StoredMatter& s, int64_t now, std::ostream& out) {
  const Matter& m = s.matter;
  out << "事项 matter " << m.id << "  " << workflows::MatterKindZh(m.kind) << " ("
      << workflows::MatterKindName(m.kind) << ")\n";
  out << "  标题 title           " << m.title << "\n";
  out << "  状态 state           " << workflows::MatterStateZh(m.state)
      << (m.final() ? "  [最终 final]" : "  [先行保护中 provisionally protected]") << "\n";
  out << "  发起 origin          " << m.origin.name << " (" << m.origin.address() << ")\n";
  if (m.kind == workflows::MatterKind::kDisputed) {
    out << "  原定密机关 classifier " << m.classifier->name << " (" << m.classifier->address()
        << ")\n";
    for (auto& c : m.claims) {
      out << "  主张 claim           " << c.organ_name << ": "
          << workflows::LevelText(c.not_secret, c.protection) << "\n";
    }
  }
  if (!m.final()) {
    auto p = m.PendingProtection();
    out << "  保护 protected at    " << (p ? workflows::FormatMark(*p) : "-")
        << (m.kind == workflows::MatterKind::kDisputed ? "  (各方主张的最高密级 highest claim)"
                                                       : "  (先行保护 provisional)")
        << " since " << When(m.provisional_at) << "\n";
  }
  if (!m.materials.empty()) {
    out << "  材料 materials       ";
    bool first = true;
    for (auto& name : m.materials) out << (first ? "" : "、") << name, first = false;
    out << "\n";
  }
  if (m.kind == workflows::MatterKind::kDisputed) {
    out << "  定密异议 objection    sent " << When(m.provisional_at) << ", received "
        << When(m.objection_received_at) << ", due "
        << (m.answer_due_at ? FormatDueCst(m.answer_due_at) : "-") << " (GD Art. 45)  "
        << Timeliness(m.answer_due_at, m.answered_at, now) << "\n";
    if (m.answered_at) {
      out << "  答复 answer          " << (m.upheld ? "维持 upheld" : "采纳 adopted") << ": "
          << m.answer << " — " << m.answered_by << ", " << When(m.answered_at) << "\n";
    }
  }
  out << "  逐级上报 trail:\n";
  out << "    " << m.origin.name << " (" << LevelOf(m.origin) << ", 发起 origin): ";
  if (m.reported_at) {
    out << "上报 reported " << When(m.reported_at);
  } else {
    out << "未上报 not reported";
  }
  if (m.report_due_at) {
    out << ", due " << FormatDueCst(m.report_due_at) << "  "
        << Timeliness(m.report_due_at, m.reported_at, now);
  }
  out << "\n";
  for (int i = 0; i < static_cast<int>(m.path.size()); ++i) {
    const auto& h = m.path[i];
    bool reached =
        h.received_at || h.sent_at || i <= m.at || (m.final() && h.outcome != HopOutcome::kPending);
    out << "    " << (i == m.at && !m.final() ? "▶ " : "  ") << h.organ.name << " ("
        << LevelOf(h.organ) << ", " << h.organ.address() << ")";
    if (!reached) {
      out << ": 未到 not reached\n";
      continue;
    }
    out << ": " << OutcomeZh(h.outcome) << "\n";
    out << "        received-at " << When(h.received_at) << "   sent-at " << When(h.sent_at);
    if (h.due_at) {
      out << "   due " << FormatDueCst(h.due_at) << "  " << Timeliness(h.due_at, h.sent_at, now);
    }
    out << "\n";
    if (!h.reviewer.empty() || !h.opinion.empty()) {
      out << "        "
          << (h.outcome == HopOutcome::kDecided ? "定密责任人 decided by " : "审核人 reviewer ")
          << h.reviewer << (h.opinion.empty() ? "" : "   审核意见 opinion: " + h.opinion) << "\n";
    }
  }
  out << "  经过 history:\n";
  for (auto& e : m.history) {
    out << "    " << When(e.at) << "  " << e.organ << "  " << e.action
        << (e.detail.empty() ? "" : "：" + e.detail) << "\n";
  }
  if (m.state == MatterState::kReturned) {
    out << "  退回补充 returned for: " << m.return_reason << "\n";
  }
  if (m.decision) {
    const auto& d = *m.decision;
    out << "  确定 decision        " << workflows::LevelText(d.not_secret, d.protection)
        << (d.scope.empty() ? "" : "   知悉范围 scope: " + d.scope) << "   by " << d.decided_by
        << ", " << When(d.decided_at) << "\n";
  }
  if (s.notice_received_at) {
    out << "  书面通知 notice       recorded on this node " << When(s.notice_received_at) << "\n";
  }
}

void MatterJson(JsonWriter& j, const StoredMatter& s) {
  const Matter& m = s.matter;
  j.BeginObject().Key("id").String(m.id).Key("kind").String(workflows::MatterKindName(m.kind));
  j.Key("title").String(m.title).Key("state").String(workflows::MatterStateZh(m.state));
  j.Key("final").Bool(m.final()).Key("version").Uint(m.version);
  j.Key("origin").String(m.origin.address()).Key("at").Int(m.at);
  auto p = m.PendingProtection();
  j.Key("protected_at").String(p ? workflows::FormatMark(*p) : "");
  j.Key("reported_at").Int(m.reported_at).Key("report_due_at").Int(m.report_due_at);
  j.Key("path").BeginArray();
  for (auto& h : m.path) {
    j.BeginObject().Key("organ").String(h.organ.address()).Key("name").String(h.organ.name);
    j.Key("received_at").Int(h.received_at).Key("sent_at").Int(h.sent_at);
    j.Key("due_at").Int(h.due_at).Key("reviewer").String(h.reviewer);
    j.Key("opinion").String(h.opinion).Key("outcome").Int(static_cast<int>(h.outcome));
    j.EndObject();
  }
  j.EndArray();
  if (m.classifier) {
    j.Key("classifier").String(m.classifier->address()).Key("answer").String(m.answer);
    j.Key("upheld").Bool(m.upheld).Key("answered_at").Int(m.answered_at);
    j.Key("claims").BeginArray();
    for (auto& c : m.claims) {
      j.BeginObject().Key("organ").String(c.organ);
      j.Key("mark").String(c.not_secret ? "" : workflows::FormatMark(c.protection));
      j.Key("not_secret").Bool(c.not_secret).EndObject();
    }
    j.EndArray();
  }
  if (m.decision) {
    j.Key("decision").BeginObject().Key("not_secret").Bool(m.decision->not_secret);
    j.Key("mark").String(m.decision->not_secret ? ""
                                                : workflows::FormatMark(m.decision->protection));
    j.Key("scope").String(m.decision->scope).Key("decided_by").String(m.decision->decided_by);
    j.Key("decided_at").Int(m.decision->decided_at).EndObject();
  }
  j.Key("history").BeginArray();
  for (auto& e : m.history) {
    j.BeginObject().Key("at").Int(e.at).Key("organ").String(e.organ);
    j.Key("action").String(e.action).Key("detail").String(e.detail).EndObject();
  }
  j.EndArray();
  j.Key("return_reason").String(m.return_reason);
  j.Key("notice_received_at").Int(s.notice_received_at).Key("updated_at").Int(s.updated_at);
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

  matter report --organ CODE --title T --mark 秘密★5年 [--materials A,B,C] [--hold]
        不明确事项 (GD Art. 30): set the provisional level (protected at once) and report it;
        --hold sets it only (report within 10 working days with `matter report --id ID`)
  matter report --id ID [--materials A,B]      report again after a return (退回补充)
    report/request also take: --parts M1,M2,… a compilation or excerpt: its mark is the highest
        level and the longest term of its parts (GD Art. 33; a --mark that differs is refused);
        --art24 public-information|internal-affairs|speech [--listed-in-scope]: content of a
        GD Art. 24 category is refused unless a scope of secret matters lists it
  matter request --organ CODE --title T --mark 秘密★5年 [--hold]
        定密申请 (GD Art. 29): no authority for the level: protect it and ask the superior
  matter object --organ CODE --against NODE/CODE --title T --mark 机密★10年
        (--claim 秘密★5年 | --claim-not-secret)
        定密异议 (GD Art. 45): object to the classifier's determination (--mark)
  matter answer --id ID (--uphold | --adopt) --text T --by NAME
        the classifier answers within 20 working days
  matter accept --id ID                        the objector accepts an upheld answer
  matter escalate --id ID [--materials A,B,C]  有争议事项 (GD Art. 31): report the dispute up
  matter review --id ID (--forward --opinion T | --return WHAT_IS_MISSING) --reviewer NAME
        an intermediate level: 审核意见 and forward, or 退回补充 one level down
  matter decide --id ID (--mark 机密★10年 | --not-secret) [--scope S] --by NAME
        the last level decides; the written notice (书面通知) goes back down the path
  matter show ID [--json]                      the whole trail: each level, who, opinion,
                                               received-at, sent-at, deadline, on time or late
  matter list [--todo] [--json]                every matter on this node, where it is and the
                                               deadline of its current step; --todo: only those
                                               waiting on an organ of this node
  matter wait ID (--held-by NODE/CODE | --state STATE | --final) [--wait-seconds S]
        wait until this node's copy is received by that organ, in that state (provisional,
        objected, answered, settled, in-review, returned, decided), or final with its notice

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
  static const std::map<std::string, MatterState> kStates = {
      {"provisional", MatterState::kProvisional}, {"objected", MatterState::kObjected},
      {"answered", MatterState::kAnswered},       {"settled", MatterState::kSettled},
      {"in-review", MatterState::kInReview},      {"returned", MatterState::kReturned},
      {"decided", MatterState::kDecided}};
  if (!state.empty() && !kStates.count(state)) {
    throw UsageError(
        "matter wait: --state is one of provisional, objected, answered, settled, "
        "in-review, returned, decided");
  }
  int64_t deadline = MonotonicMs() + args.GetInt("wait-seconds", 60, 1, 86'400) * 1000;
  std::string last = "no copy on this node yet";
  ControlClient client(ctx, ResolveControl(args));
  const std::string on = std::string("[").append(AskNode(client, NodeTimeoutMs(args)).id) + "] ";
  while (true) {
    if (auto s = ShowMatter(client, id, NodeTimeoutMs(args))) {
      const Matter& m = s->matter;
      bool ok = true;
      if (want_final) ok = m.final() && s->notice_received_at;
      if (!state.empty()) ok = ok && m.state == kStates.at(state);
      if (!held_by.empty()) {
        ok = ok && m.state == MatterState::kInReview && m.at >= 0 &&
             m.path[m.at].organ.address() == held_by && m.path[m.at].received_at > 0;
      }
      last = std::string(workflows::MatterStateZh(m.state)) + " @ " + m.holder().name;
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
  args.Allow(NodeOptions({"id",         "organ",
                          "title",      "mark",
                          "claim",      "claim-not-secret",
                          "not-secret", "against",
                          "materials",  "hold",
                          "forward",    "return",
                          "opinion",    "reviewer",
                          "by",         "text",
                          "scope",      "uphold",
                          "adopt",      "json",
                          "held-by",    "state",
                          "final",      "wait-seconds",
                          "art24",      "listed-in-scope",
                          "parts",      "todo"}));
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
    if (!args.Flag("not-secret"))
      r.setMark(Need(args, "mark", "the decided level, or --not-secret"));
    r.setText(args.Get("scope"));
    r.setWho(Need(args, "by", "the responsible person (定密责任人) who decided"));
  } else if (sub == "answer") {
    r.setOp(Op::ANSWER);
    if (args.Flag("uphold") == args.Flag("adopt")) {
      throw UsageError("matter answer: give --uphold (keep the determination) or --adopt");
    }
    r.setUpheld(args.Flag("uphold"));
    r.setText(Need(args, "text", "the answer (处理结果)"));
    r.setWho(Need(args, "by", "who answered"));
  } else if (sub == "accept") {
    r.setOp(Op::ACCEPT);
  } else if (sub == "wait") {
    if (id.empty()) throw UsageError("matter wait: which matter? (matter wait ID)");
    return Wait(args, ctx, id, out);
  } else if (sub == "escalate") {
    r.setOp(Op::ESCALATE);
    SetMaterials(r, SplitList(args.Get("materials")));
  } else {
    throw UsageError("matter: unknown step '" + sub + "' (see zhuji matter --help)");
  }
  if (!is_new && sub != "list" && id.empty()) {
    throw UsageError("matter " + sub + ": which matter? (--id ID)");
  }
  auto list = Call(args, ctx, msg);
  ControlClient client(ctx, ResolveControl(args));
  const NodeNow node = AskNode(client, NodeTimeoutMs(args));
  const int64_t now = node.now_ms;
  if (args.Flag("todo")) {  // what waits on an organ of this node
    std::erase_if(list, [&](const StoredMatter& s) {
      return s.matter.final() || s.matter.holder().node != node.id;
    });
  }
  if (args.Flag("json")) {
    JsonWriter j;
    if (sub == "list") j.BeginArray();
    for (auto& s : list) MatterJson(j, s);
    if (sub == "list") j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") {
    if (list.empty()) {
      out << (args.Flag("todo") ? "(nothing waits on this node's organs)\n"
                                : "(no matters on this node)\n");
    }
    for (auto& s : list) {
      const Matter& m = s.matter;
      out << m.id << "  " << workflows::MatterKindZh(m.kind) << "  "
          << workflows::MatterStateZh(m.state) << "  @ " << m.holder().name;
      if (int64_t due = CurrentDue(m); due && !m.final()) {
        out << "  due " << FormatDueCst(due) << (now > due ? " 逾期 overdue" : "");
      }
      out << "  「" << m.title << "」\n";
    }
    return 0;
  }
  for (auto& s : list) PrintTrail(s, now, out);
  return 0;
}

}  // namespace zhuji::tools
