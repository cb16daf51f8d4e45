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
  h.stats = BrokerStats{"gd", 3, 4, 5, 6, 7, true, 8, 0, 0, 0, {}};
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

// Protocol 2: one frame holds the header and, for a DELIVER, the envelope after it.
TEST(Frame, SplitsHeaderAndEnvelope) {
  Header h;
  h.command = Command::DELIVER;
  h.source = "440106";
  h.destination = "440000";
  h.seq = 7;
  std::string envelope(1000, 'e');
  std::string frame = EncodeFrame(h, envelope);
  auto parsed = ParseFrame(frame, 4096);
  ASSERT_TRUE(parsed.header) << parsed.error.reason;
  EXPECT_EQ(parsed.header->seq, 7u);
  EXPECT_EQ(parsed.body, envelope);
}

TEST(Frame, CarriesIncarnationAndNonceOfHello) {
  Header h;
  h.command = Command::HELLO;
  h.source = "440106";
  h.incarnation = 12;
  h.nonce = 0xfeedbeefULL;
  auto parsed = ParseFrame(EncodeFrame(h), 0);
  ASSERT_TRUE(parsed.header) << parsed.error.reason;
  EXPECT_EQ(parsed.header->incarnation, 12u);
  EXPECT_EQ(parsed.header->nonce, 0xfeedbeefULL);
}

TEST(Frame, RefusesBodiesWhereNoneBelongAndOversizedOnes) {
  Header hello;
  hello.command = Command::HELLO;
  hello.source = "440106";
  auto extra = ParseFrame(EncodeFrame(hello, "12345678"), 4096);
  ASSERT_FALSE(extra.header);
  EXPECT_EQ(extra.error.code, NackCode::PROTOCOL);
  ASSERT_TRUE(extra.about) << "a readable header is kept so the refusal can be addressed";
  EXPECT_EQ(extra.about->source, "440106");

  Header deliver;
  deliver.command = Command::DELIVER;
  deliver.source = "440106";
  deliver.seq = 3;
  auto empty = ParseFrame(EncodeFrame(deliver), 4096);
  ASSERT_FALSE(empty.header);
  EXPECT_EQ(empty.error.code, NackCode::MALFORMED);

  auto big = ParseFrame(EncodeFrame(deliver, std::string(5000, 'x')), 4096);
  ASSERT_FALSE(big.header);
  EXPECT_EQ(big.error.code, NackCode::TOO_LARGE);
  ASSERT_TRUE(big.about);
  EXPECT_EQ(big.about->seq, 3u);
}

TEST(Frame, RefusesCutAndGarbageFramesWithoutReadingPastThem) {
  Header h;
  h.command = Command::HELLO;
  h.source = "440106";
  std::string frame = EncodeFrame(h);
  for (size_t cut = 0; cut < frame.size(); ++cut) {
    EXPECT_FALSE(ParseFrame(std::string_view(frame).substr(0, cut), 4096).header)
        << "accepted a frame cut to " << cut << " bytes";
  }
  std::string huge_table(16, '\xff');  // 2^32 segments claimed
  EXPECT_FALSE(ParseFrame(huge_table, 4096).header);
  std::string one_segment_too_long = std::string("\0\0\0\0\xff\xff\xff\x0f", 8) + "xxxxxxxx";
  EXPECT_FALSE(ParseFrame(one_segment_too_long, 4096).header);
}

TEST(Frame, ALongReasonIsCutSoTheRefusalStillFitsAHeader) {
  Header h;
  h.command = Command::NACK;
  h.source = "440000";
  h.destination = "440106";
  h.code = NackCode::MALFORMED;
  std::string why;
  for (int i = 0; i < 2000; ++i) why += "拒";  // 6000 bytes of a peer's text
  h.reason = why;
  auto parsed = ParseFrame(EncodeFrame(h), 0);
  ASSERT_TRUE(parsed.header) << parsed.error.reason;
  EXPECT_LE(parsed.header->reason.size(), kMaxReasonBytes);
  EXPECT_EQ(parsed.header->reason.substr(parsed.header->reason.size() - 3), "...");
  EXPECT_EQ(parsed.header->reason.substr(0, 3), "拒") << "cut at a character boundary";
}

TEST(Frame, RefusesProtocolOne) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::Header>();
  b.setProtocol(schema::PROTOCOL_TAG);
  b.setVersion(1);
  b.setCommand(Command::HELLO);
  auto parsed = ParseFrame(ToBytes(m), 4096);
  ASSERT_FALSE(parsed.header);
  EXPECT_EQ(parsed.error.code, NackCode::PROTOCOL);
  EXPECT_NE(parsed.error.reason.find("version 1"), std::string::npos) << parsed.error.reason;
}

}  // namespace
}  // namespace zhuji::wire
