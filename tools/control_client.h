#pragma once
// The CLI's side of a node's control socket: one request, one reply, with a timeout.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "services/common/capnp_io.h"
#include "services/wire/control_client.h"
#include "services/wire/header.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::tools {

using ControlClient = wire::ControlClient;

// Polls a node's status until one of its broker links is up. False after `timeout_ms`, or as
// soon as `running` (when given) says the process is gone.
bool WaitForNodeLink(zmq::context_t& ctx, const std::string& endpoint, int timeout_ms,
                     const std::function<bool()>& running = {});

// Sets a MatterRequest's materials (the names of the documents attached).
void SetMaterials(schema::MatterRequest::Builder r, const std::vector<std::string>& names);

// A view inside a control reply, kept with the reply that holds its bytes: `view` is valid as
// long as this lives (a move keeps it valid).
template <typename Reader>
struct HeldView {
  std::unique_ptr<OwnedMessage> reply;
  Reader view;
  const Reader* operator->() const { return &view; }
};

// The node's copy of a matter (`matter show`), or nullopt when it has none.
std::optional<HeldView<schema::MatterView::Reader>> ShowMatter(ControlClient& client,
                                                               const std::string& id,
                                                               int timeout_ms);

// CURVE credentials of a client of a broker (issue #10): the broker's public key and a key pair
// in its directory of keys (Z85).
struct CurveCredentials {
  std::string server_key, public_key, secret_key;
};

// Asks a broker for its counters (STATS). nullopt if it does not answer in time.
std::optional<wire::BrokerStats> QueryBrokerStats(zmq::context_t& ctx, const std::string& endpoint,
                                                  int timeout_ms,
                                                  const CurveCredentials* curve = nullptr);

}  // namespace zhuji::tools
