// Nobody can pretend to be a node (issue #10): CURVE on every node-broker link, a broker that
// admits only keys of the directory of keys and takes a HELLO for node id X only from X's key;
// every envelope signed by its origin and verified before it is applied; the directory signed by
// the province, versions only going up; rotation and revocation. Real processes; each attack is
// refused with a reason and counted, and the honest nodes are served throughout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/config/topology.h"
#include "services/crypto/envelope_signature.h"
#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "services/node/delivery.h"
#include "services/node/matters.h"
#include "services/wire/header.h"
#include "services/wire/socket_util.h"
#include "services/workflows/unclear_matter.h"
#include "tests/integration/harness.h"

namespace zhuji::testing {
namespace {

using std::chrono::seconds;

// A TCP proxy on 127.0.0.1 (a port the kernel picks) in front of a broker, keeping every byte
// that passes either way: what someone on the network between a node and its broker would see.
class RecordingProxy {
 public:
  explicit RecordingProxy(const std::string& upstream)
      : upstream_port_(std::stoi(upstream.substr(upstream.rfind(':') + 1))) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = Loopback(0);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 8)) {
      throw std::runtime_error("proxy: cannot listen");
    }
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~RecordingProxy() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) ::close(fd);
    ::close(listen_);
  }
  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string Captured() {
    std::lock_guard<std::mutex> lock(mu_);
    return captured_;
  }

 private:
  static sockaddr_in Loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
  }
  void Accept() {
    int client = ::accept(listen_, nullptr, nullptr);
    int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = Loopback(upstream_port_);
    if (client < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (client >= 0) ::close(client);
      ::close(server);
      return;
    }
    fds_.push_back(client);
    fds_.push_back(server);  // fds_[2k] and fds_[2k+1] are a pair
  }
  void Loop() {
    while (!stop_) {
      std::vector<pollfd> p{{listen_, POLLIN, 0}};
      for (int fd : fds_) p.push_back({fd, POLLIN, 0});
      if (::poll(p.data(), p.size(), 50) <= 0) continue;
      if (p[0].revents & POLLIN) Accept();
      for (size_t i = 1; i < p.size() && i - 1 < fds_.size(); ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP))) continue;
        int from = fds_[i - 1], to = fds_[(i - 1) ^ 1];
        char buf[65536];
        ssize_t n = ::read(from, buf, sizeof buf);
        if (n <= 0) continue;  // closed: the node reconnects through a new pair
        {
          std::lock_guard<std::mutex> lock(mu_);
          captured_.append(buf, static_cast<size_t>(n));
        }
        for (ssize_t off = 0; off < n;) {
          ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
          if (w <= 0) break;
          off += w;
        }
      }
    }
  }

  int upstream_port_;
  int listen_ = -1;
  int port_ = 0;
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string captured_;
  std::thread thread_;
};

wire::Header Hello(const std::string& as) {
  wire::Header h;
  h.command = wire::Command::HELLO;
  h.source = as;
  h.incarnation = 1;
  h.nonce = 42;
  return h;
}

// An ACK (or a NACK with `code`) as node `from` would send it to `to`, unsigned.
wire::Header Receipt(wire::Command command, const std::string& from, const std::string& to,
                     uint64_t seq, wire::NackCode code = wire::NackCode::MALFORMED) {
  wire::Header h;
  h.command = command;
  h.code = code;
  h.source = from;
  h.destination = to;
  h.seq = seq;
  return h;
}

// Province 440000 and county 440106 (its child) on one CURVE broker, signing and verifying
// every envelope against the directory of keys signed by the province's directory key. The
// directory also holds the keys of 440104 (a node not running here: the attacker holds its
// keys, as a compromised node would), of broker:b1 (a broker below serving 440104, compromised:
// it may speak for 440104 at the broker, so only signatures stop it from making 440104's
// envelopes) and of an observer that reads the broker's counters.
class SecureCluster {
 public:
  // `curve`: off builds the same cluster without security (the control experiment). With
  // `proxy`, the county reaches the broker through a recording proxy.
  explicit SecureCluster(bool curve = true, bool proxy = false,
                         const std::string& suite = "ed25519")
      : suite_(suite) {
    const crypto::Suite& s = *crypto::FindSuite(suite);
    directory_key_ = crypto::NewKeyPair("directory:gd", s);
    for (const char* id : {"440000", "440106", "440104", "observer:test"}) {
      keys_[id] = crypto::NewKeyPair(id, s);
    }
    broker_ = crypto::NewKeyPair(crypto::BrokerKeyId("b0"), s);
    below_ = crypto::NewKeyPair(crypto::BrokerKeyId("b1"), s);
    entries_ = {Active(broker_.pub), Active(below_.pub)};
    entries_[1].serves = {"440104"};  // the broker below serves 440104, and only it
    for (auto& [id, k] : keys_) entries_.push_back(Active(k.pub));
    directory_file_ = h.dir() + "/keys.toml";
    Publish(1, directory_file_);
    EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/broker0", broker_).ok());
    if (curve) {
      h.StartBroker({"--keys-dir", h.dir() + "/broker0", "--key-directory", directory_file_,
                     "--directory-key", directory_key_.pub.sign, "--suite", suite_});
    } else {
      h.StartBroker();
    }
    if (proxy) proxy_ = std::make_unique<RecordingProxy>(h.BrokerEndpoint(0));
    std::string security =
        !curve ? ""
               : "[security]\ncurve = true\nbroker_keys = [\"" + broker_.pub.curve +
                     "\"]\nsignatures = true\nsuite = \"" + suite_ + "\"\ndirectory_key = \"" +
                     directory_key_.pub.sign + "\"\nkey_directory = \"" + directory_file_ +
                     "\"\nexport_directory = \"" + h.dir() + "/exported.toml\"\n";
    for (const char* id : {"440000", "440106"}) {
      EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/" + id, keys_[id]).ok());
    }
    EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/observer", keys_["observer:test"]).ok());
    h.AddNode({"440000", "province", "", "", "children = [\"440106\"]\n" + security});
    h.AddNode(
        {"440106", "county", "440000", "", security, "", "", proxy_ ? proxy_->endpoint() : ""});
    h.StartNode("440000");
    h.StartNode("440106");
  }

