#pragma once
// Where an HTTP endpoint of a daemon listens (the node's console and /metrics, the broker's
// /metrics; issue #17) and what protects it. Pure: parsing and the exposure rule, no sockets.
//
// The rule: on loopback (127.0.0.0/8, ::1, localhost) plain HTTP is allowed; anywhere else the
// endpoint needs TLS (a certificate and its key) and authentication (HTTP basic with a users
// file, or client certificates signed by a CA), since it shows 定密 records.

#include <optional>
#include <string>

namespace zhuji {

struct HttpListen {
  bool enabled = true;
  std::string host = "127.0.0.1";
  int port = 0;            // 0: any free port, reported once bound
  std::string tls_cert;    // PEM certificate chain
  std::string tls_key;     // PEM private key
  std::string client_ca;   // PEM CA: clients must present a certificate it signed
  std::string users_file;  // HTTP basic: lines "name:$argon2id$…" (zhuji console-user)

  bool tls() const { return !tls_cert.empty() || !tls_key.empty(); }
  bool authenticated() const { return !users_file.empty() || !client_ca.empty(); }
  std::string Address() const;  // "host:port", IPv6 hosts in brackets
};

bool IsLoopbackHost(const std::string& host);

// "host:port" or "[v6]:port" → host and port; "off" → disabled. nullopt with `why` set when the
// text is not an address.
std::optional<HttpListen> ParseHttpListen(const std::string& text, std::string* why);

// Empty when `listen` may be served as configured; otherwise why not, in words the operator
// acts on (`what` names the setting, e.g. "console"). Checks the combination only; whether the
// files can be read is found when the server starts.
std::string HttpExposureProblem(const HttpListen& listen, const std::string& what);

}  // namespace zhuji
