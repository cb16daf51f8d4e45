// Issue #17: the console and /metrics of real zhuji-node and zhuji-broker processes.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "services/common/time_format.h"
#include "tests/integration/harness.h"

namespace zhuji::testing {
namespace {

namespace fs = std::filesystem;

std::string ConsoleUrl(Harness& h, const std::string& node) {
  auto st = h.Status(node);
  return st->Root<schema::ControlReply>().getStatus().getConsoleUrl().cStr();
}

// The node's console URL once the node answers (it may still be starting); empty after 30 s.
std::string WaitConsoleUrl(Harness& h, const std::string& node) {
  std::string url;
  EXPECT_TRUE(Harness::WaitFor(
      [&] {
        try {
          url = ConsoleUrl(h, node);
        } catch (const std::exception&) {  // not answering yet
        }
        return !url.empty();
      },
      std::chrono::seconds(30)))
      << "waited 30 s for the console of " << node;
  return url;
}

// "http://127.0.0.1:PORT" → a client of it.
httplib::Client Client(const std::string& url) { return httplib::Client(url); }

// What Prometheus's own parser (Debian's python3-prometheus-client) makes of `curl URL`.
nlohmann::json Scrape(const std::string& url, const std::string& dir, const std::string& name) {
  std::string file = dir + "/" + name + ".txt";
  RunCommand("curl -sSf --max-time 30 -o " + file + " " + url);
  std::string out =
      RunCommand("/usr/bin/python3 " ZHUJI_SOURCE_DIR "/tests/console/parse_metrics.py " + file);
  return nlohmann::json::parse(out);
}

double Sample(const nlohmann::json& samples, const std::string& name,
              const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : samples) {
    if (s["name"] != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) match = match && s["labels"].value(k, "") == v;
    if (match) return s["value"].get<double>();
  }
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Must show 2: /metrics of a node and of a broker, fetched with curl, parse with Prometheus's
// parser, and say what the node's status says.
TEST(Console, Issue17_MetricsOfNodeAndBrokerParseAsPrometheusText) {
  Harness h;
  std::string url_file = h.dir() + "/broker-metrics.url";
  h.StartBroker({"--metrics", "127.0.0.1:0", "--metrics-url-file", url_file});
  h.StartProvinceAndCounty();
  h.Send("440106", "440000", "metrics", 20);
  ASSERT_TRUE(Harness::WaitFor([&] { return h.Counters("440000").delivered >= 20; },
                               std::chrono::seconds(60)))
      << "waited 60 s for the province to apply 20 notices";

  std::string url = ConsoleUrl(h, "440000");
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  auto node = Scrape(url + "/metrics", h.dir(), "node");
  auto c = h.Counters("440000");
  EXPECT_GE(Sample(node, "zhuji_envelopes_delivered_total", {{"node", "440000"}}), 20);
  EXPECT_LE(Sample(node, "zhuji_envelopes_delivered_total"), static_cast<double>(c.delivered));
  EXPECT_EQ(Sample(node, "zhuji_link_up", {{"node", "440000"}}), 1);
  EXPECT_GE(Sample(node, "zhuji_commit_seconds_count"), 1);  // batches: one commit serves many
  EXPECT_EQ(Sample(node, "zhuji_deadlines_overdue"), 0);
  auto county = Scrape(ConsoleUrl(h, "440106") + "/metrics", h.dir(), "county");
  EXPECT_GE(Sample(county, "zhuji_envelopes_sent_total"), 20);
  EXPECT_GE(Sample(county, "zhuji_envelopes_acked_total"), 1);
  EXPECT_GE(Sample(county, "zhuji_outbox_depth"), 0);

  ASSERT_TRUE(Harness::WaitFor([&] { return fs::exists(url_file); }, std::chrono::seconds(30)))
      << "waited 30 s for the broker to write its /metrics URL";
  std::string broker_url = ReadFile(url_file);
  broker_url.erase(broker_url.find_last_not_of("\n") + 1);
  auto broker = Scrape(broker_url, h.dir(), "broker");
  EXPECT_GE(Sample(broker, "zhuji_broker_routes"), 2);
  EXPECT_GE(Sample(broker, "zhuji_broker_relayed_total"), 20);
}

// A refused frame is counted under its reason.
TEST(Console, Issue17_RefusalsAreCountedByReason) {
  Harness h;
  h.StartBroker();
  h.StartProvinceAndCounty();
  // A control request that is not one frame.
  zmq::socket_t s(h.ctx(), zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(h.ControlEndpoint("440000"));
  s.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  s.send(zmq::str_buffer("b"), zmq::send_flags::none);
  ASSERT_TRUE(Harness::WaitFor([&] { return h.Counters("440000").refused >= 1; },
                               std::chrono::seconds(30)));
  auto m = Scrape(ConsoleUrl(h, "440000") + "/metrics", h.dir(), "refused");
  EXPECT_EQ(Sample(m, "zhuji_refused_total", {{"reason", "control_malformed"}}), 1);
}

// Must show 3: beyond loopback without TLS or credentials the node refuses to start and says
// why; with both, --check passes.
TEST(Console, Issue17_BeyondLoopbackWithoutTlsOrCredentialsTheNodeRefusesToStart) {
  Harness h;
  h.StartBroker();
  NodeSpec spec{"440106", "county", "440100"};
  spec.extra_config = "[console]\nlisten = \"0.0.0.0:0\"\n";
  h.AddNode(spec);
  std::string config = h.dir() + "/440106/node.toml";
  auto r = RunCommandStatus(ZHUJI_BIN_DIR "/zhuji-node --config " + config);
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 2) << r.output;
  EXPECT_NE(r.output.find("console listens on 0.0.0.0:0, beyond loopback, without TLS (tls_cert, "
                          "tls_key) and authentication"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(h.dir() + "/440106/store")) << "it stopped before opening its store";

  spec.extra_config = "[console]\nlisten = \"0.0.0.0:8443\"\ntls_cert = \"" + h.dir() +
                      "/c.pem\"\ntls_key = \"" + h.dir() + "/k.pem\"\n";
  h.AddNode(spec);
  r = RunCommandStatus(ZHUJI_BIN_DIR "/zhuji-node --check --config " + config);
  EXPECT_NE(WEXITSTATUS(r.status), 0);
  EXPECT_NE(r.output.find("without authentication (users_file for HTTP basic, or client_ca"),
            std::string::npos)
      << r.output;
  spec.extra_config += "users_file = \"" + h.dir() + "/users\"\n";
  h.AddNode(spec);
  r = RunCommandStatus(ZHUJI_BIN_DIR "/zhuji-node --check --config " + config);
  EXPECT_EQ(r.status, 0) << r.output;

  // The broker's /metrics follows the same rule.
  r = RunCommandStatus(ZHUJI_BIN_DIR
                       "/zhuji-broker --bind tcp://127.0.0.1:0 --metrics 0.0.0.0:9464");
  EXPECT_EQ(WEXITSTATUS(r.status), 2) << r.output;
  EXPECT_NE(r.output.find("--metrics listens on 0.0.0.0:9464, beyond loopback"), std::string::npos)
      << r.output;
}

// With TLS and HTTP basic: nothing without the password, the pages with it, nothing written.
TEST(Console, Issue17_TlsAndBasicAuthGuardTheConsole) {
  // A client of a TLS socket the server closes gets SIGPIPE from OpenSSL's write; the daemons
  // ignore it (services/common/signals.cc), and so does this client.
  std::signal(SIGPIPE, SIG_IGN);
  Harness h;
  std::string d = h.dir();
  RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout " + d +
             "/k.pem -out " + d + "/c.pem");
  RunCommand("printf 'correct horse\\n' | " ZHUJI_BIN_DIR "/zhuji console-user 科员 > " + d +
             "/users");
  h.StartBroker();
  NodeSpec spec{"440106", "county", "440100"};
  spec.extra_config = "[console]\nlisten = \"127.0.0.1:0\"\ntls_cert = \"" + d +
                      "/c.pem\"\ntls_key = \"" + d + "/k.pem\"\nusers_file = \"" + d + "/users\"\n";
  h.AddNode(spec);
  h.StartNode("440106", false);
  std::string url = WaitConsoleUrl(h, "440106");
  ASSERT_FALSE(url.empty());
  ASSERT_EQ(url.rfind("https://127.0.0.1:", 0), 0u) << url;
  httplib::Client c(url);
  c.enable_server_certificate_verification(true);
  c.set_ca_cert_path((d + "/c.pem").c_str());
  c.set_connection_timeout(30);
  c.set_read_timeout(30);
  auto anon = c.Get("/");
  ASSERT_TRUE(anon) << httplib::to_string(anon.error());
  EXPECT_EQ(anon->status, 401);
  EXPECT_EQ(anon->body.find("test 440106"), std::string::npos);
  c.set_basic_auth("科员", "wrong password");
  auto wrong = c.Get("/metrics");
  ASSERT_TRUE(wrong) << httplib::to_string(wrong.error());
  EXPECT_EQ(wrong->status, 401);
  c.set_basic_auth("someone else", "correct horse");
  auto stranger = c.Get("/");
  ASSERT_TRUE(stranger) << httplib::to_string(stranger.error());
  EXPECT_EQ(stranger->status, 401);
  c.set_basic_auth("科员", "correct horse");
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("test 440106"), std::string::npos);
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics) << httplib::to_string(metrics.error());
  EXPECT_EQ(metrics->status, 200);
  auto post = c.Post("/", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);  // read-only
  // Plain HTTP to the TLS port gets nothing.
  httplib::Client plain("http://" + url.substr(8));
  plain.set_connection_timeout(10);
  plain.set_read_timeout(10);
  auto p = plain.Get("/");
  EXPECT_TRUE(!p || p->status != 200);
}

