// `zhuji grant|filing|responsible …`: 定密授权 (GD Art. 6-12), 备案 (GD Art. 13, 14, 21) and the
// register of 定密责任人 (GD Art. 16-22) over a node's control socket.
#include <capnp/message.h>

#include <fstream>
#include <sstream>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/config/authorizing_list.h"
#include "services/config/topology.h"
#include "services/crypto/keys.h"
#include "services/crypto/signed_document.h"
#include "services/workflows/matter.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

std::string When(int64_t ms) { return ms ? FormatCst(ms) : "-"; }

std::vector<std::string> Split(const std::string& all) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < all.size()) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    if (comma > start) out.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::unique_ptr<OwnedMessage> Call(const Args& args, zmq::context_t& ctx,
                                   capnp::MessageBuilder& req) {
  ControlClient client(ctx, ResolveControl(args));
  return client.CallOk(req, NodeTimeoutMs(args));
}

template <typename List>
void TrailJson(JsonWriter& j, List trail) {
  j.BeginArray();
  for (auto e : trail) {
    j.BeginObject().Key("at").Int(e.getAt()).Key("organ").String(e.getOrgan().cStr());
    j.Key("action").String(e.getAction().cStr()).Key("detail").String(e.getDetail().cStr());
    j.EndObject();
  }
  j.EndArray();
}

template <typename List>
void PrintTrail(List trail, std::ostream& out) {
  for (auto e : trail) {
    out << "    " << When(e.getAt()) << "  " << e.getOrgan().cStr() << "  " << e.getAction().cStr();
    if (e.getDetail().size()) out << "：" << e.getDetail().cStr();
    out << "\n";
  }
}

void PersonsJson(JsonWriter& j, capnp::List<schema::PersonView>::Reader persons) {
  j.BeginArray();
  for (auto p : persons) {
    j.BeginObject().Key("name").String(p.getName().cStr()).Key("statutory").Bool(p.getStatutory());
    j.Key("post").String(p.getPost().cStr()).Key("ceiling").String(p.getCeiling().cStr());
    j.Key("matters").String(p.getMatters().cStr()).Key("from").String(p.getFrom().cStr());
    j.Key("until").String(p.getUntil().cStr()).Key("doc").String(p.getDocNumber().cStr());
    j.Key("designated_by").String(p.getDesignatedBy().cStr()).Key("live").Bool(p.getLive());
    j.Key("revoked").Bool(p.getRevoked()).Key("revoke_reason").String(p.getRevokeReason().cStr());
    j.EndObject();
  }
  j.EndArray();
}

void PrintPersons(capnp::List<schema::PersonView>::Reader persons, std::ostream& out) {
  for (auto p : persons) {
    out << "    " << (p.getLive() ? "● " : "○ ") << p.getName().cStr() << "  "
        << (p.getStatutory() ? "法定定密责任人 statutory" : "指定定密责任人 designated") << "  "
        << p.getPost().cStr() << "  定密权限 " << p.getCeiling().cStr() << "以下";
    if (!p.getStatutory()) {
      out << "  " << p.getMatters().cStr() << "  " << p.getFrom().cStr() << " 至 "
          << p.getUntil().cStr() << "  " << p.getDocNumber().cStr() << "（"
          << p.getDesignatedBy().cStr() << " 指定）";
    }
    if (p.getRevoked()) out << "  已终止 ended: " << p.getRevokeReason().cStr();
    out << "\n";
  }
}

