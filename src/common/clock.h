#pragma once
// Time as a seam (docs/architecture.md "Conventions"): components take a Clock& so tests
// can drive time.
// Thread-safe: Now() may be called from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace deliverer {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;

  int64_t NowUnixMillis() const {
    return std::chrono::duration_cast<Millis>(Now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told; for tests of TTLs, expiry and rate limits.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_millis = 1'764'000'000'000) : ms_(unix_millis) {}
  TimePoint Now() const override { return TimePoint(Millis(ms_.load())); }
  void Advance(Millis by) { ms_ += by.count(); }
  void Set(int64_t unix_millis) { ms_ = unix_millis; }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace deliverer
