#include "services/node/deadletter_control.h"

#include "services/common/capnp_io.h"

namespace zhuji::node {

DeadLetterControl::DeadLetterControl(Writer& writer, Mail& mail, const KindRegistry& kinds,
                                     ControlService& control, const Clock& clock,
                                     spdlog::logger& log)
    : writer_(writer), mail_(mail), kinds_(kinds), control_(control), clock_(clock), log_(log) {}

void DeadLetterControl::Register(ControlService& control) {
  control.Register(schema::ControlRequest::DEAD_LETTER, [this](ControlCall& c) { Handle(c); });
}

void DeadLetterControl::Handle(ControlCall& call) {
  using Op = schema::DeadLetterRequest::Op;
  auto req = call.request.getDeadLetter();
  switch (req.getOp()) {
    case Op::LIST:
      return List(call);
    case Op::SHOW:
      return Show(call);
    case Op::RETRY:
      return Retry(call);
    case Op::DROP:
      return Drop(call);
  }
  call.reply.setError("unknown dead-letter operation " +
                      std::to_string(static_cast<int>(req.getOp())));
}

std::string DeadLetterControl::Missing(uint64_t number) {
  return "no dead letter #" + std::to_string(number) + " on this node";
}

void DeadLetterControl::Fill(const DeadLetterRecord& d, schema::DeadLetterView::Builder v) const {
  v.setNumber(d.number);
  v.setDestination(d.destination);
  v.setSeq(d.seq);
  v.setReason(d.reason);
  v.setDeadAtMs(d.dead_at);
  v.setBytes(d.envelope.size());
  auto msg = ReadMessage(d.envelope);
  auto env = msg->Root<schema::Envelope>();
  v.setId(env.getId());
  v.setSentAtMs(env.getSentAt());
  v.setKind(kinds_.Name(env.getKind()));
  v.setSummary(kinds_.Describe(env.getKind(), AsView(env.getBody())));
}

void DeadLetterControl::List(ControlCall& call) {
  auto txn = writer_.BeginRead();
  auto list = DeadLetters::List(txn, call.request.getDeadLetter().getLimit());
  auto views = call.reply.initDeadLetters(list.size());
  for (size_t i = 0; i < list.size(); ++i) Fill(list[i], views[i]);
}

void DeadLetterControl::Show(ControlCall& call) {
  uint64_t number = call.request.getDeadLetter().getNumber();
  auto txn = writer_.BeginRead();
  auto d = DeadLetters::Get(txn, number);
  if (!d) return call.reply.setError(Missing(number));
  Fill(*d, call.reply.initDeadLetters(1)[0]);
}

void DeadLetterControl::Retry(ControlCall& call) {
  uint64_t number = call.request.getDeadLetter().getNumber();
  int64_t now = clock_.NowMs();
  std::optional<DeadLetterRecord> d;
  std::optional<QueuedEnvelope> q;
  Status st = control_.Write([&](store::Txn& txn) {
    d = DeadLetters::Get(txn, number);
    q = d ? DeadLetters::Retry(txn, mail_.outbox(), number, now) : std::nullopt;
    return q ? Status::Ok() : Status::Error(Missing(number));
  });
  if (!st.ok()) return call.reply.setError(st.message());
  mail_.pump().Enqueued(d->destination, q->seq);
  log_.info("dead letter #{} to {} queued again as #{}", number, d->destination, q->seq);
  auto v = call.reply.initDeadLetters(1)[0];
  Fill(*d, v);
  v.setRequeuedSeq(q->seq);
}

void DeadLetterControl::Drop(ControlCall& call) {
  uint64_t number = call.request.getDeadLetter().getNumber();
  int64_t now = clock_.NowMs();
  std::optional<DeadLetterRecord> d;
  Status st = control_.Write([&](store::Txn& txn) {
    d = DeadLetters::Get(txn, number);
    if (!d) return Status::Error(Missing(number));
    DeadLetters::Drop(txn, number, now);
    return Status::Ok();
  });
  if (!st.ok()) return call.reply.setError(st.message());
  log_.warn("dead letter #{} to {} dropped by the operator", number, d->destination);
  Fill(*d, call.reply.initDeadLetters(1)[0]);
}

}  // namespace zhuji::node
