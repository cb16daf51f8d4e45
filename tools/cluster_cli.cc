// `zhuji cluster …`: start, stop and inspect a local cluster; the delivery report.
#include <capnp/message.h>

#include <chrono>
#include <iomanip>
#include <map>
#include <set>
#include <thread>

#include "services/common/json.h"
#include "services/common/paths.h"
#include "services/common/time_format.h"
#include "tools/cluster.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace {

struct LinkReport {
  std::set<uint64_t> numbers;  // distinct notice numbers delivered
  uint64_t copies = 0;         // inbox entries, duplicates included
  int64_t first_sent = 0;
  int64_t last_received = 0;
};

// Reads every node's inbox and groups the notices whose text is "<tag> #<n>" by link.
std::map<std::pair<std::string, std::string>, LinkReport> Collect(Cluster& cluster,
                                                                  zmq::context_t& ctx,
                                                                  const std::string& tag,
                                                                  std::vector<std::string>* down) {
  std::map<std::pair<std::string, std::string>, LinkReport> links;
  std::string prefix = tag + " #";
  for (auto& n : cluster.topology().nodes) {
    if (!cluster.NodeRunning(n.id)) {
      if (down) down->push_back(n.id);
      continue;
    }
    ControlClient client(ctx, cluster.ControlEndpoint(n.id));
    capnp::MallocMessageBuilder req;
    req.initRoot<schema::ControlRequest>().initInbox().setLimit(0);
    auto reply = client.Call(req, 10'000);
    for (auto e : reply->Root<schema::ControlReply>().getInbox()) {
      std::string text = e.getText();
      if (text.rfind(prefix, 0) != 0) continue;
      uint64_t k = std::strtoull(text.c_str() + prefix.size(), nullptr, 10);
      auto& l = links[{e.getOrigin().cStr(), n.id}];
      l.numbers.insert(k);
      ++l.copies;
      if (!l.first_sent || e.getSentAt() < l.first_sent) l.first_sent = e.getSentAt();
      l.last_received = std::max(l.last_received, e.getReceivedAt());
    }
  }
  return links;
}

int Report(Cluster& cluster, const Args& args, zmq::context_t& ctx, std::ostream& out) {
  std::string tag = args.Get("tag");
  if (tag.empty()) throw UsageError("report needs --tag TAG (the text the notices were sent with)");
  uint64_t expect = static_cast<uint64_t>(args.GetInt("expect", 0, 0, 100'000'000));
  std::set<std::pair<std::string, std::string>> expected_links;
  if (args.Has("links")) {
    std::string spec = args.Get("links");
    size_t pos = 0;
    while (pos < spec.size()) {
      size_t comma = spec.find(',', pos);
      std::string one =
          spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      auto gt = one.find('>');
      if (gt == std::string::npos) throw UsageError("--links takes FROM>TO,FROM>TO…");
      expected_links.insert({one.substr(0, gt), one.substr(gt + 1)});
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  int wait_s = static_cast<int>(args.GetInt("wait-seconds", 0, 0, 86'400));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  std::map<std::pair<std::string, std::string>, LinkReport> links;
  std::vector<std::string> down;
  auto complete = [&] {
    if (!expect) return true;
    for (auto& key : expected_links) {
      if (!links.count(key)) return false;
    }
    for (auto& [key, l] : links) {
      if (l.numbers.size() < expect) return false;
    }
    return true;
  };
  while (true) {
    down.clear();
    links = Collect(cluster, ctx, tag, &down);
    if (complete() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  for (auto& key : expected_links) links.try_emplace(key);

  uint64_t total_delivered = 0, total_dupes = 0, total_missing = 0;
  int64_t first = 0, last = 0;
  bool json = args.Flag("json");
  JsonWriter j;
  if (json) j.BeginObject().Key("tag").String(tag).Key("links").BeginArray();
  if (!json) {
    out << "投递报告 delivery report — tag \"" << tag << "\"\n"
        << "  link 链路           sent 发出  delivered 送达  duplicates 重复  missing 缺失  time\n";
  }
  for (auto& [key, l] : links) {
    uint64_t delivered = l.numbers.size();
    uint64_t dupes = l.copies - delivered;
    uint64_t missing = expect > delivered ? expect - delivered : 0;
    total_delivered += delivered;
    total_dupes += dupes;
    total_missing += missing;
    if (l.first_sent && (!first || l.first_sent < first)) first = l.first_sent;
    last = std::max(last, l.last_received);
    int64_t span = l.last_received && l.first_sent ? l.last_received - l.first_sent : 0;
    if (json) {
      j.BeginObject().Key("from").String(key.first).Key("to").String(key.second);
      j.Key("sent").Uint(expect).Key("delivered").Uint(delivered);
      j.Key("duplicates").Uint(dupes).Key("missing").Uint(missing).Key("span_ms").Int(span);
      j.EndObject();
    } else {
      out << "  " << key.first << " → " << key.second << "   " << std::setw(8)
          << (expect ? std::to_string(expect) : "-") << "  " << std::setw(14) << delivered << "  "
          << std::setw(15) << dupes << "  " << std::setw(12) << missing << "  "
          << FormatDuration(span) << "\n";
    }
  }
  bool ok = total_dupes == 0 && total_missing == 0 && !links.empty();
  if (json) {
    j.EndArray().Key("delivered").Uint(total_delivered).Key("duplicates").Uint(total_dupes);
    j.Key("missing").Uint(total_missing).Key("span_ms").Int(last - first).Key("ok").Bool(ok);
    j.EndObject();
    out << j.str() << "\n";
  } else {
    out << "  total 合计: " << links.size() << " link(s), sent " << (expect * links.size())
        << ", delivered " << total_delivered << ", duplicates " << total_dupes << ", missing "
        << total_missing << ", first sent → last received " << FormatDuration(last - first)
        << "\n  (sent = --expect per link: what the sending nodes confirmed as queued; delivered"
        << " and duplicates are read from every receiver's inbox; time = first sent-at to last"
        << " received-at)\n";
    for (auto& id : down)
      out << "  note: node " << id << " is not running; its inbox was not read\n";
    out << (ok ? "  结果 result: every test message delivered exactly once 全部送达且仅一次\n"
               : "  结果 result: NOT every test message was delivered exactly once\n");
  }
  return ok ? 0 : 1;
}

}  // namespace

int CmdCluster(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow({"run-dir", "purge", "kill", "broker", "tag", "expect", "links", "wait-seconds",
              "json", "help", "insecure"});
  const auto& pos = args.positionals();
  if (pos.size() < 3) throw UsageError("cluster needs an action and a topology FILE");
  std::string action = pos[1];
  Topology t = LoadTopology(pos[2]);
  Cluster cluster(t, args.Get("run-dir", DefaultRunDir(t)), BinaryDir(), ctx);
  auto target = [&]() -> std::string {
    if (pos.size() != 4) throw UsageError("cluster " + action + " needs FILE and a node id");
    return pos[3];
  };
  if (action == "up") {
    cluster.Up(out, !args.Flag("insecure"));
    return 0;
  } else if (action == "down") {
    cluster.Down(out, args.Flag("purge"));
    return 0;
  } else if (action == "status") {
    return cluster.Status(out, args.Flag("json")) ? 0 : 1;
  } else if (action == "start") {
    if (args.Has("broker")) {
      cluster.StartBroker(args.Get("broker"), out);
    } else {
      cluster.StartNode(target(), out);
    }
    return 0;
  } else if (action == "stop") {
    if (args.Has("broker")) {
      cluster.StopBroker(args.Get("broker"), args.Flag("kill"), out);
    } else {
      cluster.StopNode(target(), args.Flag("kill"), out);
    }
    return 0;
  } else if (action == "report") {
    return Report(cluster, args, ctx, out);
  }
  throw UsageError("unknown cluster action '" + action +
                   "' (up, down, status, start, stop, report)");
}

}  // namespace zhuji::tools
