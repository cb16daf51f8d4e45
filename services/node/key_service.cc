#include "services/node/key_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/crypto/keys.h"
#include "services/store/audit.h"

namespace zhuji::node {

namespace {
constexpr const char* kStoredKey = "key_directory";    // in `meta`: the signed text in use
constexpr std::string_view kAnnounced = "announced/";  // in `meta`: + node id -> announcement
// In `meta`: every version ever used, be64(version) -> signed text, so that what was received
// under a key dropped since can still be verified (zhuji audit verify).
constexpr std::string_view kVersions = "key_directories/";
// In `meta`: be64(ms) since when this node takes only signed envelopes.
constexpr const char* kSignaturesSince = "signatures_since";

// The directory that will be in use: the installed file when newer, else the one held.
std::shared_ptr<const crypto::KeyDirectory> Newest(
    const std::shared_ptr<const crypto::KeyDirectory>& held,
    const std::optional<std::string>& installed, const config::NodeConfig& config) {
  if (!installed) return held;
  auto d = crypto::KeyDirectory::ParseSigned(*installed, "installed", config.security.suite,
                                             config.security.directory_key);
  return std::make_shared<const crypto::KeyDirectory>(d.value());
}

}  // namespace

KeyService::KeyService(const config::NodeConfig& config, Writer& writer, Mail& mail,
                       const Clock& clock, spdlog::logger& log)
    : config_(config), writer_(writer), mail_(mail), clock_(clock), log_(log) {}

Result<crypto::KeyDirectory> KeyService::Parse(const std::string& text,
                                               const std::string& source) const {
  return crypto::KeyDirectory::ParseSigned(text, source, config_.security.suite,
                                           config_.security.directory_key);
}

Status KeyService::CheckUpdate(const config::NodeConfig& config, const std::string& origin,
                               std::string_view body, uint64_t held) {
  if (config.security.directory_key.empty()) {
    return Status::Error("node " + config.node_id +
                         " pins no directory key ([security] directory_key): it cannot check a "
                         "directory of keys");
  }
  if (origin != config.parent) {
    return Status::Error(
        "a directory of keys is taken only from the parent node " +
        (config.parent.empty() ? std::string("(none: this is the province)") : config.parent) +
        ", not from " + origin);
  }
  if (Status st = CheckText<schema::DirectoryUpdate>(body); !st.ok()) return st;
  auto msg = ReadMessage(body);
  std::string text = msg->Root<schema::DirectoryUpdate>().getText();
  auto d = crypto::KeyDirectory::ParseSigned(text, "directory update from " + origin,
                                             config.security.suite, config.security.directory_key);
  if (!d.ok()) return d.status();
  if (d.value().version() < held) {
    return Status::Error("directory of keys version " + std::to_string(d.value().version()) +
                         " from " + origin + " is older than the version " + std::to_string(held) +
                         " held here: refused");
  }
  return Status::Ok();
}

void KeyService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k;
  k.name = "directoryUpdate";
  k.check = [this](const std::string& origin, std::string_view body) {
    return CheckUpdate(config_, origin, body, version());
  };
  k.apply = [this](store::Txn& txn, const std::string&, std::string_view body, int64_t now) {
    auto msg = ReadMessage(body);
    Apply(txn, msg->Root<schema::DirectoryUpdate>().getText(), now);
  };
  k.describe = [](std::string_view body) {
    auto msg = ReadMessage(body);
    return "密钥名录 directory of keys version " +
           std::to_string(msg->Root<schema::DirectoryUpdate>().getVersion());
  };
  kinds.Register(schema::Kind::DIRECTORY_UPDATE, std::move(k));
  KindEntry a;
  a.name = "keyAnnouncement";
  a.check = [this](const std::string& origin, std::string_view body) {
    if (std::find(config_.children.begin(), config_.children.end(), origin) ==
        config_.children.end()) {
      return Status::Error("a key announcement is taken only from a node below, not from " +
                           origin);
    }
    return CheckAnnouncement(directory(), body, clock_.NowMs());
  };
  a.apply = [this](store::Txn& txn, const std::string&, std::string_view body, int64_t now) {
    TakeAnnouncement(txn, body, now);
  };
  a.describe = [](std::string_view body) {
    auto msg = ReadMessage(body);
    auto r = msg->Root<schema::KeyAnnouncement>();
    return std::string("密钥轮换 key announcement of ") + r.getId().cStr();
  };
  kinds.Register(schema::Kind::KEY_ANNOUNCEMENT, std::move(a));
  control_ = &control;
  using R = schema::ControlRequest;
  control.Register(R::DIRECTORY, [this](ControlCall& c) {
    switch (c.request.getDirectory().getOp()) {
      case schema::DirectoryRequest::Op::LOAD:
        return Load(c);
      case schema::DirectoryRequest::Op::ANNOUNCE:
        return Announce(c);
      default:
        return Show(c);
    }
  });
}

