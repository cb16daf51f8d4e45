#pragma once
// Filings and grants on the node (issue #13; GD Art. 6-22): the pure workflows of
// services/workflows/{authorization,filing,responsible}.h applied in the node's transactions.
// A step's new grant, filing or register, its deadlines and the envelopes it sends are written
// in one transaction; a step for another organ of this same node (a grantee's 备案 with its
// same-level dept, which is always on its node) is applied at once in that transaction.
// Registers the kinds `grant` and `filing`.
//
// The authority of an organ (what `matter` steps check) is its own and what the live grants
// held here give it: this service sets it in the node's directory as grants arrive, are
// revoked and lapse.
//
// Borrows everything it is given. Loop thread only.

#include <spdlog/logger.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/config/authorizing_list.h"
#include "services/config/config.h"
#include "services/node/deadline_service.h"
#include "services/node/filings.h"
#include "services/node/health.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/node/writer.h"

namespace zhuji::node {

class FilingService {
 public:
  FilingService(const config::NodeConfig& config, workflows::OrganDirectory& directory,
                Writer& writer, Mail& mail, DeadlineService& deadlines, spdlog::logger& log);

  // The kinds' rules, usable without a service: only the nodes a grant or filing concerns take
  // it, and a copy must follow from the one held (CheckGrantCopy, CheckFilingCopy).
  static KindEntry GrantEnvelopeKind(const std::string& self);
  static KindEntry FilingEnvelopeKind(const std::string& self);
  void Register(KindRegistry& kinds);

  // What the store holds, in memory: the 授权机关名录's flags, the authority of live grants,
  // the next lapse. Read only (also while the store cannot be written).
  void Load(int64_t now);
  // Load, then the registers of this node's organs from the directory's heads (taken as filed
  // at installation) and the grants that lapsed while the node was down. At start, and when the
  // store takes writes again.
  void Start(int64_t now);
  // Grants whose term ended by `now` lapse (GD Art. 10), in their own transaction.
  void Tick(int64_t now);
  const workflows::OrganDirectory& base_directory() const { return base_; }

  // 定密授权 (GD Art. 6-12) by an organ of this node; returns the grant made.
  Result<workflows::Grant> MakeGrant(store::Txn& txn, const std::string& grantor,
                                     const workflows::GrantDecision& decision, int64_t now,
                                     std::vector<std::string>* warnings);
  Status Revoke(store::Txn& txn, const std::string& id, int ground, const std::string& detail,
                const std::string& doc_number, const std::string& by, int64_t now);

  // 备案 steps of this node's organs: the filer submits; the receiving dept receipts or refuses.
  Status Submit(store::Txn& txn, const std::string& id, const std::set<std::string>& materials,
                const std::string& by, int64_t now);
  Status Receipt(store::Txn& txn, const std::string& id, const std::string& number,
                 const std::string& by, int64_t now);
  Status Refuse(store::Txn& txn, const std::string& id, const std::string& missing,
                const std::string& by, int64_t now);

  // 定密责任人 (GD Art. 16-22) of an organ of this node; every change owes a GD Art. 21 备案.
  Status SetHead(store::Txn& txn, const std::string& organ, const std::string& name,
                 const std::string& post, const std::string& doc_number, int64_t now);
  Status Designate(store::Txn& txn, const std::string& organ, const workflows::Designation& d,
                   const std::string& by, const workflows::Art17Declaration& art17,
                   const workflows::Art18Record& art18, int64_t now);
  Status RevokeDesignation(store::Txn& txn, const std::string& organ, const std::string& name,
                           const std::string& by, const std::string& reason, int64_t now);
  // Submits the organ's GD Art. 21 filing owed, with the register as it is now.
  Status FileRegister(store::Txn& txn, const std::string& organ,
                      const std::set<std::string>& materials, const std::string& by, int64_t now,
                      std::string* filing_id);

  // 授权机关名录 (GD Art. 15 ¶1). The province loads a newer one (`publish`); every node takes
  // it from its parent; each passes it down (also to a node offline then: it waits in the
  // outbox). With a pinned directory key it must verify. Held, it sets every organ's
  // `authorizing` flag. `forwarded`: the children it went to.
  Status Publish(store::Txn& txn, const std::string& text, int64_t now,
                 std::vector<std::string>* forwarded);
  // The list held (version 0: none; the directory's flags serve), and whether it was verified.
  config::AuthorizingList HeldList(store::Txn& txn, bool* verified) const;

