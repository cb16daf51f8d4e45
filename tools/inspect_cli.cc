// `zhuji inspect …`: supervision of classification work (定密监督, GD Art. 41-44) over a node's
// control socket: inspections on the nine points of GD Art. 43, self-inspections, correction
// notices (GD Art. 44), each with its findings, rectification request and report.
#include <capnp/message.h>

#include "services/calendar/date.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

using Op = schema::InspectionRequest::Op;

constexpr const char* kInspectUsage =
    R"(zhuji [NODE] inspect — supervision of classification work (定密监督, GD Art. 41-44)

  inspect open --organ CODE --target NODE/CODE --points 1,3,6 --by NAME
        定密检查 (GD Art. 43): a secrecy admin dept of the organ's region, or a superior organ
        of its line, inspects it on points of (一)-(九):
          1 领导责任制  2 制度  3 授权及报备  4 定密责任人指定、报备  5 定密责任人履职
          6 定密行为合法、规范  7 纠正和改进  8 年度审核、统计、报告  9 其他
  inspect open --organ CODE --kind self --points 1-9 --by NAME      定密自查 (Art. 43 ¶2)
  inspect open --organ CODE --target NODE/CODE --kind correction --subject grant|responsible
        --detail "授权 ID or the person" --request "…" --due YYYY-MM-DD [--adjust] --by NAME
        纠正通知 (GD Art. 44): an improper grant, or a 定密责任人 failing their duties, to be
        corrected by the date (--adjust: with a written recommendation to adjust, 书面建议调整)
  inspect request ID --findings "3:…；6:…" --request "整改意见" --due YYYY-MM-DD --by NAME
        the findings and the rectification request (GD Art. 41); without findings: closed
  inspect report ID --report "整改报告" --by NAME   the organ's rectification report
  inspect close ID [--closing TEXT] --by NAME       closed by who opened it
  inspect list [--organ CODE] [--json] ; inspect show ID [--json]
The rectification report is a duty of the organ (`zhuji deadlines`), overdue to the secrecy
admin dept that supervises it.
)";

std::string When(int64_t ms) { return ms ? FormatCst(ms) : "-"; }

void CaseJson(JsonWriter& j, schema::InspectionView::Reader c) {
  j.BeginObject().Key("id").String(c.getId().cStr()).Key("kind").String(c.getKind().cStr());
  j.Key("by").String(c.getByOrgan().getAddress().cStr());
  j.Key("organ").String(c.getOrgan().getAddress().cStr());
  j.Key("state").String(c.getState().cStr()).Key("rectify_by").String(c.getRectifyBy().cStr());
  j.Key("findings").BeginArray();
  for (auto f : c.getFindings()) j.String(f.cStr());
  j.EndArray().Key("request").String(c.getRequest().cStr());
  j.Key("report").String(c.getReport().cStr()).Key("reported_ms").Int(c.getReportedAt());
  j.Key("closed_ms").Int(c.getClosedAt()).EndObject();
}

void PrintCase(schema::InspectionView::Reader c, bool full, std::ostream& out) {
  out << c.getId().cStr() << "  " << c.getKindZh().cStr() << "  " << c.getByOrgan().getName().cStr()
      << " → " << c.getOrgan().getName().cStr() << "  " << c.getStateZh().cStr();
  if (c.getState() == "rectifying") out << "  整改报告 due " << c.getRectifyBy().cStr();
  out << "\n";
  if (!full) return;
  for (auto p : c.getPoints()) out << "  检查事项 point     " << p.cStr() << "\n";
  if (c.getSubject().size()) {
    out << "  纠正事项 subject   " << c.getSubject().cStr() << "：" << c.getSubjectDetail().cStr()
        << (c.getAdjust() ? "（书面建议调整 adjustment recommended）" : "") << "\n";
  }
  for (auto f : c.getFindings()) out << "  发现问题 finding   " << f.cStr() << "\n";
  if (c.getRequest().size()) out << "  整改意见 request   " << c.getRequest().cStr() << "\n";
  if (c.getReport().size()) {
    out << "  整改报告 report    " << c.getReport().cStr() << " (" << c.getReportedBy().cStr()
        << ", " << When(c.getReportedAt()) << ")\n";
  }
  if (c.getClosedAt()) {
    out << "  结束 closed        " << c.getClosing().cStr() << " (" << c.getClosedBy().cStr()
        << ", " << When(c.getClosedAt()) << ")\n";
  }
  out << "  经过 trail:\n";
  for (auto e : c.getHistory()) {
    out << "    " << When(e.getAt()) << "  " << e.getOrgan().cStr() << "  " << e.getAction().cStr()
        << (e.getDetail().size() ? "：" + std::string(e.getDetail().cStr()) : "") << "\n";
  }
}

}  // namespace