KeyService::Applied KeyService::Apply(store::Txn& txn, const std::string& text, int64_t now) {
  Applied out;
  auto parsed = Parse(text, "directory of keys");                         // checked already
  if (!parsed.ok() || parsed.value().version() <= version()) return out;  // the same, again
  auto next = std::make_shared<const crypto::KeyDirectory>(std::move(parsed.value()));
  writer_.OnAbort([this, held = directory_] { directory_ = held; });
  std::shared_ptr<const crypto::KeyDirectory> was = directory_;
  directory_ = next;
  out.version = next->version();
  txn.Put("meta", kStoredKey, text);
  txn.Put("meta", std::string(kVersions) + EncodeBe64(out.version), text);
  capnp::MallocMessageBuilder m;
  auto u = m.initRoot<schema::DirectoryUpdate>();
  u.setText(text);
  u.setVersion(out.version);
  std::string body = ToBytes(m);
  for (const auto& child : config_.children) {
    mail_.Post(txn, {child, schema::Kind::DIRECTORY_UPDATE, body, {}}, now);
    out.forwarded_to.push_back(child);
  }
  store::Audit::Append(txn, now, "directory of keys",
                       "version " + std::to_string(out.version) + " (" +
                           std::to_string(next->size()) + " keys) in use, was " +
                           std::to_string(was ? was->version() : 0) + "; passed to " +
                           std::to_string(out.forwarded_to.size()) + " node(s) below");
  writer_.AfterCommit([this, text] { Export(text); });
  writer_.AfterCommit([this, v = out.version, n = next->size(), passed = out.forwarded_to.size()] {
    log_.info("密钥名录 directory of keys version {} in use ({} keys), passed to {} node(s) below",
              v, n, passed);
  });
  return out;
}

void KeyService::Start(Outbox& outbox, Inbox& inbox) {
  if (config_.security.directory_key.empty()) return;
  {
    auto txn = writer_.BeginRead();
    if (auto stored = txn.Get("meta", kStoredKey)) {
      auto d = Parse(std::string(*stored), "the directory of keys in the store");
      // Refused rather than ignored: a node that forgot its version would take an older one.
      if (!d.ok()) {
        throw std::runtime_error(d.message() +
                                 " (was the pinned directory key changed? then the store's "
                                 "directory must be replaced by the operator)");
      }
      directory_ = std::make_shared<const crypto::KeyDirectory>(std::move(d.value()));
    }
  }
  std::optional<std::string> installed = InstalledDirectory();
  PromoteRotatedKeys(installed);
  if (signatures()) {
    UseSigningKey(installed);
    outbox.SignWith(&*signer_);
    inbox.RequireSignatures([this](schema::Envelope::Reader e) { return Verify(e); });
    // What waits in the outbox is sent with the key in use (after a rotation, or once
    // signatures are turned on), or its receivers would refuse it.
    uint64_t resigned = 0;
    Status st = writer_.Commit([&](store::Txn& txn) {
      resigned = outbox.Resign(txn);
      if (!txn.Get("meta", kSignaturesSince)) {
        txn.Put("meta", kSignaturesSince, EncodeBe64(static_cast<uint64_t>(clock_.NowMs())));
      }
      return Status::Ok();
    });
    if (!st.ok()) throw std::runtime_error("cannot sign the pending envelopes: " + st.message());
    if (resigned) {
      log_.warn("{} pending envelope(s) signed again with key {}", resigned,
                signer_->fingerprint());
    }
  }
  if (installed) {  // newer than the one stored: in use, and passed down (signed, if on)
    int64_t now = clock_.NowMs();
    Status st = writer_.Commit([&](store::Txn& txn) {
      Apply(txn, *installed, now);
      return Status::Ok();
    });
    if (!st.ok()) throw std::runtime_error("cannot store the directory of keys: " + st.message());
  }
  if (signatures()) {
    log_.info("signatures on ({}): signing with key {}; directory of keys version {}",
              config_.security.suite, signer_->fingerprint(), version());
  }
}

