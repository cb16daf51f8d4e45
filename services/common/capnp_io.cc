#include "services/common/capnp_io.h"

#include <algorithm>
#include <cstring>

namespace zhuji {

capnp::ReaderOptions UntrustedReaderOptions() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 1 << 20;  // 8 MiB
  options.nestingLimit = 16;
  return options;
}

OwnedMessage::OwnedMessage(std::string_view bytes, capnp::ReaderOptions options) {
  if (bytes.empty()) throw MalformedMessage("empty message");
  if (bytes.size() % sizeof(capnp::word) != 0) {
    throw MalformedMessage("message of " + std::to_string(bytes.size()) +
                           " bytes is not a whole number of 8-byte words (truncated?)");
  }
  words_ = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words_.begin(), bytes.data(), bytes.size());
  // Check the segment table ourselves so truncation is reported clearly, not as a kj fault.
  auto expected = capnp::expectedSizeInWordsFromPrefix(words_.asPtr());
  if (expected > words_.size()) {
    throw MalformedMessage("message is truncated: segment table wants " +
                           std::to_string(expected * 8) + " bytes, frame has " +
                           std::to_string(bytes.size()));
  }
  reader_ = std::make_unique<capnp::FlatArrayMessageReader>(words_.asPtr(), options);
}

std::unique_ptr<OwnedMessage> ReadMessage(std::string_view bytes) {
  capnp::ReaderOptions options = UntrustedReaderOptions();
  uint64_t bound = bytes.size() / sizeof(capnp::word) * 8 + 1024;
  options.traversalLimitInWords = std::min<uint64_t>(options.traversalLimitInWords, bound);
  return std::make_unique<OwnedMessage>(bytes, options);
}

std::unique_ptr<OwnedMessage> ReadMessage(std::string_view bytes, capnp::ReaderOptions options) {
  return std::make_unique<OwnedMessage>(bytes, options);
}

std::string ToBytes(capnp::MessageBuilder& builder) {
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

}  // namespace zhuji
