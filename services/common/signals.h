#pragma once
// SIGTERM and SIGINT set a stop flag that a daemon's loop checks (STYLE.md §14); SIGPIPE is
// ignored. Call once from main, before any thread starts.

#include <atomic>

namespace zhuji {

void InstallStopSignals(std::atomic<bool>* stop);

}  // namespace zhuji
