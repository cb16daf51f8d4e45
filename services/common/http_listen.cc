#include "services/common/http_listen.h"

#include <arpa/inet.h>

#include <charconv>

namespace zhuji {

std::string HttpListen::Address() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

std::optional<HttpListen> ParseHttpListen(const std::string& text, std::string* why) {
  HttpListen out;
  if (text == "off") {
    out.enabled = false;
    return out;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    *why = "'" + text + "' is not host:port (e.g. 127.0.0.1:8480, [::1]:8480) or off";
    return std::nullopt;
  }
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) {
      *why = "'" + text + "': an IPv6 host goes in brackets, e.g. [::1]:8480";
      return std::nullopt;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    *why = "'" + text + "': an IPv6 host goes in brackets, e.g. [::1]:8480";
    return std::nullopt;
  }
  std::string port = text.substr(colon + 1);
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 0 || p > 65535) {
    *why = "'" + text + "': the port must be 0..65535 (0: any free port)";
    return std::nullopt;
  }
  out.host = host;
  out.port = p;
  return out;
}

std::string HttpExposureProblem(const HttpListen& l, const std::string& what) {
  if (!l.enabled) return "";
  if (l.tls_cert.empty() != l.tls_key.empty()) {
    return what + ": tls_cert and tls_key go together (the certificate and its private key)";
  }
  if (!l.client_ca.empty() && !l.tls()) {
    return what + ": client_ca (client certificates) needs TLS: set tls_cert and tls_key";
  }
  if (IsLoopbackHost(l.host)) return "";
  std::string missing;
  if (!l.tls()) missing = "TLS (tls_cert, tls_key)";
  if (!l.authenticated()) {
    missing += std::string(missing.empty() ? "" : " and ") +
               "authentication (users_file for HTTP basic, or client_ca for client certificates)";
  }
  if (missing.empty()) return "";
  return what + " listens on " + l.Address() + ", beyond loopback, without " + missing +
         ": it shows 定密 records, so it is served elsewhere than 127.0.0.1 only with both "
         "(or listen on 127.0.0.1 and reach it through an SSH tunnel)";
}

}  // namespace zhuji
