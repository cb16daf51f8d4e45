#pragma once
// The parts of matter.capnp that other values reuse (an organ, a protection, a trail), encoded
// and decoded alike everywhere (services/node/matters.cc). A value out of its range throws
// MalformedMessage naming it, never clamped into range.

#include <cstdint>
#include <vector>

#include "services/workflows/matter.h"
#include "zhuji/schemas/matter.capnp.h"

namespace zhuji::node {

workflows::SecrecyLevel CheckedLevel(uint8_t level, const char* what);
void PutProtection(schema::Protection::Builder b, const workflows::Protection& p);
workflows::Protection GetProtection(schema::Protection::Reader r);
void PutOrgan(schema::Organ::Builder b, const workflows::Organ& o);
workflows::Organ GetOrgan(schema::Organ::Reader r);
void PutTrail(capnp::List<schema::TrailEvent>::Builder out,
              const std::vector<workflows::TrailEvent>& trail);
std::vector<workflows::TrailEvent> GetTrail(capnp::List<schema::TrailEvent>::Reader in);
void PutPath(capnp::List<schema::Hop>::Builder path, const std::vector<workflows::Hop>& hops);
void PutDecision(schema::Decision::Builder d, const workflows::Decision& decision);

}  // namespace zhuji::node
