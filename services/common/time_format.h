#pragma once
// Formatting of instants for operators: always China Standard Time (UTC+8, no DST), whatever the
// machine's time zone.

#include <cstdint>
#include <string>

namespace zhuji {

inline constexpr int64_t kCstOffsetMs = 8LL * 3600 * 1000;

// "2026-11-22 14:03:07 CST"; "-" for 0.
std::string FormatCst(int64_t ms_since_epoch);
// A deadline instant (24:00 CST at the end of a day) the way the rules say it:
// "2026-11-17 24:00 CST" rather than "2026-11-18 00:00:00 CST".
std::string FormatDueCst(int64_t due_ms);
// "3d 4h", "12m 5s", "850ms".
std::string FormatDuration(int64_t ms);

}  // namespace zhuji