  static crypto::DirectoryKey Active(const crypto::PublicKeys& k) {
    return {k, crypto::KeyState::kActive, 0, crypto::Fingerprint(k), {}};
  }
  // The directory of `entries_` at `version`, signed by `by` (default: the province's key).
  std::string Signed(uint64_t version, const crypto::KeyPair* by = nullptr) const {
    auto text = crypto::KeyDirectory::Sign(crypto::KeyDirectory::Render(entries_, version, suite_),
                                           by ? *by : directory_key_);
    if (!text.ok()) throw std::runtime_error(text.message());
    return text.value();
  }
  void Publish(uint64_t version, const std::string& file, const crypto::KeyPair* by = nullptr) {
    std::string tmp = file + ".tmp";
    std::ofstream(tmp) << Signed(version, by);
    std::filesystem::rename(tmp, file);
  }

  // A client of the broker with `keys` (or a key pair of its own when null).
  zmq::socket_t Client(const crypto::KeyPair& keys) {
    zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::curve_serverkey, broker_.pub.curve);
    s.set(zmq::sockopt::curve_publickey, keys.pub.curve);
    s.set(zmq::sockopt::curve_secretkey, keys.curve_secret);
    s.connect(h.BrokerEndpoint(0));
    return s;
  }
  // A client with `keys` that the broker welcomed as node `as`; HELLO is said again while the
  // broker still holds `as` for a process just killed (ID_IN_USE), up to 60 s.
  zmq::socket_t Registered(const crypto::KeyPair& keys, const std::string& as) {
    zmq::socket_t s = Client(keys);
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      Say(s, Hello(as));
      auto answer = Heard(s);
      if (answer && answer->command == wire::Command::WELCOME) return s;
      if (answer && answer->code != wire::NackCode::ID_IN_USE) {
        throw std::runtime_error("HELLO as " + as + " refused: " + answer->reason);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("the broker never welcomed " + as);
  }
  static void Say(zmq::socket_t& s, const wire::Header& h, std::string_view body = {}) {
    ASSERT_TRUE(wire::SendFrame(s, wire::EncodeFrame(h, body), false));
  }
  // Says HELLO as `as` on `s` until the broker has counted more refused keys (keysRefused)
  // than `before`, up to 60 s: whether it refuses the key `s` connected with. `before` is read
  // before `s` connects, since a refusal at the handshake is counted at once. The HELLOs never
  // block: a connection refused at the handshake has no peer to queue them for.
  bool KeyRefusedSince(zmq::socket_t& s, const std::string& as, uint64_t before) {
    return Harness::WaitFor(
        [&] {
          (void)wire::SendFrame(s, wire::EncodeFrame(Hello(as)), true);
          return Stats().keys_refused > before;
        },
        std::chrono::seconds(60));
  }
  // The next header the broker sends this client, waiting up to 30 s.
  static std::optional<wire::Header> Heard(zmq::socket_t& s) {
    zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(Harness::kCallTimeoutMs)) <= 0) return {};
    zmq::message_t m;
    size_t parts = 0;
    if (!wire::RecvFrame(s, m, true, &parts)) return {};
    return wire::ParseFrame(wire::View(m), 1 << 20).header;
  }
  wire::BrokerStats Stats() {
    tools::CurveCredentials c{broker_.pub.curve, keys_["observer:test"].pub.curve,
                              keys_["observer:test"].curve_secret};
    auto s = tools::QueryBrokerStats(h.ctx(), h.BrokerEndpoint(0), Harness::kCallTimeoutMs, &c);
    if (!s) throw std::runtime_error("the broker did not answer STATS");
    return *s;
  }
  // The honest nodes are served: notices from the county reach the real province.
  void ExpectServed(const std::string& tag) {
    h.Send("440106", "440000", tag, 3);
    EXPECT_TRUE(Harness::WaitFor([&] { return h.CountPrefix("440000", tag) == 3; }, seconds(60)))
        << "the honest province did not get the county's notices";
  }
  uint64_t SignaturesRefused(const std::string& id) {
    return h.Status(id)->Root<schema::ControlReply>().getStatus().getSignaturesRefused();
  }
  uint64_t DirectoryVersion(const std::string& id) {
    return h.Status(id)->Root<schema::ControlReply>().getStatus().getKeyDirectoryVersion();
  }
  // `zhuji directory load FILE` on a node: its exit status and output.
  CommandResult LoadDirectory(const std::string& id, const std::string& file) {
    return RunCommandStatus(std::string(ZHUJI_BIN_DIR) + "/zhuji directory load " + file +
                            " --control " + h.ControlEndpoint(id));
  }

  std::string suite_;
  Harness h;
  crypto::KeyPair directory_key_;
  std::map<std::string, crypto::KeyPair> keys_;
  crypto::KeyPair broker_, below_;
  std::vector<crypto::DirectoryKey> entries_;
  std::string directory_file_;
  std::unique_ptr<RecordingProxy> proxy_;
};

// An envelope from `origin` to `destination`, signed by `signer` (unsigned when null).
std::string Envelope(const std::string& origin, const std::string& destination, uint64_t seq,
                     schema::Kind kind, const std::string& body, const crypto::KeyPair* signer) {
  capnp::MallocMessageBuilder m;
  auto e = m.initRoot<schema::Envelope>();
  EnvelopeId id = NewEnvelopeId();
  e.setId(AsData(IdView(id)));
  e.setOrigin(origin);
  e.setDestination(destination);
  e.setSentAt(Harness::CstMs("2026-11-23 10:00"));
  e.setKind(kind);
  e.setBody(AsData(body));
  e.setLinkSeq(seq);
  if (signer) crypto::Signer::From(*signer).value().Sign(e);
  return ToBytes(m);
}

std::string NoticeBody(const std::string& text) {
  capnp::MallocMessageBuilder m;
  m.initRoot<schema::Notice>().setText(text);
  return ToBytes(m);
}

