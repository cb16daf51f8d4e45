#include "services/common/signals.h"

#include <csignal>
#include <cstring>

namespace zhuji {

namespace {
std::atomic<bool>* g_stop = nullptr;
void OnStopSignal(int) {
  if (g_stop) g_stop->store(true);
}
}  // namespace

void InstallStopSignals(std::atomic<bool>* stop) {
  g_stop = stop;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStopSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace zhuji
