#pragma once
// The kinds of envelope with their rules, as a node registers them, for tests of the inbox alone
// (no apply functions: the tests look at what the inbox keeps).
#include <string>

#include "services/node/deadline_service.h"
#include "services/node/kinds.h"
#include "services/node/matter_service.h"
#include "services/node/notices.h"

namespace zhuji::node::testing {

inline KindRegistry KindsOf(const std::string& self, const std::string& parent = "") {
  KindRegistry k;
  k.Register(schema::Kind::NOTICE, NoticeService::NoticeKind());
  k.Register(schema::Kind::SKIP, NoticeService::SkipKind());
  k.Register(schema::Kind::SUPERVISION, DeadlineService::SupervisionKind());
  k.Register(schema::Kind::CALENDAR_UPDATE, DeadlineService::CalendarKind(parent));
  k.Register(schema::Kind::MATTER, MatterService::EnvelopeKind(self));
  return k;
}

}  // namespace zhuji::node::testing
