#pragma once
// The operators' steps on escalated matters (`zhuji matter …`; GD Art. 29, 30, 45): one function
// per step. Each reads what the node holds, asks the pure workflow for the step, and applies it
// through the matter service in one transaction; a step the rules refuse returns its Status and
// changes nothing.
//
// Borrows everything it is given. Loop thread only.

#include <string>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"
#include "services/node/filing_service.h"
#include "services/node/matter_service.h"
#include "services/workflows/organs.h"

namespace zhuji::node {

class MatterControl {
 public:
  MatterControl(const config::NodeConfig& config, const workflows::OrganDirectory& directory,
                MatterService& matters, const FilingService& filings, Writer& writer,
                ControlService& control, const Clock& clock);
  void Register(ControlService& control);

 private:
  struct Step {  // one operator step, inside its transaction
    store::Txn& txn;
    schema::MatterRequest::Reader req;
    const workflows::Matter* held;  // the matter named by --id, if any
    int64_t now;
    std::string done_id;  // the matter the step changed
  };
  void Handle(ControlCall& call);
  void Show(ControlCall& call);
  Status Take(Step& s);
  Status Report(Step& s, bool unclear);
  Status Start(Step& s, bool unclear);
  Status Object(Step& s);
  Status ApplyForGrant(Step& s);
  Status Review(Step& s);
  Status Decide(Step& s);
  Status Answer(Step& s);
  Status Accept(Step& s);
  Status Escalate(Step& s);
  Status ReferNational(Step& s);
  Status RecordNational(Step& s);
  Status Apply(Step& s, const Result<workflows::Step>& step, const std::string& what);
  // The organ acting is on this node, or a Status saying whose operators act for it.
  Status Here(const workflows::Organ& o, const char* role) const;
  std::string OwnOrgan(const std::string& code) const { return config_.node_id + "/" + code; }

  const config::NodeConfig& config_;
  const workflows::OrganDirectory& directory_;
  MatterService& matters_;
  const FilingService& filings_;  // the 定密责任人 registers (GD Art. 16 ¶3)
  Writer& writer_;
  ControlService& control_;
  const Clock& clock_;
};

}  // namespace zhuji::node