void FilingJson(JsonWriter& j, schema::FilingView::Reader f) {
  j.BeginObject().Key("id").String(f.getId().cStr()).Key("kind").String(f.getKind().cStr());
  j.Key("kind_zh").String(f.getKindZh().cStr()).Key("rule").String(f.getRule().cStr());
  j.Key("filer").String(f.getFiler().cStr()).Key("filer_name").String(f.getFilerName().cStr());
  j.Key("receiver").String(f.getReceiver().cStr());
  j.Key("receiver_name").String(f.getReceiverName().cStr());
  j.Key("subject").String(f.getSubject().cStr()).Key("title").String(f.getTitle().cStr());
  j.Key("trigger").String(f.getTrigger().cStr()).Key("working_days").Int(f.getWorkingDays());
  j.Key("due_ms").Int(f.getDueAt()).Key("state").String(f.getState().cStr());
  j.Key("state_zh").String(f.getStateZh().cStr());
  j.Key("materials").BeginArray();
  for (auto m : f.getMaterials()) j.String(m.cStr());
  j.EndArray().Key("required").BeginArray();
  for (auto m : f.getRequired()) j.String(m.cStr());
  j.EndArray();
  j.Key("first_sent_ms").Int(f.getFirstSentAt()).Key("sent_ms").Int(f.getSentAt());
  j.Key("received_ms").Int(f.getReceivedAt()).Key("sent_by").String(f.getSentBy().cStr());
  j.Key("receipt_number").String(f.getReceiptNumber().cStr());
  j.Key("answered_by").String(f.getAnsweredBy().cStr()).Key("answered_ms").Int(f.getAnsweredAt());
  j.Key("refusal").String(f.getRefusal().cStr()).Key("on_time").Bool(f.getOnTime());
  j.Key("persons");
  PersonsJson(j, f.getPersons());
  j.Key("history");
  TrailJson(j, f.getHistory());
  j.EndObject();
}

void PrintFilingLine(schema::FilingView::Reader f, std::ostream& out) {
  out << f.getId().cStr() << "  " << f.getKindZh().cStr() << " (" << f.getRule().cStr() << ")  "
      << f.getFilerName().cStr() << " → " << f.getReceiverName().cStr() << "  "
      << f.getStateZh().cStr();
  if (f.getDueAt() && f.getState() != "receipted") out << "  due " << FormatDueCst(f.getDueAt());
  if (f.getFirstSentAt()) out << (f.getOnTime() ? "  按时 on time" : "  超期 late");
  if (f.getState() == "refused") out << "  缺少 missing 「" << f.getRefusal().cStr() << "」";
  if (f.getReceiptNumber().size()) out << "  回执 " << f.getReceiptNumber().cStr();
  out << "\n";
}

void PrintFiling(schema::FilingView::Reader f, std::ostream& out) {
  out << "备案 " << f.getId().cStr() << "  " << f.getKindZh().cStr() << " (" << f.getRule().cStr()
      << ")  " << f.getStateZh().cStr() << "\n";
  out << "  事由 subject     " << f.getTitle().cStr() << "  [" << f.getSubject().cStr() << "]\n";
  out << "  报送 filer       " << f.getFilerName().cStr() << " (" << f.getFiler().cStr() << ")\n";
  out << "  接收 receiver    " << f.getReceiverName().cStr() << " (" << f.getReceiver().cStr()
      << ")\n";
  out << "  期限 due         " << (f.getDueAt() ? FormatDueCst(f.getDueAt()) : "-") << " ("
      << f.getWorkingDays() << " 个工作日 from " << f.getTrigger().cStr() << ")\n";
  out << "  材料 materials  ";
  for (auto m : f.getRequired()) {
    bool has = false;
    for (auto g : f.getMaterials()) has |= g == m;
    out << " " << (has ? "✓" : "✗") << m.cStr();
  }
  out << "\n";
  out << "  sent-at " << When(f.getSentAt()) << " (first " << When(f.getFirstSentAt())
      << ")   received-at " << When(f.getReceivedAt());
  if (f.getFirstSentAt()) out << (f.getOnTime() ? "   按时 on time" : "   超期 late");
  out << "\n";
  if (f.getReceiptNumber().size()) {
    out << "  回执 receipt     " << f.getReceiptNumber().cStr() << " — " << f.getAnsweredBy().cStr()
        << ", " << When(f.getAnsweredAt()) << "\n";
  }
  if (f.getState() == "refused") {
    out << "  退回 refused     缺少 「" << f.getRefusal().cStr() << "」 — "
        << f.getAnsweredBy().cStr() << "\n";
  }
  if (f.getPersons().size()) {
    out << "  定密责任人名单 the list filed:\n";
    PrintPersons(f.getPersons(), out);
  }
  out << "  经过 trail:\n";
  PrintTrail(f.getHistory(), out);
}

