#include "tools/verify/verify.h"

#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/crypto/envelope_signature.h"
#include "services/store/audit.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace zhuji::tools {

namespace {

constexpr const char* kStoredDirectory = "key_directory";  // meta (services/node/key_service)

// "inbox #12: envelope 3fa…e1 from 440106 #5"
std::string Name(const std::string& where, schema::Envelope::Reader e) {
  return where + ": envelope " + ToHex(AsView(e.getId())) + " from " + e.getOrigin().cStr() +
         " to " + e.getDestination().cStr() + " #" + std::to_string(e.getLinkSeq());
}

// Checks one kept envelope; adds to `out`.
void CheckEnvelope(const std::string& where, std::string_view bytes,
                   const crypto::KeyDirectory* directory, StoreVerification* out) {
  try {
    auto msg = ReadMessage(bytes);
    auto e = msg->Root<schema::Envelope>();
    if (e.getSignature().size() == 0) {
      ++out->unsigned_;
      return;
    }
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
  std::string text, source = trust.file;
  if (!trust.file.empty()) {
    return trust.pinned_key.empty()
               ? crypto::KeyDirectory::Load(trust.file)
               : crypto::KeyDirectory::LoadSigned(trust.file, trust.suite, trust.pinned_key);
  }
  auto stored = txn.Get("meta", kStoredDirectory);
  if (!stored) return Status::Error("the store holds no directory of keys");
  text = std::string(*stored);
  source = "the directory of keys in the store";
  return trust.pinned_key.empty()
             ? crypto::KeyDirectory::Parse(text, source)
             : crypto::KeyDirectory::ParseSigned(text, source, trust.suite, trust.pinned_key);
}

StoreVerification VerifyStore(store::Txn& txn, const DirectoryTrust& trust) {
  StoreVerification out;
  try {
    Status chain = store::Audit::Verify(txn, &out.audit_entries);
    if (!chain.ok()) out.audit_error = chain.message();
  } catch (const std::exception& e) {
    out.audit_error = std::string("the audit log is unreadable: ") + e.what();
  }
  auto directory = DirectoryFor(txn, trust);
  const crypto::KeyDirectory* dir = directory.ok() ? &directory.value() : nullptr;
  if (!directory.ok()) {
    out.notes.push_back(directory.message());
  } else if (trust.pinned_key.empty()) {
    out.notes.push_back(
        "the directory's own signature was not checked (give --directory-key or "
        "--config to pin the province's key)");
  }
  // Inbox value: be64(received-at), then the envelope as received (services/node/inbox.cc).
  auto inbox = txn.OpenCursor("inbox");
  for (auto kv = inbox.First(); kv; kv = inbox.Next()) {
    std::string where = "inbox #" + std::to_string(DecodeBe64(kv->first));
    if (kv->second.size() < 8) {
      out.failures.push_back(where + ": shorter than its header");
      continue;
    }
    CheckEnvelope(where, kv->second.substr(8), dir, &out);
  }
  // Outbox value: the envelope as it will be sent (services/node/outbox.cc).
  auto outbox = txn.OpenCursor("outbox");
  for (auto kv = outbox.First(); kv; kv = outbox.Next()) {
    CheckEnvelope("outbox", kv->second, dir, &out);
  }
  return out;
}

bool VerifyOne(store::Txn& txn, const DirectoryTrust& trust, const std::string& id_hex,
               std::vector<std::string>* lines) {
  std::string id;
  if (!FromHex(id_hex, &id) || id.size() != 16) {
    lines->push_back("'" + id_hex + "' is not an envelope id (32 hex digits)");
    return false;
  }
  auto inbox = txn.OpenCursor("inbox");
  for (auto kv = inbox.First(); kv; kv = inbox.Next()) {
    if (kv->second.size() < 8) continue;
    auto msg = ReadMessage(kv->second.substr(8));
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
    return true;
  }
  lines->push_back("no received envelope " + id_hex + " in this store");
  return false;
}

}  // namespace zhuji::tools