std::string DirectoryBody(const std::string& text) {
  capnp::MallocMessageBuilder m;
  auto u = m.initRoot<schema::DirectoryUpdate>();
  u.setText(text);
  return ToBytes(m);
}

// DELIVERs `envelope` (origin `from`, link sequence `seq`) to `to`; the node's answer.
wire::Header Deliver(zmq::socket_t& s, const std::string& from, const std::string& to, uint64_t seq,
                     const std::string& envelope) {
  wire::Header d;
  d.command = wire::Command::DELIVER;
  d.source = from;
  d.destination = to;
  d.seq = seq;
  d.message_id = std::string(16, 'x');
  SecureCluster::Say(s, d, envelope);
  for (;;) {  // heartbeats and WELCOMEs are not the answer
    auto answer = SecureCluster::Heard(s);
    if (!answer) throw std::runtime_error("no answer to the DELIVER from " + to);
    if (answer->command == wire::Command::ACK || answer->command == wire::Command::NACK) {
      return *answer;
    }
  }
}

// The next link sequence `to` expects from `from`: asked with a far sequence (a GAP answer).
uint64_t Expected(zmq::socket_t& s, const std::string& from, const std::string& to,
                  const crypto::KeyPair& signer) {
  wire::Header gap =
      Deliver(s, from, to, 1'000'000,
              Envelope(from, to, 1'000'000, schema::Kind::NOTICE, NoticeBody("?"), &signer));
  if (gap.code != wire::NackCode::GAP) throw std::runtime_error("no GAP: " + gap.reason);
  return gap.seq;
}

size_t Count(Harness& h, const std::string& id, const std::string& text) {
  size_t n = 0;
  for (auto& e : h.Inbox(id)) n += e.text == text;
  return n;
}

TEST(Security, NodesTalkOverCurve) {
  SecureCluster c;
  c.ExpectServed("curve");
  // The control socket is the service user's alone.
  struct stat st {};
  ASSERT_EQ(::stat(c.h.ControlEndpoint("440000").substr(6).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(c.Stats().keys_refused, 0u);
  // The operator reads a CURVE broker's counters with a key of its directory.
  std::string cmd = std::string(ZHUJI_BIN_DIR) + "/zhuji broker-stats " + c.h.BrokerEndpoint(0) +
                    " --keys-dir " + c.h.dir() + "/observer --broker-key '" + c.broker_.pub.curve +
                    "' --json";
  std::string out = RunCommand(cmd);
  EXPECT_NE(out.find("\"keys_refused\":0"), std::string::npos) << out;
}

// A client whose key is not in the directory of keys never gets a connection: the handshake
// is refused (ZAP), counted, and its HELLO is never read.
TEST(Security, AClientWithAnUnknownKeyIsRefused) {
  SecureCluster c;
  crypto::KeyPair stranger = crypto::NewKeyPair("stranger");
  zmq::socket_t s = c.Client(stranger);
  SecureCluster::Say(s, Hello("440000"));
  ASSERT_TRUE(Harness::WaitFor([&] { return c.Stats().keys_refused > 0; }, seconds(60)))
      << "the broker did not refuse the unknown key";
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  EXPECT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(200)), 0)
      << "a client with an unknown key was answered";
  c.ExpectServed("after-stranger");
}

// A key of the directory (440104's, as a compromised node would hold it) cannot say HELLO as
// another node: refused with the reason, counted, and the route stays with the real 440000.
TEST(Security, AKnownKeySayingHelloAsAnotherNodeIsRefused) {
  SecureCluster c;
  zmq::socket_t s = c.Client(c.keys_["440104"]);
  SecureCluster::Say(s, Hello("440000"));
  auto answer = SecureCluster::Heard(s);
  ASSERT_TRUE(answer) << "no answer to the HELLO";
  EXPECT_EQ(answer->command, wire::Command::NACK);
  EXPECT_EQ(answer->code, wire::NackCode::FORBIDDEN);
  EXPECT_NE(answer->reason.find("440104"), std::string::npos) << answer->reason;
  EXPECT_GT(c.Stats().forbidden, 0u);
  c.ExpectServed("after-impostor");
}

// Authenticated as itself, a node may not acknowledge (or deliver) for another: the frame is
// refused and the county's envelopes to the province stay until the real province has them.
TEST(Security, AnAuthenticatedNodeCannotAcknowledgeForAnother) {
  SecureCluster c;
  zmq::socket_t s = c.Client(c.keys_["440104"]);
  SecureCluster::Say(s, Hello("440104"));
  auto welcome = SecureCluster::Heard(s);
  ASSERT_TRUE(welcome);
  ASSERT_EQ(welcome->command, wire::Command::WELCOME) << welcome->reason;
  uint64_t refused = c.Stats().refused;
  SecureCluster::Say(s, Receipt(wire::Command::ACK, "440000", "440106", 1'000'000));
  auto nack = SecureCluster::Heard(s);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->command, wire::Command::NACK);
  EXPECT_NE(nack->reason.find("not registered on this connection"), std::string::npos)
      << nack->reason;
  EXPECT_GT(c.Stats().refused, refused);
  c.ExpectServed("after-forged-ack");
}

// No plaintext on the wire: a marker in a notice crosses the recording proxy as ciphertext. The
// same cluster without CURVE shows the marker in the capture (the proxy does see the traffic).
TEST(Security, NoPlaintextOnTheWire) {
  const std::string marker = "明文标记 PLAINTEXT-MARKER-4f1c";
  for (bool curve : {false, true}) {
    SecureCluster c(curve, true);
    c.h.Send("440106", "440000", marker, 1);
    auto arrived = [&] {
      for (auto& e : c.h.Inbox("440000")) {
        if (e.text == marker) return true;
      }
      return false;
    };
    ASSERT_TRUE(Harness::WaitFor(arrived, seconds(60))) << "the notice did not arrive";
    std::string seen = c.proxy_->Captured();
    EXPECT_GT(seen.size(), 100u) << "the proxy saw no traffic";
    bool found = seen.find("PLAINTEXT-MARKER-4f1c") != std::string::npos;
    EXPECT_EQ(found, !curve) << (curve ? "the marker crossed the wire in clear text with CURVE on"
                                       : "the proxy did not capture the clear-text marker");
  }
}

