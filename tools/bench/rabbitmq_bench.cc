// zhuji-bench-rabbitmq: the workload of `zhuji bench hop` against RabbitMQ, for the comparison
// in docs/performance.md (issue #11). Optional, not built by CMake and not in CI:
// tools/bench/rabbitmq.sh installs Debian's rabbitmq-server and librabbitmq-dev, builds this
// with g++ and runs it beside `zhuji bench hop`.
//
//   queue  a durable queue end to end: a publisher sends N persistent messages of S bytes with
//          publisher confirms (at most W unconfirmed), a consumer with manual acks (prefetch W)
//          takes them; the clock stops when the consumer has acknowledged the last one.
//   relay  a store-and-forward hop between two durable queues: publisher → q1; a relay consumes
//          q1, publishes each message persistent to q2 and acknowledges it on q1 only once q2
//          confirmed it; a consumer takes q2. The clock stops at the last acknowledgement on q2.
//
// Prints one JSON object. Measures; asserts nothing.
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 5672;
  long count = 100000;
  size_t size = 1024;
  int window = 1024;
};

void Check(amqp_rpc_reply_t r, const char* what) {
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    throw std::runtime_error(std::string("RabbitMQ: ") + what + " failed (reply type " +
                             std::to_string(r.reply_type) + ")");
  }
}

