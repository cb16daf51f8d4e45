#pragma once
// `zhuji status`: what the node is, its links, its outbox, its deadlines and its health, in one
// reply. Reads what the other services own; changes nothing.
//
// Borrows everything it is given. Loop thread only.

#include <cstdint>
#include <string>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"
#include "services/node/delivery.h"
#include "services/node/health.h"
#include "services/node/key_service.h"
#include "services/node/mail.h"
#include "services/node/writer.h"

namespace zhuji::node {

class StatusControl {
 public:
  StatusControl(const config::NodeConfig& config, const DeliveryLoop& delivery, Mail& mail,
                const DeadlineService& deadlines, const KeyService& keys, Writer& writer,
                const Health& health, const Clock& clock);
  void Register(ControlService& control);
  // Set once the node started.
  void Started(int64_t at_ms, uint64_t incarnation) {
    started_at_ = at_ms;
    incarnation_ = incarnation;
  }
  void Fill(schema::NodeStatus::Builder st);
  // Where the console serves, once it does (issue #17).
  void SetConsoleUrl(std::string url) { console_url_ = std::move(url); }

 private:
  void FillIdentity(schema::NodeStatus::Builder st) const;
  void FillStore(schema::NodeStatus::Builder st, std::vector<PendingRange>* pending);
  void FillOutbox(schema::NodeStatus::Builder st, const std::vector<PendingRange>& pending);
  void FillCounters(schema::NodeStatus::Builder st) const;

  const config::NodeConfig& config_;
  const DeliveryLoop& delivery_;
  Mail& mail_;
  const DeadlineService& deadlines_;
  const KeyService& keys_;
  Writer& writer_;
  const Health& health_;
  const Clock& clock_;
  int64_t started_at_ = 0;
  uint64_t incarnation_ = 0;
  std::string console_url_;
};

}  // namespace zhuji::node
