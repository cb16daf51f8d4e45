#include "services/common/ids.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <stdexcept>

namespace zhuji {

EnvelopeId NewEnvelopeId() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    return true;
  }();
  (void)ready;
  // Ids come from a pool of 256, refilled by a ChaCha20 stream whose key is replaced by the
  // first 32 bytes of each output (fast key erasure) and seeded once per thread from the
  // system's CSPRNG: libsodium's randombytes_buf made 16 getrandom calls per refill, and a system
  // call per id had shown up in the hop benchmark before.
  thread_local std::array<uint8_t, 4096> pool;
  thread_local size_t used = pool.size();
  thread_local std::array<uint8_t, randombytes_SEEDBYTES> key = [] {
    std::array<uint8_t, randombytes_SEEDBYTES> seed;
    randombytes_buf(seed.data(), seed.size());
    return seed;
  }();
  if (used + 16 > pool.size()) {
    std::array<uint8_t, randombytes_SEEDBYTES + 4096> out;
    randombytes_buf_deterministic(out.data(), out.size(), key.data());
    std::memcpy(key.data(), out.data(), key.size());
    std::memcpy(pool.data(), out.data() + key.size(), pool.size());
    sodium_memzero(out.data(), out.size());
    used = 0;
  }
  EnvelopeId id;
  std::memcpy(id.data(), pool.data() + used, id.size());
  sodium_memzero(pool.data() + used, id.size());  // an id is never handed out twice
  used += id.size();
  return id;
}

EnvelopeId NewEnvelopeIdAt(int64_t now_ms) {
  EnvelopeId id = NewEnvelopeId();
  uint64_t ms = static_cast<uint64_t>(std::max<int64_t>(now_ms, 0));
  for (int i = 0; i < 6; ++i) id[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  return id;
}

bool IsDivisionCode(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

bool FromHex(std::string_view hex, std::string* bytes) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2) return false;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  *bytes = std::move(out);
  return true;
}

std::string EncodeBe64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

uint64_t DecodeBe64(std::string_view bytes) {
  assert(bytes.size() == 8);
  uint64_t v = 0;
  for (unsigned char c : bytes.substr(0, 8)) v = (v << 8) | c;
  return v;
}

}  // namespace zhuji
