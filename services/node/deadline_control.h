#pragma once
// The operators' requests on deadlines and the calendar (`zhuji deadlines`, `zhuji clock`,
// `zhuji calendar load`): one handler per operation, each registered with the control service.
//
// Borrows everything it is given. Loop thread only.

#include <spdlog/logger.h>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"

namespace zhuji::node {

class DeadlineControl {
 public:
  // `fake_clock` is the node's clock when it runs on a fake one (tests), else null.
  DeadlineControl(const config::NodeConfig& config, DeadlineService& deadlines, Writer& writer,
                  ControlService& control, const Clock& clock, FakeClock* fake_clock,
                  spdlog::logger& log);
  void Register(ControlService& control);

 private:
  void List(ControlCall& call);
  void Open(ControlCall& call);
  void Close(ControlCall& call);
  void Supervised(ControlCall& call);
  void MoveClock(ControlCall& call);
  void LoadCalendar(ControlCall& call);
  void FillCalendar(schema::CalendarInfo::Builder cal, int64_t now) const;

  const config::NodeConfig& config_;
  DeadlineService& deadlines_;
  Writer& writer_;
  ControlService& control_;
  const Clock& clock_;
  FakeClock* fake_clock_;
  spdlog::logger& log_;
};

}  // namespace zhuji::node