// A broker's key may speak for the nodes it serves (a broker below registers its nodes), so a
// compromised broker below can say "440104" on the wire; the envelope it makes is signed by its
// own key, not 440104's, and refused for that, counted, never applied. It may not say HELLO as
// a node it does not serve.
TEST(Security, AnEnvelopeSignedByTheWrongKeyIsRefused) {
  SecureCluster c;
  zmq::socket_t other = c.Client(c.below_);
  SecureCluster::Say(other, Hello("440106"));
  auto no = SecureCluster::Heard(other);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->code, wire::NackCode::FORBIDDEN);
  EXPECT_NE(no->reason.find("not a node this broker serves"), std::string::npos) << no->reason;
  zmq::socket_t s = c.Registered(c.below_, "440104");
  std::string forged = Envelope("440104", "440000", 1, schema::Kind::NOTICE,
                                NoticeBody("forged by a broker"), &c.below_);
  wire::Header answer = Deliver(s, "440104", "440000", 1, forged);
  EXPECT_EQ(answer.command, wire::Command::NACK);
  EXPECT_EQ(answer.code, wire::NackCode::BAD_SIGNATURE);
  EXPECT_NE(answer.reason.find("signed by broker:b1's key"), std::string::npos) << answer.reason;
  EXPECT_GT(c.SignaturesRefused("440000"), 0u);
  EXPECT_EQ(Count(c.h, "440000", "forged by a broker"), 0u);
  // Unsigned, it fares no better.
  answer = Deliver(s, "440104", "440000", 1,
                   Envelope("440104", "440000", 1, schema::Kind::NOTICE, NoticeBody("x"), nullptr));
  EXPECT_EQ(answer.code, wire::NackCode::BAD_SIGNATURE);
  EXPECT_NE(answer.reason.find("not signed"), std::string::npos) << answer.reason;
  c.ExpectServed("after-wrong-key");
}

// 条例 Art. 25 (the bureau "作出决定") and GD Art. 30: only the decider decides. 越秀区 (the
// attacker holds its keys) sends the province a copy of its own 不明确事项 saying it was decided:
// signed by 440104's own key, so the signature is good, but a decision comes only from the node of
// the organ at the end of the matter's route (广东省国家保密局, 440000). Refused, nothing stored.
TEST(Security, TiaoliArt25_GdArt30_OnlyTheDecidersNodeMaySendADecision) {
  SecureCluster c;
  const crypto::KeyPair& k = c.keys_["440104"];
  zmq::socket_t s = c.Registered(k, "440104");
  auto directory =
      config::LoadTopology(ZHUJI_SOURCE_DIR "/deploy/topologies/guangdong-demo.toml").Directory();
  ASSERT_TRUE(directory.ok()) << directory.message();
  int64_t now = Harness::CstMs("2026-11-23 10:00");
  auto set = workflows::SetProvisional(
      directory.value(), "440104/jyj", "440104/jyj/2026-0001", "某考试方案",
      workflows::Protection::Term(workflows::SecrecyLevel::kMimi, 5), "命题组", now);
  ASSERT_TRUE(set.ok()) << set.message();
  workflows::Matter m = set.value().matter;
  // The forgery: decided "at the bureau", written by 越秀区教育局.
  m.at = static_cast<int>(m.path.size()) - 1;
  m.state = workflows::MatterState::kDecided;
  workflows::Decision d;
  d.not_secret = true;
  d.decided_by = "李四";
  d.decided_at = now;
  m.decision = d;
  workflows::detail::Note(m, now, "越秀区教育局", "确定 decided", "非国家秘密");
  ASSERT_EQ(m.path.back().organ.node, "440000");

  uint64_t seq = Expected(s, "440104", "440000", k);
  wire::Header answer = Deliver(
      s, "440104", "440000", seq,
      Envelope("440104", "440000", seq, schema::Kind::MATTER, node::Matters::Encode(m), &k));
  EXPECT_EQ(answer.command, wire::Command::NACK);
  EXPECT_NE(answer.reason.find("a decision comes from the node of the organ at the end of the "
                               "route"),
            std::string::npos)
      << answer.reason;
  EXPECT_FALSE(c.h.MatterOn("440000", m.id)) << "nothing of the forged decision is stored";
  c.ExpectServed("after-forged-decision");
}

