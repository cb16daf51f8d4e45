#include "tools/verify/verify.h"

#include <kj/exception.h>

#include <algorithm>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "services/crypto/document_code.h"
#include "services/crypto/envelope_signature.h"
#include "services/node/documents.h"
#include "services/store/audit.h"
#include "zhuji/schemas/control.capnp.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::tools {

namespace {

constexpr const char* kStoredDirectory = "key_directory";   // meta (services/node/key_service)
constexpr std::string_view kVersions = "key_directories/";  // meta: every version used
constexpr const char* kSignaturesSince = "signatures_since";

// "inbox #12: envelope 3fa…e1 from 440106 #5"
// The document the envelope carries, as the console prints it (services/node/documents.h):
// what the paper must say, line by line.
std::vector<std::string> PaperLines(schema::Envelope::Reader e) {
  capnp::MallocMessageBuilder b;
  auto v = b.initRoot<schema::DocumentView>();
  if (!node::FillDocument(e.getDestination().cStr(), e.getKind(), AsView(e.getBody()), v)) {
    return {"(this envelope carries no printable document)"};
  }
  std::vector<std::string> out = {
      "文书 the paper must read:", std::string(v.getKindZh().cStr()) + "  " + v.getNumber().cStr(),
      std::string("致 to ") + v.getToName().cStr() + " (" + v.getToAddress().cStr() + ")",
      v.getTitle().cStr()};
  for (auto l : v.getLines()) out.push_back(l.cStr());
  out.push_back(std::string("依据 rule：") + v.getRule().cStr());
  out.push_back(std::string(v.getFromName().cStr()) + " (" + v.getFromAddress().cStr() + ")  " +
                FormatCst(v.getDateMs()));
  return out;
}

std::string Name(const std::string& where, schema::Envelope::Reader e) {
  return where + ": envelope " + ToHex(AsView(e.getId())) + " from " + e.getOrigin().cStr() +
         " to " + e.getDestination().cStr() + " #" + std::to_string(e.getLinkSeq());
}

Result<crypto::KeyDirectory> Read(const std::string& text, const std::string& source,
                                  const DirectoryTrust& trust) {
  return trust.pinned_key.empty()
             ? crypto::KeyDirectory::Parse(text, source)
             : crypto::KeyDirectory::ParseSigned(text, source, trust.suite, trust.pinned_key);
}

// Every directory version the store kept (or the one file given), newest first: an envelope is
// checked against the newest that lists its key, so one received under a key dropped since
// still verifies.
struct Directories {
  std::vector<crypto::KeyDirectory> versions;
  std::vector<std::string> problems;
  const crypto::KeyDirectory* For(const std::string& fingerprint) const {
    for (const auto& d : versions) {
      if (d.FindByFingerprint(fingerprint)) return &d;
    }
    return versions.empty() ? nullptr : &versions.front();
  }
};

Directories AllDirectories(store::Txn& txn, const DirectoryTrust& trust) {
  Directories out;
  auto add = [&](Result<crypto::KeyDirectory> d) {
    if (d.ok()) {
      out.versions.push_back(d.value());
    } else {
      out.problems.push_back(d.message());
    }
  };
  if (!trust.file.empty()) {
    add(DirectoryFor(txn, trust));
    return out;
  }
  auto cursor = txn.OpenCursor("meta");
  for (auto kv = cursor.Seek(kVersions); kv && kv->first.substr(0, kVersions.size()) == kVersions;
       kv = cursor.Next()) {
    add(Read(std::string(kv->second), "directory of keys kept in the store", trust));
  }
  if (out.versions.empty()) add(DirectoryFor(txn, trust));  // a store from before versions
  std::sort(out.versions.begin(), out.versions.end(),
            [](const auto& a, const auto& b) { return a.version() > b.version(); });
  return out;
}

// Checks one kept envelope, received at `received_at` (0: one of ours, to send); adds to `out`.
void CheckEnvelope(const std::string& where, std::string_view bytes, int64_t received_at,
                   int64_t signatures_since, const Directories& dirs, StoreVerification* out) {
  try {
    auto msg = ReadMessage(bytes);
    auto e = msg->Root<schema::Envelope>();
    if (e.getSignature().size() == 0) {
      ++out->unsigned_;
      if (signatures_since && received_at >= signatures_since) {
        out->failures.push_back(Name(where, e) +
                                ": not signed, yet kept after this node took only signed "
                                "envelopes (put in place of a genuine one?)");
      }
      return;
    }
    const crypto::KeyDirectory* directory = dirs.For(e.getSignerKeyId());
    if (!directory) {
      out->failures.push_back(Name(where, e) + ": no directory of keys to check it against");
      return;
    }
    crypto::Verification v = crypto::VerifyEnvelope(e, *directory, std::nullopt);
    if (v.ok()) {
      ++out->verified;
    } else {
      out->failures.push_back(Name(where, e) + ": " + v.reason);
    }
  } catch (const MalformedMessage& e) {
    out->failures.push_back(where + ": unreadable (" + e.what() + ")");
  } catch (const kj::Exception& e) {
    out->failures.push_back(where + ": unreadable (" + std::string(e.getDescription().cStr()) +
                            ")");
  }
}

}  // namespace

