// `zhuji stats …`: the yearly classification statistics (年度定密统计, GD Art. 46, 47) over a
// node's control socket: an organ's figures from its records, its report to the same-level dept
// (and its grantor), the region's roll-up to the dept above, and the table of what was reported.
#include <capnp/message.h>

#include <iomanip>

#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

using Op = schema::StatsRequest::Op;

constexpr const char* kStatsUsage =
    R"(zhuji [NODE] stats — the yearly classification statistics (年度定密统计, GD Art. 46, 47)

  stats [--year Y] [--json]
        the table of year Y (default: the past year) on this node: every organ's report
        (filed, late, owed: GD Art. 46 ¶1, by the end of February), the region reports of the
        nodes one level down (GD Art. 46 ¶3, by the end of March), copies from grantees
        (GD Art. 46 ¶2), and this node's region: as filed, or the sum of what was reported
  stats compute --organ CODE [--year Y]   an organ's figures from its records (not filed)
  stats file --organ CODE --by 法定定密责任人 [--year Y]
        the organ's report, approved by its 法定定密责任人, filed with the same-level secrecy
        admin dept (an authorized organ's also goes to its grantor); filing again replaces it
  stats file-region --by 法定定密责任人 [--year Y]
        the node's secrecy admin dept sums its organs' reports and the regions' below, and
        reports to the dept one level up (the province: to 同级党委、政府, GD Art. 47)
  Figures: 确定 by level (秘密/机密/绝密), 变更 (incl. 延长, 缩短), 解除 (incl. 自行解密), 上报
  (不明确事项, 有争议事项, 定密申请), 定密授权 made, 定密责任人 in office, organs counted.
  The current year may be filed before it ends: figures to date, to be filed again.
)";

void RowJson(JsonWriter& j, schema::StatRow::Reader r) {
  j.BeginObject().Key("id").String(r.getId().cStr()).Key("kind").String(r.getKind().cStr());
  j.Key("organ").String(r.getOrgan().cStr()).Key("name").String(r.getName().cStr());
  j.Key("version").Uint(r.getVersion()).Key("filed_ms").Int(r.getFiledAt());
  j.Key("filed_by").String(r.getFiledBy().cStr()).Key("due_ms").Int(r.getDueAt());
  j.Key("state").String(r.getState().cStr()).Key("year_complete").Bool(r.getYearComplete());
  auto f = r.getFigures();
  j.Key("mimi").Int(f.getMimi()).Key("jimi").Int(f.getJimi()).Key("juemi").Int(f.getJuemi());
  j.Key("changed").Int(f.getChanged()).Key("released").Int(f.getReleased());
  j.Key("escalated").Int(f.getEscalated()).Key("grants").Int(f.getGrants());
  j.Key("responsible").Int(f.getResponsible()).Key("organs").Int(f.getOrgans());
  j.Key("missing").BeginArray();
  for (auto m : r.getMissing()) j.String(m.cStr());
  j.EndArray().EndObject();
}

void PrintRow(schema::StatRow::Reader r, std::ostream& out) {
  auto n = [](int64_t v) {
    std::ostringstream s;
    s << std::setw(5) << v;
    return s.str();
  };
  auto f = r.getFigures();
  out << n(f.getMimi()) << n(f.getJimi()) << n(f.getJuemi()) << n(f.getChanged())
      << n(f.getReleased()) << n(f.getEscalated()) << n(f.getGrants()) << n(f.getResponsible())
      << n(f.getOrgans()) << "  " << r.getName().cStr() << " (" << r.getOrgan().cStr() << ")  "
      << r.getState().cStr();
  if (r.getVersion()) {
    out << " v" << r.getVersion() << " " << FormatCst(r.getFiledAt()) << " "
        << r.getFiledBy().cStr() << (r.getYearComplete() ? "" : " (截至 to date)");
  }
  out << "\n";
  for (auto m : r.getMissing()) out << "       未报送 missing: " << m.cStr() << "\n";
}

}  // namespace

int CmdStats(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (args.Flag("help")) {
    out << kStatsUsage;
    return 0;
  }
  args.Allow(NodeOptions({"organ", "year", "by", "json"}));
  std::string sub = pos.size() > 1 ? pos[1] : "";
  const std::string cmd = "stats " + sub;
  capnp::MallocMessageBuilder msg;
  auto r = msg.initRoot<schema::ControlRequest>().initStats();
  r.setYear(static_cast<int32_t>(args.GetInt("year", 0, 2000, 2099)));
  r.setOrgan(args.Get("organ"));
  r.setBy(args.Get("by"));
  auto need = [&](const char* name, const char* what) {
    if (args.Get(name).empty())
      throw UsageError(cmd + ": --" + name + " is required (" + what + ")");
  };
  if (sub.empty() || sub == "table") {
    r.setOp(Op::TABLE);
  } else if (sub == "compute") {
    need("organ", "the organ's code on this node");
    r.setOp(Op::COMPUTE);
  } else if (sub == "file") {
    need("organ", "the organ's code on this node");
    need("by", "the organ's 法定定密责任人, who approves");
    r.setOp(Op::FILE);
  } else if (sub == "file-region") {
    need("by", "the secrecy admin dept's 法定定密责任人, who approves");
    r.setOp(Op::FILE_REGION);
  } else {
    throw UsageError("stats: unknown step '" + sub + "' (see zhuji stats --help)");
  }
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.CallOk(msg, NodeTimeoutMs(args));
  auto rep = reply->Root<schema::ControlReply>();
  auto v = rep.getStats();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("year").Int(v.getYear()).Key("node").String(v.getNode().cStr());
    j.Key("rows").BeginArray();
    for (auto row : v.getRows()) RowJson(j, row);
    j.EndArray();
    if (v.hasRegion()) {
      j.Key("region");
      RowJson(j, v.getRegion());
      j.Key("region_filed").Bool(v.getRegionFiled());
    }
    j.EndObject();
    out << j.str() << "\n";
    return 0;
  }
  for (auto w : rep.getWarnings()) out << "注意 note: " << w.cStr() << "\n";
  out << v.getYear() << " 年度定密统计 classification statistics, node " << v.getNode().cStr()
      << "\n";
  out << " 秘密 机密 绝密 变更 解除 上报 授权 责任人 机关\n";
  for (auto row : v.getRows()) PrintRow(row, out);
  if (v.hasRegion() && v.getRegion().getId().size()) {
    out << "本行政区域合计 the region"
        << (v.getRegionFiled() ? " (as filed):\n"
                               : " (not filed: the sum of what was reported):\n");
    PrintRow(v.getRegion(), out);
  }
  return 0;
}

}  // namespace zhuji::tools