void GrantJson(JsonWriter& j, schema::GrantView::Reader g) {
  j.BeginObject().Key("id").String(g.getId().cStr()).Key("doc").String(g.getDocNumber().cStr());
  j.Key("grantor").String(g.getGrantor().cStr());
  j.Key("grantor_name").String(g.getGrantorName().cStr());
  j.Key("grantee").String(g.getGrantee().cStr());
  j.Key("grantee_name").String(g.getGranteeName().cStr());
  j.Key("ceiling").String(g.getCeiling().cStr()).Key("matters").String(g.getMatters().cStr());
  j.Key("from").String(g.getFrom().cStr()).Key("until").String(g.getUntil().cStr());
  j.Key("term_months").Int(g.getTermMonths()).Key("state").String(g.getState().cStr());
  j.Key("state_zh").String(g.getStateZh().cStr()).Key("proactive").Bool(g.getProactive());
  j.Key("task").String(g.getTask().cStr()).Key("regrants").String(g.getRegrants().cStr());
  j.Key("decided_by").String(g.getDecidedBy().cStr()).Key("decided_ms").Int(g.getDecidedAt());
  j.Key("revoke_ground").String(g.getRevokeGround().cStr());
  j.Key("revoke_doc").String(g.getRevokeDoc().cStr()).Key("ended_ms").Int(g.getEndedAt());
  j.Key("filings").BeginArray();
  for (auto f : g.getFilings()) FilingJson(j, f);
  j.EndArray().Key("missing").BeginArray();
  for (auto m : g.getExpected()) j.String(m.cStr());
  j.EndArray().Key("history");
  TrailJson(j, g.getHistory());
  j.EndObject();
}

void PrintGrant(schema::GrantView::Reader g, bool full, std::ostream& out) {
  out << g.getId().cStr() << "  " << g.getDocNumber().cStr() << "  " << g.getGrantorName().cStr()
      << " → " << g.getGranteeName().cStr() << "  " << g.getCeiling().cStr() << "以下  "
      << g.getFrom().cStr() << " 至 " << g.getUntil().cStr() << "  " << g.getStateZh().cStr()
      << "\n";
  if (!full) {
    for (auto f : g.getFilings()) {
      out << "    ";
      PrintFilingLine(f, out);
    }
    for (auto m : g.getExpected()) out << "    未收到 not received: " << m.cStr() << "\n";
    return;
  }
  out << "  授权事项范围 matters  " << g.getMatters().cStr() << "\n";
  if (g.getProactive())
    out << "  主动授权 proactive (GD Art. 7) for: " << g.getTask().cStr() << "\n";
  if (g.getRegrants().size())
    out << "  重新授权 replaces " << g.getRegrants().cStr() << " (GD Art. 12)\n";
  if (g.getRevokeGround().size()) {
    out << "  撤销 revoked (GD Art. 11) " << g.getRevokeGround().cStr() << "  "
        << g.getRevokeDoc().cStr() << "\n";
  }
  out << "  备案 filings held here:\n";
  for (auto f : g.getFilings()) {
    out << "    ";
    PrintFilingLine(f, out);
  }
  for (auto m : g.getExpected()) out << "    未收到 not received: " << m.cStr() << "\n";
  out << "  经过 trail:\n";
  PrintTrail(g.getHistory(), out);
}