int CmdInspect(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() < 2 || args.Flag("help")) {
    out << kInspectUsage;
    return pos.size() < 2 && !args.Flag("help") ? 2 : 0;
  }
  args.Allow(NodeOptions({"organ", "target", "kind", "points", "subject", "detail", "adjust",
                          "request", "findings", "due", "report", "closing", "by", "json"}));
  const std::string& sub = pos[1];
  const std::string cmd = "inspect " + sub;
  std::string id = pos.size() > 2 ? pos[2] : "";
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initInspection();
  r.setId(id);
  r.setOrgan(args.Get("organ"));
  r.setBy(args.Get("by"));
  auto need = [&](const char* name, const char* what) {
    std::string v = args.Get(name);
    if (v.empty()) throw UsageError(cmd + ": --" + name + " is required (" + what + ")");
    return v;
  };
  auto due = [&] {
    if (!args.Has("due")) return;
    std::string why;
    auto day = calendar::ParseInputDate(args.Get("due"), &why);
    if (!day) throw UsageError(cmd + ": --due: " + why);
    r.setDueDay(day->days);
  };
  if (sub == "list") {
    r.setOp(Op::LIST);
  } else if (sub == "show") {
    if (id.empty()) throw UsageError("inspect show: which case? (inspect show ID)");
    r.setOp(Op::SHOW);
  } else if (sub == "open") {
    r.setOp(Op::OPEN);
    need("organ", "who inspects: an organ's code on this node");
    need("by", "who opens it");
    r.setTarget(args.Get("target"));
    r.setKind(args.Get("kind"));
    std::vector<int> points;
    std::string list = args.Get("points");
    if (list == "1-9" || list == "all") list = "1,2,3,4,5,6,7,8,9";
    for (size_t at = 0; at < list.size();) {
      size_t comma = list.find(',', at);
      std::string p = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      try {
        points.push_back(std::stoi(p));
      } catch (const std::exception&) {
        throw UsageError(cmd + ": --points is a list of 1-9, e.g. 1,3,6 (not '" + p + "')");
      }
      at = comma == std::string::npos ? list.size() : comma + 1;
    }
    auto ps = r.initPoints(points.size());
    for (size_t i = 0; i < points.size(); ++i) ps.set(i, points[i]);
    r.setSubject(args.Get("subject"));
    r.setDetail(args.Get("detail"));
    r.setAdjust(args.Flag("adjust"));
    r.setRequest(args.Get("request"));
    due();
  } else if (sub == "request" || sub == "report" || sub == "close") {
    if (id.empty()) throw UsageError(cmd + ": which case? (" + cmd + " ID)");
    need("by", "who acts");
    if (sub == "request") {
      r.setOp(Op::REQUEST);
      r.setFindings(args.Get("findings"));
      r.setRequest(args.Get("request"));
      due();
    } else if (sub == "report") {
      r.setOp(Op::REPORT);
      r.setReport(need("report", "what was rectified"));
    } else {
      r.setOp(Op::CLOSE);
      r.setClosing(args.Get("closing"));
    }
  } else {
    throw UsageError("inspect: unknown step '" + sub + "' (see zhuji inspect --help)");
  }
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.CallOk(msg, NodeTimeoutMs(args));
  auto cases = reply->Root<schema::ControlReply>().getInspections();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto c : cases) CaseJson(j, c);
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (sub == "list") out << "定密监督 supervision cases on this node: " << cases.size() << "\n";
  for (auto c : cases) PrintCase(c, sub != "list", out);
  return 0;
}

}  // namespace zhuji::tools
