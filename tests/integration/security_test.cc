// Nobody can pretend to be a node (issue #10), first step: CURVE on every node-broker link, a
// broker that admits only keys of the directory of keys and takes a HELLO for node id X only
// from X's key. Real processes; each attack is refused with a reason and counted, and the
// honest nodes are served throughout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "services/wire/header.h"
#include "services/wire/socket_util.h"
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

// Province 440000 and county 440106 on one CURVE broker. The directory also holds the key of
// 440104 (a node not running here: the attacker holds its key, as a compromised node would) and
// an observer key for reading the broker's counters.
class SecureCluster {
 public:
  // `curve`: off builds the same cluster without security (the control experiment). With
  // `proxy`, the county reaches the broker through a recording proxy.
  explicit SecureCluster(bool curve = true, bool proxy = false) {
    for (const char* id : {"440000", "440106", "440104", "observer:test"}) {
      keys_[id] = crypto::NewKeyPair(id);
    }
    broker_ = crypto::NewKeyPair(crypto::BrokerKeyId("b0"));
    std::vector<crypto::DirectoryKey> pubs{{broker_.pub, crypto::KeyState::kActive, 0, ""}};
    for (auto& [id, k] : keys_) pubs.push_back({k.pub, crypto::KeyState::kActive, 0, ""});
    std::string directory = h.dir() + "/keys.toml";
    std::ofstream(directory) << crypto::KeyDirectory::Render(pubs, 1, "ed25519");
    EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/broker0", broker_).ok());
    if (curve) {
      h.StartBroker({"--keys-dir", h.dir() + "/broker0", "--key-directory", directory});
    } else {
      h.StartBroker();
    }
    if (proxy) proxy_ = std::make_unique<RecordingProxy>(h.BrokerEndpoint(0));
    std::string security =
        !curve ? "" : "[security]\ncurve = true\nbroker_keys = [\"" + broker_.pub.curve + "\"]\n";
    for (const char* id : {"440000", "440106"}) {
      EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/" + id, keys_[id]).ok());
    }
    EXPECT_TRUE(crypto::WriteKeys(h.dir() + "/observer", keys_["observer:test"]).ok());
    h.AddNode({"440000", "province", "", "", security});
    h.AddNode(
        {"440106", "county", "440000", "", security, "", "", proxy_ ? proxy_->endpoint() : ""});
    h.StartNode("440000");
    h.StartNode("440106");
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
  static void Say(zmq::socket_t& s, const wire::Header& h) {
    ASSERT_TRUE(wire::SendFrame(s, wire::EncodeFrame(h), false));
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

  Harness h;
  std::map<std::string, crypto::KeyPair> keys_;
  crypto::KeyPair broker_;
  std::unique_ptr<RecordingProxy> proxy_;
};

wire::Header Hello(const std::string& as) {
  wire::Header h;
  h.command = wire::Command::HELLO;
  h.source = as;
  h.incarnation = 1;
  h.nonce = 42;
  return h;
}

TEST(Security, NodesTalkOverCurve) {
  SecureCluster c;
  c.ExpectServed("curve");
  EXPECT_EQ(c.Stats().keys_refused, 0u);
  // The operator reads a CURVE broker's counters with a key of its directory.
  std::string cmd = std::string(ZHUJI_BIN_DIR) + "/zhuji broker-stats " + c.h.BrokerEndpoint(0) +
                    " --keys-dir " + c.h.dir() + "/observer --broker-key '" + c.broker_.pub.curve +
                    "' --json";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::string out;
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << out;
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
  wire::Header ack;
  ack.command = wire::Command::ACK;
  ack.source = "440000";
  ack.destination = "440106";
  ack.seq = 1'000'000;
  SecureCluster::Say(s, ack);
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

}  // namespace
}  // namespace zhuji::testing
