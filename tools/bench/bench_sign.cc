// `zhuji bench sign`: what a signature costs per envelope (issue #10), for each suite, signed
// one by one (what nodes do now) and signed per batch (a hash tree over the batch, the root
// signed once, each envelope checked by its path to the root: the scheme the issue names for
// throughput, measured here at the level of the cryptography only; the wire does not carry it
// yet). CPU time on one core; prints figures, asserts nothing.
#include <capnp/message.h>

#include <chrono>
#include <iomanip>
#include <map>
#include <random>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/crypto/envelope_signature.h"
#include "tools/bench/bench.h"
#include "tools/commands.h"

namespace zhuji::tools {

namespace {

using SteadyClock = std::chrono::steady_clock;

double UsPer(SteadyClock::time_point t0, size_t n) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count() / n;
}

std::vector<std::string> Envelopes(size_t count, size_t size, const std::string& key_id) {
  std::mt19937_64 rng(7);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    capnp::MallocMessageBuilder m;
    auto e = m.initRoot<schema::Envelope>();
    EnvelopeId id = NewEnvelopeId();
    e.setId(AsData(IdView(id)));
    e.setOrigin("440106");
    e.setDestination("440000");
    e.setSentAt(1'750'000'000'000);
    e.setKind(schema::Kind::NOTICE);
    std::string body(size, '\0');
    for (auto& c : body) c = static_cast<char>(rng());
    e.setBody(AsData(body));
    e.setLinkSeq(i + 1);
    e.setSignerKeyId(key_id);
    out.push_back(ToBytes(m));
  }
  return out;
}

std::string Node(const crypto::Suite& s, const std::string& l, const std::string& r) {
  return s.Hash(std::string(1, '\x01') + l + r);
}

struct Figures {
  double sign_us = 0, verify_us = 0;
};

Figures PerEnvelope(const crypto::Suite& suite, const crypto::KeyPair& keys,
                    const crypto::KeyDirectory& dir, const std::vector<std::string>& envs) {
  crypto::Signer signer = crypto::Signer::From(keys).value();
  std::vector<std::string> signed_envs;
  auto t0 = SteadyClock::now();
  for (const auto& bytes : envs) {
    auto msg = ReadMessage(bytes);
    capnp::MallocMessageBuilder m;
    m.setRoot(msg->Root<schema::Envelope>());
    signer.Sign(m.getRoot<schema::Envelope>());
    signed_envs.push_back(ToBytes(m));
  }
  Figures f;
  f.sign_us = UsPer(t0, envs.size());
  t0 = SteadyClock::now();
  for (const auto& bytes : signed_envs) {
    auto msg = ReadMessage(bytes);
    if (!crypto::VerifyEnvelope(msg->Root<schema::Envelope>(), dir, std::nullopt).ok()) {
      throw std::runtime_error("bench sign: a signature did not verify");
    }
  }
  f.verify_us = UsPer(t0, envs.size());
  (void)suite;
  return f;
}

