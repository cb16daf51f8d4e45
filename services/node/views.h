#pragma once
// What the control socket shows of this node's records: the views of control.capnp, filled from
// the store's values. The operator's CLI reads these views only; it decodes no store.capnp or
// matter.capnp bytes (schemas/control.capnp). Kinds, states, outcomes and marks are rendered here.
//
// Pure functions: they read the value and set fields of the builder, whose message owns them.

#include <vector>

#include "services/deadlines/deadlines.h"
#include "services/node/filings.h"
#include "services/node/matters.h"
#include "services/workflows/determination.h"
#include "services/workflows/inspection.h"
#include "services/workflows/secret_change.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::node {

// A deadline, with the working days from today to its due day (< 0 overdue) as the caller's
// calendar counts them.
void FillDeadlineView(const deadlines::DeadlineRecord& d, int days_left,
                      schema::DeadlineView::Builder v);

// This node's copy of an escalated matter.
void FillMatterView(const StoredMatter& s, schema::MatterView::Builder v);
// Matters as a reply (`matter list`, `matter show`, a matter step's result).
void FillMatterList(const std::vector<StoredMatter>& list, schema::ControlReply::Builder r);

// 备案, 定密授权 and 定密责任人 (issue #13). A grant's view lists the filings of it held here
// (`filings`, any order) and, for each filing this node's dept should receive of it (GD Art. 13,
// 14 ¶2, 14: `expected_here`), those not received.
void FillFilingView(const workflows::Filing& f, schema::FilingView::Builder v);
void FillFilingList(const std::vector<workflows::Filing>& list, schema::ControlReply::Builder r);
struct GrantRegisterEntry {
  workflows::Grant grant;
  std::vector<workflows::Filing> filings;
  std::vector<std::string> missing;  // expected here, not received
};
void FillGrantList(const std::vector<GrantRegisterEntry>& list, schema::ControlReply::Builder r);
void FillRegisterList(const std::vector<StoredRegister>& list, int64_t now,
                      schema::ControlReply::Builder r);

// An organ's own determination (GD Art. 27, 28), proposed, returned or in its register, or a
// copy held for organs of node `self` in its 知悉范围; organs are named from `directory`.
void FillSecretView(const workflows::Determination& d, const workflows::OrganDirectory& directory,
                    const std::string& self, schema::SecretView::Builder v);
// A supervision case (GD Art. 41-44).
void FillInspectionView(const workflows::InspectionCase& c, schema::InspectionView::Builder v);
// A written notice and its recipients' 签收 (GD Art. 36, 37, 40).
void FillSecretNoticeView(const workflows::SecretNotice& n, schema::SecretNoticeView::Builder v);

// "open", "reminded", "due_today", "overdue", "closed" (`zhuji deadlines --json`).
const char* DeadlineStateName(schema::Deadline::State state);

}  // namespace zhuji::node