// Client certificates instead of passwords: a client with a certificate the CA signed reads the
// console; one without, or with a certificate of another CA, gets nothing.
TEST(Console, Issue17_ClientCertificatesGuardTheConsole) {
  std::signal(SIGPIPE, SIG_IGN);  // as above: OpenSSL writes to sockets the server closes
  Harness h;
  std::string d = h.dir();
  auto ca = [&](const std::string& name, const std::string& cn) {
    RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + cn + " -keyout " +
               d + "/" + name + ".key -out " + d + "/" + name + ".pem");
  };
  auto signed_by = [&](const std::string& name, const std::string& cn, const std::string& by) {
    RunCommand("openssl req -newkey rsa:2048 -nodes -subj /CN=" + cn + " -keyout " + d + "/" +
               name + ".key -out " + d + "/" + name + ".csr");
    RunCommand("openssl x509 -req -days 2 -in " + d + "/" + name + ".csr -CA " + d + "/" + by +
               ".pem -CAkey " + d + "/" + by + ".key -CAcreateserial -out " + d + "/" + name +
               ".pem");
  };
  ca("clients-ca", "clients-ca");
  ca("other-ca", "other-ca");
  ca("server", "127.0.0.1");  // the name the clients check
  signed_by("clerk", "clerk", "clients-ca");
  signed_by("stranger", "stranger", "other-ca");
  h.StartBroker();
  NodeSpec spec{"440106", "county", "440100"};
  spec.extra_config = "[console]\nlisten = \"127.0.0.1:0\"\ntls_cert = \"" + d +
                      "/server.pem\"\ntls_key = \"" + d + "/server.key\"\nclient_ca = \"" + d +
                      "/clients-ca.pem\"\n";
  h.AddNode(spec);
  h.StartNode("440106", false);
  std::string url = WaitConsoleUrl(h, "440106");
  ASSERT_FALSE(url.empty());
  auto get = [&](const std::string& who) {
    std::unique_ptr<httplib::Client> c =
        who.empty() ? std::make_unique<httplib::Client>(url)
                    : std::make_unique<httplib::Client>(url, d + "/" + who + ".pem",
                                                        d + "/" + who + ".key");
    c->enable_server_certificate_verification(true);
    c->set_ca_cert_path((d + "/server.pem").c_str());
    c->set_connection_timeout(30);
    c->set_read_timeout(30);
    return c->Get("/");
  };
  auto clerk = get("clerk");
  ASSERT_TRUE(clerk) << httplib::to_string(clerk.error());
  EXPECT_EQ(clerk->status, 200);
  EXPECT_NE(clerk->body.find("test 440106"), std::string::npos);
  auto none = get("");
  EXPECT_TRUE(!none || none->status != 200) << "no client certificate, yet the page";
  auto stranger = get("stranger");
  EXPECT_TRUE(!stranger || stranger->status != 200) << "another CA's certificate, yet the page";
}

