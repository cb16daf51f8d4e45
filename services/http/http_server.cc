#include "services/http/http_server.h"

#include <httplib.h>
#include <sodium.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace zhuji::http {
namespace {

std::string Sha256(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return std::string(reinterpret_cast<char*>(h), sizeof h);
}

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

// The server's workers with a bounded queue: when `max_queued` connections wait, the accepting
// thread waits too, so a flood of connections stays in the kernel's listen backlog instead of
// taking the process's file descriptors (httplib's own pool queues without bound).
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t max_queued) : max_queued_(max_queued) {
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~BoundedPool() override = default;
  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return jobs_.size() < max_queued_ || stopping_; });
    if (stopping_) return;  // the connection is closed by its owner
    jobs_.push_back(std::move(fn));
    work_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_.notify_all();
    room_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
        if (jobs_.empty()) return;  // stopping, nothing left
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        room_.notify_one();
      }
      fn();
    }
  }
  size_t max_queued_;
  std::mutex mu_;
  std::condition_variable work_, room_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace

HttpServer::HttpServer(HttpListen listen, std::string what, spdlog::logger& log, size_t threads)
    : listen_(std::move(listen)), what_(std::move(what)), log_(log) {
  if (auto why = HttpExposureProblem(listen_, what_); !why.empty()) throw std::runtime_error(why);
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  if (listen_.tls()) {
    for (const auto* f : {&listen_.tls_cert, &listen_.tls_key, &listen_.client_ca}) {
      if (!f->empty() && !Readable(*f)) {
        throw std::runtime_error(what_ + ": cannot read " + *f);
      }
    }
    auto ssl = std::make_unique<httplib::SSLServer>(
        listen_.tls_cert.c_str(), listen_.tls_key.c_str(),
        listen_.client_ca.empty() ? nullptr : listen_.client_ca.c_str());
    if (!ssl->is_valid()) {
      throw std::runtime_error(
          what_ + ": the TLS certificate " + listen_.tls_cert + ", its key " + listen_.tls_key +
          (listen_.client_ca.empty() ? "" : " or the client CA " + listen_.client_ca) +
          " cannot be used (not PEM, or the key is not the certificate's)");
    }
    server_ = std::move(ssl);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!listen_.users_file.empty()) {
    std::ifstream in(listen_.users_file);
    if (!in) throw std::runtime_error(what_ + ": cannot read users_file " + listen_.users_file);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      size_t colon = line.find(':');
      if (colon == std::string::npos || colon == 0 ||
          line.compare(colon + 1, 10, "$argon2id$") != 0) {
        throw std::runtime_error(what_ + ": " + listen_.users_file + " line " + std::to_string(n) +
                                 " is not name:$argon2id$… (make one with zhuji console-user)");
      }
      users_[line.substr(0, colon)] = line.substr(colon + 1);
    }
    if (users_.empty()) {
      throw std::runtime_error(what_ + ": users_file " + listen_.users_file + " names no user");
    }
    dummy_hash_ = users_.begin()->second;  // what an unknown name is checked against
  }
  server_->new_task_queue = [threads] { return new BoundedPool(threads, 8); };
  // A connection that says nothing lets its worker go soon: two idle clients must not hold the
  // console (there are two workers).
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(10, 0);
  server_->set_keep_alive_timeout(2);
  server_->set_keep_alive_max_count(20);
  server_->set_payload_max_length(64 * 1024);
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Read-only, and nothing cached or framed elsewhere: these pages show 定密 records.
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "script-src 'self'; connect-src 'self'; form-action 'self'");
    if (req.method != "GET" && req.method != "HEAD") {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
      res.set_content("405 只读 read-only: this console changes nothing\n",
                      "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!Authorized(req)) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"zhuji\", charset=\"UTF-8\"");
      res.set_content("401 需要登录 authentication required\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Authorized(const httplib::Request& req) {
  if (users_.empty()) return true;  // none asked for, or client certificates (TLS checked them)
  std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Basic ", 0) != 0) return false;
  std::string b64 = auth.substr(6);
  std::string raw(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.c_str(),
                        b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  raw.resize(len);
  size_t colon = raw.find(':');
  if (colon == std::string::npos) return false;
  std::string name = raw.substr(0, colon), password = raw.substr(colon + 1);
  auto it = users_.find(name);
  std::string digest = Sha256(password);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto v = verified_.find(name);
    if (v != verified_.end() &&
        sodium_memcmp(v->second.data(), digest.data(), digest.size()) == 0) {
      return true;
    }
  }
  // argon2id once per user and password (the digest of the password is kept, not the
  // password), one at a time: a storm of wrong passwords costs one core and 64 MiB, not more.
  // An unknown name costs the same as a known one, so the time of the answer names no user.
  bool ok = false;
  {
    std::lock_guard<std::mutex> lock(hash_mu_);
    const std::string& hash = it != users_.end() ? it->second : dummy_hash_;
    ok = crypto_pwhash_str_verify(hash.c_str(), password.c_str(), password.size()) == 0 &&
         it != users_.end();
  }
  if (!ok) {
    log_.warn("{}: refused HTTP basic login of '{}' from {}", what_, name, req.remote_addr);
    return false;
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  verified_[name] = digest;
  return true;
}

void HttpServer::Get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, std::move(handler));
}

std::string HttpServer::Start() {
  int port = listen_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(listen_.host);
    if (port < 0) port = 0;
  } else if (!server_->bind_to_port(listen_.host, port)) {
    port = 0;
  }
  if (port <= 0) {
    throw std::runtime_error(what_ + ": cannot listen on " + listen_.Address() +
                             " (address in use, or not an address of this host)");
  }
  HttpListen bound = listen_;
  bound.port = port;
  url_ = std::string(listen_.tls() ? "https://" : "http://") + bound.Address();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  log_.info("{}: serving on {}{}", what_, url_,
            users_.empty() ? (listen_.client_ca.empty() ? "" : " (client certificates)")
                           : " (HTTP basic)");
  return url_;
}

void HttpServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string UsersFileLine(const std::string& name, const std::string& password) {
  if (name.empty() || name.find(':') != std::string::npos || name.find('\n') != std::string::npos) {
    throw std::runtime_error("a user name is not empty and has no ':' or line break");
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.c_str(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("out of memory while hashing the password");
  }
  return name + ":" + hash;
}

}  // namespace zhuji::http
