#include "services/node/key_service.h"

#include <capnp/message.h>

#include <fstream>
#include <sstream>

#include "services/common/capnp_io.h"
#include "services/crypto/keys.h"
#include "services/store/audit.h"

namespace zhuji::node {

namespace {
constexpr const char* kStoredKey = "key_directory";  // in `meta`: the signed text in use

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
    return Status::Error("a directory of keys is taken only from the parent node " +
                         (config.parent.empty() ? std::string("(none: this is the province)")
                                                : config.parent) +
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
                         " from " + origin + " is older than the version " +
                         std::to_string(held) + " held here: refused");
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
  control_ = &control;
  using R = schema::ControlRequest;
  control.Register(R::DIRECTORY, [this](ControlCall& c) {
    if (c.request.getDirectory().getOp() == schema::DirectoryRequest::Op::LOAD) return Load(c);
    Show(c);
  });
}

KeyService::Applied KeyService::Apply(store::Txn& txn, const std::string& text, int64_t now) {
  Applied out;
  auto parsed = Parse(text, "directory of keys");  // checked already
  if (!parsed.ok() || parsed.value().version() <= version()) return out;  // the same, again
  auto next = std::make_shared<const crypto::KeyDirectory>(std::move(parsed.value()));
  writer_.OnAbort([this, held = directory_] { directory_ = held; });
  std::shared_ptr<const crypto::KeyDirectory> was = directory_;
  directory_ = next;
  out.version = next->version();
  txn.Put("meta", kStoredKey, text);
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
      if (d.ok()) {
        directory_ = std::make_shared<const crypto::KeyDirectory>(std::move(d.value()));
      } else {
        log_.error("{} (a new pinned directory key?): ignored", d.message());
      }
    }
  }
  std::optional<std::string> installed = InstalledDirectory();
  PromoteRotatedKeys(installed);
  if (signatures()) {
    UseSigningKey(installed);
    outbox.SignWith(&*signer_);
    inbox.RequireSignatures([this](schema::Envelope::Reader e) { return Verify(e); });
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
    log_.error("this node's signing key {} is not in the directory of keys version {}: every "
               "node will refuse what it sends until the province lists it",
               signer_->fingerprint(), directory->version());
  } else if (Status st = directory->Usable(*own, clock_.NowMs()); !st.ok()) {
    log_.error("this node signs with a key the directory no longer accepts: {}", st.message());
  }
}

void KeyService::PromoteRotatedKeys(const std::optional<std::string>& installed) {
  const std::string& dir = config_.security.keys_dir;
  if (!crypto::HasKeys(dir, crypto::KeySlot::kNext)) return;
  auto next = crypto::ReadPublicKeys(dir, crypto::KeySlot::kNext);
  if (!next.ok()) throw std::runtime_error("rotated keys: " + next.message());
  std::string fp = crypto::Fingerprint(next.value());
  auto directory = Newest(directory_, installed, config_);
  const crypto::DirectoryKey* listed = directory ? directory->FindByFingerprint(fp) : nullptr;
  if (!listed || listed->state != crypto::KeyState::kActive || listed->keys.id != config_.node_id) {
    log_.info("轮换 rotated keys {} wait: the directory of keys (version {}) does not list them "
              "as this node's active keys yet",
              fp, directory ? directory->version() : 0);
    return;
  }
  if (Status st = crypto::PromoteNextKeys(dir); !st.ok()) {
    throw std::runtime_error("rotated keys: " + st.message());
  }
  log_.warn("轮换 key rotation: keys {} are in use from now on (the old ones are kept as "
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
  return crypto::VerifyEnvelope(envelope, *directory_, clock_.NowMs());
}

void KeyService::Show(ControlCall& call) {
  auto v = call.reply.initDirectory();
  v.setSignatures(signatures());
  if (signer_) v.setOwnFingerprint(signer_->fingerprint());
  if (crypto::HasKeys(config_.security.keys_dir, crypto::KeySlot::kNext)) {
    auto next = crypto::ReadPublicKeys(config_.security.keys_dir, crypto::KeySlot::kNext);
    if (next.ok()) v.setNextKey(crypto::Fingerprint(next.value()));
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
  auto f = call.reply.getDirectory().initForwardedTo(
      static_cast<unsigned>(applied.forwarded_to.size()));
  for (size_t i = 0; i < applied.forwarded_to.size(); ++i) f.set(i, applied.forwarded_to[i]);
}

}  // namespace zhuji::node
