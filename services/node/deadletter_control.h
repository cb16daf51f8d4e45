#pragma once
// `zhuji deadletter list|show|retry|drop` (issue #8): the operator's hand on the envelopes their
// destination refused for good (services/node/deadletters.h). One handler per operation.
//
// Borrows everything it is given. Loop thread only.

#include <spdlog/logger.h>

#include "services/common/clock.h"
#include "services/node/control_service.h"
#include "services/node/deadletters.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"

namespace zhuji::node {

class DeadLetterControl {
 public:
  DeadLetterControl(Writer& writer, Mail& mail, const KindRegistry& kinds, ControlService& control,
                    const Clock& clock, spdlog::logger& log);
  void Register(ControlService& control);

 private:
  void Handle(ControlCall& call);
  void List(ControlCall& call);
  void Show(ControlCall& call);
  void Retry(ControlCall& call);
  void Drop(ControlCall& call);
  void Fill(const DeadLetterRecord& d, schema::DeadLetterView::Builder v) const;
  static std::string Missing(uint64_t number);

  Writer& writer_;
  Mail& mail_;
  const KindRegistry& kinds_;
  ControlService& control_;
  const Clock& clock_;
  spdlog::logger& log_;
};

}  // namespace zhuji::node
