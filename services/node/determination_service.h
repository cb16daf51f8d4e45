#pragma once
// An organ's own determinations on the node (issue #14, GD Art. 25-28): its 保密事项一览表
// (table `scope_lists`) and its register of state secrets (table `secrets`), the handler's
// proposal, the 定密责任人's approval, correction or return, each in one transaction, with the
// GD Art. 28 duty opened on the proposal and closed on the approval. Operation SECRET.
//
// Borrows everything it is given. Loop thread only.

#include <optional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/node/control_service.h"
#include "services/node/deadline_service.h"
#include "services/node/filing_service.h"
#include "services/workflows/determination.h"

namespace zhuji::node {

struct ScopeLists {
  static std::string Encode(const workflows::ScopeList& l);
  static workflows::ScopeList Decode(std::string_view bytes);
  static std::optional<workflows::ScopeList> Get(store::Txn& txn, const std::string& organ);
  static void Put(store::Txn& txn, const workflows::ScopeList& l);
};

struct Secrets {
  static std::string Encode(const workflows::Determination& d);
  static workflows::Determination Decode(std::string_view bytes);
  static std::optional<workflows::Determination> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::Determination& d);
  static std::vector<workflows::Determination> List(store::Txn& txn);
  static std::string NextId(store::Txn& txn, const std::string& organ, int year);
};

class DeterminationService {
 public:
  DeterminationService(const config::NodeConfig& config, const FilingService& filings,
                       DeadlineService& deadlines, Writer& writer, ControlService& control,
                       const Clock& clock);
  void Register(ControlService& control);

 private:
  void Handle(ControlCall& call);
  Status Take(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id);
  Status ApproveList(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now);
  Status Propose(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id);
  // Stores the determination's new state; the Art. 28 duty closes once it is approved.
  void Store(store::Txn& txn, const workflows::Determination& d, const std::string& what,
             int64_t now);

  const config::NodeConfig& config_;
  const FilingService& filings_;
  DeadlineService& deadlines_;
  Writer& writer_;
  ControlService& control_;
  const Clock& clock_;
};

}  // namespace zhuji::node