constexpr const char* kGrantUsage = R"(zhuji [NODE] grant — 定密授权 (GD Art. 6-12; docs/filings.md)

  grant apply --organ CODE --ceiling 秘密|机密|绝密 --matters TEXT (--years N | --months N)
        --materials A,B,C [--no-scope-list]
        定密授权申请 (GD Art. 8, 9): the application goes level by level to the first authorizing
        organ that may grant the ceiling; each level has 30 working days from its receipt. The
        GD Art. 8 materials: 定密授权书面申请公文, 定密授权申请表, 本机关、本单位保密事项一览表
        (or --no-scope-list: the organ has no scope of secret matters, Art. 8 ¶2),
        定密责任人情况一览表, 近三年来原始定密情况, 定密工作制度
  grant review APPLICATION-ID (--forward --opinion T | --return WHAT_IS_MISSING) --reviewer NAME
        a level that cannot grant: its 审核意见 and forward, or 退回补充 (GD Art. 9)
  grant decide --application APPLICATION-ID --doc 文号 --by 签发人 [--ceiling L] [--matters T]
        [--years N | --months N] [--reason T]       the authorizing organ grants what was asked
        (or less); or: grant decide --application ID --refuse --reason TEXT --by 签发人
        The answer goes back down to every level and the applicant; `matter show ID` shows it

  grant decide --organ CODE --grantee NODE/CODE --ceiling 秘密|机密|绝密 --matters TEXT
        (--years N | --months N) --doc 文号 --by 签发人 [--reason TEXT]
        [--proactive --task TEXT] [--regrants GRANT-ID --regrant-cause scope|rename|expiry]
        an authorizing organ (授权机关, province or city level) grants authority within its own
        original authority to an organ of its region; a term over five years needs --reason
        (GD Art. 10); a proactive grant names its secret task (GD Art. 7). The grant goes to
        the grantee and to the departments its 备案 go to; the 备案 owed open their deadlines
  grant make-list TOPOLOGY --version N --out FILE [--published YYYY-MM-DD] [--source 文号]
        [--sign-with DIR]
        write the 授权机关名录 (GD Art. 15 ¶1) of the topology's authorizing organs, signed with
        the province's directory key in DIR (zhuji keys init --id directory:NAME)
  grant sign-list FILE --sign-with DIR --out FILE
        check and sign a list written or edited by hand (make it without --sign-with, edit
        it, raise its version, sign it)
  grant publish FILE           on the province node: load a newer 授权机关名录 and pass it down
                               level by level (a node offline gets it when it is back); with a
                               pinned directory key it must verify; an older version is refused
  grant authorizing [--json]   the 授权机关名录 this node holds (version, organs)
  grant revoke GRANT-ID --ground 1-6 --doc 文号 --by 签发人 [--detail TEXT]
        GD Art. 11: revoke on one of its six grounds (1-6)
  grant list [--json]          the register of grants held here (GD Art. 15 ¶2): term, state,
                               the 备案 of each and those this node's dept has not received
  grant show GRANT-ID [--json]
)";

constexpr const char* kFilingUsage =
    R"(zhuji [NODE] filing — 备案 (GD Art. 13, 14, 21; docs/filings.md)

  filing list [--owed | --received] [--json]
        --owed: filings this node's organs owe or wait on a 回执 for; --received: those filed
        with this node's departments
  filing show ID [--json]
  filing submit ID --materials A,B,C --by NAME
        the filer sends it; refused with the material named if one is missing (its deadline
        runs on); the duty is met by its sent-at
  filing receipt ID --number 回执号 --by NAME      the receiving dept's 回执: the filer's duty closes
  filing refuse ID --missing MATERIAL --by NAME    the dept refuses it: the filer's duty runs on
)";

constexpr const char* kResponsibleUsage =
    R"(zhuji [NODE] responsible — 定密责任人 (GD Art. 16-22; docs/filings.md)

  responsible list [--organ CODE] [--json]
  responsible head --organ CODE --name NAME --post 职务 --doc 文号
        the organ's 法定定密责任人 (its principal head, GD Art. 16 ¶1)
  responsible designate --organ CODE --name NAME --ceiling 秘密|机密|绝密 --matters TEXT
        --until YYYY-MM-DD [--from YYYY-MM-DD] --doc 文号 --by 法定定密责任人 [--post 职务]
        --art17 conditions,post,trained,familiar
        [--criminal] [--dismissed-on DATE] [--disciplined-on DATE] [--unqualified]
        [--violations DATE,DATE] [--other TEXT]
        a written designation (GD Art. 19) by the statutory one (a designee cannot designate);
        the GD Art. 17 conditions declared, the GD Art. 18 facts refuse it with the reason
  responsible revoke --organ CODE --name NAME --by 法定定密责任人 --reason TEXT   (GD Art. 22)
  responsible file --organ CODE --materials 定密责任人名单及有关情况 --by NAME
        the GD Art. 21 备案 of the list with the same-level dept (30 working days from the change)
)";

