#pragma once
// A document the province publishes signed with its directory key (DESIGN.md "Published
// documents": the directory of keys, the 授权机关名录): a text whose last line is
//   signature = "<hex>"
// over a domain string (one per kind of document, so a signature of one kind never passes for
// another) and every byte before that line.

#include <string>
#include <string_view>

#include "services/common/result.h"
#include "services/crypto/keys.h"

namespace zhuji::crypto {

// `text` with the signature line of `signer` appended.
Result<std::string> SignDocument(const std::string& text, const KeyPair& signer,
                                 std::string_view domain);
// The signed part of `text` (everything before the signature line) when its signature verifies
// with `pinned_sign_hex`, a public key of `suite`; otherwise why not, naming `source`.
Result<std::string> VerifiedBody(const std::string& text, const std::string& source,
                                 const std::string& suite, const std::string& pinned_sign_hex,
                                 std::string_view domain);
// Whether `text` ends with a signature line.
bool HasSignatureLine(const std::string& text);
// `text` without its signature line (as it is when it has none), NOT verified: for a document
// already checked when it was taken, or where no key is pinned to check it.
std::string UnsignedBody(const std::string& text);

}  // namespace zhuji::crypto
