// Issue #8 "Text and dates": invalid UTF-8 is refused at input, JSON output always parses, dates
// outside the supported range are named as such.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/calendar/date.h"
#include "services/common/clock.h"
#include "services/common/json.h"
#include "services/common/time_format.h"
#include "services/common/utf8.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji {
namespace {

TEST(Utf8, AcceptsWellFormedTextIncludingChinese) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("不明确事项 定密责任人 机密★10年"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600, four bytes
}

TEST(Utf8, RefusesIllFormedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong, three bytes
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));          // cut short
  EXPECT_FALSE(IsValidUtf8("ok\x80"));            // a lone continuation byte
}

// The ASCII fast path (eight bytes at a time) must not step over a bad byte or a multi-byte
// sequence, wherever it falls.
TEST(Utf8, LongTextIsCheckedAtEveryOffset) {
  for (size_t before = 0; before < 20; ++before) {
    for (size_t after : {0, 1, 7, 8, 9, 30}) {
      std::string a(before, 'a'), b(after, 'b');
      EXPECT_TRUE(IsValidUtf8(a + "定" + b)) << before << " " << after;
      EXPECT_FALSE(IsValidUtf8(a + "\xff" + b)) << before << " " << after;
      EXPECT_FALSE(IsValidUtf8(a + "\xe5\xae" + b)) << before << " " << after;  // 定 cut short
      EXPECT_TRUE(IsValidUtf8(a + b));
    }
  }
}

TEST(Utf8, ReplacesEachBadByteForDisplay) {
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ToValidUtf8("定密"), "定密");
}

TEST(Utf8, FindsTheBadFieldDeepInAControlRequest) {
  capnp::MallocMessageBuilder m;
  auto matter = m.initRoot<schema::ControlRequest>().initMatter();
  matter.setTitle("某考试命题工作方案");
  auto materials = matter.initMaterials(3);
  materials.set(0, "申报不明确事项公文");
  materials.set(1, "bad \xff here");
  materials.set(2, "ok");
  EXPECT_EQ(FirstInvalidText(capnp::toDynamic(m.getRoot<schema::ControlRequest>().asReader())),
            "matter.materials[1]");
  materials.set(1, "fine");
  EXPECT_EQ(FirstInvalidText(capnp::toDynamic(m.getRoot<schema::ControlRequest>().asReader())), "");
}

TEST(Json, OutputParsesWhateverBytesWereStored) {
  JsonWriter j;
  j.BeginObject();
  j.Key("text").String("bad \xff\xfe bytes, a quote \" and a \x01 control, 定密");
  j.Key("del").String("\x7f");
  j.Key("n").Int(-5).Key("list").BeginArray().String("x").Uint(7).EndArray();
  j.EndObject();
  auto parsed = nlohmann::json::parse(j.str());  // throws on invalid JSON or UTF-8
  EXPECT_EQ(parsed["n"], -5);
  std::string text = parsed["text"];
  EXPECT_NE(text.find("定密"), std::string::npos);
  EXPECT_NE(text.find("\xef\xbf\xbd"), std::string::npos) << "bad bytes shown as U+FFFD";
}

TEST(Dates, OperatorDatesSayWhichOfTheThreeTheyAreNot) {
  std::string why;
  EXPECT_TRUE(calendar::ParseInputDate("2026-11-22", &why));
  EXPECT_FALSE(calendar::ParseInputDate("3000-01-01", &why));
  EXPECT_NE(why.find("outside the dates zhuji supports (2000-01-01 to 2099-12-31)"),
            std::string::npos)
      << why;
  EXPECT_FALSE(calendar::ParseInputDate("1900-01-01", &why));
  EXPECT_NE(why.find("outside"), std::string::npos) << why;
  EXPECT_FALSE(calendar::ParseInputDate("2026-02-30", &why));
  EXPECT_NE(why.find("not a calendar date"), std::string::npos) << why;
  EXPECT_FALSE(calendar::ParseInputDate("22/11/2026", &why));
  EXPECT_NE(why.find("not a date of the form YYYY-MM-DD"), std::string::npos) << why;
}

TEST(Dates, SupportedInstantsMatchTheSupportedDates) {
  auto first = calendar::Date::FromYmd(calendar::kFirstSupportedYear, 1, 1);
  auto after = calendar::Date::FromYmd(calendar::kLastSupportedYear + 1, 1, 1);
  EXPECT_EQ(kFirstSupportedMs, calendar::EndOfDayCstMs(first - 1));
  EXPECT_EQ(kEndSupportedMs, calendar::EndOfDayCstMs(after - 1));
  EXPECT_FALSE(IsSupportedInstant(-1'000'000'000'000'000));
  EXPECT_TRUE(IsSupportedInstant(calendar::EndOfDayCstMs(calendar::Date::FromYmd(2026, 11, 22))));
}

// Found by fuzz_envelope (issue #10): a peer's 督办 with a due time of INT64_MIN overflowed when
// it was shown. Times beyond four-digit years are shown as the number they are.
TEST(TimeFormat, TimesFromOutsideAreShownWithoutArithmeticOverflow) {
  EXPECT_EQ(FormatDueCst(INT64_MIN), "(time out of range: -9223372036854775808 ms)");
  EXPECT_EQ(FormatCst(INT64_MIN), "(time out of range: -9223372036854775808 ms)");
  EXPECT_EQ(FormatCst(INT64_MAX), "(time out of range: 9223372036854775807 ms)");
  EXPECT_EQ(FormatCst(1'760'544'000'000), "2025-10-16 00:00:00 CST");
  EXPECT_EQ(FormatDueCst(1'760'544'000'000), "2025-10-15 24:00 CST");
}
}  // namespace
}  // namespace zhuji