// A valid envelope of 440104 (the attacker holds its keys) with one byte changed is refused;
// the same envelope unchanged is applied, once, and a replay of it is not applied again: its id
// makes it a duplicate (acknowledged, counted, not applied) at any link sequence, and under a
// new id its signature no longer verifies.
TEST(Security, AChangedByteAndAReplayAreRefused) {
  SecureCluster c;
  zmq::socket_t s = c.Registered(c.keys_["440104"], "440104");
  const crypto::KeyPair& k = c.keys_["440104"];
  std::string valid =
      Envelope("440104", "440000", 1, schema::Kind::NOTICE, NoticeBody("MARKER-440104"), &k);
  std::string changed = valid;
  changed[changed.find("MARKER-440104")] = 'N';
  wire::Header answer = Deliver(s, "440104", "440000", 1, changed);
  EXPECT_EQ(answer.code, wire::NackCode::BAD_SIGNATURE);
  EXPECT_NE(answer.reason.find("does not verify"), std::string::npos) << answer.reason;
  uint64_t refused = c.SignaturesRefused("440000");
  EXPECT_GT(refused, 0u);

  answer = Deliver(s, "440104", "440000", 1, valid);
  EXPECT_EQ(answer.command, wire::Command::ACK) << answer.reason;
  EXPECT_EQ(answer.seq, 1u);
  uint64_t duplicates = c.h.Counters("440000").duplicates;
  answer = Deliver(s, "440104", "440000", 1, valid);  // replayed as it was
  EXPECT_EQ(answer.command, wire::Command::ACK) << answer.reason;
  EXPECT_EQ(c.h.Counters("440000").duplicates, duplicates + 1);
  EXPECT_EQ(Count(c.h, "440000", "MARKER-440104"), 1u) << "a replay was applied";

  // Its id is what dedupes: the same envelope at the next link sequence is still a duplicate.
  auto msg = ReadMessage(valid);
  capnp::MallocMessageBuilder copy;
  copy.setRoot(msg->Root<schema::Envelope>());
  copy.getRoot<schema::Envelope>().setLinkSeq(2);
  answer = Deliver(s, "440104", "440000", 2, ToBytes(copy));
  EXPECT_EQ(answer.command, wire::Command::ACK) << answer.reason;
  EXPECT_EQ(answer.seq, 1u) << "a replay moved the link on";
  // Under a new id, to pass for a new envelope, its signature no longer verifies: it covers the
  // id (only the id differs from a genuine envelope signed for link sequence 2).
  std::string next =
      Envelope("440104", "440000", 2, schema::Kind::NOTICE, NoticeBody("MARKER-2"), &k);
  auto next_msg = ReadMessage(next);
  capnp::MallocMessageBuilder renamed;
  renamed.setRoot(next_msg->Root<schema::Envelope>());
  EnvelopeId fresh = NewEnvelopeId();
  renamed.getRoot<schema::Envelope>().setId(AsData(IdView(fresh)));
  answer = Deliver(s, "440104", "440000", 2, ToBytes(renamed));
  EXPECT_EQ(answer.code, wire::NackCode::BAD_SIGNATURE) << answer.reason;
  answer = Deliver(s, "440104", "440000", 2, next);
  EXPECT_EQ(answer.command, wire::Command::ACK) << answer.reason;
  EXPECT_EQ(c.SignaturesRefused("440000"), refused + 1);
  EXPECT_EQ(Count(c.h, "440000", "MARKER-440104"), 1u);
  c.ExpectServed("after-replay");
}

// A directory of keys signed by any key but the province's directory key is refused: loaded by
// an operator, and sent down as if from the parent (the province's node keys stolen and the
// province offline: the attacker connects and signs the envelope well, but not the directory).
TEST(Security, ADirectorySignedByAnotherKeyIsRefused) {
  SecureCluster c;
  crypto::KeyPair impostor = crypto::NewKeyPair("directory:gd");
  c.entries_.push_back(SecureCluster::Active(crypto::NewKeyPair("440199").pub));
  std::string forged_file = c.h.dir() + "/forged.toml";
  c.Publish(2, forged_file, &impostor);
  CommandResult load = c.LoadDirectory("440000", forged_file);
  EXPECT_NE(load.status, 0) << load.output;
  EXPECT_NE(load.output.find("does not verify with the pinned directory key"), std::string::npos)
      << load.output;

  c.h.KillNode("440000");
  zmq::socket_t s = c.Registered(c.keys_["440000"], "440000");
  const crypto::KeyPair& parent = c.keys_["440000"];
  uint64_t seq = Expected(s, "440000", "440106", parent);
  std::string update = Envelope("440000", "440106", seq, schema::Kind::DIRECTORY_UPDATE,
                                DirectoryBody(c.Signed(2, &impostor)), &parent);
  wire::Header answer = Deliver(s, "440000", "440106", seq, update);
  EXPECT_EQ(answer.code, wire::NackCode::MALFORMED);
  EXPECT_NE(answer.reason.find("does not verify with the pinned directory key"), std::string::npos)
      << answer.reason;
  EXPECT_EQ(c.DirectoryVersion("440106"), 1u);
  EXPECT_GT(c.h.Counters("440106").refused, 0u);
}

// Versions only go up: the province publishes version 2 (it reaches the county), then an old,
// genuinely signed version 1 is refused, sent down or loaded.
TEST(Security, AnOldDirectoryVersionIsRefused) {
  SecureCluster c;
  std::string v2 = c.h.dir() + "/v2.toml";
  c.Publish(2, v2);
  CommandResult load = c.LoadDirectory("440000", v2);
  ASSERT_EQ(load.status, 0) << load.output;
  ASSERT_TRUE(Harness::WaitFor([&] { return c.DirectoryVersion("440106") == 2; }, seconds(60)))
      << "version 2 did not reach the county";
  // Each node writes a newer directory where its host's broker reads it.
  auto exported = crypto::KeyDirectory::LoadSigned(c.h.dir() + "/exported.toml", "ed25519",
                                                   c.directory_key_.pub.sign);
  ASSERT_TRUE(exported.ok()) << exported.message();
  EXPECT_EQ(exported.value().version(), 2u);
  load = c.LoadDirectory("440106", c.directory_file_);  // version 1
  EXPECT_NE(load.status, 0);
  EXPECT_NE(load.output.find("not newer than the version 2"), std::string::npos) << load.output;

  c.h.KillNode("440000");
  zmq::socket_t s = c.Registered(c.keys_["440000"], "440000");
  const crypto::KeyPair& parent = c.keys_["440000"];
  uint64_t seq = Expected(s, "440000", "440106", parent);
  std::string old = Envelope("440000", "440106", seq, schema::Kind::DIRECTORY_UPDATE,
                             DirectoryBody(c.Signed(1)), &parent);
  wire::Header answer = Deliver(s, "440000", "440106", seq, old);
  EXPECT_EQ(answer.code, wire::NackCode::MALFORMED);
  EXPECT_NE(answer.reason.find("older than the version 2 held here"), std::string::npos)
      << answer.reason;
  EXPECT_EQ(c.DirectoryVersion("440106"), 2u);
}

