#include "services/node/inbox.h"

#include <kj/exception.h>

#include <algorithm>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/store/audit.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::node {

namespace {

constexpr std::string_view kInPrefix = "in/";

Delivery Refuse(wire::NackCode code, std::string reason) {
  Delivery d;
  d.outcome = Delivery::Outcome::kRefused;
  d.code = code;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

// Inbox value: be64(received-at) followed by the envelope bytes as received.
InboxEntry Inbox::Decode(std::string_view key, std::string_view value) const {
  InboxEntry e{};
  e.local_seq = DecodeBe64(key);
  e.received_at = static_cast<int64_t>(DecodeBe64(value.substr(0, 8)));
  auto msg = ReadMessage(value.substr(8));
  auto env = msg->Root<schema::Envelope>();
  e.id.assign(AsView(env.getId()));
  e.origin = env.getOrigin();
  e.link_seq = env.getLinkSeq();
  e.kind = static_cast<uint16_t>(env.getKind());
  e.sent_at = env.getSentAt();
  e.text = kinds_.Describe(env.getKind(), AsView(env.getBody()));
  return e;
}

uint64_t Inbox::Expected(store::Txn& txn, std::string_view link) {
  auto v = txn.Get("links", std::string(kInPrefix) + std::string(link));
  return v ? DecodeBe64(*v) : 1;
}

Delivery Inbox::TooLarge(size_t size) const {
  return Refuse(wire::NackCode::TOO_LARGE, "envelope of " + std::to_string(size) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(max_bytes_));
}

Delivery Inbox::Identify(std::string_view routed_from, std::string_view bytes,
                         std::unique_ptr<OwnedMessage>* parsed) const {
  Delivery d;
  try {
    *parsed = ReadMessage(bytes);
    auto env = (*parsed)->Root<schema::Envelope>();
    auto id = env.getId();
    if (id.size() != 16) {
      return Refuse(wire::NackCode::MALFORMED,
                    "envelope id has " + std::to_string(id.size()) + " bytes, not 16");
    }
    d.id.assign(AsView(id));
    d.origin = env.getOrigin();
    d.link = routed_from;
    if (d.origin.empty() || d.origin != wire::LinkNode(routed_from)) {
      return Refuse(wire::NackCode::MALFORMED, "envelope origin '" + d.origin +
                                                   "' does not match the routed source '" +
                                                   std::string(wire::LinkNode(routed_from)) + "'");
    }
    if (env.getLane() != wire::LinkLane(routed_from)) {
      return Refuse(wire::NackCode::MALFORMED, "envelope of lane " + std::to_string(env.getLane()) +
                                                   " came on lane " +
                                                   std::to_string(wire::LinkLane(routed_from)));
    }
    if (env.getDestination() != self_) {
      return Refuse(wire::NackCode::WRONG_NODE, "envelope is for '" +
                                                    std::string(env.getDestination().cStr()) +
                                                    "', this node is " + self_);
    }
    d.seq = env.getLinkSeq();
    if (d.seq == 0) return Refuse(wire::NackCode::MALFORMED, "envelope has no link sequence");
    d.outcome = Delivery::Outcome::kApplied;  // identified; Batch::Apply decides the rest
  } catch (const MalformedMessage& e) {
    if (bytes.size() > max_bytes_) return TooLarge(bytes.size());
    return Refuse(wire::NackCode::MALFORMED, std::string("envelope: ") + e.what());
  } catch (const kj::Exception& e) {
    if (bytes.size() > max_bytes_) return TooLarge(bytes.size());
    return Refuse(wire::NackCode::MALFORMED,
                  "envelope unreadable: " + std::string(e.getDescription().cStr()));
  }
  return d;
}

Delivery Inbox::Check(schema::Envelope::Reader env, size_t size, Delivery d,
                      const KindEntry** found) const {
  auto refuse = [&](wire::NackCode code, std::string reason) {
    d.outcome = Delivery::Outcome::kRefused;
    d.code = code;
    d.reason = std::move(reason);
    return d;
  };
  if (size > max_bytes_) {
    Delivery t = TooLarge(size);
    return refuse(t.code, t.reason);
  }
  d.kind = env.getKind();
  if (verify_) {
    crypto::Verification v = verify_(env);
    if (v.outcome == crypto::Verification::Outcome::kUnknownKey) {
      return refuse(wire::NackCode::UNVERIFIED, v.reason);
    }
    if (!v.ok()) return refuse(wire::NackCode::BAD_SIGNATURE, v.reason);
  }
  const KindEntry* kind = kinds_.Find(d.kind);
  *found = kind;
  if (!kind) {
    // A newer peer's kind: not applied here, set aside at the sender (its dead letters), where
    // it can be retried once this node is upgraded. The link goes on.
    return refuse(wire::NackCode::MALFORMED,
                  "envelope kind " + std::to_string(static_cast<int>(d.kind)) +
                      " is unknown to this build of node " + self_ +
                      " (a newer sender? upgrade this node, then retry the dead letter)");
  }
  try {
    if (Status st = kind->check(d.origin, AsView(env.getBody())); !st.ok()) {
      return refuse(wire::NackCode::MALFORMED, st.message());
    }
  } catch (const MalformedMessage& e) {
    return refuse(wire::NackCode::MALFORMED, std::string("envelope: ") + e.what());
  } catch (const kj::Exception& e) {
    return refuse(wire::NackCode::MALFORMED,
                  "envelope unreadable: " + std::string(e.getDescription().cStr()));
  }
  d.outcome = Delivery::Outcome::kApplied;  // well-formed; Batch::Apply decides the rest
  return d;
}

Inbox::Batch::Batch(const Inbox& inbox, store::Txn& txn, int64_t now)
    : inbox_(inbox), txn_(txn), now_(now) {
  auto cursor = txn_.OpenCursor("inbox");
  next_local_ = 1;
  if (auto last = cursor.Last()) next_local_ = DecodeBe64(last->first) + 1;
}

Delivery Inbox::Batch::Apply(std::string_view routed_from, std::string_view bytes) {
  std::unique_ptr<OwnedMessage> msg;  // read once, for both halves of the checks
  Delivery d = inbox_.Identify(routed_from, bytes, &msg);
  if (d.outcome == Delivery::Outcome::kRefused) return d;
  auto it = origins_.find(d.link);
  if (it == origins_.end()) {
    it = origins_.emplace(d.link, Origin{Expected(txn_, d.link), 0, 0}).first;
  }
  Origin& o = it->second;
  if (d.seq < o.expected || txn_.Get("seen", d.id)) {
    d.outcome = Delivery::Outcome::kDuplicate;
    d.expected = o.expected;
    return d;
  }
  if (d.seq > o.expected) {
    d.outcome = Delivery::Outcome::kGap;
    d.expected = o.expected;
    return d;
  }
  // Only now the rules for its body: a copy already applied is acknowledged as a duplicate
  // above even if this build (or this node's limits) would refuse it today.
  auto envelope = msg->Root<schema::Envelope>();
  const KindEntry* kind = nullptr;
  d = inbox_.Check(envelope, bytes.size(), std::move(d), &kind);
  if (d.outcome == Delivery::Outcome::kRefused) return d;
  if (kind->admit) {
    if (Status st = kind->admit(txn_, d.origin, AsView(envelope.getBody())); !st.ok()) {
      d.outcome = Delivery::Outcome::kRefused;
      d.code = wire::NackCode::MALFORMED;
      d.reason = st.message();
      return d;
    }
  }
  if (kind->keep) {
    // ids sort by time; retention expires them with the inbox's bodies (retention.h)
    txn_.PutAtEnd("seen", d.id, EncodeBe64(static_cast<uint64_t>(now_)));
    std::string value = EncodeBe64(static_cast<uint64_t>(now_));
    value.append(bytes);
    txn_.Append("inbox", EncodeBe64(next_local_++), value);
  }
  if (!o.first_applied) o.first_applied = d.seq;
  o.last_applied = d.seq;
  d.expected = ++o.expected;
  d.outcome = Delivery::Outcome::kApplied;
  if (kind->apply) kind->apply(txn_, d.origin, AsView(envelope.getBody()), now_);
  return d;
}

void Inbox::Batch::Finish() {
  for (auto& [origin, o] : origins_) {
    if (!o.first_applied) continue;
    txn_.Put("links", std::string(kInPrefix) + origin, EncodeBe64(o.expected));
    store::Audit::Append(
        txn_, now_, "delivered",
        std::to_string(o.last_applied - o.first_applied + 1) + " envelope(s) from " + origin +
            " #" + std::to_string(o.first_applied) + "-#" + std::to_string(o.last_applied));
  }
}

Delivery Inbox::Apply(store::Txn& txn, std::string_view routed_from, std::string_view bytes,
                      int64_t now) const {
  Batch batch(*this, txn, now);
  Delivery d = batch.Apply(routed_from, bytes);
  batch.Finish();
  return d;
}

std::vector<InboxEntry> Inbox::List(store::Txn& txn, size_t limit, uint64_t after) const {
  std::vector<InboxEntry> out;
  auto cursor = txn.OpenCursor("inbox");
  for (auto kv = cursor.Last(); kv; kv = cursor.Prev()) {
    if (DecodeBe64(kv->first) <= after) break;
    if (limit && out.size() >= limit) break;
    out.push_back(Decode(kv->first, kv->second));
  }
  return out;
}

std::vector<InboxEntry> Inbox::All(store::Txn& txn) const {
  std::vector<InboxEntry> out;
  auto cursor = txn.OpenCursor("inbox");
  for (auto kv = cursor.First(); kv; kv = cursor.Next())
    out.push_back(Decode(kv->first, kv->second));
  return out;
}

}  // namespace zhuji::node
