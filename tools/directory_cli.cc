// `zhuji directory show|load` (issue #10): the directory of keys (密钥名录) a node holds, and a
// newer signed one loaded on it (usually the province), which passes it down to every node.
#include <capnp/message.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/crypto/keys.h"
#include "tools/commands.h"
#include "tools/control_client.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::tools {

namespace {

constexpr const char* kUsage = R"(zhuji directory — the directory of keys (密钥名录) a node holds

  zhuji directory show [--json]       version, keys and their states, this node's signing key
  zhuji directory load FILE           a newer directory signed by the province's directory key
                                      (zhuji keys directory --sign-with); passed down to every
                                      node below, offline ones when they return
  zhuji directory announce            send this node's rotated keys (zhuji keys rotate), signed
                                      with its key in use, level by level to the province
  zhuji directory announced --out DIR on the province: write each announced key set to
                                      DIR/<id>.toml for `zhuji keys directory --from OLD DIR/…`

Node selection: --config FILE | --control ENDPOINT | --cluster DIR --node ID
)";

void PrintJson(schema::DirectoryView::Reader v, std::ostream& out) {
  JsonWriter j;
  j.BeginObject().Key("version").Uint(v.getVersion()).Key("suite").String(v.getSuite().cStr());
  j.Key("signatures")
      .Bool(v.getSignatures())
      .Key("ownFingerprint")
      .String(v.getOwnFingerprint().cStr());
  j.Key("nextKey").String(v.getNextKey().cStr()).Key("keys").BeginArray();
  for (auto k : v.getKeys()) {
    j.BeginObject()
        .Key("id")
        .String(k.getId().cStr())
        .Key("fingerprint")
        .String(k.getFingerprint().cStr());
    j.Key("state").String(k.getState().cStr()).Key("untilMs").Int(k.getUntilMs());
    j.Key("curve").String(k.getCurve().cStr()).EndObject();
  }
  j.EndArray().Key("forwardedTo").BeginArray();
  for (auto n : v.getForwardedTo()) j.String(n.cStr());
  j.EndArray().Key("announced").BeginArray();
  for (auto a : v.getAnnounced()) {
    j.BeginObject().Key("id").String(a.getId().cStr()).Key("fingerprint");
    j.String(a.getFingerprint().cStr()).Key("announcedAtMs").Int(a.getAnnouncedAt());
    j.Key("receivedAtMs").Int(a.getReceivedAt()).EndObject();
  }
  j.EndArray().Key("announcedTo").String(v.getAnnouncedTo().cStr()).EndObject();
  out << j.str() << "\n";
}

void Print(schema::DirectoryView::Reader v, std::ostream& out) {
  if (v.getVersion() == 0) {
    out << "密钥名录 directory of keys: none held here\n";
  } else {
    out << "密钥名录 directory of keys version " << v.getVersion() << " (" << v.getSuite().cStr()
        << "), " << v.getKeys().size() << " key(s)\n";
  }
  out << "签名 signatures: " << (v.getSignatures() ? "on" : "off");
  if (v.getOwnFingerprint().size()) out << ", signing with key " << v.getOwnFingerprint().cStr();
  out << "\n";
  if (v.getNextKey().size()) {
    out << "轮换 rotated keys " << v.getNextKey().cStr()
        << " wait for a directory that lists them (put in use at the next start)\n";
  }
  for (auto k : v.getKeys()) {
    out << "  " << k.getId().cStr() << "  " << k.getFingerprint().cStr() << "  "
        << k.getState().cStr();
    if (k.getUntilMs()) out << " until " << FormatCst(k.getUntilMs());
    out << "\n";
  }
  for (auto a : v.getAnnounced()) {
    bool listed = false;
    for (auto k : v.getKeys()) listed = listed || k.getFingerprint() == a.getFingerprint();
    out << "轮换申报 announced: " << a.getId().cStr() << " new keys " << a.getFingerprint().cStr()
        << " at " << FormatCst(a.getAnnouncedAt())
        << (listed ? " (in the directory)" : " (not yet in the directory)") << "\n";
  }
}

// Writes each announced key set to DIR/<id>.toml.
int WriteAnnounced(schema::DirectoryView::Reader v, const std::string& dir, std::ostream& out) {
  std::filesystem::create_directories(dir);
  for (auto a : v.getAnnounced()) {
    crypto::PublicKeys k{a.getId(), a.getCurve(), a.getSign(), a.getSuite()};
    std::string path = dir + "/" + k.id + ".toml";
    std::ofstream file(path, std::ios::trunc);
    if (!(file << "# new keys announced by " << k.id << " (" << FormatCst(a.getAnnouncedAt())
               << ")\n"
               << crypto::PublicKeyLines(k))) {
      std::cerr << "zhuji: cannot write " << path << "\n";
      return 1;
    }
    out << "wrote " << path << " (" << k.id << ", " << a.getFingerprint().cStr() << ")\n";
  }
  if (v.getAnnounced().size() == 0) out << "no key announced here\n";
  return 0;
}

}  // namespace

int CmdDirectory(const Args& args, zmq::context_t& ctx, std::ostream& out) {
  args.Allow(NodeOptions({"json", "out"}));
  const auto& pos = args.positionals();
  std::string sub = pos.size() >= 2 ? pos[1] : "";
  if (args.Flag("help") || sub.empty()) {
    out << kUsage;
    return args.Flag("help") ? 0 : 2;
  }
  capnp::MallocMessageBuilder req;
  auto d = req.initRoot<schema::ControlRequest>().initDirectory();
  if (sub == "load") {
    if (pos.size() != 3) throw UsageError("directory load needs FILE (a signed directory of keys)");
    std::ifstream in(pos[2]);
    std::stringstream text;
    if (!in || !(text << in.rdbuf())) throw UsageError("cannot read " + pos[2]);
    d.setOp(schema::DirectoryRequest::Op::LOAD);
    d.setFileName(std::filesystem::path(pos[2]).filename().string());
    d.setText(text.str());
  } else if (sub == "announce") {
    d.setOp(schema::DirectoryRequest::Op::ANNOUNCE);
  } else if (sub == "announced") {
    if (!args.Has("out")) throw UsageError("directory announced needs --out DIR");
  } else if (sub != "show") {
    throw UsageError("directory: unknown subcommand '" + sub +
                     "' (show, load, announce, announced)");
  }
  ControlClient client(ctx, ResolveControl(args));
  auto reply = client.Call(req, NodeTimeoutMs(args));
  auto r = reply->Root<schema::ControlReply>();
  if (r.getError().size()) {
    std::cerr << "zhuji: directory " << sub << " refused: " << r.getError().cStr() << "\n";
    return 1;
  }
  auto v = r.getDirectory();
  if (sub == "announced") return WriteAnnounced(v, args.Get("out"), out);
  if (args.Flag("json")) {
    PrintJson(v, out);
    return 0;
  }
  if (sub == "load") {
    out << "已载入 loaded directory of keys version " << v.getVersion() << "; passed to";
    for (auto n : v.getForwardedTo()) out << " " << n.cStr();
    if (v.getForwardedTo().size() == 0) out << " no node (no children configured)";
    out << "\n";
  }
  if (sub == "announce") {
    out << "已申报 announced new keys " << v.getNextKey().cStr() << " to "
        << v.getAnnouncedTo().cStr()
        << " (passed up to the province); they are put in use at the next start once the "
           "directory lists them\n";
  }
  Print(v, out);
  return 0;
}

}  // namespace zhuji::tools
