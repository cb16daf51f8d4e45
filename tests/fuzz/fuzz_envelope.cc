// libFuzzer target: an envelope body as a node's inbox receives it, with every kind's check
// (notice, skip, 督办, calendar update, matter, grant, filing, secret, stats, inspection,
// directory of keys, key announcement) and
// description, in a write
// transaction of a real store that is never committed; and its signature checked against a
// signed directory of keys. Nothing may crash, and nothing may throw but what the inbox handles.
#include <kj/exception.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "fixed_keys.h"
#include "services/common/capnp_io.h"
#include "services/crypto/envelope_signature.h"
#include "services/node/deadline_service.h"
#include "services/node/determination_service.h"
#include "services/node/filing_service.h"
#include "services/node/inbox.h"
#include "services/node/inspection_service.h"
#include "services/node/key_service.h"
#include "services/node/licensing_service.h"
#include "services/node/matter_service.h"
#include "services/node/notices.h"
#include "services/node/statistics_service.h"
#include "services/node/summary_service.h"

namespace {

struct World {
  World() {
    char dir[] = "/tmp/zhuji-fuzz-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    env = std::make_unique<zhuji::store::Env>(zhuji::store::Env::Options{dir, 16 << 20, false});
    using zhuji::node::DeadlineService, zhuji::node::MatterService, zhuji::node::NoticeService;
    kinds.Register(zhuji::schema::Kind::NOTICE, NoticeService::NoticeKind());
    kinds.Register(zhuji::schema::Kind::SKIP, NoticeService::SkipKind());
    kinds.Register(zhuji::schema::Kind::SUPERVISION, DeadlineService::SupervisionKind());
    kinds.Register(zhuji::schema::Kind::CALENDAR_UPDATE, DeadlineService::CalendarKind("440100"));
    kinds.Register(zhuji::schema::Kind::MATTER, MatterService::EnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::GRANT,
                   zhuji::node::FilingService::GrantEnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::FILING,
                   zhuji::node::FilingService::FilingEnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::SECRET,
                   zhuji::node::DeterminationService::SecretEnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::STATS,
                   zhuji::node::StatisticsService::StatsEnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::INSPECTION,
                   zhuji::node::InspectionService::InspectionEnvelopeKind("440000"));
    kinds.Register(zhuji::schema::Kind::LICENSING,
                   zhuji::node::LicensingService::LicensingKind("440000"));
    kinds.Register(zhuji::schema::Kind::SUMMARY,
                   zhuji::node::SummaryService::SummaryKind("440000"));
    config.node_id = "440000";
    config.parent = "440100";
    config.security.directory_key = zhuji::fuzzing::DirectoryKey().pub.sign;
    zhuji::node::KindEntry directory;
    directory.name = "directoryUpdate";
    directory.check = [this](const std::string& origin, std::string_view body) {
      return zhuji::node::KeyService::CheckUpdate(config, origin, body, 1);
    };
    kinds.Register(zhuji::schema::Kind::DIRECTORY_UPDATE, std::move(directory));
    zhuji::node::KindEntry announcement;
    announcement.name = "keyAnnouncement";
    announcement.check = [this](const std::string&, std::string_view body) {
      return zhuji::node::KeyService::CheckAnnouncement(&keys, body, 1'750'000'000'000);
    };
    kinds.Register(zhuji::schema::Kind::KEY_ANNOUNCEMENT, std::move(announcement));
    inbox = std::make_unique<zhuji::node::Inbox>("440000", 1 << 16, kinds);
    keys =
        zhuji::crypto::KeyDirectory::ParseSigned(zhuji::fuzzing::SignedDirectoryText(), "fuzz",
                                                 "ed25519", zhuji::fuzzing::DirectoryKey().pub.sign)
            .value();
  }
  zhuji::config::NodeConfig config;
  zhuji::crypto::KeyDirectory keys;
  std::unique_ptr<zhuji::store::Env> env;
  zhuji::node::KindRegistry kinds;
  std::unique_ptr<zhuji::node::Inbox> inbox;
};

// The origin the envelope names, so the fuzzer reaches the checks behind "origin matches".
std::string OriginOf(std::string_view bytes) {
  try {
    return zhuji::ReadMessage(bytes)->Root<zhuji::schema::Envelope>().getOrigin();
  } catch (...) {
    return "440106";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string origin = OriginOf(bytes);
  world.env->WriteIf([&](zhuji::store::Txn& txn) {
    zhuji::node::Inbox::Batch batch(*world.inbox, txn, 1'750'000'000'000);
    (void)batch.Apply(origin, bytes);
    (void)batch.Apply(origin, bytes);  // the same again: a duplicate
    batch.Finish();
    return false;  // never committed: every input sees the same empty store
  });
  try {
    auto msg = zhuji::ReadMessage(bytes);
    (void)zhuji::crypto::VerifyEnvelope(msg->Root<zhuji::schema::Envelope>(), world.keys,
                                        1'750'000'000'000);
  } catch (const zhuji::MalformedMessage&) {
  } catch (const kj::Exception&) {
  }
  for (int k = 0; k <= 7; ++k) {
    (void)world.kinds.Describe(static_cast<zhuji::schema::Kind>(k), bytes);
  }
  return 0;
}