// 440104 rotates its keys: version 2 lists the new key and keeps the old one retiring; version
// 3 revokes the old one. Once version 3 is in use, the broker refuses a connection with the old
// CURVE key and the nodes refuse an envelope signed with the old signing key, each with the
// reason; the new keys work.
TEST(Security, ARevokedKeyIsRefusedAfterRotation) {
  SecureCluster c;
  crypto::KeyPair old = c.keys_["440104"], next = crypto::NewKeyPair("440104");
  std::string signed_by_old =
      Envelope("440104", "440000", 1, schema::Kind::NOTICE, NoticeBody("old key"), &old);
  for (auto& e : c.entries_) {
    if (e.keys.id == "440104") {
      e.state = crypto::KeyState::kRetiring;
      e.until_ms = Harness::CstMs("2027-01-01 00:00");
    }
  }
  c.entries_.push_back(SecureCluster::Active(next.pub));
  std::string v2 = c.h.dir() + "/v2.toml", v3 = c.h.dir() + "/v3.toml";
  c.Publish(2, v2);
  for (auto& e : c.entries_) {
    if (e.keys.sign == old.pub.sign) e.state = crypto::KeyState::kRevoked;
  }
  c.Publish(3, v3);
  ASSERT_EQ(c.LoadDirectory("440000", v2).status, 0);
  CommandResult load = c.LoadDirectory("440000", v3);
  ASSERT_EQ(load.status, 0) << load.output;
  ASSERT_TRUE(Harness::WaitFor([&] { return c.DirectoryVersion("440106") == 3; }, seconds(60)));
  // A connection with the old key, admitted while the broker still used version 1; then the
  // broker reads version 3 from its file (it does when the file changes): the connection is
  // refused from its next message on and counted (keysRefused), and a new one with the old key
  // is refused at the handshake.
  zmq::socket_t stale = c.Registered(old, "440104");
  uint64_t refused = c.Stats().keys_refused;
  c.Publish(3, c.directory_file_);
  EXPECT_TRUE(c.KeyRefusedSince(stale, "440104", refused))
      << "the broker still serves a connection with the revoked CURVE key";
  refused = c.Stats().keys_refused;
  zmq::socket_t late = c.Client(old);
  EXPECT_TRUE(c.KeyRefusedSince(late, "440104", refused))
      << "the broker admits a new connection with the revoked CURVE key";

  zmq::socket_t s = c.Registered(next, "440104");
  wire::Header answer = Deliver(s, "440104", "440000", 1, signed_by_old);
  EXPECT_EQ(answer.code, wire::NackCode::BAD_SIGNATURE);
  EXPECT_NE(answer.reason.find("revoked (directory version 3)"), std::string::npos)
      << answer.reason;
  answer =
      Deliver(s, "440104", "440000", 1,
              Envelope("440104", "440000", 1, schema::Kind::NOTICE, NoticeBody("new key"), &next));
  EXPECT_EQ(answer.command, wire::Command::ACK) << answer.reason;
  EXPECT_EQ(Count(c.h, "440000", "new key"), 1u);
  EXPECT_EQ(Count(c.h, "440000", "old key"), 0u);
  c.ExpectServed("after-rotation");
}

// Flips one byte of `marker` wherever it is in the file; returns how many places.
size_t ChangeByte(const std::string& file, const std::string& marker) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t n = 0;
  for (size_t at = bytes.find(marker); at != std::string::npos; at = bytes.find(marker, at + 1)) {
    bytes[at + marker.size() - 1] ^= 0x01;
    ++n;
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return n;
}

// `zhuji verify ID` checks a received envelope offline; `zhuji audit verify` checks a copy of a
// node's store (the hash chain and every signature) and names what was changed in it: an
// envelope's byte, or an audit entry's.
TEST(Security, AuditVerifyFindsAChangedByteInACopyOfTheStore) {
  SecureCluster c;
  zmq::socket_t s = c.Registered(c.keys_["440104"], "440104");
  std::string envelope = Envelope("440104", "440000", 1, schema::Kind::NOTICE,
                                  NoticeBody("AUDIT-MARKER-7e3a"), &c.keys_["440104"]);
  ASSERT_EQ(Deliver(s, "440104", "440000", 1, envelope).command, wire::Command::ACK);
  c.ExpectServed("audited");
  auto msg = ReadMessage(envelope);
  std::string id = ToHex(AsView(msg->Root<schema::Envelope>().getId()));
  std::string zhuji = std::string(ZHUJI_BIN_DIR) + "/zhuji ";
  std::string trust = " --directory-key " + c.directory_key_.pub.sign;

  std::string one =
      RunCommand(zhuji + "verify " + id + " --data-dir " + c.h.dir() + "/440000" + trust);
  EXPECT_NE(one.find("verified: 440104's ed25519 key"), std::string::npos) << one;

  std::string copy = c.h.dir() + "/copy";
  std::filesystem::create_directories(copy);
  RunCommand("mdb_copy -c " + c.h.dir() + "/440000/store " + copy);
  std::string clean = RunCommand(zhuji + "audit verify --data-dir " + copy + trust);
  EXPECT_NE(clean.find("the store verifies"), std::string::npos) << clean;
  EXPECT_NE(clean.find(" 0 do NOT verify"), std::string::npos) << clean;
  // Without the province's key pinned, a copy cannot be vouched for: its directory could be
  // anyone's.
  CommandResult unpinned = RunCommandStatus(zhuji + "audit verify --data-dir " + copy);
  EXPECT_NE(unpinned.status, 0) << unpinned.output;
  EXPECT_NE(unpinned.output.find("cannot be trusted"), std::string::npos) << unpinned.output;

  ASSERT_GT(ChangeByte(copy + "/data.mdb", "AUDIT-MARKER-7e3a"), 0u);
  CommandResult changed = RunCommandStatus(zhuji + "audit verify --data-dir " + copy + trust);
  EXPECT_NE(changed.status, 0) << changed.output;
  EXPECT_NE(changed.output.find("does NOT verify"), std::string::npos) << changed.output;
  EXPECT_NE(changed.output.find("envelope " + id + " from 440104"), std::string::npos)
      << "the changed envelope is not named: " << changed.output;
  CommandResult again = RunCommandStatus(zhuji + "verify " + id + " --data-dir " + copy + trust);
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.output.find("NOT VERIFIED"), std::string::npos) << again.output;

  // A byte of the audit log: the chain names the entry.
  std::string copy2 = c.h.dir() + "/copy2";
  std::filesystem::create_directories(copy2);
  RunCommand("mdb_copy -c " + c.h.dir() + "/440000/store " + copy2);
  ASSERT_GT(ChangeByte(copy2 + "/data.mdb", "envelope(s) from 440104"), 0u);
  CommandResult chain = RunCommandStatus(zhuji + "audit verify --data-dir " + copy2 + trust);
  EXPECT_NE(chain.status, 0) << chain.output;
  EXPECT_NE(chain.output.find("BROKEN: audit entry "), std::string::npos) << chain.output;
  EXPECT_NE(chain.output.find("hash does not match"), std::string::npos) << chain.output;
}

