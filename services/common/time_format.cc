#include "services/common/time_format.h"

#include <cstdio>
#include <ctime>

namespace zhuji {

namespace {
// Years 0000-9999: what four digits show. A time from outside (a peer's 督办, say) beyond them is
// shown as a number, never computed with (found by fuzz_envelope: INT64_MIN - 1 overflowed).
constexpr int64_t kFirstShownMs = -62'167'219'200'000;  // 0000-01-01 00:00 UTC
constexpr int64_t kLastShownMs = 253'402'300'799'000;   // 9999-12-31 23:59:59 UTC

std::string OutOfRange(int64_t ms) { return "(time out of range: " + std::to_string(ms) + " ms)"; }
}  // namespace

std::string FormatCst(int64_t ms) {
  if (ms == 0) return "-";
  if (ms < kFirstShownMs || ms > kLastShownMs - kCstOffsetMs) return OutOfRange(ms);
  time_t secs = static_cast<time_t>((ms + kCstOffsetMs) / 1000);
  struct tm tm_utc;
  if (!gmtime_r(&secs, &tm_utc)) return OutOfRange(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d CST", tm_utc.tm_year + 1900,
                tm_utc.tm_mon + 1, tm_utc.tm_mday, tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec);
  return buf;
}

std::string FormatDueCst(int64_t due_ms) {
  if (due_ms == 0) return "-";
  if (due_ms <= kFirstShownMs || due_ms > kLastShownMs - kCstOffsetMs) return OutOfRange(due_ms);
  return FormatCst(due_ms - 1).substr(0, 10) + " 24:00 CST";
}

std::string FormatDuration(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[64];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%lldm %llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  } else if (ms < 86'400'000) {
    std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>(ms / 60'000 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(ms / 86'400'000),
                  static_cast<long long>(ms / 3'600'000 % 24));
  }
  return buf;
}

}  // namespace zhuji