Figures PerBatch(const crypto::Suite& suite, const crypto::KeyPair& keys,
                 const std::vector<std::string>& envs, size_t batch) {
  std::string secret, pub;
  FromHex(keys.sign_secret, &secret);
  FromHex(keys.pub.sign, &pub);
  struct Signed {
    std::string root_signature;
    std::vector<std::string> path;
    size_t index;
  };
  std::vector<Signed> out(envs.size());
  std::vector<std::string> roots;
  auto t0 = SteadyClock::now();
  for (size_t first = 0; first < envs.size(); first += batch) {
    size_t n = std::min(batch, envs.size() - first);
    std::vector<std::vector<std::string>> levels(1);
    for (size_t i = 0; i < n; ++i) {
      auto msg = ReadMessage(envs[first + i]);
      levels[0].push_back(
          suite.Hash(std::string(1, '\x00') + crypto::SigningInput(msg->Root<schema::Envelope>())));
    }
    while (levels.back().size() > 1) {
      const auto& below = levels.back();
      std::vector<std::string> up;
      for (size_t i = 0; i < below.size(); i += 2) {
        up.push_back(i + 1 < below.size() ? Node(suite, below[i], below[i + 1]) : below[i]);
      }
      levels.push_back(std::move(up));
    }
    std::string sig = suite.Sign(secret, levels.back()[0]);
    roots.push_back(levels.back()[0]);
    for (size_t i = 0; i < n; ++i) {
      Signed& s = out[first + i];
      s.root_signature = sig;
      s.index = i;
      size_t at = i;
      for (size_t l = 0; l + 1 < levels.size(); ++l, at /= 2) {
        size_t sibling = at ^ 1;
        s.path.push_back(sibling < levels[l].size() ? levels[l][sibling] : "");
      }
    }
  }
  Figures f;
  f.sign_us = UsPer(t0, envs.size());
  // The receiver: the leaf and its path to the root per envelope; the root's signature once.
  std::map<std::string, bool> verified_roots;
  t0 = SteadyClock::now();
  for (size_t k = 0; k < envs.size(); ++k) {
    auto msg = ReadMessage(envs[k]);
    std::string h =
        suite.Hash(std::string(1, '\x00') + crypto::SigningInput(msg->Root<schema::Envelope>()));
    size_t at = out[k].index;
    for (const auto& sibling : out[k].path) {
      if (!sibling.empty()) h = (at & 1) ? Node(suite, sibling, h) : Node(suite, h, sibling);
      at /= 2;
    }
    auto [it, fresh] = verified_roots.try_emplace(h, false);
    if (fresh) it->second = suite.Verify(pub, h, out[k].root_signature);
    if (!it->second) throw std::runtime_error("bench sign: a batch root did not verify");
  }
  f.verify_us = UsPer(t0, envs.size());
  return f;
}

}  // namespace

int BenchSign(const Args& args, std::ostream& out) {
  size_t count = static_cast<size_t>(args.GetInt("count", 20'000, 100, 10'000'000));
  size_t size = static_cast<size_t>(args.GetInt("size", 1024, 16, 1 << 20));
  size_t batch = static_cast<size_t>(args.GetInt("batch", 5000, 2, 1'000'000));
  out << "zhuji bench sign: " << count << " envelopes of " << size
      << " B body; one core; per-batch: hash tree over " << batch
      << " envelopes, the root signed once\n\n"
      << "  suite     scheme        sign µs/env  verify µs/env  verify env/s (one core)\n";
  for (std::string_view name : crypto::SuiteNames()) {
    const crypto::Suite& suite = *crypto::FindSuite(name);
    crypto::KeyPair keys = crypto::NewKeyPair("440106", suite);
    std::vector<crypto::DirectoryKey> entries{{keys.pub, crypto::KeyState::kActive, 0, "", {}}};
    auto dir = crypto::KeyDirectory::Parse(
        crypto::KeyDirectory::Render(entries, 1, std::string(name)), "bench");
    auto envs = Envelopes(count, size, crypto::Fingerprint(keys.pub));
    Figures one = PerEnvelope(suite, keys, dir.value(), envs);
    Figures many = PerBatch(suite, keys, envs, batch);
    for (auto [scheme, f] : {std::pair{"per envelope", one}, std::pair{"per batch", many}}) {
      out << "  " << std::left << std::setw(9) << name << " " << std::setw(12) << scheme
          << std::right << std::fixed << std::setprecision(1) << std::setw(13) << f.sign_us
          << std::setw(15) << f.verify_us << std::setw(14)
          << static_cast<int64_t>(1e6 / f.verify_us) << "\n";
    }
  }
  out << "\nper envelope: the suite's hash of the envelope's fields, then a signature (sender) or "
         "a\n"
         "verification (receiver) each. per batch: each envelope's hash, the tree, one signature\n"
         "per batch; the receiver hashes the envelope and its path, and verifies each root once.\n";
  return 0;
}

}  // namespace zhuji::tools
