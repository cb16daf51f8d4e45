// zhuji: the operator CLI. Talks to one node over its control socket, and runs local clusters.
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <zmq.hpp>

#include "services/common/paths.h"
#include "services/config/config.h"
#include "services/config/topology.h"
#include "tools/commands.h"

namespace {

constexpr const char* kUsage =
    R"(zhuji — operator CLI for the zhuji network (逐级上报 between county, city and province)

Usage: zhuji [NODE] COMMAND [options]

NODE (which node to talk to; node commands only):
  --config FILE            the node's configuration (or set ZHUJI_CONFIG)
  --control ENDPOINT       the node's control socket, e.g. ipc:///var/lib/zhuji/440106/control.sock
  --cluster FILE --node ID a node of a local cluster started with `zhuji cluster up FILE`
  --timeout MS             how long to wait for the node (default 5000)

Node commands:
  status [--json]                      node id, level, links up/down, outbox depth (待发),
                                       oldest pending age, last error
  send --to NODE --text TEXT           queue a test message (测试消息) to another node, to test a link
       [--count N] [--wait]            N numbered messages; --wait returns once acknowledged
  inbox [--limit N | --all] [--json]   test messages received (收件箱), newest first
  deadlines [--overdue] [--due-within N] [--all] [--json]
                                       tracked duties (期限): item, step, rule, due, working
                                       days left, state, provisional flag
  deadlines --supervised [--all]       督办事项: overdue reports (逾期报告) of the organs this
                                       node's 保密局 supervises (GD Art. 41), until closed
  deadlines open --item I --step S --rule "GD Art. 14" (--days N [--from DATE] | --date DATE)
       [--title T]                     track a duty by hand; overdue → 逾期报告 to the 保密局
                                       that supervises this node's organs (GD Art. 41)
  deadlines close --item I --step S    the duty is done
  clock advance --days N | clock set DATE   move a test node's fake clock ([clock] fake_start)
  deadletter list|show N|retry N|drop N [--json]
                                       死信: envelopes their destination refused for good; the
                                       link goes on, the operator retries or drops them

Console (控制台; issue #17, docs/console.md): each node serves its web console and /metrics at
the URL `zhuji status` shows (127.0.0.1, any free port, by default; [console] in its config).
  console-user NAME < password         a line for the console's users_file (HTTP basic)

Keys and signatures (密钥, 签名; issue #10; `zhuji keys --help`, docs/security.md):
  keys init|show|rotate (--config FILE | --dir DIR [--id ID])
                                       a node's or broker's long-term keys
  keys directory --out FILE [--sign-with DIR] DIR...
                                       the directory of keys (密钥名录), signed by the province
  directory show [--json] | directory load FILE | directory announce | directory announced --out D
                                       the directory a node holds; load a newer signed one;
                                       send rotated keys up to the province; write them out there
  verify ENVELOPE-ID --data-dir DIR    check a received envelope's signature, offline
  audit verify --data-dir DIR          the audit chain and every signature in a store (a copy
                                       will do); names the first entry that does not verify

Escalated matters (逐级上报; `zhuji matter --help` for every option):
  matter report|request|object ...     start a 不明确事项 (GD Art. 30), a 定密申请 (GD Art. 29)
                                       or a 定密异议 (GD Art. 45) from an organ of this node
  matter review|decide|answer|accept|escalate --id ID ...
                                       the step of the organ holding the matter on this node
  matter show ID [--json]              the whole trail with Chinese terms
  matter list [--todo] [--json]        every matter on this node (--todo: waiting on its organs)
  matter wait ID --held-by|--state|--final   wait for a matter to get somewhere (scripts)

定密授权, 备案 and 定密责任人 (GD Art. 6-22; `zhuji grant|filing|responsible --help`):
  grant decide|revoke|list|show        grants of classification authority, their revocation
                                       (GD Art. 11) and lapse (Art. 10); the register of grants
  filing list [--owed|--received]|show|submit|receipt|refuse
                                       备案 owed, sent, receipted (回执) or refused, with their
                                       deadlines (GD Art. 13, 14, 21)
  responsible list|head|designate|revoke|file
                                       an organ's 定密责任人 and their GD Art. 21 备案
  secret scope|scope-approve|propose|approve|return|list|show|extend|shorten|change|release|
         notices|review|review-due
                                       an organ's own determinations (GD Art. 25-40): its
                                       保密事项一览表, the 承办人's proposal, the 定密责任人's
                                       approval, correction or return; yearly review; changes,
                                       extensions, releases and their tracked written notices
                                       (`zhuji secret --help`)
  stats [compute|file|file-region]     年度定密统计: organs' reports by the end of February,
                                       regions rolled up by the end of March (GD Art. 46, 47;
                                       `zhuji stats --help`)
  inspect open|request|report|close|list|show
                                       定密监督: inspections on the nine points of GD Art. 43,
                                       self-inspections, correction notices (Art. 44), with
                                       the rectification report as a duty (`zhuji inspect --help`)

保密行政许可 at the provincial bureau (LN 辽保局〔2021〕46号; 行政许可法; `zhuji licence --help` …):
  licence apply|notify|supplement|accept|extend|uncounted|decide|refuse|issue|list|show|certificates
                                       the three licences: applications (by EMS too), 一次告知,
                                       the clock (Art. 32, 42, 44, 45) as duties, the joint
                                       decision of item (1), certificates; 不见面审批 changes
  post in|out|list                     the EMS register (最多跑一次)
  credit add|show                      信用记录: violations, 虚假承诺, 撤销/吊销, 市场禁入
  expert add|list                      专家库
  draw run|fly|show|inspections|report 双随机、一公开 (reproducible; tools/verify_draw.py),
                                       飞行检查, the city bureaus' reports, 联动处置

Cluster commands (a local topology from deploy/topologies/):
  cluster up FILE [--insecure]         start every broker and node that is not running; with
                                       keys, CURVE and signed envelopes unless --insecure
  cluster down FILE [--purge]          stop them all (--purge also deletes their data)
  cluster status FILE [--json]         processes, links and outbox depth of every node
  cluster stop FILE NODE [--kill]      stop one node (--kill: SIGKILL, no clean stop)
  cluster start FILE NODE              start one node again
  cluster stop|start FILE --broker ID  the same for a broker
  cluster report FILE --tag TAG        delivery report of notices sent as "TAG #n"
       [--expect N] [--links A>B,…]    (exit 1 unless every link has N, none twice)
       [--wait-seconds S] [--json]
  (all cluster commands take --run-dir DIR; default ./.zhuji-run/<topology name>)

Working-day calendar (工作日; official schedules in deploy/calendar/, --calendar-dir DIR):
  calendar add DATE N [--json]         the due date N working days after DATE (DATE not
                                       counted; due 24:00 CST), with the days it counted
  calendar show YEAR [--json]          off-days, make-up working days, working days per month
  [NODE] calendar load FILE            on the province node: load a year's schedule and publish
                                       it to every node below; provisional deadlines recomputed

Organs and routes (from a topology file):
  organs FILE [--json]                 every organ (机关、单位): address, line, authority
  route FILE ORGAN [--json]            the 逐级上报 path of an escalation from ORGAN (node/code)

Other:
  broker-stats ENDPOINT [--json]       a broker's counters (routes, relayed, refused)
       [--keys-dir DIR --broker-key KEY]  a broker with CURVE on: a key of its directory
  bench hop [options]                  throughput and latency of one durable hop; `zhuji bench --help`
  bench escalation [--count N]         one 不明确事项 end to end on the TEST auto-review policy,
                                       next to one durable hop measured in the same run
  bench deadlines [--count N]          1,000,000 open deadlines: idle tick, tick with 1,000 due,
                                       restart to serving
  bench filings | notices [--count N]  备案 end to end; a written notice to 1,000 organs on six
                                       nodes, decision to the last 签收

Exit status: 0 ok, 1 the operation failed, 2 usage error.
)";

const std::set<std::string> kFlags = {
    "json", "wait", "purge", "kill", "help", "all", "overdue", "supervised", "keep", "next",
    "insecure",
    // matter
    "hold", "forward", "not-secret", "claim-not-secret", "uphold", "adopt", "final",
    "listed-in-scope", "todo", "owing-filing", "to-superior",
    // grant, filing, responsible
    "proactive", "owed", "received", "criminal", "unqualified", "refuse", "no-scope-list",
    // secret, inspect
    "held", "adjust",
    // licence, draw
    "approve", "same-region", "violation"};

// `zhuji bench …` runs zhuji-bench, installed beside this binary, with the same arguments.
// `zhuji bench …` runs zhuji-bench without the word "bench"; `zhuji verify …` and `zhuji audit
// …` run zhuji-verify with every argument (they read a store, which this binary never links).
int ExecTool(const std::string& binary, const char* drop, int argc, char** argv) {
  std::string path = zhuji::BinaryDir() + "/" + binary;
  std::vector<char*> args{path.data()};
  bool skipped = drop == nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!skipped && std::strcmp(argv[i], drop) == 0) {
      skipped = true;
      continue;
    }
    args.push_back(argv[i]);
  }
  args.push_back(nullptr);
  ::execv(path.c_str(), args.data());
  std::cerr << "zhuji: cannot run " << path << ": " << std::strerror(errno) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zhuji::tools;
  try {
    Args args(argc, argv, kFlags);
    const auto& pos = args.positionals();
    if (pos.empty() || (args.Flag("help") && pos.empty())) {
      std::cout << kUsage;
      return pos.empty() && !args.Flag("help") ? 2 : 0;
    }
    static const std::set<std::string> kOwnHelp = {
        "bench",   "matter", "deadletter",  "keys",   "directory", "verify",      "audit",
        "grant",   "filing", "responsible", "secret", "stats",     "inspect",     "licence",
        "license", "post",   "credit",      "expert", "draw",      "console-user"};
    if (args.Flag("help") && !kOwnHelp.count(pos[0])) {
      std::cout << kUsage;
      return 0;
    }
    if (pos[0] == "bench") return ExecTool("zhuji-bench", "bench", argc, argv);
    if (pos[0] == "verify" || pos[0] == "audit")
      return ExecTool("zhuji-verify", nullptr, argc, argv);
    zmq::context_t ctx(1);
    const std::string& cmd = pos[0];
    if (cmd == "status") return CmdStatus(args, ctx, std::cout);
    if (cmd == "console-user") return CmdConsoleUser(args, std::cout);
    if (cmd == "send") return CmdSend(args, ctx, std::cout);
    if (cmd == "inbox") return CmdInbox(args, ctx, std::cout);
    if (cmd == "broker-stats") return CmdBrokerStats(args, ctx, std::cout);
    if (cmd == "cluster") return CmdCluster(args, ctx, std::cout);
    if (cmd == "calendar") return CmdCalendar(args, ctx, std::cout);
    if (cmd == "deadlines") return CmdDeadlines(args, ctx, std::cout);
    if (cmd == "clock") return CmdClock(args, ctx, std::cout);
    if (cmd == "matter") return CmdMatter(args, ctx, std::cout);
    if (cmd == "deadletter") return CmdDeadLetter(args, ctx, std::cout);
    if (cmd == "keys") return CmdKeys(args, ctx, std::cout);
    if (cmd == "directory") return CmdDirectory(args, ctx, std::cout);
    if (cmd == "organs") return CmdOrgans(args, ctx, std::cout);
    if (cmd == "route") return CmdRoute(args, ctx, std::cout);
    if (cmd == "grant") return CmdGrant(args, ctx, std::cout);
    if (cmd == "filing") return CmdFiling(args, ctx, std::cout);
    if (cmd == "responsible") return CmdResponsible(args, ctx, std::cout);
    if (cmd == "secret") return CmdSecret(args, ctx, std::cout);
    if (cmd == "stats") return CmdStats(args, ctx, std::cout);
    if (cmd == "inspect") return CmdInspect(args, ctx, std::cout);
    if (cmd == "licence" || cmd == "license") return CmdLicence(args, ctx, std::cout);
    if (cmd == "post") return CmdPost(args, ctx, std::cout);
    if (cmd == "credit") return CmdCredit(args, ctx, std::cout);
    if (cmd == "expert") return CmdExpert(args, ctx, std::cout);
    if (cmd == "draw") return CmdDraw(args, ctx, std::cout);
    if (cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "zhuji: unknown command '" << cmd << "'; see zhuji --help\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "zhuji: " << e.what() << "\n(see zhuji --help)\n";
    return 2;
  } catch (const zhuji::config::TopologyError& e) {
    std::cerr << "zhuji: bad topology: " << e.what() << "\n";
    return 2;
  } catch (const zhuji::config::ConfigError& e) {
    std::cerr << "zhuji: bad node configuration: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zhuji: " << e.what() << "\n";
    return 1;
  }
}
