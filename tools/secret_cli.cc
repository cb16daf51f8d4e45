// `zhuji secret …`: an organ's own determinations (GD Art. 25-40) over a node's control socket:
// its 保密事项一览表, the handler's proposal, the 定密责任人's approval, correction or return, the
// organ's register of state secrets, the yearly review, changes with their written notices, and
// the copies held for organs in a 知悉范围.
#include <capnp/message.h>
#include <toml++/toml.h>

#include <iostream>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

using Op = schema::SecretRequest::Op;

std::string When(int64_t ms) { return ms ? FormatCst(ms) : "-"; }

constexpr const char* kSecretUsage =
    R"(zhuji [NODE] secret — an organ's own determinations (GD Art. 25-28)

  secret scope --organ CODE [--json]      the organ's 保密事项一览表 (GD Art. 25)
  secret scope-approve --organ CODE --file LIST.toml --by 法定定密责任人
        a new version of the list, approved by the organ's 法定定密责任人 (GD Art. 26); the file
        has one [[entry]] per matter: name, basis (法律法规依据), mark (密级★期限), scope
        (知悉范围), department (承办部门); none beyond the organ's authority
  secret propose --organ CODE --entry N --title T --mark 秘密★5年 --scope S --basis B
        --reasons R [--scope-organs A,B] [--key-points K] [--arose-on YYYY-MM-DD] --by 承办人
        GD Art. 27 (一): the handler's proposal, referring to entry N of the list; the organ
        determines within 10 working days of the day the matter arose (GD Art. 28), managed at
        the proposed level meanwhile. 知悉范围: --scope names the persons, --scope-organs the
        other organs (a code of this node or NODE/CODE), who get a copy once it is approved
  secret propose ID --entry N --title T --mark … --by 承办人     again after a return
  secret approve ID --by 定密责任人 [--mark M] [--scope S] [--scope-organs A,B]
        GD Art. 27 (二): approve, or correct directly (直接纠正) with another mark or scope
  secret return ID --by 定密责任人 --reason TEXT                  退回重新办理
  secret list [--organ CODE] [--json]     the register of state secrets and the proposals
  secret list --held [--organ CODE]       copies held for this node's organs in a 知悉范围
  secret show ID [--json]

  After approval (GD Art. 34-40), by a 定密责任人 of the organ, in writing (--doc 文号):
  secret extend ID --mark 秘密★10年 --doc D --reason R --by NAME
        延长保密期限 (GD Art. 36): decided within the last 30 working days before the term ends;
        the written notice must reach every organ in the 知悉范围 by the 10th working day
        before that day (a recipient not receipted by then is raised to the supervising dept)
  secret shorten ID --mark 秘密★2年 --doc D --reason R --by NAME    缩短 (GD Art. 37)
  secret change ID [--mark M] [--scope S] [--scope-organs A,B] --doc D --reason R --by NAME
        变更 level, term or 知悉范围 (GD Art. 35); notified within 10 working days (GD Art. 40)
  secret release ID --doc D --reason R --by NAME                     解除 (GD Art. 38, 40)
        any of them: [--ground own|superior|secrecy-dept|published --source 文号] — a superior's
        or the business dept's notice, a secrecy dept's recommendation (GD Art. 35, 38);
        published (正式公布): a release without notice (GD Art. 40)
  secret notices [ID] [--organ CODE] [--json]
        the written notices sent and each recipient's 签收 (receipt)
  secret review ID --by NAME              年度审核 (GD Art. 34): reviewed this year, kept
  secret review-due --organ CODE          the organ's items not reviewed this year
  An item is released by itself on the day its term ends (GD Art. 39), on every node holding it.
)";

