#include "tools/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace zhuji::tools {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path, bool detach) {
  // Everything the child needs is made before fork(): between fork() and execv() a child of a
  // multi-threaded process may call only async-signal-safe functions. An allocation there can
  // wait forever on an allocator lock another thread held at the fork (seen with ASan's
  // allocator under load: the child hung, and the parent with it, reading the pipe).
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const char* log = log_path.empty() ? nullptr : log_path.c_str();
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    close(pipefd[0]);
    if (detach) {
      setsid();
    } else {
      // A child of a test or benchmark dies with it, even when it aborts (an ASan report, a
      // crash) before its destructors could stop the processes it started.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);  // the parent is already gone
    }
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    if (log) {
      int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
    }
    execv(args[0], args.data());
    int err = errno;
    (void)!write(pipefd[1], &err, sizeof err);
    _exit(127);
  }
  close(pipefd[1]);
  int err = 0;
  ssize_t n = read(pipefd[0], &err, sizeof err);
  close(pipefd[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(err));
  }
  return pid;
}

bool IsRunning(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  // Our own child that has exited but is not reaped yet is a zombie: not running.
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return false;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  std::string line;
  std::getline(cmd, line, '\0');
  std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
  std::string stat_line;
  std::getline(st, stat_line);
  auto close_paren = stat_line.rfind(')');
  if (close_paren != std::string::npos && close_paren + 2 < stat_line.size() &&
      stat_line[close_paren + 2] == 'Z') {
    return false;
  }
  // An empty command line is a process in the middle of execve: the kernel closes the exec
  // pipe (close-on-exec, which Spawn waits for) before it sets the new program's arguments.
  // Taking that for "not running" made a node that was starting look as if it had exited.
  if (line.empty()) return true;
  return line.find("zhuji") != std::string::npos;
}

bool StopProcess(pid_t pid, int sig, int timeout_ms) {
  if (pid <= 0) return true;
  if (kill(pid, sig) != 0) return errno == ESRCH;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno == ECHILD) {
      if (kill(pid, 0) != 0) return true;  // not our child: poll for its exit
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string LogTail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += all[i] + "\n";
  }
  return out;
}

}  // namespace zhuji::tools
