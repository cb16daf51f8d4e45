#pragma once
// What the control socket shows of this node's records: the views of control.capnp, filled from
// the store's values. The operator's CLI reads these views only; it decodes no store.capnp or
// matter.capnp bytes (schemas/control.capnp). Kinds, states, outcomes and marks are rendered here.
//
// Pure functions: they read the value and set fields of the builder, whose message owns them.

#include <vector>

#include "services/deadlines/deadlines.h"
#include "services/node/matters.h"
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

// "open", "reminded", "due_today", "overdue", "closed" (`zhuji deadlines --json`).
const char* DeadlineStateName(schema::Deadline::State state);

}  // namespace zhuji::node