// An overdue duty shows as overdue (逾期) on the deadlines page; the node page counts it.
TEST(Console, Issue17_GdArt41_AnOverdueDutyIsShownOverdue) {
  Harness h;
  h.StartBroker();
  NodeSpec spec = DemoSpec("440106", "county", "440100", "2026-03-02 09:00");
  h.AddNode(spec);
  h.StartNode("440106", true);
  h.OpenDeadline("440106", "console-test", "report", "GD Art. 14", 5, "2026-02-02");
  h.OpenDeadline("440106", "console-test-2", "report", "GD Art. 14", 20, "2026-03-02");
  auto c = Client(ConsoleUrl(h, "440106"));
  auto page = c.Get("/deadlines");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  auto row = [&](const std::string& item) {
    size_t at = page->body.find("data-item=\"" + item + "\"");
    return at == std::string::npos ? std::string()
                                   : page->body.substr(at, page->body.find("</tr>", at) - at);
  };
  EXPECT_NE(row("console-test").find("data-standing=\"late\""), std::string::npos)
      << row("console-test");
  EXPECT_NE(row("console-test").find("逾期 overdue"), std::string::npos);
  EXPECT_NE(row("console-test-2").find("data-standing=\"ok\""), std::string::npos)
      << row("console-test-2");
  auto node = c.Get("/");
  ASSERT_TRUE(node);
  EXPECT_NE(node->body.find("id=\"overdue\"><b>1</b>"), std::string::npos);
}