// Rotation the way operators do it: the county makes new keys (`zhuji keys rotate`) and
// announces them (`zhuji directory announce`): signed with its key in use, they travel up to the
// province, which writes them out (`zhuji directory announced`), makes the next directory with
// them (`zhuji keys directory --from`: new key active, old one retiring) and loads it; it reaches
// the county, which puts its new keys in use at its next start; its envelopes, signed with the
// new key and sent over a CURVE link with the new key, reach the province.
TEST(Security, ARotatedKeyIsAnnouncedThroughTheProvinceAndPutInUse) {
  SecureCluster c;
  std::string zhuji = std::string(ZHUJI_BIN_DIR) + "/zhuji ";
  std::string county = " --control " + c.h.ControlEndpoint("440106");
  std::string province = " --control " + c.h.ControlEndpoint("440000");
  RunCommand(zhuji + "keys rotate --config " + c.h.dir() + "/440106/node.toml");
  std::string announced = RunCommand(zhuji + "directory announce" + county);
  EXPECT_NE(announced.find("to 440000"), std::string::npos) << announced;
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        return RunCommand(zhuji + "directory show --json" + province)
                   .find("\"announced\":[{\"id\":\"440106\"") != std::string::npos;
      },
      seconds(60)))
      << "the announcement did not reach the province";
  std::string out = c.h.dir() + "/announced";
  RunCommand(zhuji + "directory announced --out " + out + province);
  auto next = crypto::ReadPublicKeysFile(out + "/440106.toml");
  ASSERT_TRUE(next.ok()) << next.message();
  ASSERT_TRUE(crypto::WriteKeys(c.h.dir() + "/dirkey", c.directory_key_).ok());
  std::string v2 = c.h.dir() + "/v2.toml";
  RunCommand(zhuji + "keys directory --from " + c.directory_file_ + " --out " + v2 +
             " --sign-with " + c.h.dir() + "/dirkey " + out + "/440106.toml");
  RunCommand(zhuji + "directory load " + v2 + province);
  ASSERT_TRUE(Harness::WaitFor([&] { return c.DirectoryVersion("440106") == 2; }, seconds(60)));
  std::filesystem::copy_file(v2, c.directory_file_,
                             std::filesystem::copy_options::overwrite_existing);  // the broker's

  c.h.KillNode("440106");
  c.h.StartNode("440106");
  std::string shown = RunCommand(zhuji + "directory show --json" + county);
  EXPECT_NE(shown.find("\"ownFingerprint\":\"" + crypto::Fingerprint(next.value()) + "\""),
            std::string::npos)
      << "the county does not sign with its new key: " << shown;
  EXPECT_NE(shown.find("\"state\":\"retiring\""), std::string::npos) << shown;
  c.ExpectServed("after-rotation-announced");
}

// A refusal "for its signature" of an envelope that verifies at its sender does not make the
// sender give the envelope up. Unsigned (a broker's key speaking as the destination, offline),
// it is ignored as any unsigned receipt; signed by the destination's own key (a compromised
// node, or one whose directory is behind), it is taken as "not now": the sender keeps the
// envelope, says it may be tampering, and delivers it once the real destination is back.
TEST(Security, AForgedSignatureRefusalDoesNotDeadLetterAGenuineEnvelope) {
  SecureCluster c;
  c.h.Send("440106", "440104", "held for 440104", 1);  // 440104 is not running
  zmq::socket_t s = c.Registered(c.below_, "440104");
  wire::Header nack =
      Receipt(wire::Command::NACK, "440104", "440106", 1, wire::NackCode::BAD_SIGNATURE);
  nack.reason = "forged: the signature does not verify";
  SecureCluster::Say(s, nack);  // unsigned
  auto last_error = [&] {
    auto st = c.h.Status("440106");
    return std::string(st->Root<schema::ControlReply>().getStatus().getLastError().cStr());
  };
  ASSERT_TRUE(Harness::WaitFor(
      [&] { return last_error().find("ignored a NACK") != std::string::npos; }, seconds(60)))
      << last_error();
  nack.signer_key_id = crypto::Fingerprint(c.keys_["440104"].pub);
  nack.signature = crypto::Signer::From(c.keys_["440104"])
                       .value()
                       .SignMessage(node::DeliveryLoop::ReceiptBytes(nack));
  SecureCluster::Say(s, nack);  // signed by 440104's own key
  ASSERT_TRUE(Harness::WaitFor(
      [&] { return last_error().find("verifies here") != std::string::npos; }, seconds(60)))
      << "the county did not take the refusal up: " << last_error();
  auto st = c.h.Status("440106");
  EXPECT_EQ(st->Root<schema::ControlReply>().getStatus().getDeadLetters(), 0u)
      << "a genuine envelope was given up on a forged refusal";
  EXPECT_EQ(c.h.Counters("440106").outbox_depth, 1u) << "the envelope is still pending";
}

