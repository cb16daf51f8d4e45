#pragma once
// An organ's own determinations on the node (issue #14, GD Art. 25-28): its 保密事项一览表
// (table `scope_lists`) and its register of state secrets (table `secrets`), the handler's
// proposal, the 定密责任人's approval, correction or return, each in one transaction, with the
// GD Art. 28 duty opened on the proposal and closed on the approval. Operation SECRET.
//
// After approval (GD Art. 34-40): the copy goes to every node hosting an organ of the 知悉范围
// (kind `secret`), which stores it and answers with its 签收; every later decision (extension,
// shortening, change, release) is a new version of the copy and a written notice (table
// `secret_notices`) whose delivery is a duty per recipient organ, overdue to the supervising
// dept when a recipient has not receipted it in time. Every node releases the items it holds
// when their term ends (GD Art. 39), and opens each organ's GD Art. 34 yearly review.
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
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/workflows/determination.h"
#include "services/workflows/secret_change.h"
#include "zhuji/schemas/secret.capnp.h"

namespace zhuji::node {

struct ScopeLists {
  static std::string Encode(const workflows::ScopeList& l);
  static workflows::ScopeList Decode(std::string_view bytes);
  static std::optional<workflows::ScopeList> Get(store::Txn& txn, const std::string& organ);
  static void Put(store::Txn& txn, const workflows::ScopeList& l);
};

struct SecretNotices {
  static std::string Encode(const workflows::SecretNotice& n);
  static workflows::SecretNotice Decode(std::string_view bytes);
  static std::optional<workflows::SecretNotice> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::SecretNotice& n);
  static std::vector<workflows::SecretNotice> List(store::Txn& txn);
};

struct Secrets {
  static std::string Encode(const workflows::Determination& d);
  static workflows::Determination Decode(std::string_view bytes);
  static void Fill(schema::Determination::Builder b, const workflows::Determination& d);
  static workflows::Determination Read(schema::Determination::Reader r);
  static std::optional<workflows::Determination> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::Determination& d);
  static std::vector<workflows::Determination> List(store::Txn& txn);
  static std::string NextId(store::Txn& txn, const std::string& organ, int year);
};

class DeterminationService {
 public:
  DeterminationService(const config::NodeConfig& config, const FilingService& filings,
                       DeadlineService& deadlines, Writer& writer, Mail& mail,
                       ControlService& control, const Clock& clock);
  // The kind's rules, usable without a service: a copy comes from its organ's node to organs
  // of this one; a receipt from the node of the organs it receipts.
  static KindEntry SecretEnvelopeKind(const std::string& self);
  // The body of a `secret` envelope carrying `d` (and its notice) to `organs` of one node.
  static std::string CopyBody(const workflows::Determination& d, workflows::ChangeKind kind,
                              const std::string& rule, const std::string& doc_number,
                              const std::vector<std::string>& organs);
  void Register(KindRegistry& kinds, ControlService& control);

  // When the next held item's term ends, from the store. At start.
  void Load(int64_t now);
  // GD Art. 39: items whose term ended are released; GD Art. 34: the year's reviews opened. In
  // their own transaction, when due.
  void Tick(int64_t now);

 private:
  void Handle(ControlCall& call);
  void OnSecret(store::Txn& txn, const std::string& from, std::string_view body, int64_t now);
  Status Change(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id,
                std::vector<std::string>* warnings);
  Status Review(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id);
  // The organs named for a 知悉范围: "<node>/<code>" or a code of this node, each in the
  // directory, none twice, not `self_organ`.
  Result<std::vector<std::string>> ScopeOrgans(capnp::List<capnp::Text>::Reader names,
                                               const std::string& self_organ) const;
  // The copy of `d` to the nodes of `recipients` with its notice, tracked per recipient; a
  // recipient on this node receipts at once. `rule` empty: no notice is owed by law (the copy
  // on approval, a release by publication): nothing is tracked as a duty.
  Status Notify(store::Txn& txn, const workflows::Determination& d, workflows::ChangeKind kind,
                const std::string& rule, const std::string& doc_number,
                const std::vector<std::string>& recipients, std::optional<calendar::Date> due_day,
                int64_t now);
  // GD Art. 34: closes the organ's review of this year once nothing is left to review.
  void ReviewDone(store::Txn& txn, const std::string& organ, int64_t now);
  void OpenReviews(store::Txn& txn, int year, int64_t now);
  std::optional<int64_t> NextRelease(store::Txn& txn) const;
  Status Take(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id,
              std::vector<std::string>* warnings);
  Status ApproveList(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now);
  Status Propose(store::Txn& txn, schema::SecretRequest::Reader req, int64_t now, std::string* id);
  // Stores the determination's new state; the Art. 28 duty closes once it is approved.
  void Store(store::Txn& txn, const workflows::Determination& d, const std::string& what,
             int64_t now);

  const config::NodeConfig& config_;
  const FilingService& filings_;
  DeadlineService& deadlines_;
  Writer& writer_;
  Mail& mail_;
  ControlService& control_;
  const Clock& clock_;
  // 00:00 CST of the day the next held item ends (maybe earlier: then nothing is due and it is
  // found again); nullopt: none.
  std::optional<int64_t> next_release_ms_;
  void Consider(const workflows::Determination& d);
  int reviews_opened_for_ = 0;  // the year whose GD Art. 34 reviews are open
};

}  // namespace zhuji::node