// `grant apply` and `grant review`: an application travels as a matter (GD Art. 9).
int GrantApplication(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initMatter();
  using Op = schema::MatterRequest::Op;
  if (pos[1] == "apply") {
    r.setOp(Op::APPLY);
    r.setOrgan(NeedOption(args, "grant apply", "organ", "the applicant's code on this node"));
    r.setCeiling(NeedOption(args, "grant apply", "ceiling", "秘密, 机密 or 绝密"));
    r.setTitle(NeedOption(args, "grant apply", "matters", "the matters it asks authority for"));
    long long months = args.GetInt("years", 0, 0, 100) * 12 + args.GetInt("months", 0, 0, 1200);
    if (!months) throw UsageError("grant apply: give the term, --years N or --months N");
    r.setTermMonths(static_cast<int32_t>(months));
    auto names = Split(args.Get("materials"));
    if (args.Flag("no-scope-list")) names.push_back(workflows::kNoScopeList);
    SetMaterials(r, names);
  } else {
    if (pos.size() < 3) throw UsageError("grant review: which application? (grant review ID)");
    r.setOp(Op::REVIEW);
    r.setId(pos[2]);
    if (args.Flag("forward") == args.Has("return")) {
      throw UsageError("grant review: give --forward --opinion TEXT, or --return WHAT_IS_MISSING");
    }
    r.setForward(args.Flag("forward"));
    r.setText(args.Flag("forward") ? NeedOption(args, "grant review", "opinion", "审核意见")
                                   : args.Get("return"));
    r.setWho(NeedOption(args, "grant review", "reviewer", "who reviewed"));
  }
  auto reply = Call(args, ctx, msg);
  for (auto m : reply->Root<schema::ControlReply>().getMatterViews()) {
    if (args.Flag("json")) {
      JsonWriter j;
      j.BeginObject().Key("id").String(m.getId().cStr()).Key("state").String(m.getState().cStr());
      j.Key("holder").String(m.getHolder().getAddress().cStr()).EndObject();
      out << j.str() << "\n";
      continue;
    }
    out << "定密授权申请 " << m.getId().cStr() << "  " << m.getStateZh().cStr() << "  → "
        << m.getHolder().getName().cStr() << "  (matter show " << m.getId().cStr() << ")\n";
  }
  return 0;
}

// `grant make-list`: the 授权机关名录 of a topology's authorizing organs, signed or not.
int MakeList(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  const std::string cmd = "grant " + pos[1];
  if (pos.size() < 3) throw UsageError(cmd + ": which file? (" + cmd + " FILE)");
  config::AuthorizingList list;
  if (pos[1] == "sign-list") {  // an (edited) unsigned list, checked, then signed
    std::ifstream in(pos[2]);
    if (!in) throw UsageError(cmd + ": cannot read " + pos[2]);
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = config::ParseAuthorizingList(text.str(), pos[2]);
    if (!parsed.ok()) throw std::runtime_error(parsed.message());
    list = parsed.value();
  } else {
    auto topology = config::LoadTopology(pos[2]);
    auto directory = topology.Directory();
    if (!directory.ok()) throw std::runtime_error(directory.message());
    std::vector<std::string> ids;
    for (const auto& n : topology.nodes) ids.push_back(n.id);
    long long version = args.GetInt("version", 0, 1, 1'000'000'000);
    if (!version) throw UsageError(cmd + ": --version N is required (versions only go up)");
    std::string published = args.Get("published");
    if (published.empty()) {
      published = calendar::CstDateOf(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count())
                      .ToString();
    }
    list = config::AuthorizingListOf(directory.value(), ids, static_cast<uint64_t>(version),
                                     published, args.Get("source"));
  }
  const uint64_t version = list.version;
  std::string text = config::RenderAuthorizingList(list);
  if (args.Has("sign-with")) {
    auto signer = crypto::ReadKeys(args.Get("sign-with"));
    if (!signer.ok()) throw std::runtime_error(signer.message());
    auto signed_text = crypto::SignDocument(text, signer.value(), config::kAuthorizingListDomain);
    if (!signed_text.ok()) throw std::runtime_error(signed_text.message());
    text = signed_text.value();
  }
  std::string path = NeedOption(args, cmd.c_str(), "out", "the file to write");
  std::ofstream(path) << text;
  out << "授权机关名录 version " << version << ": " << list.organs.size()
      << " authorizing organs → " << path
      << (args.Has("sign-with") ? ", signed" : ", NOT signed (--sign-with DIR)") << "\n";
  return 0;
}

}  // namespace

