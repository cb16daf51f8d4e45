#pragma once
// 保密行政许可 on the node (issue #16; LN = 辽保局〔2021〕46号; services/workflows/licence_case.h):
// on the province node, the applications for the three licences with their clock as duties
// (行政许可法 Art. 32, 42, 44), the decision by the deciding departments on the node (item (1):
// the bureau and the defence-industry department, both), the certificates, the EMS register
// (最多跑一次), the credit record, the expert pool and the 双随机 draws; on every node, the
// inspections of licensed units a city bureau carries out (kind `licensing`): the province
// sends each its part of a draw or a 飞行检查, the city reports its findings back, a violation
// enters the credit record, and a finding that concerns another department is sent to it
// (联动处置). Operation LICENSING.
//
// Tables: `applications`, `certificates`, `parcels`, `credit`, `experts`, `draws`,
// `unit_inspections`. Borrows everything it is given. Loop thread only.

#include <optional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/workflows/licence_case.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::node {

struct UnitInspections {
  static std::string Encode(const workflows::UnitInspection& i);
  static workflows::UnitInspection Decode(std::string_view bytes);
};

class LicensingService {
 public:
  LicensingService(const config::NodeConfig& config, const workflows::OrganDirectory& directory,
                   DeadlineService& deadlines, Writer& writer, Mail& mail, ControlService& control,
                   const Clock& clock);
  // The kind's rules, usable without a service (the fuzz target).
  static KindEntry LicensingKind(const std::string& self);
  void Register(KindRegistry& kinds, ControlService& control);

 private:
  void Handle(ControlCall& call);
  Status TakeApplication(store::Txn& txn, schema::LicensingRequest::Reader req, int64_t now,
                         std::string* id);
  Status TakeDraw(store::Txn& txn, schema::LicensingRequest::Reader req, int64_t now,
                  std::vector<std::string>* ids);
  Status TakeReport(store::Txn& txn, schema::LicensingRequest::Reader req, int64_t now);
  // The province's secrecy bureau on this node, or why this node does not license.
  Result<workflows::Organ> Bureau() const;
  // The application's duties as its clock says today (accept, decide, certificate); refused when
  // the clock cannot be computed (steps dated out of order).
  Status SyncDuties(store::Txn& txn, const workflows::Application& a, int64_t now);
  // An inspection's new state here, and sent on to whoever must have it next.
  void Arrived(store::Txn& txn, const workflows::UnitInspection& i, const std::string& from,
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
