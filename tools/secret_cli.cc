// `zhuji secret …`: an organ's own determinations (GD Art. 25-28) over a node's control socket:
// its 保密事项一览表, the handler's proposal, the 定密责任人's approval, correction or return, and
// the organ's register of state secrets.
#include <capnp/message.h>
#include <toml++/toml.h>

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

std::string Need(const Args& args, const std::string& cmd, const char* name, const char* what) {
  std::string v = args.Get(name);
  if (v.empty()) throw UsageError(cmd + ": --" + name + " is required (" + what + ")");
  return v;
}

constexpr const char* kSecretUsage =
    R"(zhuji [NODE] secret — an organ's own determinations (GD Art. 25-28)

  secret scope --organ CODE [--json]      the organ's 保密事项一览表 (GD Art. 25)
  secret scope-approve --organ CODE --file LIST.toml --by 法定定密责任人
        a new version of the list, approved by the organ's 法定定密责任人 (GD Art. 26); the file
        has one [[entry]] per matter: name, basis (法律法规依据), mark (密级★期限), scope
        (知悉范围), department (承办部门); none beyond the organ's authority
  secret propose --organ CODE --entry N --title T --mark 秘密★5年 --scope S --basis B
        --reasons R [--key-points K] [--arose-on YYYY-MM-DD] --by 承办人
        GD Art. 27 (一): the handler's proposal, referring to entry N of the list; the organ
        determines within 10 working days of the day the matter arose (GD Art. 28), managed at
        the proposed level meanwhile
  secret propose ID --entry N --title T --mark … --by 承办人     again after a return
  secret approve ID --by 定密责任人 [--mark M] [--scope S]
        GD Art. 27 (二): approve, or correct directly (直接纠正) with another mark or scope
  secret return ID --by 定密责任人 --reason TEXT                  退回重新办理
  secret list [--organ CODE] [--json]     the register of state secrets and the proposals
  secret show ID [--json]
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
  j.EndObject();
}

void PrintSecret(schema::SecretView::Reader s, bool full, std::ostream& out) {
  out << s.getId().cStr() << "  「" << s.getTitle().cStr() << "」  " << s.getStateZh().cStr()
      << "  " << (s.getMark().size() ? s.getMark().cStr() : s.getProposed().cStr());
  if (s.getState() != "approved" && s.getDueAt()) {
    out << "  due " << FormatDueCst(s.getDueAt()) << " (GD Art. 28)";
  }
  out << "\n";
  if (!full) return;
  out << "  机关 organ          " << s.getOrganName().cStr() << " (" << s.getOrgan().cStr() << ")\n"
      << "  一览表 entry        第 " << s.getEntryNo() << " 项「" << s.getEntryName().cStr()
      << "」 (version " << s.getListVersion() << ")\n"
      << "  拟定 proposed       " << s.getProposed().cStr() << " by 承办人 "
      << s.getHandler().cStr() << "，事项产生于 arose on " << s.getAroseOn().cStr() << "\n"
      << "  知悉范围 scope      " << s.getScope().cStr() << "\n"
      << "  依据和理由 basis    " << s.getBasis().cStr() << "；" << s.getReasons().cStr() << "\n";
  if (s.getKeyPoints().size()) out << "  保密要点 key points " << s.getKeyPoints().cStr() << "\n";
  if (s.getState() == "approved") {
    out << "  确定 determined     " << s.getMark().cStr()
        << (s.getCorrected() ? " (直接纠正 corrected)" : "") << " by " << s.getApprovedBy().cStr()
        << ", " << When(s.getApprovedAt()) << "\n";
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
                          "reasons", "key-points", "arose-on", "reason", "json"}));
  const std::string& sub = pos[1];
  const std::string cmd = "secret " + sub;
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initSecret();
  r.setOrgan(args.Get("organ"));
  std::string id = pos.size() > 2 ? pos[2] : "";
  r.setId(id);
  if (sub == "list") {
    r.setOp(Op::LIST);
  } else if (sub == "show") {
    if (id.empty()) throw UsageError("secret show: which determination? (secret show ID)");
    r.setOp(Op::SHOW);
  } else if (sub == "scope") {
    Need(args, cmd, "organ", "the organ's code on this node");
    r.setOp(Op::SCOPE);
  } else if (sub == "scope-approve") {
    Need(args, cmd, "organ", "the organ's code on this node");
    r.setOp(Op::SCOPE_APPROVE);
    r.setBy(Need(args, cmd, "by", "the organ's 法定定密责任人"));
    toml::table t;
    try {
      t = toml::parse_file(Need(args, cmd, "file", "the list, one [[entry]] per matter"));
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
    if (id.empty()) Need(args, cmd, "organ", "the organ's code on this node");
    r.setEntryNo(static_cast<int32_t>(args.GetInt("entry", 0, 0, 100000)));
    r.setTitle(Need(args, cmd, "title", "what the matter is"));
    r.setMark(Need(args, cmd, "mark", "the proposed level and term, e.g. 秘密★5年"));
    r.setScope(Need(args, cmd, "scope", "知悉范围"));
    r.setBasis(Need(args, cmd, "basis", "依据"));
    r.setReasons(Need(args, cmd, "reasons", "理由"));
    r.setKeyPoints(args.Get("key-points"));
    r.setBy(Need(args, cmd, "by", "the 承办人"));
    if (args.Has("arose-on")) {
      std::string why;
      auto day = calendar::ParseInputDate(args.Get("arose-on"), &why);
      if (!day) throw UsageError(cmd + ": --arose-on: " + why);
      r.setAroseDay(day->days);
    }
  } else if (sub == "approve" || sub == "return") {
    if (id.empty()) throw UsageError(cmd + ": which determination? (" + cmd + " ID)");
    r.setOp(sub == "approve" ? Op::APPROVE : Op::RETURN);
    r.setBy(Need(args, cmd, "by", "a 定密责任人 of the organ"));
    r.setMark(args.Get("mark"));
    r.setScope(args.Get("scope"));
    if (sub == "return") r.setReason(Need(args, cmd, "reason", "what is to be done again"));
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
  auto secrets = rep.getSecrets();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto s : secrets) SecretJson(j, s);
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") out << "国家秘密登记 determinations on this node: " << secrets.size() << "\n";
  for (auto s : secrets) PrintSecret(s, sub != "list", out);
  return 0;
}

}  // namespace zhuji::tools
