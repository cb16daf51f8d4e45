#pragma once
// The operators' steps on grants, filings and responsible persons (`zhuji grant|filing|
// responsible …`; GD Art. 6-22): one function per request. Each step runs in one transaction
// through the filing service; a step the rules refuse returns its reason and changes nothing.
//
// Borrows everything it is given. Loop thread only.

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/filing_service.h"
#include "services/node/matter_service.h"
#include "services/node/views.h"

namespace zhuji::node {

class FilingControl {
 public:
  FilingControl(const config::NodeConfig& config, FilingService& filings, MatterService& matters,
                Writer& writer, ControlService& control, const Clock& clock);
  void Register(ControlService& control);

 private:
  void HandleGrant(ControlCall& call);
  void HandleFiling(ControlCall& call);
  void HandleResponsible(ControlCall& call);
  // The register of grants held here (GD Art. 15 ¶2): each with its filings and what this
  // node's dept should have received of it and has not.
  std::vector<GrantRegisterEntry> GrantRegister(store::Txn& txn, const std::string& only) const;
  // GD Art. 9: the authorizing organ answers an application it holds: a grant, or a refusal.
  Status AnswerApplication(store::Txn& txn, schema::GrantRequest::Reader req,
                           workflows::GrantDecision d, int64_t now, std::string* grant_id,
                           std::vector<std::string>* warnings);

  const config::NodeConfig& config_;
  FilingService& filings_;
  MatterService& matters_;  // 定密授权申请 travel as matters (GD Art. 9)
  Writer& writer_;
  ControlService& control_;
  const Clock& clock_;
};

}  // namespace zhuji::node