Result<crypto::KeyDirectory> DirectoryFor(store::Txn& txn, const DirectoryTrust& trust) {
  if (!trust.file.empty()) {
    return trust.pinned_key.empty()
               ? crypto::KeyDirectory::Load(trust.file)
               : crypto::KeyDirectory::LoadSigned(trust.file, trust.suite, trust.pinned_key);
  }
  auto stored = txn.Get("meta", kStoredDirectory);
  if (!stored) return Status::Error("the store holds no directory of keys");
  return Read(std::string(*stored), "the directory of keys in the store", trust);
}

StoreVerification VerifyStore(store::Txn& txn, const DirectoryTrust& trust) {
  StoreVerification out;
  try {
    Status chain = store::Audit::Verify(txn, &out.audit_entries);
    if (!chain.ok()) out.audit_error = chain.message();
  } catch (const std::exception& e) {
    out.audit_error = std::string("the audit log is unreadable: ") + e.what();
  }
  Directories dirs = AllDirectories(txn, trust);
  for (auto& p : dirs.problems) out.failures.push_back(p);
  if (trust.pinned_key.empty()) {
    out.failures.push_back(
        "the directory of keys cannot be trusted: its signature was not checked (give "
        "--directory-key HEX or --config FILE to pin the province's key)");
  }
  auto since = txn.Get("meta", kSignaturesSince);
  int64_t signatures_since =
      since && since->size() == 8 ? static_cast<int64_t>(DecodeBe64(*since)) : 0;
  // Inbox value: be64(received-at), then the envelope as received (services/node/inbox.cc).
  auto inbox = txn.OpenCursor("inbox");
  for (auto kv = inbox.First(); kv; kv = inbox.Next()) {
    std::string where = "inbox #" + std::to_string(DecodeBe64(kv->first));
    if (kv->second.size() < 8) {
      out.failures.push_back(where + ": shorter than its header");
      continue;
    }
    int64_t received_at = static_cast<int64_t>(DecodeBe64(kv->second.substr(0, 8)));
    CheckEnvelope(where, kv->second.substr(8), received_at, signatures_since, dirs, &out);
  }
  // Outbox value: the envelope as it will be sent (services/node/outbox.cc); signed again at
  // start when signatures are on, so none may be unsigned then.
  auto outbox = txn.OpenCursor("outbox");
  for (auto kv = outbox.First(); kv; kv = outbox.Next()) {
    CheckEnvelope("outbox", kv->second, signatures_since ? signatures_since : 0, signatures_since,
                  dirs, &out);
  }
  return out;
}

bool VerifyOne(store::Txn& txn, const DirectoryTrust& trust, const std::string& id_hex,
               std::vector<std::string>* lines, const std::string& code) {
  std::string want_code;
  if (!code.empty()) {
    want_code = crypto::NormalizeDocumentCode(code);
    if (want_code.empty()) {
      lines->push_back("'" + code + "' is not a verification code (16 characters, e.g. " +
                       "7K3M-Q2ZD-8XWN-4HFR)");
      return false;
    }
  }
  std::string id;
  if (!FromHex(id_hex, &id) || id.size() != 16) {
    lines->push_back("'" + id_hex + "' is not an envelope id (32 hex digits)");
    return false;
  }
  auto inbox = txn.OpenCursor("inbox");
  for (auto kv = inbox.First(); kv; kv = inbox.Next()) {
    if (kv->second.size() < 8) continue;
    std::unique_ptr<OwnedMessage> msg;
    try {
      msg = ReadMessage(kv->second.substr(8));
      (void)msg->Root<schema::Envelope>().getId();
    } catch (const MalformedMessage&) {
      continue;  // unreadable: `zhuji audit verify` names it
    } catch (const kj::Exception&) {
      continue;
    }
    auto e = msg->Root<schema::Envelope>();
    if (AsView(e.getId()) != id) continue;
    lines->push_back(Name("inbox #" + std::to_string(DecodeBe64(kv->first)), e));
    lines->push_back("signed by key " + std::string(e.getSignerKeyId().cStr()));
    auto directory = DirectoryFor(txn, trust);
    if (!directory.ok()) {
      lines->push_back("cannot check: " + directory.message());
      return false;
    }
    crypto::Verification v = crypto::VerifyEnvelope(e, directory.value(), std::nullopt);
    if (!v.ok()) {
      lines->push_back("签名无效 NOT VERIFIED: " + v.reason);
      return false;
    }
    const crypto::DirectoryKey* key =
        directory.value().FindByFingerprint(e.getSignerKeyId().cStr());
    lines->push_back("签名有效 verified: " + key->keys.id + "'s " + key->keys.suite + " key, now " +
                     crypto::KeyStateName(key->state) + " in directory of keys version " +
                     std::to_string(directory.value().version()));
    if (want_code.empty()) return true;
    if (crypto::DocumentCode(kv->second.substr(8)) != want_code) {
      lines->push_back("验证码不符 the code " + want_code +
                       " is NOT this envelope's: the paper is not a true copy of it");
      return false;
    }
    lines->push_back("验证码相符 the code " + want_code + " is this envelope's");
    for (auto& line : PaperLines(e)) lines->push_back("  " + line);
    return true;
  }
  lines->push_back("no received envelope " + id_hex + " in this store");
  return false;
}

}  // namespace zhuji::tools