// The province's picture: each node's status summary climbs level by level; a county with an
// overdue duty is coloured overdue at the province (and its city with it); a county gone silent
// shows as offline with when it was last heard.
TEST(Console, Issue17_GdArt41_TheProvincesPictureColoursACountyWithAnOverdueDutyAndOneOffline) {
  Harness h;
  h.StartBroker();
  for (auto [id, level, parent] :
       {std::tuple{"440000", "province", ""}, std::tuple{"440100", "city", "440000"},
        std::tuple{"440106", "county", "440100"}, std::tuple{"440104", "county", "440100"}}) {
    NodeSpec spec = DemoSpec(id, level, parent, "2026-03-02 09:00");
    spec.extra_config += "[console]\nsummary_interval_s = 1\n";
    h.AddNode(spec);
    h.StartNode(id, true);
  }
  h.OpenDeadline("440106", "console-test", "report", "GD Art. 30", 5, "2026-02-02");
  auto regions = [&](const std::string& node) {
    return h.Request(node, [](schema::ControlRequest::Builder r) { r.setRegions(); });
  };
  auto region = [&](const std::string& node, const std::string& of, auto check) {
    auto reply = regions(node);
    for (auto r : reply->Root<schema::ControlReply>().getRegions()) {
      if (r.getNode() == of) return check(r);
    }
    return false;
  };
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        return region("440000", "440106",
                      [](schema::RegionView::Reader r) {
                        return r.getHeard() && r.getSummary().getOverdue() == 1 && !r.getStale();
                      }) &&
               region("440000", "440104",
                      [](schema::RegionView::Reader r) { return r.getHeard(); });
      },
      std::chrono::seconds(60)))
      << "waited 60 s for 440106's overdue duty and 440104's summary to reach the province";
  // Every node of the directory below the province is listed (the demo has two cities, three
  // counties), heard or not.
  auto all = regions("440000");
  EXPECT_EQ(all->Root<schema::ControlReply>().getRegions().size(), 6u);

  auto c = Client(ConsoleUrl(h, "440000"));
  auto page = c.Get("/regions");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("data-node=\"440106\" data-standing=\"late\""), std::string::npos);
  EXPECT_NE(page->body.find("data-node=\"440100\" data-standing=\"ok\" data-worst=\"late\""),
            std::string::npos);
  EXPECT_NE(page->body.find("data-node=\"440104\" data-standing=\"ok\""), std::string::npos);
  EXPECT_NE(page->body.find("data-node=\"440305\" data-standing=\"unknown\""), std::string::npos);
  auto county = c.Get("/regions?node=440106");
  ASSERT_TRUE(county);
  EXPECT_NE(county->body.find("GD Art. 30"), std::string::npos);  // its duties, drilled down

  // The county goes silent; an hour later (three intervals are 3 s) it is shown offline, with
  // the time of its last summary.
  int64_t last = 0;
  region("440000", "440106", [&](schema::RegionView::Reader r) {
    last = r.getSummary().getAsOfMs();
    return true;
  });
  h.KillNode("440106");
  h.SetClock("440000", "2026-03-02 10:30");
  h.SetClock("440100", "2026-03-02 10:30");
  // The city goes on sending its own summaries (made at 10:30 now): it is not offline.
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        return region("440000", "440106",
                      [](schema::RegionView::Reader r) { return r.getStale(); }) &&
               region("440000", "440100",
                      [](schema::RegionView::Reader r) { return !r.getStale(); });
      },
      std::chrono::seconds(60)))
      << "waited 60 s for 440106 to be shown offline and 440100's summary of 10:30";
  page = c.Get("/regions");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("data-node=\"440106\" data-standing=\"offline\""), std::string::npos);
  county = c.Get("/regions?node=440106");
  ASSERT_TRUE(county);
  EXPECT_NE(county->body.find("最后联系 last heard " + FormatCst(last)), std::string::npos)
      << county->body;
  EXPECT_NE(page->body.find("data-node=\"440100\" data-standing=\"ok\" data-worst=\"offline\""),
            std::string::npos);
}

