#pragma once
// The subcommands of `zhuji`. Each returns the process exit code and prints to `out`
// (errors to `err`): 0 success, 1 failure of the operation, 2 usage error.

#include <iostream>
#include <zmq.hpp>

#include "tools/args.h"

namespace zhuji::tools {

int CmdStatus(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdSend(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdInbox(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdBrokerStats(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdCluster(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdCalendar(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdDeadlines(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdClock(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdOrgans(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdRoute(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdMatter(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdDeadLetter(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdKeys(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdDirectory(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdGrant(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdFiling(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdResponsible(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdSecret(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdStats(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdInspect(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdLicence(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdPost(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdCredit(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdExpert(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdDraw(const Args& args, zmq::context_t& ctx, std::ostream& out);
int CmdConsoleUser(const Args& args, std::ostream& out);  // console_cli.cc (issue #17)

// The control endpoint named by --control, --config, --cluster + --node, or $ZHUJI_CONFIG.
std::string ResolveControl(const Args& args);

// Global options every node command accepts.
inline const std::set<std::string> kNodeSelect = {"config",  "control", "cluster", "node",
                                                  "run-dir", "timeout", "help"};
// kNodeSelect and a command's own options: what it passes to Args::Allow.
std::set<std::string> NodeOptions(std::initializer_list<const char*> own);
// The value of --NAME, or a UsageError saying that `cmd` needs it and what it is.
std::string NeedOption(const Args& args, const std::string& cmd, const char* name,
                       const char* what);
// --NAME as a day (YYYY-MM-DD → days since 1970-01-01), or a UsageError naming the problem.
int32_t DayOption(const Args& args, const std::string& cmd, const char* name);
// --timeout of a call to the node, in ms (default 5000).
int NodeTimeoutMs(const Args& args);

}  // namespace zhuji::tools
