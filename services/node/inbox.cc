#include "services/node/inbox.h"

#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/node/audit.h"
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

// Inbox value: be64(received-at) followed by the envelope bytes as received.
InboxEntry Decode(std::string_view key, std::string_view value) {
  InboxEntry e{};
  e.local_seq = DecodeBe64(key);
  e.received_at = static_cast<int64_t>(DecodeBe64(value.substr(0, 8)));
  auto msg = ReadMessage(value.substr(8));
  auto env = msg->Root<schema::Envelope>();
  auto id = env.getId();
  e.id.assign(reinterpret_cast<const char*>(id.begin()), id.size());
  e.origin = env.getOrigin();
  e.link_seq = env.getLinkSeq();
  e.kind = static_cast<uint16_t>(env.getKind());
  e.sent_at = env.getSentAt();
  if (env.getKind() == schema::Kind::NOTICE) {
    auto body = env.getBody();
    auto notice = ReadMessage(
        std::string_view(reinterpret_cast<const char*>(body.begin()), body.size()));
    e.text = notice->Root<schema::Notice>().getText();
  }
  return e;
}

}  // namespace

uint64_t Inbox::Expected(store::Txn& txn, std::string_view origin) {
  auto v = txn.Get("links", std::string(kInPrefix) + std::string(origin));
  return v ? DecodeBe64(*v) : 1;
}

Delivery Inbox::Apply(store::Txn& txn, std::string_view routed_from, std::string_view bytes,
                      int64_t now) const {
  if (bytes.size() > max_bytes_) {
    return Refuse(wire::NackCode::TOO_LARGE, "envelope of " + std::to_string(bytes.size()) +
                                                 " bytes exceeds the limit of " +
                                                 std::to_string(max_bytes_));
  }
  Delivery d;
  std::string origin;
  try {
    auto msg = ReadMessage(bytes);
    auto env = msg->Root<schema::Envelope>();
    auto id = env.getId();
    if (id.size() != 16) {
      return Refuse(wire::NackCode::MALFORMED,
                    "envelope id has " + std::to_string(id.size()) + " bytes, not 16");
    }
    d.id.assign(reinterpret_cast<const char*>(id.begin()), id.size());
    origin = env.getOrigin();
    if (origin.empty() || origin != routed_from) {
      return Refuse(wire::NackCode::MALFORMED, "envelope origin '" + origin +
                                                   "' does not match the routed source '" +
                                                   std::string(routed_from) + "'");
    }
    if (env.getDestination() != self_) {
      return Refuse(wire::NackCode::WRONG_NODE, "envelope is for '" +
                                                    std::string(env.getDestination().cStr()) +
                                                    "', this node is " + self_);
    }
    d.seq = env.getLinkSeq();
    if (d.seq == 0) return Refuse(wire::NackCode::MALFORMED, "envelope has no link sequence");
    switch (env.getKind()) {
      case schema::Kind::NOTICE: {
        auto body = env.getBody();
        auto notice = ReadMessage(
            std::string_view(reinterpret_cast<const char*>(body.begin()), body.size()));
        (void)notice->Root<schema::Notice>().getText();
        break;
      }
      default:
        return Refuse(wire::NackCode::MALFORMED,
                      "unknown envelope kind " + std::to_string(static_cast<int>(env.getKind())));
    }
  } catch (const MalformedMessage& e) {
    return Refuse(wire::NackCode::MALFORMED, std::string("envelope: ") + e.what());
  } catch (const kj::Exception& e) {
    return Refuse(wire::NackCode::MALFORMED,
                  "envelope unreadable: " + std::string(e.getDescription().cStr()));
  }

  d.origin = origin;
  std::string counter = std::string(kInPrefix) + origin;
  uint64_t expected = Expected(txn, origin);
  if (d.seq < expected || txn.Get("seen", d.id)) {
    d.outcome = Delivery::Outcome::kDuplicate;
    d.expected = expected;
    return d;
  }
  if (d.seq > expected) {
    d.outcome = Delivery::Outcome::kGap;
    d.expected = expected;
    return d;
  }
  txn.Put("seen", d.id, EncodeBe64(static_cast<uint64_t>(now)));
  uint64_t local_seq = 1;
  {
    auto cursor = txn.OpenCursor("inbox");
    if (auto last = cursor.Last()) local_seq = DecodeBe64(last->first) + 1;
  }
  std::string value = EncodeBe64(static_cast<uint64_t>(now));
  value.append(bytes);
  txn.Append("inbox", EncodeBe64(local_seq), value);
  d.expected = expected + 1;
  txn.Put("links", counter, EncodeBe64(d.expected));
  Audit::Append(txn, now, "delivered",
                "envelope " + ToHex(d.id) + " from " + origin + " #" + std::to_string(d.seq));
  d.outcome = Delivery::Outcome::kApplied;
  return d;
}

std::vector<InboxEntry> Inbox::List(store::Txn& txn, size_t limit, uint64_t after) {
  std::vector<InboxEntry> out;
  auto cursor = txn.OpenCursor("inbox");
  for (auto kv = cursor.Last(); kv; kv = cursor.Prev()) {
    if (DecodeBe64(kv->first) <= after) break;
    if (limit && out.size() >= limit) break;
    out.push_back(Decode(kv->first, kv->second));
  }
  return out;
}

std::vector<InboxEntry> Inbox::All(store::Txn& txn) {
  std::vector<InboxEntry> out;
  auto cursor = txn.OpenCursor("inbox");
  for (auto kv = cursor.First(); kv; kv = cursor.Next()) out.push_back(Decode(kv->first, kv->second));
  return out;
}

}  // namespace zhuji::node
