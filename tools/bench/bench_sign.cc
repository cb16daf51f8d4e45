// `zhuji bench sign`: what a signature costs per envelope, for each suite, signed one by one
// (a lone envelope) and per batch (what nodes do since issue #11: the envelopes of one commit
// as hash trees, each root signed once, each envelope checked by its path to the root). The
// nodes' own signing and verifying code; CPU time on one core; prints figures, asserts nothing.
#include <capnp/message.h>
#include <sodium.h>

#include <chrono>
#include <iomanip>
#include <memory>
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

struct Figures {
  double sign_us = 0, verify_us = 0;
};

// The nodes' own code: per envelope, Signer::Sign and VerifyEnvelope; per batch (`batch` > 1:
// what one commit queues), Signer::SignBatch (hash trees of up to crypto::kMaxTreeLeaves) and
// VerifyEnvelope remembering the roots it checked, as a receiver does.
Figures Measure(const crypto::KeyPair& keys, const crypto::KeyDirectory& dir,
                const std::vector<std::string>& envs, size_t batch) {
  crypto::Signer signer = crypto::Signer::From(keys).value();
  std::vector<std::string> signed_envs;
  auto t0 = SteadyClock::now();
  for (size_t first = 0; first < envs.size(); first += batch) {
    size_t n = std::min(batch, envs.size() - first);
    std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> copies;
    std::vector<schema::Envelope::Builder> builders;
    for (size_t i = 0; i < n; ++i) {
      auto msg = ReadMessage(envs[first + i]);
      copies.push_back(std::make_unique<capnp::MallocMessageBuilder>());
      copies.back()->setRoot(msg->Root<schema::Envelope>());
      builders.push_back(copies.back()->getRoot<schema::Envelope>());
    }
    if (batch == 1) {
      signer.Sign(builders[0]);
    } else {
      signer.SignBatch(builders);
    }
    for (auto& c : copies) signed_envs.push_back(ToBytes(*c));
  }
  Figures f;
  f.sign_us = UsPer(t0, envs.size());
  crypto::VerifiedRoots verified;
  t0 = SteadyClock::now();
  for (const auto& bytes : signed_envs) {
    auto msg = ReadMessage(bytes);
    if (!crypto::VerifyEnvelope(msg->Root<schema::Envelope>(), dir, std::nullopt,
                                batch == 1 ? nullptr : &verified)
             .ok()) {
      throw std::runtime_error("bench sign: a signature did not verify");
    }
  }
  f.verify_us = UsPer(t0, envs.size());
  return f;
}

// What CURVE's encryption costs per message on this core: libzmq boxes every message of a
// CURVE connection with crypto_box (XSalsa20-Poly1305) under the session's precomputed key and
// opens it on the other side. A hop crosses two connections (sender → broker → receiver): two
// boxes and two opens per envelope. This times just those calls on `bytes`-long messages, the
// floor of link encryption (libzmq adds a copy and a nonce per message on top).
double BoxAndOpenUs(size_t bytes, size_t count) {
  if (sodium_init() < 0) throw std::runtime_error("bench sign: libsodium did not start");
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  unsigned char shared[crypto_box_BEFORENMBYTES], nonce[crypto_box_NONCEBYTES] = {};
  crypto_box_keypair(pk, sk);
  if (crypto_box_beforenm(shared, pk, sk) != 0) throw std::runtime_error("crypto_box_beforenm");
  std::vector<unsigned char> plain(bytes, 'x'), boxed(bytes + crypto_box_MACBYTES), back(bytes);
  auto t0 = SteadyClock::now();
  for (size_t i = 0; i < count; ++i) {
    sodium_increment(nonce, sizeof nonce);
    crypto_box_easy_afternm(boxed.data(), plain.data(), plain.size(), nonce, shared);
    if (crypto_box_open_easy_afternm(back.data(), boxed.data(), boxed.size(), nonce, shared) != 0) {
      throw std::runtime_error("bench sign: a box did not open");
    }
  }
  return UsPer(t0, count);
}

}  // namespace

int BenchSign(const Args& args, std::ostream& out) {
  size_t count = static_cast<size_t>(args.GetInt("count", 20'000, 100, 10'000'000));
  size_t size = static_cast<size_t>(args.GetInt("size", 1024, 16, 1 << 20));
  size_t batch = static_cast<size_t>(args.GetInt("batch", 5000, 2, 1'000'000));  // one commit
  out << "zhuji bench sign: " << count << " envelopes of " << size
      << " B body; one core; per batch: " << batch
      << " envelopes committed together, hash trees of " << crypto::kMaxTreeLeaves
      << ", each root signed once\n\n"
      << "  suite     scheme        sign µs/env  verify µs/env  verify env/s (one core)\n";
  for (std::string_view name : crypto::SuiteNames()) {
    const crypto::Suite& suite = *crypto::FindSuite(name);
    crypto::KeyPair keys = crypto::NewKeyPair("440106", suite);
    std::vector<crypto::DirectoryKey> entries{{keys.pub, crypto::KeyState::kActive, 0, "", {}}};
    auto dir = crypto::KeyDirectory::Parse(
        crypto::KeyDirectory::Render(entries, 1, std::string(name)), "bench");
    auto envs = Envelopes(count, size, crypto::Fingerprint(keys.pub));
    Figures one = Measure(keys, dir.value(), envs, 1);
    Figures many = Measure(keys, dir.value(), envs, batch);
    for (auto [scheme, f] : {std::pair{"per envelope", one}, std::pair{"per batch", many}}) {
      out << "  " << std::left << std::setw(9) << name << " " << std::setw(12) << scheme
          << std::right << std::fixed << std::setprecision(1) << std::setw(13) << f.sign_us
          << std::setw(15) << f.verify_us << std::setw(14)
          << static_cast<int64_t>(1e6 / f.verify_us) << "\n";
    }
  }
  // A DELIVER frame carries the envelope and about a hundred bytes of header.
  double link_us = BoxAndOpenUs(size + 100, count);
  out << "\n  link encryption (CURVE's crypto_box, XSalsa20-Poly1305), a " << size + 100
      << " B message:\n  one box + one open " << std::fixed << std::setprecision(2) << link_us
      << " µs; a hop crosses two links: " << 2 * link_us << " µs per envelope\n";
  out << "\nper envelope: the suite's hash of the envelope's fields, then a signature (sender) or "
         "a\n"
         "verification (receiver) each. per batch: each envelope's hash, the tree, one signature\n"
         "per batch; the receiver hashes the envelope and its path, and verifies each root once.\n";
  return 0;
}

}  // namespace zhuji::tools
