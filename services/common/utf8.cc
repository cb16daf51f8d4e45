#include "services/common/utf8.h"

#include <capnp/schema.h>

#include <cstdint>
#include <cstring>

namespace zhuji {

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Length of the well-formed sequence at s[i], or 0 (Unicode 15, table 3-7).
size_t SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xc2 && c <= 0xdf   ? 2
             : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the second byte's range
  if (c == 0xe0) lo = 0xa0;
  if (c == 0xed) hi = 0x9f;  // no surrogates
  if (c == 0xf0) lo = 0x90;
  if (c == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xbf) return 0;
  }
  return n;
}

std::string Walk(capnp::DynamicValue::Reader value, const std::string& path);

std::string WalkStruct(capnp::DynamicStruct::Reader s, const std::string& prefix) {
  auto visit = [&](capnp::StructSchema::Field f) -> std::string {
    if (!s.has(f)) return "";
    return Walk(s.get(f), prefix + f.getProto().getName().cStr());
  };
  for (auto f : s.getSchema().getNonUnionFields()) {
    if (auto bad = visit(f); !bad.empty()) return bad;
  }
  KJ_IF_MAYBE (active, s.which()) {
    return visit(*active);
  }
  return "";
}

std::string Walk(capnp::DynamicValue::Reader value, const std::string& path) {
  switch (value.getType()) {
    case capnp::DynamicValue::TEXT: {
      auto t = value.as<capnp::Text>();
      return IsValidUtf8(std::string_view(t.cStr(), t.size())) ? "" : path;
    }
    case capnp::DynamicValue::STRUCT:
      return WalkStruct(value.as<capnp::DynamicStruct>(), path + ".");
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      for (unsigned i = 0; i < list.size(); ++i) {
        if (auto bad = Walk(list[i], path + "[" + std::to_string(i) + "]"); !bad.empty()) {
          return bad;
        }
      }
      return "";
    }
    default:
      return "";
  }
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // Eight ASCII bytes at a time: most text (and the padding of a test notice) is ASCII.
    uint64_t word = 0;
    while (i + 8 <= s.size() && (std::memcpy(&word, s.data() + i, 8), !(word & kHighBits))) i += 8;
    if (i == s.size()) break;
    size_t n = SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string FirstInvalidText(capnp::DynamicStruct::Reader root) { return WalkStruct(root, ""); }

}  // namespace zhuji
