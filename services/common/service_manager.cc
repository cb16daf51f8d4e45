#include "services/common/service_manager.h"

#include <systemd/sd-daemon.h>

namespace zhuji {

void NotifyReady(const std::string& status) {
  (void)sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void NotifyStopping(const std::string& status) {
  (void)sd_notify(0, ("STOPPING=1\nSTATUS=" + status).c_str());
}

}  // namespace zhuji
