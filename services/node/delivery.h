#pragma once
// The delivery loop (DESIGN.md "Delivery guarantee"): the broker links, the pump that sends the
// outbox, and the inbox that takes what arrives.
//
// Receive() reads what the polled links have (at most max_batch frames) and handles the batch:
// deliveries and acknowledgements of our envelopes go into one write transaction (group
// commit); only after it committed are the senders acknowledged and the pump advanced. A frame
// that cannot be read is refused with a NACK naming the problem; a destination's permanent
// refusal moves our envelope to the dead letters and the link goes on.
//
// Borrows everything it is given; the links are its own. Loop thread only.

#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/crypto/envelope_signature.h"
#include "services/node/broker_link.h"
#include "services/node/health.h"
#include "services/node/inbox.h"
#include "services/node/outbox.h"
#include "services/node/pump.h"
#include "services/node/writer.h"

namespace zhuji::node {

class DeliveryLoop {
 public:
  DeliveryLoop(const config::NodeConfig& config, zmq::context_t& ctx, Writer& writer,
               Outbox& outbox, Pump& pump, Inbox& inbox, Health& health, const Clock& clock,
               spdlog::logger& log);

  // Connects to every broker; HELLO carries this start's incarnation and a nonce of this process.
  void Start(uint64_t incarnation);
  // One poll item per broker link, appended to `items`.
  void AddPollItems(std::vector<zmq::pollitem_t>& items);
  // Reads and handles what the links polled readable (`items` from `first` on, as added).
  void Receive(const std::vector<zmq::pollitem_t>& items, size_t first);
  // Sends what the pump says is due on the first live link; heartbeats and liveness.
  void SendDue();
  void Tick();
  // When the loop must wake up for the pump or a heartbeat (monotonic ms).
  int64_t NextWakeup() const;

  // Acknowledged envelopes leave the outbox off the critical path: the trim rides on the next
  // commit of this node, or commits on its own after kTrimDelayMs without one. An envelope
  // acknowledged but not yet trimmed is sent again only after a restart, and the receiver
  // answers it as a duplicate.
  static constexpr int64_t kTrimDelayMs = 20;
  // Deletes now what was acknowledged and not yet trimmed (when the loop is due, or at stop).
  void Trim();
  // A destination acknowledged everything up to `acked` (operators waiting on send --wait).
  void OnAcked(std::function<void(const std::string& destination, uint64_t acked)> callback) {
    on_acked_ = std::move(callback);
  }
  const std::vector<std::unique_ptr<BrokerLink>>& links() const { return links_; }
  // With signatures on: whether one of our own envelopes (its bytes in the outbox) verifies
  // here. A `badSignature` refusal of one that does is not taken for good: it was changed on the
  // way (someone between us is tampering) or the receiver's directory is behind; it is sent
  // again later and the operator is told.
  void CheckOwnSignatures(std::function<bool(std::string_view envelope)> verifies) {
    own_signature_ok_ = std::move(verifies);
  }
  // With signatures on: this node signs its ACKs and NACKs, and takes a node's ACK or NACK only
  // when its signature verifies, so nobody (a broker's key speaking for a node that is offline)
  // can make it delete or give up envelopes. `sign` returns {key id, signature} of a receipt's
  // bytes; `verify` checks `owner`'s signature of them.
  using ReceiptSigner = std::function<std::pair<std::string, std::string>(std::string_view)>;
  using ReceiptVerifier = std::function<crypto::Verification(
      const std::string& owner, const wire::Header& h, std::string_view bytes)>;
  void SignReceipts(ReceiptSigner sign, ReceiptVerifier verify) {
    sign_receipt_ = std::move(sign);
    verify_receipt_ = std::move(verify);
  }
  // What a receipt's signature covers.
  static std::string ReceiptBytes(const wire::Header& h);

 private:
  struct Incoming {
    BrokerLink* link;
    zmq::message_t frame;
  };
  struct Deliver {
    BrokerLink* link;
    std::string source;
    uint64_t seq;
    std::string_view body;
  };
  struct Refusal {  // a destination (or a broker) refused one of our envelopes for good
    std::string destination;
    wire::Header nack;
    std::optional<uint64_t> dead_letter;
    bool verifies_here = false;  // badSignature of an envelope whose signature is good here
  };
  struct Batch {  // one turn's frames, sorted by what they ask of us
    std::vector<Deliver> delivers;
    std::vector<Refusal> refusals;
    std::map<std::string, uint64_t> acks;  // destination -> highest acknowledged seq
    std::map<std::string, uint64_t> gaps;  // destination -> seq it expects
    bool empty() const { return delivers.empty() && acks.empty() && refusals.empty(); }
  };

  std::vector<Incoming> ReadFrames(const std::vector<zmq::pollitem_t>& items, size_t first);
  void Sort(std::vector<Incoming>& frames, Batch* batch);
  void SortOne(Incoming& in, const wire::Header& h, std::string_view body, Batch* batch);
  void SortNack(Incoming& in, const wire::Header& h, Batch* batch);
  std::vector<Delivery> Apply(Batch& batch);
  void Acknowledge(const Batch& batch, const std::vector<Delivery>& outcomes);
  void Advance(Batch& batch);
  void ReportRefusals(const Batch& batch);
  void SendAck(BrokerLink* link, const std::string& origin, uint64_t upto);
  void SendGap(BrokerLink* link, const std::string& origin, uint64_t expected);
  void AnswerUnreadableDeliver(BrokerLink* link, const wire::Header& h,
                               const wire::HeaderError& error);
  void RefuseFrame(BrokerLink* link, const std::string& to, wire::NackCode code,
                   const std::string& reason, const std::string& message_id, uint64_t seq);
  BrokerLink* ActiveLink();

  const config::NodeConfig& config_;
  zmq::context_t& ctx_;
  Writer& writer_;
  Outbox& outbox_;
  Pump& pump_;
  Inbox& inbox_;
  Health& health_;
  const Clock& clock_;
  spdlog::logger& log_;
  std::vector<std::unique_ptr<BrokerLink>> links_;
  size_t active_link_ = 0;  // the link frames go through (ActiveLink)
  std::function<void(const std::string&, uint64_t)> on_acked_;
  std::map<std::string, uint64_t> untrimmed_;  // destination -> acknowledged up to, still stored
  int64_t trim_due_mono_ = INT64_MAX;
  void TrimIn(store::Txn& txn);
  std::function<bool(std::string_view)> own_signature_ok_;
  ReceiptSigner sign_receipt_;
  ReceiptVerifier verify_receipt_;
  // Signs `h` (an ACK or NACK of this node) when receipts are signed, then sends it.
  void SendReceipt(BrokerLink* link, wire::Header& h);
  // False (and counted) for a node's ACK or NACK whose signature does not verify.
  bool ReceiptVerifies(const wire::Header& h);
};

}  // namespace zhuji::node
