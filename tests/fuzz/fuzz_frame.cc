// libFuzzer target: a frame as it arrives from the network at a broker or a node (routing
// header + envelope in one buffer, services/wire/header.h). Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/wire/header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto frame = zhuji::wire::ParseFrame(bytes, 1 << 16);
  if (frame.header) (void)zhuji::wire::EncodeFrame(*frame.header, frame.body);
  (void)zhuji::wire::ParseHeader(bytes);
  return 0;
}