// A deployment on the national algorithms: SM2 signatures and SM3 (OpenSSL 3), selected in the
// configuration; keys, the signed directory, every envelope and the broker use them.
TEST(Security, NodesTalkWithTheNationalAlgorithmsSm2Sm3) {
  SecureCluster c(true, false, "sm2-sm3");
  c.ExpectServed("sm2");
  c.h.Send("440000", "440106", "back down", 1);
  EXPECT_TRUE(
      Harness::WaitFor([&] { return Count(c.h, "440106", "back down") == 1; }, seconds(60)));
  EXPECT_EQ(c.SignaturesRefused("440000"), 0u);
  EXPECT_EQ(c.SignaturesRefused("440106"), 0u);
  std::string shown = RunCommand(std::string(ZHUJI_BIN_DIR) + "/zhuji directory show --json" +
                                 " --control " + c.h.ControlEndpoint("440000"));
  EXPECT_NE(shown.find("\"suite\":\"sm2-sm3\""), std::string::npos) << shown;
  // An Ed25519 envelope is no use there: the key is not of the suite.
  zmq::socket_t s = c.Registered(c.keys_["440104"], "440104");
  crypto::KeyPair ed = crypto::NewKeyPair("440104");
  wire::Header answer =
      Deliver(s, "440104", "440000", 1,
              Envelope("440104", "440000", 1, schema::Kind::NOTICE, NoticeBody("ed25519"), &ed));
  EXPECT_EQ(answer.code, wire::NackCode::UNVERIFIED) << answer.reason;
}

// Two broker levels with CURVE: the city's broker connects to the province's as a CURVE client
// with its own key, and registers there the node it serves (440106), as the directory says;
// envelopes cross both brokers, signed, both ways. It may not register any other node.
TEST(Security, TwoBrokerLevelsOverCurveWithTheBrokerBelowBoundToItsNodes) {
  Harness h;
  crypto::KeyPair dir_key = crypto::NewKeyPair("directory:gd");
  crypto::KeyPair top = crypto::NewKeyPair("broker:b0"), city = crypto::NewKeyPair("broker:b1");
  crypto::KeyPair province = crypto::NewKeyPair("440000"), county = crypto::NewKeyPair("440106");
  std::vector<crypto::DirectoryKey> entries = {
      SecureCluster::Active(top.pub), SecureCluster::Active(city.pub),
      SecureCluster::Active(province.pub), SecureCluster::Active(county.pub)};
  entries[1].serves = {"440106"};
  std::string file = h.dir() + "/keys.toml";
  std::ofstream(file) << crypto::KeyDirectory::Sign(
                             crypto::KeyDirectory::Render(entries, 1, "ed25519"), dir_key)
                             .value();
  ASSERT_TRUE(crypto::WriteKeys(h.dir() + "/broker0", top).ok());
  ASSERT_TRUE(crypto::WriteKeys(h.dir() + "/broker1", city).ok());
  int b0 = h.StartBroker({"--keys-dir", h.dir() + "/broker0", "--key-directory", file,
                          "--directory-key", dir_key.pub.sign});
  int b1 = h.StartBroker({"--keys-dir", h.dir() + "/broker1", "--key-directory", file,
                          "--directory-key", dir_key.pub.sign, "--upstream", h.BrokerEndpoint(b0),
                          "--upstream-key", top.pub.curve});
  auto security = [&](const crypto::KeyPair& broker) {
    return "[security]\ncurve = true\nbroker_keys = [\"" + broker.pub.curve +
           "\"]\nsignatures = true\ndirectory_key = \"" + dir_key.pub.sign +
           "\"\nkey_directory = \"" + file + "\"\n";
  };
  ASSERT_TRUE(crypto::WriteKeys(h.dir() + "/440000", province).ok());
  ASSERT_TRUE(crypto::WriteKeys(h.dir() + "/440106", county).ok());
  h.AddNode({"440000", "province", "", "", "children = [\"440106\"]\n" + security(top)}, b0);
  h.AddNode({"440106", "county", "440000", "", security(city)}, b1);
  h.StartNode("440000");
  h.StartNode("440106");
  h.Send("440106", "440000", "up through two brokers", 3);
  h.Send("440000", "440106", "down through two brokers", 3);
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        return h.CountPrefix("440000", "up through two brokers") == 3 &&
               h.CountPrefix("440106", "down through two brokers") == 3;
      },
      seconds(60)))
      << "envelopes did not cross both brokers";
  // The city's broker key, used to register a node it does not serve, is refused at the top.
  zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, top.pub.curve);
  s.set(zmq::sockopt::curve_publickey, city.pub.curve);
  s.set(zmq::sockopt::curve_secretkey, city.curve_secret);
  s.connect(h.BrokerEndpoint(b0));
  SecureCluster::Say(s, Hello("440300"));
  auto no = SecureCluster::Heard(s);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->code, wire::NackCode::FORBIDDEN) << no->reason;
}

// A broker's key speaking for a node it serves while that node is offline acknowledges that
// node's envelopes, or asks for them again from further on (a GAP, which acknowledges what is
// before): the sender takes a node's ACK or NACK only when the node's own key signed it, so it
// keeps the envelopes, and counts the forgeries.
TEST(Security, AForgedAcknowledgementDoesNotMakeTheSenderDeleteAnything) {
  SecureCluster c;
  c.h.Send("440106", "440104", "kept for 440104", 2);  // 440104 is not running
  zmq::socket_t s = c.Registered(c.below_, "440104");
  uint64_t refused = c.SignaturesRefused("440106");
  wire::Header ack = Receipt(wire::Command::ACK, "440104", "440106", 2);
  SecureCluster::Say(s, ack);
  SecureCluster::Say(s, Receipt(wire::Command::NACK, "440104", "440106", 3, wire::NackCode::GAP));
  ack.signer_key_id = crypto::Fingerprint(c.below_.pub);  // signed, but by the broker's key
  ack.signature = crypto::Signer::From(c.below_).value().SignMessage("anything");
  SecureCluster::Say(s, ack);
  ASSERT_TRUE(
      Harness::WaitFor([&] { return c.SignaturesRefused("440106") >= refused + 3; }, seconds(60)))
      << "the forged receipts were not refused";
  EXPECT_EQ(c.h.Counters("440106").outbox_depth, 2u) << "an envelope was deleted on a forgery";
  EXPECT_EQ(c.h.Counters("440106").acked, 0u);
}

}  // namespace
}  // namespace zhuji::testing