int CmdGrant(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kGrantUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions(
      {"organ",    "grantee", "ceiling",     "matters", "years",     "months",        "doc",
       "by",       "reason",  "proactive",   "task",    "regrants",  "regrant-cause", "ground",
       "detail",   "json",    "application", "refuse",  "materials", "no-scope-list", "forward",
       "opinion",  "return",  "reviewer",    "version", "out",       "published",     "source",
       "sign-with"}));
  if (pos[1] == "apply" || pos[1] == "review") return GrantApplication(args, ctx, out);
  if (pos[1] == "make-list" || pos[1] == "sign-list") return MakeList(args, out);
  const std::string& sub = pos[1];
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initGrant();
  using Op = schema::GrantRequest::Op;
  if (sub == "list") {
    r.setOp(Op::LIST);
  } else if (sub == "show") {
    r.setOp(Op::SHOW);
    if (pos.size() < 3) throw UsageError("grant show: which grant? (grant show ID)");
    r.setId(pos[2]);
  } else if (sub == "decide" && args.Has("application")) {
    r.setOp(Op::DECIDE);
    r.setApplication(args.Get("application"));
    r.setRefuse(args.Flag("refuse"));
    r.setBy(NeedOption(args, "grant decide", "by", "签发人"));
    r.setReason(args.Get("reason"));
    r.setCeiling(args.Get("ceiling"));
    r.setMatters(args.Get("matters"));
    r.setTermMonths(static_cast<int32_t>(args.GetInt("years", 0, 0, 100) * 12 +
                                         args.GetInt("months", 0, 0, 1200)));
    if (args.Flag("refuse")) {
      NeedOption(args, "grant decide --refuse", "reason", "why the application is refused");
    } else {
      r.setDocNumber(NeedOption(args, "grant decide", "doc", "定密授权决定书 文号"));
    }
  } else if (sub == "decide") {
    r.setOp(Op::DECIDE);
    r.setOrgan(NeedOption(args, "grant decide", "organ", "the grantor's code on this node"));
    r.setGrantee(NeedOption(args, "grant decide", "grantee", "NODE/CODE (or --application ID)"));
    r.setCeiling(NeedOption(args, "grant decide", "ceiling", "秘密, 机密 or 绝密"));
    r.setMatters(NeedOption(args, "grant decide", "matters", "授权事项范围"));
    long long months = args.GetInt("years", 0, 0, 100) * 12 + args.GetInt("months", 0, 0, 1200);
    if (!months) throw UsageError("grant decide: give the term, --years N or --months N");
    r.setTermMonths(static_cast<int32_t>(months));
    r.setDocNumber(NeedOption(args, "grant decide", "doc", "定密授权决定书 文号"));
    r.setBy(NeedOption(args, "grant decide", "by", "签发人"));
    r.setReason(args.Get("reason"));
    r.setProactive(args.Flag("proactive"));
    r.setTask(args.Get("task"));
    r.setId(args.Get("regrants"));
    r.setRegrantCause(args.Get("regrant-cause"));
  } else if (sub == "publish") {
    r.setOp(Op::PUBLISH);
    if (pos.size() < 3) throw UsageError("grant publish: which file? (grant publish FILE)");
    std::ifstream in(pos[2]);
    if (!in) throw UsageError("grant publish: cannot read " + pos[2]);
    std::ostringstream text;
    text << in.rdbuf();
    r.setText(text.str());
    r.setFileName(pos[2]);
  } else if (sub == "authorizing") {
    r.setOp(Op::AUTHORIZING);
  } else if (sub == "revoke") {
    r.setOp(Op::REVOKE);
    if (pos.size() < 3) throw UsageError("grant revoke: which grant? (grant revoke ID)");
    r.setId(pos[2]);
    r.setGround(static_cast<uint8_t>(args.GetInt("ground", 0, 0, 99)));
    r.setDetail(args.Get("detail"));
    r.setDocNumber(NeedOption(args, "grant revoke", "doc", "撤销定密授权决定书 文号"));
    r.setBy(NeedOption(args, "grant revoke", "by", "签发人"));
  } else {
    throw UsageError("grant: unknown step '" + sub + "' (see zhuji grant --help)");
  }
  auto reply = Call(args, ctx, msg);
  auto rep = reply->Root<schema::ControlReply>();
  if (rep.isAuthorizingList()) {
    auto l = rep.getAuthorizingList();
    if (args.Flag("json")) {
      JsonWriter j;
      j.BeginObject().Key("version").Uint(l.getVersion()).Key("published");
      j.String(l.getPublished().cStr()).Key("source").String(l.getSource().cStr());
      j.Key("signed").Bool(l.getSigned()).Key("organs").BeginArray();
      for (auto o : l.getOrgans()) j.String(o.cStr());
      j.EndArray().EndObject();
      out << j.str() << "\n";
      return 0;
    }
    if (!l.getVersion()) {
      out << "授权机关名录: none held; the directory's authorizing flags serve (GD Art. 15)\n";
      return 0;
    }
    out << "授权机关名录 (GD Art. 15) version " << l.getVersion() << ", published "
        << l.getPublished().cStr() << (l.getSource().size() ? " " : "") << l.getSource().cStr()
        << (l.getSigned() ? ", 签名已核验 signature verified" : ", unsigned (no key pinned)")
        << "\n";
    for (auto o : l.getOrgans()) out << "  " << o.cStr() << "\n";
    if (l.getForwardedTo().size()) {
      out << "passed to";
      for (auto n : l.getForwardedTo()) out << " " << n.cStr();
      out << "\n";
    }
    return 0;
  }
  auto grants = rep.getGrants();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto g : grants) GrantJson(j, g);
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  for (auto w : rep.getWarnings()) out << "注意 warning: " << w.cStr() << "\n";
  if (sub == "decide" && args.Flag("refuse")) {
    out << "定密授权申请 " << args.Get("application")
        << " 不予授权 refused; the answer goes back to the applicant (matter show "
        << args.Get("application") << ")\n";
  }
  if (sub == "list") {
    out << "定密授权登记 grants held here (GD Art. 15 ¶2): " << grants.size() << "\n";
  }
  for (auto g : grants) PrintGrant(g, sub != "list", out);
  return 0;
}

