// `zhuji deadletter list|show|retry|drop`: envelopes their destination refused for good
// (死信, services/node/deadletters.h).
#include <capnp/message.h>

#include "services/common/ids.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "tools/commands.h"
#include "tools/control_client.h"

namespace zhuji::tools {

namespace {

constexpr const char* kUsage =
    R"(zhuji deadletter — 死信 dead letters: envelopes their destination refused for good

  deadletter list [--limit N | --all] [--json]   newest first (default 100)
  deadletter show N [--json]                     one, with what it carried and why it was refused
  deadletter retry N [--json]                    queue it again to its destination (a new link
                                                 sequence), e.g. after the cause was fixed there
  deadletter drop N [--json]                     give it up; the audit log keeps the fact

A refused envelope never blocks its link: the node keeps it here and sends a skip (跳过) in its
place, so the envelopes behind it are delivered. `zhuji status` counts them.
)";

void Json(JsonWriter& j, schema::DeadLetterView::Reader v) {
  j.BeginObject().Key("number").Uint(v.getNumber());
  j.Key("destination").String(v.getDestination().cStr()).Key("seq").Uint(v.getSeq());
  j.Key("id").String(ToHex(AsView(v.getId()))).Key("kind").String(v.getKind().cStr());
  j.Key("summary").String(v.getSummary().cStr()).Key("reason").String(v.getReason().cStr());
  j.Key("sent_at_ms").Int(v.getSentAtMs()).Key("dead_at_ms").Int(v.getDeadAtMs());
  j.Key("bytes").Uint(v.getBytes());
  if (v.getRequeuedSeq()) j.Key("requeued_seq").Uint(v.getRequeuedSeq());
  j.EndObject();
}

void Text(std::ostream& out, schema::DeadLetterView::Reader v) {
  out << "死信 dead letter #" << v.getNumber() << "  → " << v.getDestination().cStr() << " #"
      << v.getSeq() << "  " << v.getKind().cStr() << ", " << v.getBytes() << " bytes\n"
      << "  id 标识         " << ToHex(AsView(v.getId())) << "\n"
      << "  sent-at 发出     " << FormatCst(v.getSentAtMs()) << "\n"
      << "  refused 拒收     " << FormatCst(v.getDeadAtMs()) << ": " << v.getReason().cStr() << "\n"
      << "  content 内容     " << v.getSummary().cStr() << "\n";
  if (v.getRequeuedSeq()) {
    out << "  重新发送 queued again as #" << v.getRequeuedSeq() << " to "
        << v.getDestination().cStr() << "\n";
  }
}

}  // namespace

int CmdDeadLetter(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  const auto& pos = args.positionals();
  if (args.Flag("help") || pos.size() < 2) {
    out << kUsage;
    return args.Flag("help") ? 0 : 2;
  }
  args.Allow(NodeOptions({"json", "limit", "all"}));
  using Op = schema::DeadLetterRequest::Op;
  const std::string& verb = pos[1];
  capnp::MallocMessageBuilder req;
  auto d = req.initRoot<schema::ControlRequest>().initDeadLetter();
  if (verb == "list") {
    if (pos.size() != 2) throw UsageError("deadletter list takes no number");
    d.setOp(Op::LIST);
    d.setLimit(args.Flag("all") ? 0
                                : static_cast<uint32_t>(args.GetInt("limit", 100, 1, 1'000'000)));
  } else if (verb == "show" || verb == "retry" || verb == "drop") {
    if (pos.size() != 3) throw UsageError("deadletter " + verb + " needs the dead letter's number");
    char* end = nullptr;
    unsigned long long n = std::strtoull(pos[2].c_str(), &end, 10);
    if (pos[2].empty() || *end || n == 0) {
      throw UsageError("'" + pos[2] + "' is not a dead letter number (see zhuji deadletter list)");
    }
    d.setOp(verb == "show" ? Op::SHOW : verb == "retry" ? Op::RETRY : Op::DROP);
    d.setNumber(n);
  } else {
    throw UsageError("deadletter " + verb + ": use list, show, retry or drop");
  }
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.Call(req, NodeTimeoutMs(args));
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto list = r.getDeadLetters();
  if (args.Flag("json")) {
    JsonWriter j;
    if (verb == "list") j.BeginArray();
    for (auto v : list) Json(j, v);
    if (verb == "list") j.EndArray();
    out << j.str() << "\n";
    return 0;
  }
  if (verb == "list" && list.size() == 0) {
    out << "没有死信 no dead letters\n";
    return 0;
  }
  if (verb == "drop") out << "已放弃 dropped:\n";
  for (auto v : list) Text(out, v);
  return 0;
}

}  // namespace zhuji::tools
