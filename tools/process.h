#pragma once
// Starting and stopping the daemons as real processes: used by `zhuji cluster`, the benchmark
// and the multi-process tests.

#include <sys/types.h>

#include <string>
#include <vector>

namespace zhuji::tools {

// Starts `argv` with stdout and stderr appended to `log_path` ("" keeps them), stdin from
// /dev/null. With `detach` the child gets its own session, so it outlives this process; without
// it the child is killed when this process dies, however it dies.
// Throws std::runtime_error if fork or exec fails (exec failure is reported from the child
// through a pipe, so a missing binary is an error here, not a silent exit).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path, bool detach);

// True if `pid` is a live zhuji process (checks /proc/<pid>/cmdline to survive pid reuse).
bool IsRunning(pid_t pid);

// Sends `sig`; waits up to `timeout_ms` for it to exit (reaping it if it is our child).
// Returns true if it exited.
bool StopProcess(pid_t pid, int sig, int timeout_ms);

// The last `lines` lines of a log file ("" if it cannot be read): what a process said before it
// exited, for error messages.
std::string LogTail(const std::string& path, size_t lines);

}  // namespace zhuji::tools