void SecretJson(JsonWriter& j, schema::SecretView::Reader s) {
  j.BeginObject().Key("id").String(s.getId().cStr()).Key("organ").String(s.getOrgan().cStr());
  j.Key("title").String(s.getTitle().cStr()).Key("entry").Int(s.getEntryNo());
  j.Key("list_version").Uint(s.getListVersion()).Key("proposed").String(s.getProposed().cStr());
  j.Key("scope").String(s.getScope().cStr()).Key("basis").String(s.getBasis().cStr());
  j.Key("reasons").String(s.getReasons().cStr()).Key("handler").String(s.getHandler().cStr());
  j.Key("arose_on").String(s.getAroseOn().cStr()).Key("state").String(s.getState().cStr());
  j.Key("state_zh").String(s.getStateZh().cStr()).Key("mark").String(s.getMark().cStr());
  j.Key("corrected").Bool(s.getCorrected()).Key("approved_by").String(s.getApprovedBy().cStr());
  j.Key("approved_ms").Int(s.getApprovedAt()).Key("due_ms").Int(s.getDueAt());
  j.Key("return_reason").String(s.getReturnReason().cStr());
  j.Key("scope_organs").BeginArray();
  for (auto o : s.getScopeOrgans()) j.String(o.getAddress().cStr());
  j.EndArray();
  j.Key("version").Uint(s.getVersion()).Key("determined_on").String(s.getDeterminedOn().cStr());
  j.Key("releases_on").String(s.getReleasesOn().cStr());
  j.Key("reviewed_year").Int(s.getReviewedYear());
  j.Key("released_on").String(s.getReleasedOn().cStr());
  j.Key("release_reason").String(s.getReleaseReason().cStr()).Key("held").Bool(s.getHeld());
  j.EndObject();
}

void NoticeJson(JsonWriter& j, schema::SecretNoticeView::Reader n) {
  j.BeginObject().Key("id").String(n.getId().cStr()).Key("secret").String(n.getSecretId().cStr());
  j.Key("title").String(n.getTitle().cStr()).Key("organ").String(n.getOrgan().cStr());
  j.Key("version").Uint(n.getVersion()).Key("kind").String(n.getKind().cStr());
  j.Key("rule").String(n.getRule().cStr()).Key("doc").String(n.getDocNumber().cStr());
  j.Key("mark").String(n.getMark().cStr()).Key("decided_ms").Int(n.getDecidedAt());
  j.Key("due_ms").Int(n.getDueAt()).Key("recipients").BeginArray();
  for (auto r : n.getRecipients()) {
    j.BeginObject().Key("organ").String(r.getOrgan().cStr());
    j.Key("name").String(r.getOrganName().cStr());
    j.Key("receipted_ms").Int(r.getReceiptedAt()).EndObject();
  }
  j.EndArray().EndObject();
}

void PrintNotice(schema::SecretNoticeView::Reader n, std::ostream& out) {
  size_t done = 0;
  for (auto r : n.getRecipients()) done += r.getReceiptedAt() != 0;
  out << n.getId().cStr() << "  书面通知 " << n.getKindZh().cStr() << "  「" << n.getTitle().cStr()
      << "」  " << n.getMark().cStr() << "  签收 " << done << "/" << n.getRecipients().size();
  if (n.getRule().size()) {
    out << "  " << n.getRule().cStr() << (n.getDueAt() ? " due " + FormatDueCst(n.getDueAt()) : "");
  }
  out << "\n";
  for (auto r : n.getRecipients()) {
    out << "    " << (r.getReceiptedAt() ? "已签收 " + When(r.getReceiptedAt()) : "未签收 not yet")
        << "  " << r.getOrganName().cStr() << " (" << r.getOrgan().cStr() << ")\n";
  }
}