std::optional<std::string> KeyService::InstalledDirectory() const {
  if (config_.security.key_directory.empty()) return std::nullopt;
  std::ifstream in(config_.security.key_directory);
  std::ostringstream read;
  if (!in || !(read << in.rdbuf())) {
    throw std::runtime_error("[security] key_directory: cannot read " +
                             config_.security.key_directory);
  }
  auto d = Parse(read.str(), config_.security.key_directory);
  if (!d.ok()) throw std::runtime_error("[security] key_directory: " + d.message());
  if (d.value().version() <= version()) return std::nullopt;
  return read.str();
}

void KeyService::UseSigningKey(const std::optional<std::string>& installed) {
  auto directory = Newest(directory_, installed, config_);
  if (!directory) {
    throw std::runtime_error(
        "[security] signatures are on but this node holds no directory of keys: install the "
        "province's signed file and name it in [security] key_directory");
  }
  auto keys = crypto::ReadKeys(config_.security.keys_dir);
  if (!keys.ok()) throw std::runtime_error("[security] signatures are on: " + keys.message());
  if (keys.value().pub.id != config_.node_id) {
    throw std::runtime_error("[security] the keys in " + config_.security.keys_dir + " are " +
                             keys.value().pub.id + "'s, not " + config_.node_id + "'s");
  }
  auto signer = crypto::Signer::From(keys.value());
  if (!signer.ok()) throw std::runtime_error("[security] " + signer.message());
  signer_ = std::move(signer.value());
  const crypto::DirectoryKey* own = directory->FindByFingerprint(signer_->fingerprint());
  if (!own) {
    log_.error(
        "this node's signing key {} is not in the directory of keys version {}: every "
        "node will refuse what it sends until the province lists it",
        signer_->fingerprint(), directory->version());
  } else if (Status st = directory->Usable(*own, clock_.NowMs()); !st.ok()) {
    log_.error("this node signs with a key the directory no longer accepts: {}", st.message());
  }
}

void KeyService::Export(const std::string& text) const {
  const std::string& path = config_.security.export_directory;
  if (path.empty()) return;
  // Never an older version over a newer one (nodes of one host may share the file).
  if (auto held = crypto::KeyDirectory::LoadSigned(path, config_.security.suite,
                                                   config_.security.directory_key);
      held.ok() && held.value().version() >= version()) {
    return;
  }
  std::string tmp = path + ".tmp." + config_.node_id;
  std::ofstream out(tmp, std::ios::trunc);
  if (!(out << text) || !out.flush() || ::rename(tmp.c_str(), path.c_str()) != 0) {
    log_.error("cannot write the directory of keys to {} for the broker", path);
    return;
  }
  log_.info("密钥名录 directory of keys version {} written to {} (for the broker)", version(),
            path);
}

void KeyService::PromoteRotatedKeys(const std::optional<std::string>& installed) {
  const std::string& dir = config_.security.keys_dir;
  if (!crypto::HasKeys(dir, crypto::KeySlot::kNext)) return;
  auto next = crypto::ReadPublicKeys(dir, crypto::KeySlot::kNext);
  if (!next.ok()) throw std::runtime_error("rotated keys: " + next.message());
  std::string fp = crypto::Fingerprint(next.value());
  auto directory = Newest(directory_, installed, config_);
  const crypto::DirectoryKey* listed = directory ? directory->FindByFingerprint(fp) : nullptr;
  // All of them must be listed as they are here (the CURVE key too, not only the signing key).
  if (!listed || listed->state != crypto::KeyState::kActive || listed->keys.id != config_.node_id ||
      listed->keys.curve != next.value().curve || listed->keys.suite != next.value().suite) {
    log_.info(
        "轮换 rotated keys {} wait: the directory of keys (version {}) does not list them "
        "as this node's active keys yet",
        fp, directory ? directory->version() : 0);
    return;
  }
  if (Status st = crypto::PromoteNextKeys(dir); !st.ok()) {
    throw std::runtime_error("rotated keys: " + st.message());
  }
  log_.warn(
      "轮换 key rotation: keys {} are in use from now on (the old ones are kept as "
      "previous-*.toml)",
      fp);
}

crypto::Verification KeyService::Verify(schema::Envelope::Reader envelope) const {
  if (!directory_) {
    crypto::Verification v;
    v.outcome = crypto::Verification::Outcome::kUnknownKey;
    v.reason = "this node holds no directory of keys to check the signature against";
    return v;
  }
  return crypto::VerifyEnvelope(envelope, *directory_, clock_.NowMs(), &verified_);
}