// Latest wins on the way up: while the parent does not acknowledge, a county makes a fresh
// summary each interval but queues none behind the one in flight; once the parent is there, it
// holds the county's latest, and the county's outbox empties.
TEST(Console, Issue17_ASummaryIsNotQueuedBehindAnUnacknowledgedOne) {
  Harness h;
  h.StartBroker();
  for (auto [id, level, parent] :
       {std::tuple{"440100", "city", "440000"}, std::tuple{"440106", "county", "440100"}}) {
    NodeSpec spec = DemoSpec(id, level, parent, "2026-03-02 09:00");
    spec.extra_config += "[console]\nsummary_interval_s = 1\n";
    h.AddNode(spec);
  }
  h.StartNode("440106", true);  // its parent, 440100, is not running
  auto own_serial = [&] {
    auto reply = h.Request("440106", [](schema::ControlRequest::Builder r) { r.setRegions(); });
    for (auto r : reply->Root<schema::ControlReply>().getRegions()) {
      if (r.getNode() == "440106" && r.getHeard()) return r.getSummary().getSerial();
    }
    return uint64_t{0};
  };
  ASSERT_TRUE(Harness::WaitFor([&] { return own_serial() >= 5; }, std::chrono::seconds(60)))
      << "waited 60 s for the county to make five summaries";
  EXPECT_EQ(h.Counters("440106").outbox_depth, 1u) << "one summary in flight, none behind it";
  uint64_t made = own_serial();

  h.StartNode("440100", true);
  ASSERT_TRUE(Harness::WaitFor(
      [&] {
        auto reply = h.Request("440100", [](schema::ControlRequest::Builder r) { r.setRegions(); });
        for (auto r : reply->Root<schema::ControlReply>().getRegions()) {
          if (r.getNode() == "440106") return r.getHeard() && r.getSummary().getSerial() > made;
        }
        return false;
      },
      std::chrono::seconds(60)))
      << "waited 60 s for the city to hold a summary of the county newer than the queued one";
  EXPECT_TRUE(Harness::WaitFor([&] { return h.Counters("440106").outbox_depth == 0; },
                               std::chrono::seconds(60)));
}

}  // namespace
}  // namespace zhuji::testing