void PrintSecret(schema::SecretView::Reader s, bool full, std::ostream& out) {
  out << s.getId().cStr() << "  「" << s.getTitle().cStr() << "」  " << s.getStateZh().cStr()
      << "  " << (s.getMark().size() ? s.getMark().cStr() : s.getProposed().cStr());
  if (s.getState() != "approved" && s.getDueAt()) {
    out << "  due " << FormatDueCst(s.getDueAt()) << " (GD Art. 28)";
  }
  if (s.getState() == "released") out << "  (" << s.getReleasedOn().cStr() << ")";
  if (s.getHeld()) out << "  [副本 copy of " << s.getOrganName().cStr() << "]";
  out << "\n";
  if (!full) return;
  out << "  机关 organ          " << s.getOrganName().cStr() << " (" << s.getOrgan().cStr() << ")\n"
      << "  一览表 entry        第 " << s.getEntryNo() << " 项「" << s.getEntryName().cStr()
      << "」 (version " << s.getListVersion() << ")\n"
      << "  拟定 proposed       " << s.getProposed().cStr() << " by 承办人 "
      << s.getHandler().cStr() << "，事项产生于 arose on " << s.getAroseOn().cStr() << "\n"
      << "  知悉范围 scope      " << s.getScope().cStr() << "\n";
  if (s.getScopeOrgans().size()) {
    out << "  知悉范围 organs    ";
    for (auto o : s.getScopeOrgans()) {
      out << " " << (o.getName().size() ? o.getName().cStr() : o.getAddress().cStr()) << " ("
          << o.getAddress().cStr() << ")";
    }
    out << "\n";
  }
  out << "  依据和理由 basis    " << s.getBasis().cStr() << "；" << s.getReasons().cStr() << "\n";
  if (s.getKeyPoints().size()) out << "  保密要点 key points " << s.getKeyPoints().cStr() << "\n";
  if (s.getState() == "approved") {
    out << "  确定 determined     " << s.getMark().cStr()
        << (s.getCorrected() ? " (直接纠正 corrected)" : "") << " by " << s.getApprovedBy().cStr()
        << ", " << When(s.getApprovedAt()) << "\n";
  }
  if (s.getVersion()) {
    out << "  确定之日 determined " << s.getDeterminedOn().cStr() << " (version " << s.getVersion()
        << ")；"
        << (s.getReleasesOn().size()
                ? "自行解密 releases on " + std::string(s.getReleasesOn().cStr())
                : std::string("解密条件: released by a decision only"))
        << (s.getReviewedYear() ? "；年度审核 reviewed " + std::to_string(s.getReviewedYear())
                                : std::string())
        << "\n";
  }
  if (s.getHeld()) out << "  副本 copy held here for the organs of this node in its 知悉范围\n";
  if (s.getState() == "released") {
    out << "  解密 released       " << s.getReleasedOn().cStr() << "："
        << s.getReleaseReason().cStr() << "\n";
  }
  if (s.getState() == "returned")
    out << "  退回 returned       " << s.getReturnReason().cStr() << "\n";
  out << "  经过 trail:\n";
  for (auto e : s.getHistory()) {
    out << "    " << When(e.getAt()) << "  " << e.getOrgan().cStr() << "  " << e.getAction().cStr()
        << (e.getDetail().size() ? "：" + std::string(e.getDetail().cStr()) : "") << "\n";
  }
}

}  // namespace

