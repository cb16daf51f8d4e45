#pragma once
// Escalated matters on the node (issue #4): the pure workflows of services/workflows/ applied in
// the node's transactions. A step's new matter, its deadlines and the envelopes it sends are
// written in one transaction (DESIGN.md "Delivery guarantee"); a step for another organ on this
// same node is applied at once in that transaction. Registers the kind `matter`.
//
// Borrows everything it is given. Loop thread only.

#include <spdlog/logger.h>

#include <string>

#include "services/config/config.h"
#include "services/node/deadline_service.h"
#include "services/node/health.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/node/matters.h"
#include "services/node/writer.h"
#include "services/workflows/matter.h"

namespace zhuji::node {

// Counted in `meta` for `zhuji status`: this node's own steps on received matters that could not
// be taken (each named in the audit log).
extern const char* const kStepsNotTaken;

class MatterService {
 public:
  MatterService(const config::NodeConfig& config, Writer& writer, Mail& mail,
                DeadlineService& deadlines, Health& health, spdlog::logger& log);

  // The kind's rules, usable without a service: only the nodes of a matter (its route, its
  // origin, the parties) hold and send it.
  static KindEntry EnvelopeKind(const std::string& self);
  void Register(KindRegistry& kinds);

  // Applies a workflow step in the caller's transaction: stores the matter, closes and opens its
  // deadlines, sends it to every node named, and applies a step for this node here at once.
  // An error (nothing to keep: the caller's transaction aborts) when a deadline of the step
  // cannot be opened or this node's own step is refused.
  Status ApplyStep(store::Txn& txn, const workflows::Step& step, const std::string& what,
                   int64_t now);
  // 条例 Art. 25 ¶2: the provincial bureau's decision (taken on this node) was filed with
  // 国家保密局 (备案) `via` 机要交通 … by `by`: recorded here, its policy deadline closed.
  Status FileWithNational(store::Txn& txn, const std::string& id, const std::string& via,
                          const std::string& by, int64_t now);
  // GD Art. 40: the classifier sent the written notice of a 变更 to the 知悉范围 (`how`: its
  // number or the way it went): recorded, its deadline closed.
  Status NotifyChange(store::Txn& txn, const std::string& id, const std::string& by,
                      const std::string& how, int64_t now);

 private:
  // A `matter` envelope arrived: keep the newer copy, record a decision's written notice, and
  // take this node's own step if the matter now waits on one of its organs.
  void OnEnvelope(store::Txn& txn, const std::string& from, std::string_view body, int64_t now);
  void TakeOwnStep(store::Txn& txn, const StoredMatter& s, int64_t now);
  Status OpenDeadlines(store::Txn& txn, const workflows::Step& step, workflows::Matter* m,
                       int64_t now);
  Status ReceiveHere(store::Txn& txn, const workflows::Matter& m, int64_t now);
  bool HoldsStepHere(const workflows::Matter& m) const;
  // The origin's report duty ends when the deciding department has received the matter.
  void CloseReportDuty(store::Txn& txn, const workflows::Matter& m, int64_t now);
  // GD Art. 40: a settled adoption reached the classifier's node: its written notice is due.
  Status OpenChangeNotice(store::Txn& txn, StoredMatter& s, int64_t now);
  // Two copies of one version (workflows::ResolveFork): keep the held one and its late rival's
  // step as history, or refuse the copy; both audited.
  void KeepLateStep(store::Txn& txn, StoredMatter held, const workflows::TrailEvent& step,
                    const std::string& what, int64_t now);
  void RefuseFork(store::Txn& txn, const workflows::Matter& held, const workflows::Matter& copy,
                  const std::string& what, int64_t now);

  const config::NodeConfig& config_;
  Writer& writer_;
  Mail& mail_;
  DeadlineService& deadlines_;
  Health& health_;
  spdlog::logger& log_;
};

}  // namespace zhuji::node
