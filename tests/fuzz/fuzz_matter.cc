// libFuzzer target: a matter as it travels between nodes (matter.capnp, the body of a `matter`
// envelope). A body the codec accepts must encode and decode again to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/node/matters.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = zhuji::node::Matters::Decode(bytes);
  if (!m.ok()) return 0;
  (void)m.value().NoticeNodes();
  std::string once = zhuji::node::Matters::Encode(m.value());
  auto again = zhuji::node::Matters::Decode(once);
  if (!again.ok() || zhuji::node::Matters::Encode(again.value()) != once) std::abort();
  return 0;
}
