// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/): valid inputs of each
// decoder, made with the project's own encoders, so the fuzzer starts from what real peers send.
// Usage: fuzz_make_seeds SOURCE_DIR OUT_DIR
#include <capnp/message.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "fixed_keys.h"
#include "services/common/capnp_io.h"
#include "services/config/topology.h"
#include "services/crypto/envelope_signature.h"
#include "services/crypto/key_directory.h"
#include "services/node/determination_service.h"
#include "services/node/filings.h"
#include "services/node/inspection_service.h"
#include "services/node/key_service.h"
#include "services/node/licensing_service.h"
#include "services/node/matters.h"
#include "services/node/statistics_service.h"
#include "services/wire/header.h"
#include "services/workflows/unclear_matter.h"
#include "zhuji/schemas/control.capnp.h"
#include "zhuji/schemas/envelope.capnp.h"

namespace fs = std::filesystem;
using namespace zhuji;

namespace {

std::string out_dir;

void Seed(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(out_dir + "/" + target);
  std::ofstream(out_dir + "/" + target + "/" + name, std::ios::binary) << bytes;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename Fill>
std::string Message(Fill fill) {
  capnp::MallocMessageBuilder m;
  fill(m);
  return ToBytes(m);
}

std::string Envelope(schema::Kind kind, const std::string& body, const std::string& origin,
                     bool sign = false) {
  return Message([&](capnp::MallocMessageBuilder& m) {
    auto e = m.initRoot<schema::Envelope>();
    e.setId(AsData(std::string(16, '\x2a')));
    e.setOrigin(origin);
    e.setDestination("440000");
    e.setSentAt(1'750'000'000'000);
    e.setKind(kind);
    e.setBody(AsData(body));
    e.setLinkSeq(1);
    if (sign) crypto::Signer::From(fuzzing::NodeKey(origin)).value().Sign(e);
  });
}

// A 不明确事项 of 天河区教育局 on its way to the province (GD Art. 30), on the demo topology.
workflows::Matter Unclear(const std::string& source_dir) {
  auto topology =
      config::LoadTopology(source_dir + "/deploy/topologies/guangdong-demo.toml").Directory();
  if (!topology.ok()) throw std::runtime_error(topology.message());
  auto p = workflows::Protection::Term(workflows::SecrecyLevel::kMimi, 5);
  auto s = workflows::SetProvisional(topology.value(), "440106/jyj", "440106/jyj/2026-0001",
                                     "一项不明确事项", p, "本单位相关人员", 1'750'000'000'000);
  if (!s.ok()) throw std::runtime_error(s.message());
  return s.value().matter;
}

// 广州市教育局's grant to 天河区教育局 (GD Art. 6, 7) and the grantee's 备案 of it, sent (GD Art.
// 14).
workflows::Grant GrantSeed(const std::string& source_dir) {
  auto topology =
      config::LoadTopology(source_dir + "/deploy/topologies/guangdong-demo.toml").Directory();
  if (!topology.ok()) throw std::runtime_error(topology.message());
  workflows::GrantDecision d;
  d.doc_number = "穗教密授〔2026〕1号";
  d.grantee = "440106/jyj";
  d.matters = "招生考试工作中的秘密事项";
  d.term_months = 36;
  d.proactive = true;
  d.task = "命题任务";
  d.decided_by = "陈七";
  auto s = workflows::DecideGrant(topology.value(), "440100/jyj", "440100/jyj/2026-G0001", d,
                                  nullptr, 1'750'000'000'000);
  if (!s.ok()) throw std::runtime_error(s.message());
  return s.value().grant;
}

workflows::Filing FilingSeed(const std::string& source_dir) {
  workflows::Grant g = GrantSeed(source_dir);
  auto topology =
      config::LoadTopology(source_dir + "/deploy/topologies/guangdong-demo.toml").Directory();
  auto owed = workflows::OweFiling(workflows::FilingKind::kGrantReceived, "440106/jyj/2026-B0001",
                                   g.grantee, *topology.value().Find("440106/bmj"), g.id,
                                   "收到定密授权决定书", g.from, {}, 1'750'000'000'000);
  owed.filing.grant = g;
  auto sent = workflows::SubmitFiling(owed.filing, {"定密授权决定书"}, "经办人", 1'750'000'000'000);
  if (!sent.ok()) throw std::runtime_error(sent.message());
  return sent.value().filing;
}

void FrameSeeds() {
  wire::Header hello;
  hello.command = wire::Command::HELLO;
  hello.source = "440106";
  hello.incarnation = 3;
  hello.nonce = 7;
  Seed("fuzz_frame", "hello", wire::EncodeFrame(hello));
  wire::Header deliver;
  deliver.command = wire::Command::DELIVER;
  deliver.source = "440106";
  deliver.destination = "440000";
  deliver.seq = 1;
  capnp::MallocMessageBuilder n;
  n.initRoot<schema::Notice>().setText("通知 notice");
  Seed("fuzz_frame", "deliver",
       wire::EncodeFrame(deliver, Envelope(schema::Kind::NOTICE, ToBytes(n), "440106")));
  wire::Header nack;
  nack.command = wire::Command::NACK;
  nack.source = "440000";
  nack.destination = "440106";
  nack.code = wire::NackCode::GAP;
  nack.seq = 5;
  nack.reason = "out of order";
  Seed("fuzz_frame", "nack", wire::EncodeFrame(nack));
}

// 广东省国家保密局 inspects 广东省教育厅 and asks for a rectification (GD Art. 41, 43).
std::string InspectionSeed(const std::string& source_dir) {
  auto topology =
      config::LoadTopology(source_dir + "/deploy/topologies/guangdong-demo.toml").Directory();
  if (!topology.ok()) throw std::runtime_error(topology.message());
  const auto& d = topology.value();
  workflows::CaseOpening o;
  o.points = {3, 6, 8};
  o.by = "检查组";
  auto c =
      workflows::OpenCase("440000/bmj/2026-J0001", d, *d.Find("440000/bmj"), *d.Find("440000/jyt"),
                          o, *calendar::ParseDate("2026-05-06"), 1'778'000'000'000);
  auto asked = workflows::RequestRectification(
      c.value(), {{6, "定密依据未写明"}}, "限期整改", *calendar::ParseDate("2026-06-30"), "李四",
      *calendar::ParseDate("2026-05-06"), 1'778'000'000'000);
  return node::InspectionCases::Encode(asked.value());
}

// A 双随机 inspection reported by the city bureau, with a violation referred on (LN 四.1).
std::string LicensingSeed() {
  workflows::UnitInspection i;
  i.id = "440000/bmj/2026-K0001";
  i.round = "440000/bmj/2026-R0001";
  i.unit = "91440100MA0000001A";
  i.unit_name = "广州某信息技术有限公司";
  i.certificate = "440000/2026-S0001";
  i.region = "440100";
  i.experts = {"E01 周明", "E03 郑军"};
  i.by_organ = "440000/bmj";
  i.inspector = "440100/bmj";
  i.inspector_name = "广州市国家保密局";
  i.report_by = *calendar::ParseDate("2026-10-30");
  i.findings = "涉密人员未签订保密承诺书";
  i.violation = true;
  i.refer_to = "440300/bmj";
  i.refer_to_name = "深圳市国家保密局";
  i.reported_by = "检查组";
  i.reported_at = 1'778'000'000'000;
  i.state = workflows::UnitInspection::State::kReported;
  i.version = 2;
  return node::UnitInspections::Encode(i);
}

// 广州市国家保密局's region report of 2026, as it goes up to the province (GD Art. 46 ¶3).
std::string StatsSeed() {
  workflows::StatReport r;
  r.kind = workflows::StatKind::kRegion;
  r.year = 2026;
  r.node = "440100";
  r.organ = "440100/bmj";
  r.organ_name = "广州市国家保密局";
  r.id = workflows::RegionReportId(2026, "440100");
  r.figures.determined[0] = 2;
  r.figures.organs = 9;
  r.included = {"2026/440100/jyj v1", "2026/region/440106 v1"};
  r.missing = {"2026/region/440104"};
  r.version = 1;
  r.filed_at = 1'800'000'000'000;
  r.filed_by = "周强";
  return node::StatReports::Encode(r);
}

// 广州市教育局's determination, approved, as its copy to 广东省教育厅 in its 知悉范围 (GD Art.
// 36-40).
std::string SecretSeed() {
  workflows::Determination d;
  d.id = "440100/jyj/2025-D0001";
  d.organ = "440100/jyj";
  d.organ_name = "广州市教育局";
  d.title = "2026年中考数学试题";
  d.entry_no = 1;
  d.list_version = 1;
  d.proposed = workflows::Protection::Term(workflows::SecrecyLevel::kMimi, 1);
  d.protection = d.proposed;
  d.scope = "命题组成员";
  d.scope_organs = {"440000/jyt", "440106/jyj"};
  d.state = workflows::DeterminationState::kApproved;
  d.version = 1;
  d.determined_on = *calendar::ParseDate("2025-09-24");
  return node::DeterminationService::CopyBody(d, workflows::ChangeKind::kDetermine, "", "",
                                              {"440000/jyt"});
}

void EnvelopeSeeds(const std::string& source_dir) {
  Seed("fuzz_envelope", "notice",
       Envelope(schema::Kind::NOTICE, Message([](capnp::MallocMessageBuilder& m) {
                  m.initRoot<schema::Notice>().setText("定密责任人 notice");
                }),
                "440106"));
  Seed("fuzz_envelope", "supervision",
       Envelope(schema::Kind::SUPERVISION, Message([](capnp::MallocMessageBuilder& m) {
                  auto s = m.initRoot<schema::Supervision>();
                  s.setItem("授权/2026-01");
                  s.setStep("备案");
                  s.setRule("GD Art. 14");
                  s.setDueMs(1'750'000'000'000);
                }),
                "440106"));
  Seed("fuzz_envelope", "calendar",
       Envelope(schema::Kind::CALENDAR_UPDATE, Message([&](capnp::MallocMessageBuilder& m) {
                  auto u = m.initRoot<schema::CalendarUpdate>();
                  u.setFileName("2026.toml");
                  u.setToml(Read(source_dir + "/deploy/calendar/2026.toml"));
                  u.setPublishedBy("440000");
                }),
                "440100"));
  Seed("fuzz_envelope", "matter",
       Envelope(schema::Kind::MATTER, node::Matters::Encode(Unclear(source_dir)), "440106"));
  Seed("fuzz_envelope", "skip",
       Envelope(schema::Kind::SKIP, Message([](capnp::MallocMessageBuilder& m) {
                  auto k = m.initRoot<schema::Skip>();
                  k.setOriginalId(AsData(std::string(16, '\x01')));
                  k.setReason("too large");
                  k.setDeadLetter(1);
                }),
                "440106"));
  Seed("fuzz_envelope", "signed-notice",
       Envelope(schema::Kind::NOTICE, Message([](capnp::MallocMessageBuilder& m) {
                  m.initRoot<schema::Notice>().setText("签名 signed notice");
                }),
                "440106", true));
  {  // signed in a batch (issue #11): the middle one of three, with its path in the tree
    std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> ms;
    std::vector<schema::Envelope::Builder> batch;
    for (int i = 0; i < 3; ++i) {
      ms.push_back(std::make_unique<capnp::MallocMessageBuilder>());
      auto e = ms.back()->initRoot<schema::Envelope>();
      e.setId(AsData(std::string(16, static_cast<char>('\x30' + i))));
      e.setOrigin("440106");
      e.setDestination("440000");
      e.setSentAt(1'750'000'000'000);
      e.setKind(schema::Kind::NOTICE);
      e.setBody(AsData(Message([&](capnp::MallocMessageBuilder& m) {
        m.initRoot<schema::Notice>().setText("一批 batch #" + std::to_string(i));
      })));
      e.setLinkSeq(1 + i);
      batch.push_back(e);
    }
    crypto::Signer::From(fuzzing::NodeKey("440106")).value().SignBatch(batch);
    Seed("fuzz_envelope", "batch-signed-notice", ToBytes(*ms[1]));
  }
  Seed("fuzz_envelope", "directory",
       Envelope(schema::Kind::DIRECTORY_UPDATE, Message([](capnp::MallocMessageBuilder& m) {
                  auto u = m.initRoot<schema::DirectoryUpdate>();
                  u.setText(fuzzing::SignedDirectoryText());
                  u.setVersion(1);
                }),
                "440100", true));
  Seed("fuzz_envelope", "key-announcement",
       Envelope(schema::Kind::KEY_ANNOUNCEMENT, Message([](capnp::MallocMessageBuilder& m) {
                  auto next = fuzzing::FixedKeys("440106", 11).pub;
                  auto a = m.initRoot<schema::KeyAnnouncement>();
                  a.setId("440106");
                  a.setSuite(next.suite);
                  a.setCurve(next.curve);
                  a.setSign(next.sign);
                  a.setAnnouncedAt(1'750'000'000'000);
                  auto signer = crypto::Signer::From(fuzzing::NodeKey("440106")).value();
                  a.setSignerKeyId(signer.fingerprint());
                  a.setSignature(AsData(
                      signer.SignMessage(node::KeyService::AnnouncementInput(a.asReader()))));
                }),
                "440106", true));
  Seed("fuzz_matter", "unclear", node::Matters::Encode(Unclear(source_dir)));
  Seed("fuzz_envelope", "grant",
       Envelope(schema::Kind::GRANT, node::Grants::Encode(GrantSeed(source_dir)), "440100"));
  Seed("fuzz_envelope", "filing",
       Envelope(schema::Kind::FILING, node::Filings::Encode(FilingSeed(source_dir)), "440106"));
  Seed("fuzz_envelope", "secret", Envelope(schema::Kind::SECRET, SecretSeed(), "440100"));
  Seed("fuzz_envelope", "stats", Envelope(schema::Kind::STATS, StatsSeed(), "440100"));
  Seed("fuzz_envelope", "inspection",
       Envelope(schema::Kind::INSPECTION, InspectionSeed(source_dir), "440000"));
  Seed("fuzz_envelope", "licensing", Envelope(schema::Kind::LICENSING, LicensingSeed(), "440100"));
  Seed("fuzz_envelope", "summary",
       Envelope(schema::Kind::SUMMARY, Message([](capnp::MallocMessageBuilder& m) {
                  auto list = m.initRoot<schema::SummaryReport>().initSummaries(2);
                  for (unsigned i = 0; i < 2; ++i) {
                    auto s = list[i];
                    s.setNode(i ? "440106" : "440100");
                    s.setName(i ? "天河区" : "广州市");
                    s.setLevel(i ? "county" : "city");
                    s.setParent(i ? "440100" : "440000");
                    s.setAsOfMs(1'750'000'000'000);
                    s.setIntervalMs(300'000);
                    s.setSerial(7);
                    auto d = s.initDuties(1)[0];
                    d.setRule("GD Art. 30");
                    d.setStep("report");
                    d.setOpen(2);
                    d.setOverdue(1);
                    s.setOpen(2);
                    s.setOverdue(1);
                    s.setLinksUp(1);
                    s.setLinksTotal(1);
                    s.setStoreWritable(true);
                  }
                }),
                "440100"));
  Seed("fuzz_filing", "grant", node::Grants::Encode(GrantSeed(source_dir)));
  Seed("fuzz_filing", "filing", node::Filings::Encode(FilingSeed(source_dir)));
}

void ControlSeeds() {
  Seed("fuzz_control", "regions", Message([](capnp::MallocMessageBuilder& m) {
         m.initRoot<schema::ControlRequest>().setRegions();
       }));
  Seed("fuzz_control", "status", Message([](capnp::MallocMessageBuilder& m) {
         m.initRoot<schema::ControlRequest>().setStatus();
       }));
  Seed("fuzz_control", "send", Message([](capnp::MallocMessageBuilder& m) {
         auto s = m.initRoot<schema::ControlRequest>().initSend();
         s.setTo("440000");
         s.setText("通知");
         s.setCount(3);
       }));
  Seed("fuzz_control", "licence", Message([](capnp::MallocMessageBuilder& m) {
         auto r = m.initRoot<schema::ControlRequest>().initLicensing();
         r.setOp(schema::LicensingRequest::Op::APPLY);
         r.setItem("weapons-secrecy");
         r.setGrade("二级");
         r.initApplicant().setUnit("91210100MA0000001A");
         auto items = r.initItems(2);
         items.set(0, "申请书");
         items.set(1, "备案的企业年度报告");
         r.setWaybill("EA100000001CN");
         r.setDay(20'735);
         r.setBy("李梅");
       }));
  Seed("fuzz_control", "report", Message([](capnp::MallocMessageBuilder& m) {
         auto r = m.initRoot<schema::ControlRequest>().initMatter();
         r.setOp(schema::MatterRequest::Op::REPORT);
         r.setScope("本单位相关人员");
         r.setOrgan("jyj");
         r.setTitle("一项不明确事项");
         r.setMark("秘密★5年");
         r.setArt24("none");
         auto parts = r.initParts(1);
         parts.set(0, "机密★10年");
       }));
  Seed("fuzz_control", "open-deadline", Message([](capnp::MallocMessageBuilder& m) {
         auto o = m.initRoot<schema::ControlRequest>().initOpenDeadline();
         o.setItem("2026-09-25");
         o.setStep("备案");
         o.setWorkingDays(10);
       }));
}

void TomlSeeds(const std::string& source_dir) {
  Seed("fuzz_toml", "node", std::string(1, '\0') + Read(source_dir + "/deploy/node.example.toml"));
  Seed("fuzz_toml", "topology",
       std::string(1, '\1') + Read(source_dir + "/deploy/topologies/guangdong-demo.toml"));
  Seed("fuzz_toml", "calendar",
       std::string(1, '\2') + Read(source_dir + "/deploy/calendar/2026.toml"));
  crypto::DirectoryKey k, old;
  k.keys = crypto::NewKeyPair("440106").pub;
  old.keys = crypto::NewKeyPair("440106").pub;
  old.state = crypto::KeyState::kRetiring;
  old.until_ms = 1'800'000'000'000;
  Seed("fuzz_toml", "keys",
       std::string(1, '\3') + crypto::KeyDirectory::Render({k, old}, 1, "ed25519"));
  Seed("fuzz_toml", "signed-keys", std::string(1, '\4') + fuzzing::SignedDirectoryText());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_make_seeds SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  out_dir = argv[2];
  FrameSeeds();
  EnvelopeSeeds(argv[1]);
  ControlSeeds();
  TomlSeeds(argv[1]);
  std::cout << "seeds written under " << out_dir << "\n";
  return 0;
}
