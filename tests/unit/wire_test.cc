#include <capnp/message.h>
#include <gtest/gtest.h>

#include "services/common/capnp_io.h"
#include "services/wire/header.h"

namespace zhuji::wire {
namespace {

TEST(Header, RoundTripsEveryField) {
  Header h;
  h.command = Command::DELIVER;
  h.source = "440106";
  h.destination = "440000";
  h.message_id = std::string(16, '\x7f');
  h.seq = 42;
  h.code = NackCode::GAP;
  h.reason = "why";
  auto parsed = ParseHeader(EncodeHeader(h));
  ASSERT_TRUE(parsed.header) << parsed.error.reason;
  EXPECT_EQ(parsed.header->command, Command::DELIVER);
  EXPECT_EQ(parsed.header->source, "440106");
  EXPECT_EQ(parsed.header->destination, "440000");
  EXPECT_EQ(parsed.header->message_id, h.message_id);
  EXPECT_EQ(parsed.header->seq, 42u);
  EXPECT_EQ(parsed.header->code, NackCode::GAP);
  EXPECT_EQ(parsed.header->reason, "why");
  EXPECT_FALSE(parsed.header->stats);
}

TEST(Header, CarriesBrokerStats) {
  Header h;
  h.command = Command::STATS;
  h.stats = BrokerStats{"gd", 3, 4, 5, 6, 7, true, 8};
  auto parsed = ParseHeader(EncodeHeader(h));
  ASSERT_TRUE(parsed.header && parsed.header->stats);
  EXPECT_EQ(parsed.header->stats->broker_id, "gd");
  EXPECT_EQ(parsed.header->stats->refused, 7u);
  EXPECT_TRUE(parsed.header->stats->upstream_up);
}

TEST(Header, RefusesGarbage) {
  auto parsed = ParseHeader("this is not a capnp message!!!!!");
  ASSERT_FALSE(parsed.header);
  EXPECT_EQ(parsed.error.code, NackCode::MALFORMED);
  EXPECT_FALSE(parsed.error.reason.empty());
}

TEST(Header, RefusesTruncatedMessage) {
  Header h;
  h.command = Command::HELLO;
  h.source = "440106";
  std::string bytes = EncodeHeader(h);
  for (size_t cut = 8; cut < bytes.size(); cut += 8) {
    auto parsed = ParseHeader(std::string_view(bytes).substr(0, cut));
    EXPECT_FALSE(parsed.header) << "accepted a header cut to " << cut << " bytes";
  }
  EXPECT_FALSE(ParseHeader(std::string_view(bytes).substr(0, bytes.size() - 3)).header);
  EXPECT_FALSE(ParseHeader("").header);
}

TEST(Header, RefusesWrongProtocolTagAndVersion) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Header>();
  b.setProtocol(0x12345678);
  b.setVersion(schema::PROTOCOL_VERSION);
  auto parsed = ParseHeader(ToBytes(m));
  ASSERT_FALSE(parsed.header);
  EXPECT_EQ(parsed.error.code, NackCode::PROTOCOL);
  EXPECT_NE(parsed.error.reason.find("tag"), std::string::npos);

  b.setProtocol(schema::PROTOCOL_TAG);
  b.setVersion(99);
  parsed = ParseHeader(ToBytes(m));
  ASSERT_FALSE(parsed.header);
  EXPECT_NE(parsed.error.reason.find("version 99"), std::string::npos);
}

TEST(Header, RefusesOversizedFrame) {
  auto parsed = ParseHeader(std::string(kMaxHeaderBytes + 8, '\0'));
  ASSERT_FALSE(parsed.header);
  EXPECT_EQ(parsed.error.code, NackCode::TOO_LARGE);
}

TEST(CapnpIo, ReadsFromUnalignedBuffers) {
  Header h;
  h.command = Command::HEARTBEAT;
  h.source = "440000";
  std::string bytes = EncodeHeader(h);
  std::string shifted = "x" + bytes;  // the message now starts at an odd address
  auto parsed = ParseHeader(std::string_view(shifted).substr(1));
  ASSERT_TRUE(parsed.header);
  EXPECT_EQ(parsed.header->source, "440000");
}

TEST(CapnpIo, NamesTruncationInTheError) {
  try {
    ReadMessage(std::string(12, '\0'));
    FAIL() << "a 12-byte buffer was accepted";
  } catch (const MalformedMessage& e) {
    EXPECT_NE(std::string(e.what()).find("8-byte words"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zhuji::wire
