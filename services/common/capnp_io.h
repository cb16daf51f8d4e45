#pragma once
// The one place where bytes become Cap'n Proto readers and builders become bytes (STYLE.md §8).
// Debian's capnp 0.9.2 reads only 8-byte-aligned words; ZeroMQ frames and LMDB values promise no
// alignment, so ReadMessage always copies into an owned, aligned buffer.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zhuji {

// Thrown for bytes that are not a well-formed message within the limits. Callers at a frame or
// request boundary catch it (or kj::Exception, which capnp throws for deeper faults) and refuse.
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Limits for untrusted input: about 8 MiB of traversal and shallow nesting.
capnp::ReaderOptions UntrustedReaderOptions();

// An aligned copy of a flat message and the reader over it. Owns both; not copyable.
class OwnedMessage {
 public:
  OwnedMessage(std::string_view bytes, capnp::ReaderOptions options);
  OwnedMessage(const OwnedMessage&) = delete;
  OwnedMessage& operator=(const OwnedMessage&) = delete;

  template <typename T>
  typename T::Reader Root() {
    return reader_->getRoot<T>();
  }

 private:
  kj::Array<capnp::word> words_;
  std::unique_ptr<capnp::FlatArrayMessageReader> reader_;
};

// Throws MalformedMessage for an empty buffer, a size that is not a whole number of words, or
// a segment table that does not fit the bytes.
// Bytes from outside (a peer, an operator, the store): UntrustedReaderOptions, and a message is
// never amplified: reading it may traverse at most 8 times its own size (each getter that
// follows a pointer counts), so a small message whose pointers share one large object cannot
// make the reader copy megabytes out of kilobytes.
std::unique_ptr<OwnedMessage> ReadMessage(std::string_view bytes);
// With the caller's limits as they are (a large reply the CLI reads, say).
std::unique_ptr<OwnedMessage> ReadMessage(std::string_view bytes, capnp::ReaderOptions options);

std::string ToBytes(capnp::MessageBuilder& builder);

// Bytes as a Data field and back, without a copy: each view lives as long as what it views.
inline capnp::Data::Reader AsData(std::string_view bytes) {
  return {reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()};
}
inline std::string_view AsView(capnp::Data::Reader data) {
  return {reinterpret_cast<const char*>(data.begin()), data.size()};
}

}  // namespace zhuji