int CmdFiling(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kFilingUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions({"owed", "received", "materials", "by", "number", "missing", "json"}));
  const std::string& sub = pos[1];
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initFiling();
  using Op = schema::FilingRequest::Op;
  if (sub != "list") {
    if (pos.size() < 3)
      throw UsageError("filing " + sub + ": which filing? (filing " + sub + " ID)");
    r.setId(pos[2]);
  }
  if (sub == "list") {
    r.setOp(Op::LIST);
    if (args.Flag("owed") && args.Flag("received")) {
      throw UsageError("filing list: give --owed or --received, not both");
    }
    r.setFilter(args.Flag("owed") ? "owed" : args.Flag("received") ? "received" : "");
  } else if (sub == "show") {
    r.setOp(Op::SHOW);
  } else if (sub == "submit") {
    r.setOp(Op::SUBMIT);
    auto names = Split(args.Get("materials"));
    auto list = r.initMaterials(names.size());
    for (size_t i = 0; i < names.size(); ++i) list.set(i, names[i]);
    r.setBy(NeedOption(args, "filing submit", "by", "who submits it"));
  } else if (sub == "receipt") {
    r.setOp(Op::RECEIPT);
    r.setNumber(NeedOption(args, "filing receipt", "number", "the 回执 number"));
    r.setBy(NeedOption(args, "filing receipt", "by", "who issued it"));
  } else if (sub == "refuse") {
    r.setOp(Op::REFUSE);
    r.setMissing(NeedOption(args, "filing refuse", "missing", "the material missing"));
    r.setBy(NeedOption(args, "filing refuse", "by", "who refused it"));
  } else {
    throw UsageError("filing: unknown step '" + sub + "' (see zhuji filing --help)");
  }
  auto reply = Call(args, ctx, msg);
  auto filings = reply->Root<schema::ControlReply>().getFilings();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto f : filings) FilingJson(j, f);
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") {
    out << (args.Flag("owed") ? "应报备案 filings this node's organs owe or await a 回执 for: "
            : args.Flag("received") ? "收到备案 filings received by this node's departments: "
                                    : "备案 filings on this node: ")
        << filings.size() << "\n";
    for (auto f : filings) PrintFilingLine(f, out);
    return 0;
  }
  for (auto f : filings) PrintFiling(f, out);
  return 0;
}