std::string KeyService::AnnouncementInput(schema::KeyAnnouncement::Reader a) {
  return "zhuji-key-announcement-v1\n" + std::string(a.getId().cStr()) + "\n" +
         a.getSuite().cStr() + "\n" + a.getCurve().cStr() + "\n" + a.getSign().cStr() + "\n" +
         std::to_string(a.getAnnouncedAt());
}

Status KeyService::CheckAnnouncement(const crypto::KeyDirectory* directory, std::string_view body,
                                     int64_t now) {
  if (Status st = CheckText<schema::KeyAnnouncement>(body); !st.ok()) return st;
  auto msg = ReadMessage(body);
  auto a = msg->Root<schema::KeyAnnouncement>();
  crypto::PublicKeys next{a.getId(), a.getCurve(), a.getSign(), a.getSuite()};
  std::string what = "the key announcement of " + next.id;
  if (!IsDivisionCode(next.id)) return Status::Error(what + ": not a node id");
  if (Status st = crypto::CheckPublicKeys(next, what); !st.ok()) return st;
  if (!directory) return Status::Error(what + ": no directory of keys here to check it");
  crypto::Verification v =
      crypto::VerifyMessage(*directory, next.id, a.getSignerKeyId(), AnnouncementInput(a),
                            AsView(a.getSignature()), now, what);
  if (!v.ok()) return Status::Error(v.reason);
  // Only the key in use may announce its successor: not one already retiring (possibly the one
  // a rotation replaced because it was exposed).
  if (directory->FindByFingerprint(a.getSignerKeyId())->state != crypto::KeyState::kActive) {
    return Status::Error(what + " is signed by a key that is already being replaced");
  }
  return Status::Ok();
}

void KeyService::TakeAnnouncement(store::Txn& txn, std::string_view body, int64_t now) {
  auto msg = ReadMessage(body);
  std::string id = msg->Root<schema::KeyAnnouncement>().getId();
  if (config_.level != config::Level::kProvince) {
    mail_.Post(txn, {config_.parent, schema::Kind::KEY_ANNOUNCEMENT, std::string(body), {}}, now);
    store::Audit::Append(txn, now, "key announcement",
                         "of " + id + " passed up to " + config_.parent);
    return;
  }
  int64_t at = msg->Root<schema::KeyAnnouncement>().getAnnouncedAt();
  if (auto held = txn.Get("meta", std::string(kAnnounced) + id); held && held->size() > 8) {
    auto was = ReadMessage(held->substr(8));
    if (was->Root<schema::KeyAnnouncement>().getAnnouncedAt() >= at) {
      store::Audit::Append(txn, now, "key announcement ignored",
                           "of " + id + ": not newer than the one kept");
      return;  // an old announcement replayed: the newer one stays
    }
  }
  std::string value = EncodeBe64(static_cast<uint64_t>(now));
  value.append(body);
  txn.Put("meta", std::string(kAnnounced) + id, value);
  store::Audit::Append(txn, now, "key announcement", "of " + id + " kept for the next directory");
  writer_.AfterCommit([this, id] {
    log_.warn(
        "密钥轮换 node {} announced new keys: add them to the next directory of keys "
        "(zhuji directory announced --out DIR)",
        id);
  });
}

void KeyService::Announce(ControlCall& call) {
  if (!signer_) {
    return call.reply.setError(
        "signatures are off here: an announcement is signed with the key "
        "in use ([security] signatures = true)");
  }
  auto next = crypto::ReadPublicKeys(config_.security.keys_dir, crypto::KeySlot::kNext);
  if (!next.ok()) {
    return call.reply.setError("no rotated keys to announce (zhuji keys rotate): " +
                               next.message());
  }
  capnp::MallocMessageBuilder m;
  auto a = m.initRoot<schema::KeyAnnouncement>();
  a.setId(config_.node_id);
  a.setSuite(next.value().suite);
  a.setCurve(next.value().curve);
  a.setSign(next.value().sign);
  a.setAnnouncedAt(clock_.NowMs());
  a.setSignerKeyId(signer_->fingerprint());
  a.setSignature(AsData(signer_->SignMessage(AnnouncementInput(a.asReader()))));
  std::string body = ToBytes(m);
  if (Status st = CheckAnnouncement(directory(), body, clock_.NowMs()); !st.ok()) {
    return call.reply.setError(st.message());
  }
  int64_t now = clock_.NowMs();
  Status st = control_->Write([&](store::Txn& txn) {
    TakeAnnouncement(txn, body, now);
    return Status::Ok();
  });
  if (!st.ok()) return call.reply.setError(st.message());
  Show(call);
  call.reply.getDirectory().setAnnouncedTo(
      config_.level == config::Level::kProvince ? config_.node_id : config_.parent);
}

