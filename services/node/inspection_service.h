#pragma once
// Supervision of classification work on the node (issue #14, GD Art. 41-44): inspections,
// self-inspections and correction notices (services/workflows/inspection.h), each case stored
// whole (table `inspections`) on the opener's node and the inspected organ's, sent between them
// after every step (kind `inspection`). The rectification report is a duty of the inspected
// organ on its node, due on the day the request set, overdue to the dept supervising the organ.
// Operation INSPECTION.
//
// Borrows everything it is given. Loop thread only.

#include <optional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/workflows/inspection.h"

namespace zhuji::node {

struct InspectionCases {
  static std::string Encode(const workflows::InspectionCase& c);
  static workflows::InspectionCase Decode(std::string_view bytes);
  static std::optional<workflows::InspectionCase> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::InspectionCase& c);
  static std::vector<workflows::InspectionCase> List(store::Txn& txn);
};

class InspectionService {
 public:
  InspectionService(const config::NodeConfig& config, const workflows::OrganDirectory& directory,
                    DeadlineService& deadlines, Writer& writer, Mail& mail, ControlService& control,
                    const Clock& clock);
  // The kind's rules, usable without a service (CheckCaseCopy).
  static KindEntry InspectionEnvelopeKind(const std::string& self);
  void Register(KindRegistry& kinds, ControlService& control);

 private:
  void Handle(ControlCall& call);
  Status Take(store::Txn& txn, schema::InspectionRequest::Reader req, int64_t now, std::string* id);
  // The case's new state here: stored, the rectification duty opened or closed when the
  // inspected organ is on this node, and sent to the other organ's node.
  void Deliver(store::Txn& txn, const workflows::InspectionCase& c, const std::string& what,
               int64_t now);
  void Arrived(store::Txn& txn, const workflows::InspectionCase& c, const std::string& what,
               int64_t now);

  const config::NodeConfig& config_;
  const workflows::OrganDirectory& directory_;
  DeadlineService& deadlines_;
  Writer& writer_;
  Mail& mail_;
  ControlService& control_;
  const Clock& clock_;
};

}  // namespace zhuji::node
