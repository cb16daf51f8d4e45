#pragma once
// The HTTP endpoint of a daemon (issue #17): cpp-httplib (Debian's libcpp-httplib, built with
// OpenSSL) on a thread pool of its own, read-only (GET and HEAD; anything else 405), with the
// protection HttpListen asks for: TLS with the certificate and key given, HTTP basic against a
// users file (argon2id hashes, libsodium) and/or client certificates signed by a CA.
//
// Handlers run on the server's threads, never on the daemon's loop: they may only use what is
// safe from another thread (the node's control socket through a client of their own, a
// snapshot behind a mutex).

#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "services/common/http_listen.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace zhuji::http {

class HttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `what` names the endpoint in errors and logs ("console of node 440106"). Throws
  // std::runtime_error naming the problem: the exposure rule (common/http_listen.h), a TLS file
  // that cannot be read, a users file with no valid line.
  HttpServer(HttpListen listen, std::string what, spdlog::logger& log, size_t threads = 2);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // A GET route; `pattern` is a regular expression of the path (httplib).
  void Get(const std::string& pattern, Handler handler);
  // Binds and serves on a thread of its own. Returns the base URL, e.g. http://127.0.0.1:39211.
  // Throws std::runtime_error when the address cannot be bound.
  std::string Start();
  void Stop();
  const std::string& url() const { return url_; }

 private:
  bool Authorized(const httplib::Request& req);

  HttpListen listen_;
  std::string what_;
  spdlog::logger& log_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string url_;
  std::map<std::string, std::string> users_;  // name -> argon2id hash string
  std::string dummy_hash_;
  std::mutex hash_mu_;  // one argon2id at a time
  std::mutex cache_mu_;
  std::map<std::string, std::string> verified_;  // name -> SHA-256 of a password that verified
};

// One line of a users file for `name` and `password` ("name:$argon2id$…"). Throws
// std::runtime_error when the name has a ':' or the hash cannot be made.
std::string UsersFileLine(const std::string& name, const std::string& password);

}  // namespace zhuji::http
