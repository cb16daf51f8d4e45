#pragma once
// Test messages (测试消息; kind `notice`) between nodes: what operators send to test a link (`zhuji
// send`), and read
// (`zhuji inbox`); and the skip envelope that holds the place of a dead letter (issue #8).
// Registers the kinds `notice` and `skip`, and the control operations SEND and INBOX.
//
// A `send --wait` is answered once its destination acknowledged the last notice.
//
// Borrows everything it is given. Loop thread only.

#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/inbox.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"

namespace zhuji::node {

class NoticeService {
 public:
  NoticeService(const config::NodeConfig& config, Writer& writer, Mail& mail, Inbox& inbox,
                ControlService& control, const Clock& clock);

  // The kinds' rules, usable without a service (tests, tools).
  static KindEntry NoticeKind();
  static KindEntry SkipKind();
  void Register(KindRegistry& kinds, ControlService& control);

  // `destination` acknowledged everything up to `acked`: answers the operators waiting on it.
  void OnAcked(const std::string& destination, uint64_t acked);

 private:
  struct Waiter {  // an operator waiting for an acknowledgement (send --wait)
    std::string identity;
    std::string destination;
    uint64_t seq;
    std::vector<std::string> ids;
    uint64_t first_seq;
  };
  void HandleSend(ControlCall& call);
  Status CheckSend(schema::SendRequest::Reader s) const;
  void HandleInbox(ControlCall& call);

  const config::NodeConfig& config_;
  Writer& writer_;
  Mail& mail_;
  Inbox& inbox_;
  ControlService& control_;
  const Clock& clock_;
  std::vector<Waiter> waiters_;
};

}  // namespace zhuji::node
