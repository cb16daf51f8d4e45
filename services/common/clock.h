#pragma once
// Time source for everything that reads "now". main() creates one and passes it down, so tests
// can substitute a FakeClock and jump weeks without sleeping. All times are ms since the Unix
// epoch (UTC); China Standard Time is only a formatting concern (see time_format.h).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace zhuji {

// Monotonic milliseconds for timeouts, back-off and heartbeats (never for deadlines).
inline int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: deadlines, records, what operators see. Thread-safe.
  virtual int64_t NowMs() const = 0;
  // Monotonic time: timeouts, back-off, heartbeats. Thread-safe.
  virtual int64_t MonoMs() const { return MonotonicMs(); }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to. Thread-safe.
// The instants a node accepts for its clock, its deadlines and its dates: from 2000-01-01 00:00
// to 2100-01-01 00:00 China Standard Time (calendar::SupportedRange()).
inline constexpr int64_t kFirstSupportedMs = 946'656'000'000;
inline constexpr int64_t kEndSupportedMs = 4'102'416'000'000;
inline bool IsSupportedInstant(int64_t ms) {
  return ms >= kFirstSupportedMs && ms < kEndSupportedMs;
}

// Tests only. The node refuses to move it outside the supported instants (above). Its monotonic
// time is the real one unless set with SetMono (in-process tests drive time-outs with it).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(); }
  void Set(int64_t ms) { now_.store(ms); }
  void Advance(int64_t ms) { now_.fetch_add(ms); }
  int64_t MonoMs() const override {
    int64_t m = mono_.load();
    return m ? m : MonotonicMs();
  }
  void SetMono(int64_t ms) { mono_.store(ms); }

 private:
  std::atomic<int64_t> now_;
  std::atomic<int64_t> mono_{0};
};

}  // namespace zhuji
