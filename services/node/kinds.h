#pragma once
// The kinds of envelope a node takes (issue #9), each with its own rules. The inbox only
// dedupes, orders, commits and acknowledges; what a body must hold and what it does here belong
// to the service of its kind, which registers them:
//   notice, skip            services/node/notices.h
//   supervision, calendar   services/node/deadline_service.h
//   matter                  services/node/matter_service.h
// A kind this build does not know is refused (the sender keeps it as a dead letter).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "services/common/capnp_io.h"
#include "services/common/result.h"
#include "services/common/utf8.h"
#include "services/store/store.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::node {

struct KindEntry {
  std::string name;  // "notice", "matter", … (listings, dead letters)
  // The body's rules, once the envelope is known to be new: OK, or why it is refused
  // (malformed; the sender dead-letters it). May throw MalformedMessage or kj::Exception for an
  // unreadable body: refused the same way.
  std::function<Status(const std::string& origin, std::string_view body)> check;
  // The rules that need what this node holds (a matter: the copy held here), checked in the
  // batch's transaction once `check` passed: OK, or why it is refused for good. Null: none.
  std::function<Status(store::Txn& txn, const std::string& origin, std::string_view body)> admit;
  // Applied in the batch's transaction, after the inbox recorded the envelope. Null: kept in
  // the inbox only.
  std::function<void(store::Txn& txn, const std::string& origin, std::string_view body,
                     int64_t now)>
      apply;
  // What the body carries, in a line for people. Null: the kind's name.
  std::function<std::string(std::string_view body)> describe;
  // Kept in tables `inbox` and `seen` once applied. False for a latest-wins kind (status
  // summaries): neither its body nor its id is kept (retention finds ids through the inbox, so
  // an id without a body would stay for ever); a re-delivery is still recognised by its link
  // sequence, and applying one twice changes nothing.
  bool keep = true;
};

class KindRegistry {
 public:
  void Register(schema::Kind kind, KindEntry entry) { kinds_[kind] = std::move(entry); }
  // Sets the apply function of a kind registered before (its service, once it exists).
  void SetApply(schema::Kind kind, decltype(KindEntry::apply) apply) {
    kinds_.at(kind).apply = std::move(apply);
  }
  const KindEntry* Find(schema::Kind kind) const {
    auto it = kinds_.find(kind);
    return it == kinds_.end() ? nullptr : &it->second;
  }
  // "notice", …; "kind N" for a kind this build does not know.
  std::string Name(schema::Kind kind) const;
  // One line for people; never throws (an unreadable body says so).
  std::string Describe(schema::Kind kind, std::string_view body) const;

 private:
  std::map<schema::Kind, KindEntry> kinds_;
};

// The common first rule of every body: it reads as `Root`, and its text is valid UTF-8.
template <typename Root>
Status CheckText(std::string_view body) {
  auto msg = ReadMessage(body);
  std::string bad = FirstInvalidText(capnp::toDynamic(msg->Root<Root>()));
  return bad.empty() ? Status::Ok() : Status::Error("the text in " + bad + " is not valid UTF-8");
}

}  // namespace zhuji::node
