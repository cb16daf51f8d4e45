// `zhuji organs FILE` and `zhuji route FILE ORGAN`: the organs of a topology and the
// level-by-level path (逐级上报) an escalation from an organ takes (GD Art. 30, 31).
#include "services/common/json.h"
#include "services/config/topology.h"
#include "services/workflows/organs.h"
#include "tools/commands.h"

namespace zhuji::tools {

using config::LoadTopology;
using config::Topology;
using config::TopologyError;

namespace {

std::string AuthorityText(const workflows::Organ& o) {
  std::string s = o.authority.has_original_authority
                      ? std::string("定密权 up to ") + workflows::LevelZh(o.authority.ceiling)
                      : "无原始定密权 no original authority";
  if (o.authorizing) s += ", 授权机关 authorizing organ";
  return s;
}

}  // namespace

int CmdOrgans(const Args& args, zmq::context_t&, std::ostream& out) {
  args.Allow({"json", "help"});
  const auto& pos = args.positionals();
  if (pos.size() != 2) throw UsageError("organs needs a topology FILE");
  Topology t = LoadTopology(pos[1]);
  JsonWriter j;
  if (args.Flag("json")) j.BeginArray();
  for (auto& n : t.nodes) {
    if (!args.Flag("json")) out << n.id << " " << n.name << " (" << n.level << ")\n";
    for (auto& o : n.organs) {
      if (args.Flag("json")) {
        j.BeginObject().Key("address").String(o.address()).Key("name").String(o.name);
        j.Key("line").String(o.line).Key("has_authority").Bool(o.authority.has_original_authority);
        j.Key("ceiling").String(
            o.authority.has_original_authority ? workflows::LevelZh(o.authority.ceiling) : "");
        j.Key("authorizing").Bool(o.authorizing).EndObject();
        continue;
      }
      out << "  " << o.address() << "  " << o.name << "  [" << o.line << "]  " << AuthorityText(o)
          << "\n";
    }
  }
  if (args.Flag("json")) out << j.EndArray().str() << "\n";
  return 0;
}

int CmdRoute(const Args& args, zmq::context_t&, std::ostream& out) {
  args.Allow({"json", "help"});
  const auto& pos = args.positionals();
  if (pos.size() != 3)
    throw UsageError("route needs a topology FILE and an ORGAN (node/code, e.g. 440106/jyj)");
  Topology t = LoadTopology(pos[1]);
  auto dir = t.Directory();
  if (!dir.ok()) throw TopologyError(dir.message());
  auto from = dir.value().Find(pos[2]);
  if (!from) throw UsageError("no organ " + pos[2] + " in " + pos[1] + " (see zhuji organs FILE)");
  auto path = dir.value().EscalationPath(pos[2]);
  if (!path.ok()) {
    std::cerr << "zhuji: no route: " << path.message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("from").String(from->address()).Key("hops").BeginArray();
    for (auto& h : path.value()) {
      j.BeginObject().Key("address").String(h.organ.address()).Key("name").String(h.organ.name);
      j.Key("why").String(h.why).EndObject();
    }
    j.EndArray().EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << "逐级上报 route from " << from->address() << " " << from->name << " ("
      << AuthorityText(*from) << ")\n";
  int i = 1;
  for (auto& h : path.value()) {
    out << "  " << i++ << ". " << h.organ.address() << "  " << h.organ.name << "  — " << h.why
        << "\n";
  }
  out << "The decision comes back down the same path (GD Art. 30, 31).\n";
  return 0;
}

}  // namespace zhuji::tools
