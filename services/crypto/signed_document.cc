#include "services/crypto/signed_document.h"

#include "services/common/ids.h"
#include "services/crypto/suite.h"

namespace zhuji::crypto {

namespace {

constexpr std::string_view kSignatureLine = "signature = \"";

// Splits a signed text into the signed part and the signature's bytes.
Status SplitSigned(const std::string& text, const std::string& source, std::string* body,
                   std::string* signature) {
  size_t at = text.rfind(std::string("\n") + std::string(kSignatureLine));
  if (at == std::string::npos) return Status::Error(source + ": not signed (no signature line)");
  std::string_view line = std::string_view(text).substr(at + 1 + kSignatureLine.size());
  size_t quote = line.find('"');
  std::string_view rest = quote == std::string_view::npos ? "" : line.substr(quote + 1);
  if (quote == std::string_view::npos || !(rest.empty() || rest == "\n") ||
      !FromHex(line.substr(0, quote), signature)) {
    return Status::Error(source + ": the signature line is malformed (it must be the last line)");
  }
  *body = text.substr(0, at + 1);
  return Status::Ok();
}

}  // namespace

bool HasSignatureLine(const std::string& text) {
  return text.rfind(std::string("\n") + std::string(kSignatureLine)) != std::string::npos;
}

std::string UnsignedBody(const std::string& text) {
  size_t at = text.rfind(std::string("\n") + std::string(kSignatureLine));
  return at == std::string::npos ? text : text.substr(0, at + 1);
}

Result<std::string> SignDocument(const std::string& text, const KeyPair& signer,
                                 std::string_view domain) {
  const Suite* suite = FindSuite(signer.pub.suite);
  std::string secret;
  if (!suite || !FromHex(signer.sign_secret, &secret)) {
    return Status::Error("the signing key of " + signer.pub.id + " is unusable");
  }
  std::string body = text;
  if (!body.empty() && body.back() != '\n') body.push_back('\n');
  std::string signature = suite->Sign(secret, std::string(domain) + body);
  return body + std::string(kSignatureLine) + ToHex(signature) + "\"\n";
}

Result<std::string> VerifiedBody(const std::string& text, const std::string& source,
                                 const std::string& suite_name, const std::string& pinned_sign_hex,
                                 std::string_view domain) {
  const Suite* suite = FindSuite(suite_name);
  if (!suite) return Status::Error(source + ": unknown signature suite '" + suite_name + "'");
  std::string body, signature, pinned;
  if (Status st = SplitSigned(text, source, &body, &signature); !st.ok()) return st;
  if (!FromHex(pinned_sign_hex, &pinned) || pinned.size() != suite->public_key_bytes()) {
    return Status::Error("the pinned directory key is not a hex " + suite_name + " public key");
  }
  if (!suite->Verify(pinned, std::string(domain) + body, signature)) {
    return Status::Error(source +
                         ": its signature does not verify with the pinned directory key of the "
                         "province (signed by another key, or changed since it was signed)");
  }
  return body;
}

}  // namespace zhuji::crypto