int CmdResponsible(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kResponsibleUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions({"organ", "name", "post", "ceiling", "matters", "from", "until", "doc",
                          "by", "reason", "art17", "criminal", "dismissed-on", "disciplined-on",
                          "unqualified", "violations", "other", "materials", "json"}));
  const std::string& sub = pos[1];
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initResponsible();
  using Op = schema::ResponsibleRequest::Op;
  r.setOrgan(args.Get("organ"));
  const char* cmd = "responsible";
  if (sub == "list") {
    r.setOp(Op::LIST);
  } else if (sub == "head") {
    r.setOp(Op::HEAD);
    r.setName(NeedOption(args, cmd, "name", "the principal head"));
    r.setPost(NeedOption(args, cmd, "post", "职务"));
    r.setDocNumber(NeedOption(args, cmd, "doc", "the appointment's 文号"));
  } else if (sub == "designate") {
    r.setOp(Op::DESIGNATE);
    r.setName(NeedOption(args, cmd, "name", "the designee"));
    r.setPost(args.Get("post"));
    r.setCeiling(NeedOption(args, cmd, "ceiling", "定密权限: 秘密, 机密 or 绝密"));
    r.setMatters(NeedOption(args, cmd, "matters", "定密事项范围"));
    if (args.Has("from")) r.setFromDay(DayOption(args, "responsible designate", "from"));
    r.setUntilDay(DayOption(args, "responsible designate", "until"));
    r.setDocNumber(NeedOption(args, cmd, "doc", "the written designation's 文号 (GD Art. 19)"));
    r.setBy(NeedOption(args, cmd, "by", "the 法定定密责任人 who designates"));
    auto items = Split(args.Get("art17"));
    auto a17 = r.initArt17(items.size());
    for (size_t i = 0; i < items.size(); ++i) a17.set(i, items[i]);
    r.setCriminal(args.Flag("criminal"));
    if (args.Has("dismissed-on"))
      r.setDismissalDay(DayOption(args, "responsible designate", "dismissed-on"));
    if (args.Has("disciplined-on")) {
      r.setDisciplineDay(DayOption(args, "responsible designate", "disciplined-on"));
    }
    r.setUnqualified(args.Flag("unqualified"));
    auto dates = Split(args.Get("violations"));
    auto v = r.initViolationDays(dates.size());
    for (size_t i = 0; i < dates.size(); ++i) {
      std::string why;
      auto day = calendar::ParseInputDate(dates[i], &why);
      if (!day) throw UsageError("responsible designate: --violations: " + why);
      v.set(i, day->days);
    }
    r.setOther(args.Get("other"));
  } else if (sub == "revoke") {
    r.setOp(Op::REVOKE);
    r.setName(NeedOption(args, cmd, "name", "the designee"));
    r.setBy(NeedOption(args, cmd, "by", "the 法定定密责任人"));
    r.setReason(NeedOption(args, cmd, "reason", "why the designation ends (GD Art. 22)"));
  } else if (sub == "file") {
    r.setOp(Op::FILE);
    auto names = Split(args.Get("materials"));
    auto list = r.initMaterials(names.size());
    for (size_t i = 0; i < names.size(); ++i) list.set(i, names[i]);
    r.setBy(NeedOption(args, cmd, "by", "who submits the 备案"));
  } else {
    throw UsageError("responsible: unknown step '" + sub + "' (see zhuji responsible --help)");
  }
  if (sub != "list" && args.Get("organ").empty()) {
    throw UsageError("responsible " + sub + ": which organ? (--organ CODE)");
  }
  auto reply = Call(args, ctx, msg);
  auto regs = reply->Root<schema::ControlReply>().getRegisters();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto g : regs) {
      j.BeginObject().Key("organ").String(g.getOrgan().cStr());
      j.Key("organ_name").String(g.getOrganName().cStr()).Key("version").Uint(g.getVersion());
      j.Key("filing_owed").String(g.getFilingOwed().cStr()).Key("persons");
      PersonsJson(j, g.getPersons());
      j.EndObject();
    }
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  for (auto g : regs) {
    out << "定密责任人 " << g.getOrganName().cStr() << " (" << g.getOrgan().cStr() << ")  v"
        << g.getVersion();
    if (g.getFilingOwed().size()) {
      out << "  待备案 GD Art. 21 filing owed: " << g.getFilingOwed().cStr();
    }
    out << "\n";
    PrintPersons(g.getPersons(), out);
  }
  if (regs.size() == 0) out << "(no register of 定密责任人 on this node)\n";
  return 0;
}

}  // namespace zhuji::tools
