// libFuzzer target: a grant and a filing as they travel between nodes (filing.capnp, the bodies
// of `grant` and `filing` envelopes). A body the codec accepts must encode and decode again to
// the same bytes, and the copy checks must answer without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/node/filings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto g = zhuji::node::Grants::Decode(bytes); g.ok()) {
    (void)zhuji::workflows::CheckGrantCopy(&g.value(), g.value(), "440100");
    (void)g.value().LapsesAtMs();
    std::string once = zhuji::node::Grants::Encode(g.value());
    auto again = zhuji::node::Grants::Decode(once);
    if (!again.ok() || zhuji::node::Grants::Encode(again.value()) != once) std::abort();
  }
  if (auto f = zhuji::node::Filings::Decode(bytes); f.ok()) {
    (void)zhuji::workflows::CheckFilingCopy(&f.value(), f.value(), "440000");
    std::string once = zhuji::node::Filings::Encode(f.value());
    auto again = zhuji::node::Filings::Decode(once);
    if (!again.ok() || zhuji::node::Filings::Encode(again.value()) != once) std::abort();
  }
  return 0;
}