  // GD Art. 16 ¶3: `name` is a 定密责任人 of `organ` (an address on this node) who may approve
  // at `level` today; otherwise why not, and who may.
  Status MayApprove(store::Txn& txn, const workflows::Organ& organ, const std::string& name,
                    workflows::SecrecyLevel level, int64_t now) const;
  // The register of 定密责任人 of `address` (an organ of this node) with the organ's authority
  // today (its own and its live grants'); an empty one if none was made.
  Result<workflows::ResponsibleRegister> LiveRegister(store::Txn& txn,
                                                      const std::string& address) const;

  // GD Art. 22: `name` (the statutory one) may change the 定密意见 of `designee`, a live
  // designee of `organ`.
  Status MayOverride(store::Txn& txn, const workflows::Organ& organ, const std::string& name,
                     const std::string& designee, int64_t now) const;

 private:
  void OnGrant(store::Txn& txn, const std::string& from, std::string_view body, int64_t now);
  void OnFiling(store::Txn& txn, const std::string& from, std::string_view body, int64_t now);
  // A grant copy is held here from now (made, revoked or arrived): what it asks of this node's
  // organs — the grantee's GD Art. 14 备案 of what it received.
  Status Hold(store::Txn& txn, const workflows::Grant& g, const workflows::Grant* prev,
              int64_t now);
  // Sends a grant's copy to each node in `nodes` (this node's own copy is stored already).
  void SendGrant(store::Txn& txn, const workflows::Grant& g, const std::vector<std::string>& nodes,
                 int64_t now);
  // A new filing owed by `filer` (of this node) to `receiver`: stored, its duty opened.
  Result<std::string> Owe(store::Txn& txn, workflows::FilingKind kind,
                          const workflows::Organ& filer, const workflows::Organ& receiver,
                          const std::string& subject, const std::string& title,
                          const workflows::Grant* grant, int64_t now);
  // Stores the filing, changes its filer's duty, and delivers it (here at once, or by mail).
  Status Apply(store::Txn& txn, const workflows::FilingStep& step, const std::string& what,
               int64_t now);
  // A filing's copy arrived here (by mail, or from an organ of this node).
  void Arrived(store::Txn& txn, const workflows::Filing& copy, int64_t now);
  // GD Art. 14, 21: the dept a grantee or an organ files with — its node's secrecy admin dept;
  // a dept itself files with the one a level up.
  std::optional<workflows::Organ> SameLevelDept(const workflows::Organ& organ) const;
  Result<StoredRegister> RegisterOf(store::Txn& txn, const std::string& organ_code) const;
  // A changed register: stored, and its GD Art. 21 filing owed (one open at a time).
  Status Changed(store::Txn& txn, StoredRegister s, const std::string& what, int64_t now);
  // The authority of every organ from the grants held here, set once the transaction commits.
  void RefreshAuthority(store::Txn& txn, int64_t now);
  void ApplyAuthority(const std::vector<workflows::Grant>& grants, int64_t now);

  // The list in `text`, its signature verified with the pinned directory key if one is set;
  // newer than the one held and checked against the directory.
  Result<config::AuthorizingList> ReadList(const std::string& text,
                                           const std::string& source) const;
  std::vector<std::string> ApplyList(store::Txn& txn, const std::string& text,
                                     const config::AuthorizingList& list, int64_t now);
  void SetFlags(const config::AuthorizingList& list);

  const config::NodeConfig& config_;
  workflows::OrganDirectory base_;  // the directory as configured: the organs' own authority
  workflows::OrganDirectory& live_;
  Writer& writer_;
  Mail& mail_;
  DeadlineService& deadlines_;
  spdlog::logger& log_;
  int64_t next_lapse_ms_ = 0;  // 0: none held
  uint64_t list_version_ = 0;  // the 授权机关名录 held
};

// The step name of a filing's duty in `zhuji deadlines`.
std::string FilingStepName(const workflows::Filing& f);

}  // namespace zhuji::node
