#pragma once
// Readiness and stop reports to systemd (sd_notify, libsystemd) for units of Type=notify
// (deploy/systemd/). Each call does nothing when the process was not started by systemd
// (no NOTIFY_SOCKET), so the daemons behave the same by hand, under `zhuji cluster` and in tests.

#include <string>

namespace zhuji {

// READY=1 with a one-line STATUS= for `systemctl status`: the daemon serves from now on.
void NotifyReady(const std::string& status);
// STOPPING=1: a stop signal arrived and the daemon is finishing what it holds.
void NotifyStopping(const std::string& status);

}  // namespace zhuji
