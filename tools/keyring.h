#pragma once
// Keys for a local cluster or a benchmark run (issue #10): what an installer does for a real
// province, done in one place for `zhuji cluster up` and `zhuji bench hop`.
//
//   <root>/directory/keys/   the province's directory key ("directory:<name>"): signs the
//                            directory of keys; its public half is pinned in every node and broker
//   <root>/keys.toml         the directory of keys, signed; its version goes up when the set of
//                            keys changes (a node added to the topology)
//   <folder>/keys/           each broker's and node's own keys, in its own folder
//
// Keys are made once and kept: a restarted cluster uses the same ones.

#include <string>
#include <vector>

#include "services/crypto/key_directory.h"
#include "services/crypto/keys.h"
#include "tools/control_client.h"

namespace zhuji::tools {

class Keyring {
 public:
  Keyring(std::string root, const std::string& name);

  // The keys of `id` kept under `folder` (made on first use); a broker's, with the node ids it
  // may register at the broker above it.
  const crypto::PublicKeys& Ensure(const std::string& folder, const std::string& id,
                                   std::vector<std::string> serves = {});
  // Writes the directory of every key ensured so far, signed, when it differs from the one on
  // disk (version + 1). Returns its path.
  std::string Publish();

  // zhuji-broker's options for a broker whose keys are in `folder` (upstream_curves: the
  // upstream brokers' CURVE keys, in the order of their --upstream).
  std::vector<std::string> BrokerArgs(const std::string& folder,
                                      const std::vector<std::string>& upstream_curves) const;
  // A node's [security] table: CURVE to its brokers (keys in the order of `brokers`),
  // signatures, the pinned directory key.
  std::string NodeSecurity(const std::vector<std::string>& broker_curves) const;
  // Credentials of the keyring's own observer key, for a broker's STATS.
  CurveCredentials Observer(const std::string& broker_curve);
  const crypto::KeyPair& directory_key() const { return directory_key_; }
  std::string directory_file() const { return root_ + "/keys.toml"; }

 private:
  std::string root_;
  std::string name_;
  crypto::KeyPair directory_key_;
  std::vector<crypto::DirectoryKey> keys_;
};

// Whether a run directory was set up with keys (a cluster started with security on).
bool HasKeyring(const std::string& root);

}  // namespace zhuji::tools
