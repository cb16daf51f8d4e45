#pragma once
// Sending from a step (DESIGN.md "Delivery guarantee"): an envelope is queued in the outbox in
// the step's own transaction, and the pump hears of it only once that transaction committed.
// Borrows the outbox, pump and writer. Loop thread only.

#include "services/node/outbox.h"
#include "services/node/pump.h"
#include "services/node/writer.h"

namespace zhuji::node {

class Mail {
 public:
  // What a transaction queues is signed just before it commits (Outbox::Seal).
  Mail(Outbox& outbox, Pump& pump, Writer& writer) : outbox_(outbox), pump_(pump), writer_(writer) {
    writer_.AddSeal([this](store::Txn& txn) { outbox_.Seal(txn); }, [this] { outbox_.Unsealed(); });
  }

  QueuedEnvelope Post(store::Txn& txn, const OutgoingEnvelope& out, int64_t now) {
    QueuedEnvelope q = outbox_.Enqueue(txn, out, now);
    writer_.AfterCommit([this, dest = out.destination, seq = q.seq] { pump_.Enqueued(dest, seq); });
    return q;
  }

  Outbox& outbox() { return outbox_; }
  Pump& pump() { return pump_; }

 private:
  Outbox& outbox_;
  Pump& pump_;
  Writer& writer_;
};

}  // namespace zhuji::node
