#pragma once
// The verification code of a printed document (验证码; issue #17): 16 characters derived from
// the signed envelope the document came in, printed on the paper with the envelope's id. Anyone
// with the store of a node that received it checks the paper with `zhuji verify ENVELOPE-ID
// --code CODE`: the envelope's signature verifies, and the code is that envelope's. One changed
// character does not check.
//
// The code is the first 80 bits of SHA-256("zhuji-document/1" ‖ the envelope's bytes as signed
// and received), in Crockford's base32 (no I, L, O, U), grouped by four: "7K3M-Q2ZD-…".

#include <string>
#include <string_view>

namespace zhuji::crypto {

std::string DocumentCode(std::string_view envelope_bytes);
// The code as typed back from paper: case, spaces and dashes do not matter, and O/I/L read as
// 0/1/1 (Crockford). Empty when it cannot be a code.
std::string NormalizeDocumentCode(std::string_view typed);

}  // namespace zhuji::crypto