crypto::Verification KeyService::VerifyBytes(const std::string& owner, const std::string& key_id,
                                             std::string_view bytes, std::string_view signature,
                                             const std::string& what) const {
  if (!directory_) {
    crypto::Verification v;
    v.reason = "this node holds no directory of keys to check " + what;
    return v;
  }
  return crypto::VerifyMessage(*directory_, owner, key_id, bytes, signature, clock_.NowMs(), what);
}

void KeyService::Show(ControlCall& call) {
  auto v = call.reply.initDirectory();
  v.setSignatures(signatures());
  if (signer_) v.setOwnFingerprint(signer_->fingerprint());
  if (crypto::HasKeys(config_.security.keys_dir, crypto::KeySlot::kNext)) {
    auto next = crypto::ReadPublicKeys(config_.security.keys_dir, crypto::KeySlot::kNext);
    if (next.ok()) v.setNextKey(crypto::Fingerprint(next.value()));
  }
  {
    auto txn = writer_.BeginRead();
    std::vector<std::pair<int64_t, std::string>> announced;
    auto cursor = txn.OpenCursor("meta");
    for (auto kv = cursor.Seek(kAnnounced);
         kv && kv->first.substr(0, kAnnounced.size()) == kAnnounced; kv = cursor.Next()) {
      if (kv->second.size() > 8) {
        announced.emplace_back(static_cast<int64_t>(DecodeBe64(kv->second.substr(0, 8))),
                               std::string(kv->second.substr(8)));
      }
    }
    auto list = v.initAnnounced(static_cast<unsigned>(announced.size()));
    for (size_t i = 0; i < announced.size(); ++i) {
      auto msg = ReadMessage(announced[i].second);
      auto a = msg->Root<schema::KeyAnnouncement>();
      crypto::PublicKeys k{a.getId(), a.getCurve(), a.getSign(), a.getSuite()};
      list[i].setId(k.id);
      list[i].setSuite(k.suite);
      list[i].setCurve(k.curve);
      list[i].setSign(k.sign);
      list[i].setFingerprint(crypto::Fingerprint(k));
      list[i].setAnnouncedAt(a.getAnnouncedAt());
      list[i].setReceivedAt(announced[i].first);
    }
  }
  if (!directory_) return;
  v.setVersion(directory_->version());
  v.setSuite(directory_->suite());
  const auto& keys = directory_->keys();
  auto list = v.initKeys(static_cast<unsigned>(keys.size()));
  for (size_t i = 0; i < keys.size(); ++i) {
    list[i].setId(keys[i].keys.id);
    list[i].setFingerprint(keys[i].fingerprint);
    list[i].setState(crypto::KeyStateName(keys[i].state));
    list[i].setUntilMs(keys[i].until_ms);
    list[i].setCurve(keys[i].keys.curve);
  }
}

void KeyService::Load(ControlCall& call) {
  if (config_.security.directory_key.empty()) {
    return call.reply.setError(
        "this node pins no directory key ([security] directory_key): it cannot check a directory "
        "of keys");
  }
  auto req = call.request.getDirectory();
  std::string text = req.getText();
  auto d = Parse(text, req.getFileName());
  if (!d.ok()) return call.reply.setError(d.message());
  if (d.value().version() <= version()) {
    return call.reply.setError("directory of keys version " + std::to_string(d.value().version()) +
                               " is not newer than the version " + std::to_string(version()) +
                               " held here: refused");
  }
  Applied applied;
  int64_t now = clock_.NowMs();
  Status st = control_->Write([&](store::Txn& txn) {
    applied = Apply(txn, text, now);
    return Status::Ok();
  });
  if (!st.ok()) return call.reply.setError(st.message());
  Show(call);
  auto f =
      call.reply.getDirectory().initForwardedTo(static_cast<unsigned>(applied.forwarded_to.size()));
  for (size_t i = 0; i < applied.forwarded_to.size(); ++i) f.set(i, applied.forwarded_to[i]);
}

}  // namespace zhuji::node
