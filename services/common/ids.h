#pragma once
// Ids: 16 bytes from libsodium's CSPRNG, shown as 32 lowercase hex digits. An envelope's id
// begins with the time it was made (NewEnvelopeIdAt), so that ids sort by time: the receivers'
// seen-ids table then takes new ids at its end instead of rewriting pages all over its B-tree
// (issue #11); the 80 random bits after it keep ids unique for all time.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace zhuji {

using EnvelopeId = std::array<uint8_t, 16>;

EnvelopeId NewEnvelopeId();  // all random: request ids, nonces
// An envelope id: the 48-bit big-endian `now_ms` (ms since the Unix epoch), then 10 random bytes.
EnvelopeId NewEnvelopeIdAt(int64_t now_ms);
std::string ToHex(std::string_view bytes);
// Lower-case hex back to bytes; false (and `bytes` untouched) on an odd length or a bad digit.
bool FromHex(std::string_view hex, std::string* bytes);
// The id's bytes, viewed (lives as long as `id`).
inline std::string_view IdView(const EnvelopeId& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}
inline std::string ToHex(const EnvelopeId& id) { return ToHex(IdView(id)); }

// True for six ASCII digits: a GB/T 2260 division code, which is a node's id.
bool IsDivisionCode(std::string_view s);

// Big-endian fixed-width integers, for LMDB keys that sort numerically.
std::string EncodeBe64(uint64_t v);
uint64_t DecodeBe64(std::string_view bytes);  // bytes.size() must be 8

}  // namespace zhuji