// One AMQP connection with channel 1 open.
class Connection {
 public:
  explicit Connection(const Options& o) : conn_(amqp_new_connection()) {
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (!socket || amqp_socket_open(socket, o.host.c_str(), o.port) != AMQP_STATUS_OK) {
      throw std::runtime_error("cannot connect to RabbitMQ at " + o.host + ":" +
                               std::to_string(o.port));
    }
    Check(amqp_login(conn_, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
    amqp_channel_open(conn_, 1);
    Check(amqp_get_rpc_reply(conn_), "channel.open");
  }
  ~Connection() {
    amqp_channel_close(conn_, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  amqp_connection_state_t get() const { return conn_; }

  void DeclareDurable(const std::string& queue) {
    amqp_queue_declare(conn_, 1, amqp_cstring_bytes(queue.c_str()), 0, 1, 0, 0, amqp_empty_table);
    Check(amqp_get_rpc_reply(conn_), "queue.declare");
    amqp_queue_purge(conn_, 1, amqp_cstring_bytes(queue.c_str()));
    Check(amqp_get_rpc_reply(conn_), "queue.purge");
  }
  void ConfirmSelect() {
    amqp_confirm_select(conn_, 1);
    Check(amqp_get_rpc_reply(conn_), "confirm.select");
  }
  void Consume(const std::string& queue, int prefetch) {
    amqp_basic_qos(conn_, 1, 0, static_cast<uint16_t>(prefetch), 0);
    Check(amqp_get_rpc_reply(conn_), "basic.qos");
    amqp_basic_consume(conn_, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 0, 0,
                       amqp_empty_table);
    Check(amqp_get_rpc_reply(conn_), "basic.consume");
  }
  // Publishes one persistent message to `queue` (default exchange).
  void Publish(const std::string& queue, amqp_bytes_t body) {
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.delivery_mode = 2;  // persistent
    if (amqp_basic_publish(conn_, 1, amqp_empty_bytes, amqp_cstring_bytes(queue.c_str()), 0, 0,
                           &props, body) != AMQP_STATUS_OK) {
      throw std::runtime_error("basic.publish failed");
    }
  }
  // Reads publisher confirms for up to `wait_us`; returns the highest sequence confirmed
  // (cumulative), or `confirmed` when none came.
  uint64_t ReadConfirms(uint64_t confirmed, long wait_us) {
    for (;;) {
      amqp_frame_t frame;
      struct timeval tv {
        0, wait_us
      };
      int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
      if (rc == AMQP_STATUS_TIMEOUT) return confirmed;
      if (rc != AMQP_STATUS_OK) throw std::runtime_error("reading confirms failed");
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        if (ack->delivery_tag > confirmed) confirmed = ack->delivery_tag;
      } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
        throw std::runtime_error("RabbitMQ refused a message (basic.nack)");
      }
      wait_us = 0;  // take what is there, then go back to publishing
    }
  }
  // One delivery, or false after `wait_us`.
  bool Next(long wait_us, uint64_t* tag, std::string* body) {
    amqp_envelope_t envelope;
    amqp_maybe_release_buffers(conn_);
    struct timeval tv {
      0, wait_us
    };
    amqp_rpc_reply_t r = amqp_consume_message(conn_, &envelope, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) {
      return false;
    }
    Check(r, "consume");
    *tag = envelope.delivery_tag;
    if (body) {
      body->assign(static_cast<const char*>(envelope.message.body.bytes),
                   envelope.message.body.len);
    }
    amqp_destroy_envelope(&envelope);
    return true;
  }
  void Ack(uint64_t tag, bool multiple) {
    if (amqp_basic_ack(conn_, 1, tag, multiple ? 1 : 0) != AMQP_STATUS_OK) {
      throw std::runtime_error("basic.ack failed");
    }
  }

 private:
  amqp_connection_state_t conn_;
};

// Publishes `count` messages to `queue` with at most `window` unconfirmed.
void PublishAll(const Options& o, const std::string& queue) {
  Connection c(o);
  c.ConfirmSelect();
  std::string payload(o.size, 'x');
  amqp_bytes_t body{payload.size(), payload.data()};
  uint64_t sent = 0, confirmed = 0;
  while (confirmed < static_cast<uint64_t>(o.count)) {
    while (sent < static_cast<uint64_t>(o.count) &&
           sent - confirmed < static_cast<uint64_t>(o.window)) {
      c.Publish(queue, body);
      ++sent;
    }
    confirmed = c.ReadConfirms(confirmed, 100'000);
  }
}

// Takes `count` messages from `queue`, acknowledging every one (cumulatively, per 64).
void ConsumeAll(const Options& o, const std::string& queue, std::atomic<bool>* ready) {
  Connection c(o);
  c.Consume(queue, o.window);
  ready->store(true);
  long got = 0;
  uint64_t tag = 0, last_acked = 0;
  while (got < o.count) {
    if (c.Next(got == 0 ? 5'000'000 : 100'000, &tag, nullptr)) {
      ++got;
      if (got % 64 == 0 || got == o.count) {
        c.Ack(tag, true);
        last_acked = tag;
      }
    } else if (tag > last_acked) {
      c.Ack(tag, true);
      last_acked = tag;
    }
  }
}

// q1 → q2: each message acknowledged on q1 once q2 confirmed its copy.
void Relay(const Options& o, const std::string& from, const std::string& to,
           std::atomic<bool>* ready) {
  Connection in(o), out(o);
  out.ConfirmSelect();
  in.Consume(from, o.window);
  ready->store(true);
  std::deque<std::pair<uint64_t, uint64_t>> pending;  // (publish seq on q2, delivery tag on q1)
  uint64_t published = 0, confirmed = 0;
  long relayed = 0;
  std::string body;
  while (relayed < o.count) {
    uint64_t tag = 0;
    bool took = false;
    while (pending.size() < static_cast<size_t>(o.window) &&
           in.Next(took || !pending.empty() ? 0 : 100'000, &tag, &body)) {
      took = true;
      out.Publish(to, amqp_bytes_t{body.size(), body.data()});
      pending.emplace_back(++published, tag);
    }
    confirmed = out.ReadConfirms(confirmed, pending.empty() ? 0 : 1'000);
    uint64_t ack_upto = 0;
    while (!pending.empty() && pending.front().first <= confirmed) {
      ack_upto = pending.front().second;
      pending.pop_front();
      ++relayed;
    }
    if (ack_upto) in.Ack(ack_upto, true);
  }
}

double Run(const Options& o, bool relay) {
  const std::string q1 = "zhuji-bench-q1", q2 = "zhuji-bench-q2";
  {
    Connection setup(o);
    setup.DeclareDurable(q1);
    setup.DeclareDurable(q2);
  }
  std::atomic<bool> consumer_ready{false}, relay_ready{!relay};
  std::thread consumer([&] { ConsumeAll(o, relay ? q2 : q1, &consumer_ready); });
  std::thread relayer;
  if (relay) relayer = std::thread([&] { Relay(o, q1, q2, &relay_ready); });
  while (!consumer_ready.load() || !relay_ready.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto start = Clock::now();
  PublishAll(o, q1);
  consumer.join();
  if (relayer.joinable()) relayer.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return o.count / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") {
      o.port = std::atoi(v.c_str());
    } else if (k == "--count") {
      o.count = std::atol(v.c_str());
    } else if (k == "--size") {
      o.size = static_cast<size_t>(std::atol(v.c_str()));
    } else if (k == "--window") {
      o.window = std::atoi(v.c_str());
    } else {
      std::fprintf(stderr,
                   "usage: zhuji-bench-rabbitmq [--port P] [--count N] [--size BYTES] "
                   "[--window W]\n");
      return 2;
    }
  }
  try {
    double queue = Run(o, false);
    double relay = Run(o, true);
    std::printf(
        "{\"count\":%ld,\"size\":%zu,\"window\":%d,\"queue_per_s\":%.0f,\"relay_per_s\":%.0f}\n",
        o.count, o.size, o.window, queue, relay);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zhuji-bench-rabbitmq: %s\n", e.what());
    return 1;
  }
  return 0;
}
