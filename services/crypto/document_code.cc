#include "services/crypto/document_code.h"

#include <sodium.h>

#include <cctype>

namespace zhuji::crypto {
namespace {
constexpr const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
constexpr size_t kChars = 16;                                          // 80 bits
}  // namespace

std::string DocumentCode(std::string_view envelope_bytes) {
  static constexpr std::string_view kDomain = "zhuji-document/1";
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()),
                            kDomain.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(envelope_bytes.data()),
                            envelope_bytes.size());
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  std::string out;
  for (size_t i = 0; i < kChars; ++i) {
    size_t bit = i * 5;
    unsigned v = (static_cast<unsigned>(h[bit / 8]) << 8 | h[bit / 8 + 1]) >> (11 - bit % 8);
    if (i && i % 4 == 0) out += '-';
    out += kAlphabet[v & 31];
  }
  return out;
}

std::string NormalizeDocumentCode(std::string_view typed) {
  std::string raw;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (std::string_view(kAlphabet).find(c) == std::string_view::npos) return "";
    raw += c;
  }
  if (raw.size() != kChars) return "";
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (i && i % 4 == 0) out += '-';
    out += raw[i];
  }
  return out;
}

}  // namespace zhuji::crypto
