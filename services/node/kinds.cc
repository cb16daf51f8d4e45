#include "services/node/kinds.h"

#include <kj/exception.h>

namespace zhuji::node {

std::string KindRegistry::Name(schema::Kind kind) const {
  if (const KindEntry* k = Find(kind)) return k->name;
  return "kind " + std::to_string(static_cast<int>(kind));
}

std::string KindRegistry::Describe(schema::Kind kind, std::string_view body) const {
  const KindEntry* k = Find(kind);
  if (!k) {
    return "(envelope kind " + std::to_string(static_cast<int>(kind)) + ", unknown to this build)";
  }
  if (!k->describe) return k->name;
  try {
    return k->describe(body);
  } catch (const MalformedMessage& e) {
    return std::string("(unreadable body: ") + e.what() + ")";
  } catch (const kj::Exception& e) {
    return "(unreadable body: " + std::string(e.getDescription().cStr()) + ")";
  }
}

}  // namespace zhuji::node