int CmdSecret(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kSecretUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions({"organ", "file", "by", "entry", "title", "mark", "scope", "basis",
                          "reasons", "key-points", "arose-on", "reason", "json", "scope-organs",
                          "doc", "ground", "source", "kind", "held"}));
  const std::string& sub = pos[1];
  const std::string cmd = "secret " + sub;
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initSecret();
  r.setOrgan(args.Get("organ"));
  std::string id = pos.size() > 2 ? pos[2] : "";
  r.setId(id);
  auto organs = [&] {
    std::vector<std::string> names;
    std::string all = args.Get("scope-organs");
    for (size_t at = 0; at <= all.size() && !all.empty();) {
      size_t comma = all.find_first_of(",，", at);
      if (comma == std::string::npos) comma = all.size();
      if (comma > at) names.push_back(all.substr(at, comma - at));
      at = comma + (all.compare(comma, 3, "，") == 0 ? 3 : 1);
    }
    auto list = r.initScopeOrgans(names.size());
    for (size_t i = 0; i < names.size(); ++i) list.set(i, names[i]);
  };
  if (sub == "list") {
    r.setOp(Op::LIST);
    r.setHeld(args.Flag("held"));
  } else if (sub == "notices") {
    r.setOp(Op::NOTICES);
  } else if (sub == "review-due") {
    NeedOption(args, cmd, "organ", "the organ's code on this node");
    r.setOp(Op::REVIEW_DUE);
  } else if (sub == "review") {
    if (id.empty()) throw UsageError(cmd + ": which determination? (secret review ID)");
    r.setOp(Op::REVIEW);
    r.setBy(NeedOption(args, cmd, "by", "a 定密责任人 of the organ"));
  } else if (sub == "extend" || sub == "shorten" || sub == "change" || sub == "release") {
    if (id.empty()) throw UsageError(cmd + ": which determination? (" + cmd + " ID)");
    r.setOp(Op::CHANGE);
    r.setChangeKind(sub);
    if (sub == "extend" || sub == "shorten") {
      r.setMark(NeedOption(args, cmd, "mark", "the new term from 确定之日, e.g. 秘密★10年"));
    } else {
      r.setMark(args.Get("mark"));
    }
    r.setScope(args.Get("scope"));
    organs();
    r.setDocNumber(NeedOption(args, cmd, "doc", "the written decision's 文号"));
    r.setReason(NeedOption(args, cmd, "reason", "why"));
    r.setGround(args.Get("ground"));
    r.setSource(args.Get("source"));
    r.setBy(NeedOption(args, cmd, "by", "a 定密责任人 of the organ"));
  } else if (sub == "show") {
    if (id.empty()) throw UsageError("secret show: which determination? (secret show ID)");
    r.setOp(Op::SHOW);
  } else if (sub == "scope") {
    NeedOption(args, cmd, "organ", "the organ's code on this node");
    r.setOp(Op::SCOPE);
  } else if (sub == "scope-approve") {
    NeedOption(args, cmd, "organ", "the organ's code on this node");
    r.setOp(Op::SCOPE_APPROVE);
    r.setBy(NeedOption(args, cmd, "by", "the organ's 法定定密责任人"));
    toml::table t;
    try {
      t = toml::parse_file(NeedOption(args, cmd, "file", "the list, one [[entry]] per matter"));
    } catch (const toml::parse_error& e) {
      throw UsageError(cmd + ": " + std::string(e.description()));
    }
    auto* entries = t["entry"].as_array();
    if (!entries) throw UsageError(cmd + ": the file has no [[entry]]");
    auto list = r.initEntries(entries->size());
    for (size_t i = 0; i < entries->size(); ++i) {
      auto* e = (*entries)[i].as_table();
      if (!e) throw UsageError(cmd + ": [[entry]] entries must be tables");
      list[i].setName((*e)["name"].value_or(std::string()));
      list[i].setBasis((*e)["basis"].value_or(std::string()));
      list[i].setMark((*e)["mark"].value_or(std::string()));
      list[i].setScope((*e)["scope"].value_or(std::string()));
      list[i].setDepartment((*e)["department"].value_or(std::string()));
    }
  } else if (sub == "propose") {
    r.setOp(Op::PROPOSE);
    if (id.empty()) NeedOption(args, cmd, "organ", "the organ's code on this node");
    r.setEntryNo(static_cast<int32_t>(args.GetInt("entry", 0, 0, 100000)));
    r.setTitle(NeedOption(args, cmd, "title", "what the matter is"));
    r.setMark(NeedOption(args, cmd, "mark", "the proposed level and term, e.g. 秘密★5年"));
    r.setScope(NeedOption(args, cmd, "scope", "知悉范围"));
    r.setBasis(NeedOption(args, cmd, "basis", "依据"));
    r.setReasons(NeedOption(args, cmd, "reasons", "理由"));
    r.setKeyPoints(args.Get("key-points"));
    organs();
    r.setBy(NeedOption(args, cmd, "by", "the 承办人"));
    if (args.Has("arose-on")) {
      std::string why;
      auto day = calendar::ParseInputDate(args.Get("arose-on"), &why);
      if (!day) throw UsageError(cmd + ": --arose-on: " + why);
      r.setAroseDay(day->days);
    }
  } else if (sub == "approve" || sub == "return") {
    if (id.empty()) throw UsageError(cmd + ": which determination? (" + cmd + " ID)");
    r.setOp(sub == "approve" ? Op::APPROVE : Op::RETURN);
    r.setBy(NeedOption(args, cmd, "by", "a 定密责任人 of the organ"));
    r.setMark(args.Get("mark"));
    r.setScope(args.Get("scope"));
    if (sub == "approve") organs();
    if (sub == "return") r.setReason(NeedOption(args, cmd, "reason", "what is to be done again"));
  } else {
    throw UsageError("secret: unknown step '" + sub + "' (see zhuji secret --help)");
  }
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.CallOk(msg, NodeTimeoutMs(args));
  if (sub == "scope-approve") {  // show the list as approved
    r.setOp(Op::SCOPE);
    reply = client.CallOk(msg, NodeTimeoutMs(args));
  }
  auto rep = reply->Root<schema::ControlReply>();
  if (rep.isScopeList()) {
    auto l = rep.getScopeList();
    if (args.Flag("json")) {
      JsonWriter j;
      j.BeginObject().Key("organ").String(l.getOrgan().cStr()).Key("version").Uint(l.getVersion());
      j.Key("approved_by").String(l.getApprovedBy().cStr()).Key("entries").BeginArray();
      for (auto e : l.getEntries()) {
        j.BeginObject().Key("no").Int(e.getNo()).Key("name").String(e.getName().cStr());
        j.Key("basis").String(e.getBasis().cStr()).Key("mark").String(e.getMark().cStr());
        j.Key("scope").String(e.getScope().cStr());
        j.Key("department").String(e.getDepartment().cStr()).EndObject();
      }
      j.EndArray().EndObject();
      out << j.str() << "\n";
      return 0;
    }
    if (!l.getVersion()) {
      out << l.getOrganName().cStr() << ": no 保密事项一览表 approved yet (GD Art. 25, 26)\n";
      return 0;
    }
    out << "保密事项一览表 " << l.getOrganName().cStr() << " (" << l.getOrgan().cStr()
        << ") version " << l.getVersion() << ", 审查批准 approved by " << l.getApprovedBy().cStr()
        << " " << When(l.getApprovedAt()) << " (GD Art. 26)\n";
    for (auto e : l.getEntries()) {
      out << "  " << e.getNo() << ". " << e.getName().cStr() << "  " << e.getMark().cStr()
          << "  知悉范围 " << e.getScope().cStr() << "  承办部门 " << e.getDepartment().cStr()
          << "  依据 " << e.getBasis().cStr() << "\n";
    }
    return 0;
  }
  if (rep.isSecretNotices()) {
    auto notices = rep.getSecretNotices();
    if (args.Flag("json")) {
      JsonWriter j;
      j.BeginArray();
      for (auto n : notices) NoticeJson(j, n);
      j.EndArray();
      out << j.str() << "\n";
      return 0;
    }
    out << "书面通知 written notices sent from this node: " << notices.size() << "\n";
    for (auto n : notices) PrintNotice(n, out);
    return 0;
  }
  for (auto w : rep.getWarnings()) {
    (args.Flag("json") ? std::cerr : out) << "注意 note: " << w.cStr() << "\n";
  }
  auto secrets = rep.getSecrets();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto s : secrets) SecretJson(j, s);
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") {
    out << (args.Flag("held") ? "知悉范围副本 copies held for this node's organs: "
                              : "国家秘密登记 determinations on this node: ")
        << secrets.size() << "\n";
  }
  if (sub == "review-due") {
    out << "年度审核 items of " << args.Get("organ")
        << " not reviewed this year (GD Art. 34): " << secrets.size() << "\n";
  }
  for (auto s : secrets) PrintSecret(s, sub != "list" && sub != "review-due", out);
  return 0;
}

}  // namespace zhuji::tools
