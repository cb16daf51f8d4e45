// `zhuji status | send | inbox | broker-stats`: operator commands over a node's control socket.
#include "tools/commands.h"

#include <capnp/message.h>

#include <cstdlib>
#include <iomanip>

#include "services/calendar/date.h"
#include "services/common/ids.h"
#include "services/common/json.h"
#include "services/common/paths.h"
#include "services/common/time_format.h"
#include "services/config/config.h"
#include "services/crypto/keys.h"
#include "services/workflows/organs.h"
#include "tools/cluster.h"
#include "tools/control_client.h"
#include "tools/process.h"

namespace zhuji::tools {

namespace {

std::unique_ptr<OwnedMessage> Call(const Args& args, zmq::context_t& ctx,
                                   capnp::MessageBuilder& req, int timeout_ms) {
  ControlClient client(ctx, ResolveControl(args));
  return client.Call(req, timeout_ms);
}

}  // namespace

std::string NeedOption(const Args& args, const std::string& cmd, const char* name,
                       const char* what) {
  std::string v = args.Get(name);
  if (v.empty()) throw UsageError(cmd + ": --" + name + " is required (" + what + ")");
  return v;
}

int32_t DayOption(const Args& args, const std::string& cmd, const char* name) {
  std::string why;
  auto day = calendar::ParseInputDate(args.Get(name), &why);
  if (!day) throw UsageError(cmd + ": --" + name + ": " + why);
  return day->days;
}

std::set<std::string> NodeOptions(std::initializer_list<const char*> own) {
  std::set<std::string> all = kNodeSelect;
  for (auto o : own) all.insert(o);
  return all;
}

int NodeTimeoutMs(const Args& args) {
  return static_cast<int>(args.GetInt("timeout", 5000, 100, 3'600'000));
}

std::string ResolveControl(const Args& args) {
  if (args.Has("control")) return args.Get("control");
  if (args.Has("cluster")) {
    if (!args.Has("node")) throw UsageError("--cluster needs --node ID to pick a node");
    Topology t = LoadTopology(args.Get("cluster"));
    if (!t.FindNode(args.Get("node"))) {
      throw UsageError("node " + args.Get("node") + " is not in " + args.Get("cluster"));
    }
    zmq::context_t unused(0);
    Cluster c(t, args.Get("run-dir", DefaultRunDir(t)), BinaryDir(), unused);
    return c.ControlEndpoint(args.Get("node"));
  }
  std::string config = args.Get("config");
  if (config.empty() && std::getenv("ZHUJI_CONFIG")) config = std::getenv("ZHUJI_CONFIG");
  if (config.empty()) {
    throw UsageError(
        "which node? give --config FILE, --control ENDPOINT, --cluster FILE --node "
        "ID, or set ZHUJI_CONFIG");
  }
  return config::LoadNodeConfig(config).control;
}

int CmdStatus(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"json"}));
  capnp::MallocMessageBuilder req;
  req.initRoot<schema::ControlRequest>().setStatus();
  auto reply = Call(args, ctx, req, NodeTimeoutMs(args));
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto st = r.getStatus();
  int64_t now = st.getNowMs();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject();
    j.Key("node_id").String(st.getNodeId().cStr()).Key("name").String(st.getName().cStr());
    j.Key("level").String(st.getLevel().cStr()).Key("parent").String(st.getParent().cStr());
    j.Key("links").BeginArray();
    for (auto l : st.getLinks()) {
      j.BeginObject().Key("endpoint").String(l.getEndpoint().cStr()).Key("up").Bool(l.getUp());
      j.Key("since_ms").Int(l.getLastChangeMs());
      j.Key("refusal").String(l.getRefusal().cStr()).EndObject();
    }
    j.EndArray();
    j.Key("outbox_depth").Uint(st.getOutboxDepth());
    j.Key("oldest_pending_age_ms").Int(st.getOldestPendingMs() ? now - st.getOldestPendingMs() : 0);
    j.Key("destinations").BeginArray();
    for (auto d : st.getDestinations()) {
      j.BeginObject().Key("destination").String(d.getDestination().cStr());
      j.Key("pending").Uint(d.getPending());
      j.Key("oldest_pending_age_ms").Int(now - d.getOldestPendingMs());
      j.Key("last_error").String(d.getLastError().cStr());
      j.Key("broken").Bool(d.getBroken()).EndObject();
    }
    j.EndArray();
    j.Key("delivered").Uint(st.getDelivered()).Key("duplicates").Uint(st.getDuplicates());
    j.Key("refused").Uint(st.getRefused()).Key("acked").Uint(st.getAcked());
    j.Key("signatures").Bool(st.getSignatures());
    j.Key("signatures_refused").Uint(st.getSignaturesRefused());
    j.Key("key_directory_version").Uint(st.getKeyDirectoryVersion());
    j.Key("last_error")
        .String(st.getLastError().cStr())
        .Key("last_error_ms")
        .Int(st.getLastErrorMs());
    j.Key("started_ms").Int(st.getStartedMs()).Key("now_ms").Int(now);
    j.Key("deadlines_open").Uint(st.getDeadlinesOpen());
    j.Key("deadlines_overdue").Uint(st.getDeadlinesOverdue());
    j.Key("deadlines_provisional").Uint(st.getDeadlinesProvisional());
    j.Key("calendar_version").String(st.getCalendarVersion().cStr());
    j.Key("console_url").String(st.getConsoleUrl().cStr());
    j.Key("supervised_open").Uint(st.getSupervisedOpen());
    j.Key("dead_letters").Uint(st.getDeadLetters());
    j.Key("incarnation").Uint(st.getIncarnation());
    j.Key("store_error").String(st.getStoreError().cStr());
    j.Key("steps_not_taken").Uint(st.getStepsNotTaken());
    j.Key("store_error_since_ms").Int(st.getStoreErrorSinceMs());
    j.Key("organs").BeginArray();
    for (auto o : st.getOrgans()) j.String(o.cStr());
    j.EndArray();
    j.EndObject();
    out << j.str() << "\n";
    return 0;
  }
  std::string level = st.getLevel();
  out << "节点 node        " << st.getNodeId().cStr() << " " << st.getName().cStr() << " ("
      << workflows::NodeLevelZh(
             workflows::ParseNodeLevel(level).value_or(workflows::NodeLevel::kCounty))
      << " " << level << ")";
  if (st.getParent().size()) out << ", parent 上级 " << st.getParent().cStr();
  out << "\n";
  for (auto o : st.getOrgans()) out << "机关 organ       " << o.cStr() << "\n";
  if (st.getStoreError().size()) {
    out << "存储 store       CANNOT WRITE 无法写入 since " << FormatCst(st.getStoreErrorSinceMs())
        << ": " << st.getStoreError().cStr()
        << "\n                 nothing is acknowledged until it can; retried every second\n";
  }
  for (auto l : st.getLinks()) {
    out << "链路 link        " << l.getEndpoint().cStr() << "  "
        << (l.getUp() ? "up 连通" : "DOWN 断开") << " since " << FormatCst(l.getLastChangeMs())
        << "\n";
    if (l.getRefusal().size()) out << "  拒绝注册 refused: " << l.getRefusal().cStr() << "\n";
  }
  out << "待发 outbox      " << st.getOutboxDepth() << " pending";
  if (st.getOldestPendingMs()) {
    out << ", oldest " << FormatDuration(now - st.getOldestPendingMs()) << " ("
        << FormatCst(st.getOldestPendingMs()) << ")";
  }
  out << "\n";
  for (auto d : st.getDestinations()) {
    out << "  → " << d.getDestination().cStr() << ": " << d.getPending() << " pending, oldest "
        << FormatDuration(now - d.getOldestPendingMs());
    if (d.getBroken()) out << "; BROKEN 断裂";
    if (d.getLastError().size()) out << "; " << d.getLastError().cStr();
    out << "\n";
  }
  if (st.getStepsNotTaken()) {
    out << "未执行 not taken  " << st.getStepsNotTaken()
        << " step(s) of this node on received matters could not be taken (see the audit log)\n";
  }
  if (st.getDeadLetters()) {
    out << "死信 dead letters " << st.getDeadLetters()
        << " refused for good by their destination (zhuji deadletter list)\n";
  }
  out << "收到 delivered   " << st.getDelivered() << " (duplicates 重复 " << st.getDuplicates()
      << ", refused 拒收 " << st.getRefused() << ") since start " << FormatCst(st.getStartedMs())
      << " (start no. " << st.getIncarnation() << ")\n";
  out << "确认 acked       " << st.getAcked() << " of this node's envelopes since start\n";
  out << "签名 signatures   " << (st.getSignatures() ? "on" : "off") << ", directory of keys "
      << (st.getKeyDirectoryVersion() ? "version " + std::to_string(st.getKeyDirectoryVersion())
                                      : std::string("none"))
      << ", " << st.getSignaturesRefused() << " envelope(s) refused for their signature\n";
  out << "期限 deadlines    " << st.getDeadlinesOpen() << " open, " << st.getDeadlinesOverdue()
      << " overdue 逾期, " << st.getDeadlinesProvisional() << " provisional 暂定 (calendar "
      << st.getCalendarVersion().cStr() << ")";
  if (st.getSupervisedOpen()) out << "; 督办事项 supervised here: " << st.getSupervisedOpen();
  out << "\n";
  out << "控制台 console    "
      << (st.getConsoleUrl().size() ? st.getConsoleUrl().cStr() : "off (console.listen = \"off\")")
      << "\n";
  out << "最近错误 error    "
      << (st.getLastError().size()
              ? std::string(st.getLastError().cStr()) + " at " + FormatCst(st.getLastErrorMs())
              : std::string("none"))
      << "\n";
  return 0;
}

