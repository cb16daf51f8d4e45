// Issue #17: where the console and /metrics may listen, the Prometheus text, the pages' colours.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include "services/common/http_listen.h"
#include "services/config/config.h"
#include "services/console/pages.h"
#include "services/crypto/document_code.h"
#include "services/http/prometheus.h"

namespace zhuji {
namespace {

const char* kNode = R"(
node_id = "440106"
name = "天河区"
level = "county"
parent = "440100"
brokers = ["tcp://127.0.0.1:47000"]
data_dir = "/tmp/x"
)";

std::string ConfigError(const std::string& console) {
  try {
    config::ParseNodeConfig(std::string(kNode) + "[console]\n" + console, "node.toml");
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Console, Issue17_LoopbackByDefault_AnyFreePort) {
  auto c = config::ParseNodeConfig(kNode, "node.toml");
  EXPECT_TRUE(c.console.enabled);
  EXPECT_EQ(c.console.host, "127.0.0.1");
  EXPECT_EQ(c.console.port, 0);
  auto off = config::ParseNodeConfig(std::string(kNode) + "[console]\nlisten = \"off\"\n", "n");
  EXPECT_FALSE(off.console.enabled);
}

TEST(Console, Issue17_BeyondLoopbackNeedsTlsAndCredentialsAndSaysWhich) {
  std::string none = ConfigError("listen = \"0.0.0.0:8443\"\n");
  EXPECT_NE(none.find("beyond loopback"), std::string::npos) << none;
  EXPECT_NE(none.find("TLS (tls_cert, tls_key)"), std::string::npos) << none;
  EXPECT_NE(none.find("authentication"), std::string::npos) << none;
  std::string tls_only =
      ConfigError("listen = \"10.1.2.3:8443\"\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n");
  EXPECT_EQ(tls_only.find("TLS (tls_cert"), std::string::npos) << tls_only;
  EXPECT_NE(tls_only.find("authentication"), std::string::npos) << tls_only;
  std::string auth_only = ConfigError("listen = \"[::]:8443\"\nusers_file = \"u\"\n");
  EXPECT_NE(auth_only.find("TLS (tls_cert, tls_key)"), std::string::npos) << auth_only;
  EXPECT_EQ(auth_only.find("authentication"), std::string::npos) << auth_only;
  EXPECT_EQ(ConfigError("listen = \"0.0.0.0:8443\"\ntls_cert = \"c\"\ntls_key = \"k\"\n"
                        "users_file = \"u\"\n"),
            "");
  EXPECT_EQ(ConfigError("listen = \"0.0.0.0:8443\"\ntls_cert = \"c\"\ntls_key = \"k\"\n"
                        "client_ca = \"ca\"\n"),
            "");
  // Loopback in any spelling is plain HTTP; a half TLS pair or a client CA without TLS is not.
  EXPECT_EQ(ConfigError("listen = \"127.0.0.2:0\"\n"), "");
  EXPECT_EQ(ConfigError("listen = \"[::1]:8480\"\n"), "");
  EXPECT_EQ(ConfigError("listen = \"localhost:8480\"\n"), "");
  EXPECT_NE(ConfigError("listen = \"127.0.0.1:0\"\ntls_cert = \"c\"\n").find("go together"),
            std::string::npos);
  EXPECT_NE(ConfigError("listen = \"127.0.0.1:0\"\nclient_ca = \"ca\"\n").find("needs TLS"),
            std::string::npos);
}

TEST(Console, Issue17_ListenAddressesThatAreNotAddressesAreNamed) {
  for (const char* bad :
       {"8480", "127.0.0.1:", "127.0.0.1:70000", "::1:8480", "[::1:8480", "127.0.0.1:84x0"}) {
    std::string why;
    EXPECT_FALSE(ParseHttpListen(bad, &why)) << bad;
    EXPECT_NE(why.find(bad), std::string::npos) << why;
  }
  std::string why;
  auto v6 = ParseHttpListen("[::1]:8480", &why);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Address(), "[::1]:8480");
  EXPECT_NE(ConfigError("listen = \"nowhere\"\n").find("console.listen"), std::string::npos);
}

TEST(Console, Issue17_PrometheusTextEscapesLabelsAndWritesCumulativeBuckets) {
  http::MetricsText m;
  m.Family("x_total", "counter", "Help with a \\ and\na line.");
  m.Sample("x_total", {{"reason", "a \"quoted\"\\path\nnext"}}, 3);
  m.Histogram("lat_seconds", "Latency.", {0.001, 0.01}, {2, 3, 1}, 0.5);
  EXPECT_EQ(m.text(),
            "# HELP x_total Help with a \\\\ and\\na line.\n"
            "# TYPE x_total counter\n"
            "x_total{reason=\"a \\\"quoted\\\"\\\\path\\nnext\"} 3\n"
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.001\"} 2\n"
            "lat_seconds_bucket{le=\"0.01\"} 5\n"
            "lat_seconds_bucket{le=\"+Inf\"} 6\n"
            "lat_seconds_sum 0.5\n"
            "lat_seconds_count 6\n");
}

TEST(Console, Issue17_DeadlinesAreColouredByWorkingDaysLeft) {
  capnp::MallocMessageBuilder b;
  auto d = b.initRoot<schema::DeadlineView>();
  d.setState("open");
  d.setDaysLeft(10);
  EXPECT_STREQ(console::StandingOf(d, 3).css, "ok");
  d.setDaysLeft(3);
  EXPECT_STREQ(console::StandingOf(d, 3).css, "soon");
  d.setDaysLeft(0);
  d.setState("due_today");
  EXPECT_STREQ(console::StandingOf(d, 3).css, "soon");
  d.setDaysLeft(-1);
  d.setState("overdue");
  EXPECT_STREQ(console::StandingOf(d, 3).zh, "逾期 overdue");
  d.setState("closed");
  EXPECT_STREQ(console::StandingOf(d, 3).css, "done");
}

TEST(Console, Issue17_PagesEscapeWhatTheyShow) {
  EXPECT_EQ(console::Esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
  capnp::MallocMessageBuilder b;
  auto st = b.initRoot<schema::NodeStatus>();
  st.setNodeId("440106");
  st.setName("天河<区>");
  std::string page = console::Layout("节点", "/", st, "<p>x</p>");
  EXPECT_NE(page.find("天河&lt;区&gt;"), std::string::npos);
  EXPECT_EQ(page.find("天河<区>"), std::string::npos);
  EXPECT_NE(page.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);  // no external font, script or CDN
  EXPECT_EQ(page.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace zhuji

namespace zhuji {
namespace {

TEST(Console, Issue17_AVerificationCodeIsTheEnvelopesAndOneChangedByteOrCharacterIsNot) {
  std::string envelope = "a signed envelope's bytes";
  std::string code = crypto::DocumentCode(envelope);
  ASSERT_EQ(code.size(), 19u);  // 16 characters in four groups
  EXPECT_EQ(crypto::DocumentCode(envelope), code);
  std::string changed = envelope;
  changed[3] ^= 1;
  EXPECT_NE(crypto::DocumentCode(changed), code);
  // Typed back from paper: case, spaces and dashes do not matter; O, I, L read as 0, 1, 1.
  std::string typed = code;
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(crypto::NormalizeDocumentCode(typed), code);
  EXPECT_EQ(crypto::NormalizeDocumentCode("oooo iiii llll 0000"), "0000-1111-1111-0000");
  EXPECT_EQ(crypto::NormalizeDocumentCode("UUUU-0000-0000-0000"), "");  // U is not in it
  EXPECT_EQ(crypto::NormalizeDocumentCode("0000-0000-0000"), "");       // too short
  // Any one character changed gives another code.
  std::string one = code;
  one[0] = one[0] == 'A' ? 'B' : 'A';
  EXPECT_NE(crypto::NormalizeDocumentCode(one), code);
}

}  // namespace
}  // namespace zhuji
