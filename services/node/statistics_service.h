#pragma once
// The yearly classification statistics on the node (issue #14, GD Art. 46, 47): each organ's
// report computed from its records on this node, approved and filed with its same-level dept
// (on this node; a dept's own report stays with it) and, for an authorized organ, sent to its
// grantor's node; the node's dept rolls up its region (its organs' reports + the region reports
// of the nodes one level down) and sends it to the parent node. Table `stats`, kind `stats`,
// operation STATS. From the second year a node serves, each January opens every organ's duty
// (end of February) and the dept's (end of March), overdue to the supervising dept.
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
#include "services/workflows/statistics.h"
#include "zhuji/schemas/control.capnp.h"
#include "zhuji/schemas/statistics.capnp.h"

namespace zhuji::node {

struct StatReports {
  static std::string Encode(const workflows::StatReport& r);
  static workflows::StatReport Decode(std::string_view bytes);
  static std::optional<workflows::StatReport> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::StatReport& r);
  static std::vector<workflows::StatReport> List(store::Txn& txn, int year);
};

class StatisticsService {
 public:
  StatisticsService(const config::NodeConfig& config, const FilingService& filings,
                    DeadlineService& deadlines, Writer& writer, Mail& mail, ControlService& control,
                    const Clock& clock);
  // The kind's rules, usable without a service: a report comes from its filer's node.
  static KindEntry StatsEnvelopeKind(const std::string& self);
  void Register(KindRegistry& kinds, ControlService& control);
  // Opens the past year's duties once a year (from the second year this node serves).
  void Tick(int64_t now);

 private:
  void Handle(ControlCall& call);
  // The figures of `organ` (an address on this node) for `year`, from the store.
  workflows::StatFigures Compute(store::Txn& txn, const workflows::Organ& organ, int year,
                                 int64_t now) const;
  Status File(store::Txn& txn, const workflows::Organ& organ, int year, const std::string& by,
              int64_t now, std::vector<std::string>* warnings);
  Status FileRegion(store::Txn& txn, int year, const std::string& by, int64_t now,
                    std::vector<std::string>* warnings);
  void FillTable(store::Txn& txn, int year, int64_t now, schema::StatsView::Builder v) const;
  void OpenDuties(store::Txn& txn, int year, int64_t now);
  std::vector<std::string> OrgansHere() const;

  const config::NodeConfig& config_;
  const FilingService& filings_;
  DeadlineService& deadlines_;
  Writer& writer_;
  Mail& mail_;
  ControlService& control_;
  const Clock& clock_;
  int duties_checked_for_ = 0;  // the current year, once its January duties were looked at
};

}  // namespace zhuji::node