int CmdSend(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"to", "text", "count", "wait", "pad-to"}));
  if (!args.Has("to") || !args.Has("text"))
    throw UsageError("send needs --to NODE and --text TEXT");
  capnp::MallocMessageBuilder req;
  auto s = req.initRoot<schema::ControlRequest>().initSend();
  s.setTo(args.Get("to"));
  s.setText(args.Get("text"));
  s.setCount(static_cast<uint32_t>(args.GetInt("count", 1, 1, 100'000)));
  s.setWaitAck(args.Flag("wait"));
  s.setPadTo(static_cast<uint32_t>(args.GetInt("pad-to", 0, 0, 1 << 20)));
  int timeout = args.Flag("wait")
                    ? static_cast<int>(args.GetInt("timeout", 60'000, 100, 86'400'000))
                    : NodeTimeoutMs(args);
  auto reply = Call(args, ctx, req, timeout);
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: send refused: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto sent = r.getSent();
  uint64_t n = sent.getLastSeq() - sent.getFirstSeq() + 1;
  out << "已排队 queued " << n << " 测试消息 test message(s) to " << args.Get("to") << ", link #"
      << sent.getFirstSeq();
  if (n > 1) out << "–#" << sent.getLastSeq();
  if (sent.getIds().size()) {
    auto id = sent.getIds()[0];
    out << ", id " << ToHex(AsView(id));
    if (n > 1) out << " …";
  }
  out << "\n";
  if (sent.getAcked()) out << "已确认 acknowledged by " << args.Get("to") << "\n";
  return 0;
}

int CmdInbox(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"limit", "json", "all"}));
  capnp::MallocMessageBuilder req;
  auto q = req.initRoot<schema::ControlRequest>().initInbox();
  q.setLimit(args.Flag("all") ? 0 : static_cast<uint32_t>(args.GetInt("limit", 20, 1, 1'000'000)));
  auto reply = Call(args, ctx, req, NodeTimeoutMs(args));
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto list = r.getInbox();
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginArray();
    for (auto e : list) {
      auto id = e.getId();
      j.BeginObject().Key("seq").Uint(e.getSeq());
      j.Key("id").String(ToHex(AsView(id)));
      j.Key("from").String(e.getOrigin().cStr()).Key("text").String(e.getText().cStr());
      j.Key("sent_at_ms").Int(e.getSentAt()).Key("received_at_ms").Int(e.getReceivedAt());
      j.EndObject();
    }
    j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (list.size() == 0) {
    out << "收件箱为空 inbox is empty\n";
    return 0;
  }
  out << "   #  from 发自  sent-at 发出时间           received-at 接收时间       测试消息 test "
         "message\n";
  for (auto e : list) {
    out << std::setw(4) << e.getSeq() << "  " << e.getOrigin().cStr() << "     "
        << FormatCst(e.getSentAt()) << "  " << FormatCst(e.getReceivedAt()) << "  "
        << e.getText().cStr() << "\n";
  }
  return 0;
}

int CmdBrokerStats(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow({"json", "timeout", "help", "keys-dir", "broker-key"});
  if (args.positionals().size() != 2) throw UsageError("broker-stats needs the broker's ENDPOINT");
  std::string endpoint = args.positionals()[1];
  std::optional<CurveCredentials> curve;  // a broker with CURVE on: a key of its directory
  if (args.Has("keys-dir") || args.Has("broker-key")) {
    auto keys = crypto::ReadKeys(args.Get("keys-dir"));
    if (!keys.ok()) throw UsageError("broker-stats --keys-dir: " + keys.message());
    if (!crypto::IsCurveKey(args.Get("broker-key"))) {
      throw UsageError("broker-stats --broker-key: the broker's CURVE public key (Z85)");
    }
    curve =
        CurveCredentials{args.Get("broker-key"), keys.value().pub.curve, keys.value().curve_secret};
  }
  auto s = QueryBrokerStats(ctx, endpoint, NodeTimeoutMs(args), curve ? &*curve : nullptr);
  if (!s) {
    std::cerr << "zhuji: broker at " << endpoint << " did not answer\n";
    return 1;
  }
  if (args.Flag("json")) {
    JsonWriter j;
    j.BeginObject().Key("broker_id").String(s->broker_id).Key("peers").Uint(s->peers);
    j.Key("routes").Uint(s->routes).Key("relayed").Uint(s->relayed);
    j.Key("unreachable").Uint(s->unreachable).Key("refused").Uint(s->refused);
    j.Key("upstream_up").Bool(s->upstream_up).Key("upstream_relayed").Uint(s->upstream_relayed);
    j.Key("id_in_use").Uint(s->id_in_use).Key("forbidden").Uint(s->forbidden);
    j.Key("keys_refused").Uint(s->keys_refused).EndObject();
    out << j.str() << "\n";
    return 0;
  }
  out << "broker " << s->broker_id << " at " << endpoint << ": " << s->peers << " peer(s), "
      << s->routes << " route(s), relayed " << s->relayed << ", unreachable " << s->unreachable
      << ", refused " << s->refused << ", upstream " << (s->upstream_up ? "up" : "none/down")
      << " (relayed " << s->upstream_relayed << ")\n"
      << "  refused HELLOs: id in use " << s->id_in_use << ", key of another id (forbidden) "
      << s->forbidden << "; connections with a key not in the directory " << s->keys_refused
      << "\n";
  return 0;
}

}  // namespace zhuji::tools
