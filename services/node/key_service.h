#pragma once
// The node's keys and the directory of keys (密钥名录, issue #10).
//
// At start: the directory held in the store (meta "key_directory"), or the signed file the
// configuration names when that is newer; each must carry the signature of the province's
// directory key pinned in the configuration. Keys made by `zhuji keys rotate` are put in use
// when the directory lists them as active. With `[security] signatures = true`, every envelope
// this node sends is signed (the outbox asks signer()), and every envelope it takes must verify
// against the directory (the inbox asks Verify()) before its kind's rules run.
//
// The directory arrives from the parent as a `directoryUpdate` envelope (registered here) or is
// loaded by an operator (`zhuji directory load`, usually on the province); a newer version is
// stored and passed to the children, an older one is refused. A node's new keys (`zhuji keys
// rotate`, then `zhuji directory announce`) go up as a `keyAnnouncement`, signed end to end with
// its key in use, level by level to the province, which lists them for the next directory.
// Loop thread only.

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/config/config.h"
#include "services/crypto/envelope_signature.h"
#include "services/crypto/key_directory.h"
#include "services/node/control_service.h"
#include "services/node/inbox.h"
#include "services/node/kinds.h"
#include "services/node/mail.h"
#include "services/node/outbox.h"
#include "services/node/writer.h"

namespace zhuji::node {

class KeyService {
 public:
  KeyService(const config::NodeConfig& config, Writer& writer, Mail& mail, const Clock& clock,
             spdlog::logger& log);

  // The kind's rules, usable without a service: from `parent` only, signed by the pinned key,
  // not older than `held` (0: none).
  static Status CheckUpdate(const config::NodeConfig& config, const std::string& origin,
                            std::string_view body, uint64_t held);
  // A key announcement's rules: well-formed new keys of a node, signed by that node's key in
  // use in `directory` (null: none held, refused).
  static Status CheckAnnouncement(const crypto::KeyDirectory* directory, std::string_view body,
                                  int64_t now);
  // What an announcement's signature covers.
  static std::string AnnouncementInput(schema::KeyAnnouncement::Reader announcement);
  void Register(KindRegistry& kinds, ControlService& control);

  // Loads the directory, promotes rotated keys, reads the signing key and, with signatures on,
  // makes `outbox` sign and `inbox` verify (both borrowed); then a newer installed directory is
  // put in use and passed down. Throws (the node does not start) when signatures are on and
  // there is no valid directory or key. After the store is claimed, before the links connect.
  void Start(Outbox& outbox, Inbox& inbox);

  bool signatures() const { return config_.security.signatures; }
  // The signing key, when signatures are on.
  const crypto::Signer* signer() const { return signer_ ? &*signer_ : nullptr; }
  const crypto::KeyDirectory* directory() const { return directory_.get(); }
  uint64_t version() const { return directory_ ? directory_->version() : 0; }
  crypto::Verification Verify(schema::Envelope::Reader envelope) const;
  // `owner`'s signature (key `key_id`) of `bytes`, against the directory held.
  crypto::Verification VerifyBytes(const std::string& owner, const std::string& key_id,
                                   std::string_view bytes, std::string_view signature,
                                   const std::string& what) const;

  struct Applied {
    uint64_t version = 0;
    std::vector<std::string> forwarded_to;
  };
  // A checked directory: stored, in use, passed to the children. In the caller's transaction.
  Applied Apply(store::Txn& txn, const std::string& text, int64_t now);

 private:
  Result<crypto::KeyDirectory> Parse(const std::string& text, const std::string& source) const;
  // The signed file of [security] key_directory when it is newer than the directory held.
  std::optional<std::string> InstalledDirectory() const;
  void PromoteRotatedKeys(const std::optional<std::string>& installed);
  // Writes `text` to [security] export_directory when it is newer than the file's.
  void Export(const std::string& text) const;
  void UseSigningKey(const std::optional<std::string>& installed);
  void Show(ControlCall& call);
  void Load(ControlCall& call);
  void Announce(ControlCall& call);
  // A key announcement from below (or this node's own, on the province): kept here on the
  // province or passed to the parent. In the caller's transaction.
  void TakeAnnouncement(store::Txn& txn, std::string_view body, int64_t now);

  const config::NodeConfig& config_;
  Writer& writer_;
  Mail& mail_;
  const Clock& clock_;
  spdlog::logger& log_;
  ControlService* control_ = nullptr;  // set by Register
  std::shared_ptr<const crypto::KeyDirectory> directory_;
  std::optional<crypto::Signer> signer_;
  mutable crypto::VerifiedRoots verified_;  // the roots of hash trees already checked
};

}  // namespace zhuji::node
