#pragma once
// Steady-clock instants as Unix microseconds. The bench times everything on the steady
// clock (immune to clock steps) but compares answers with the gateway's webhook `at`
// (wall clock, same machine); one offset taken at start converts, so the hot path reads
// one clock, once. Thread-safe (immutable).
#include <chrono>
#include <cstdint>

namespace deliverer::loadgen {

using SteadyTime = std::chrono::steady_clock::time_point;

class TimeBase {
 public:
  TimeBase()
      : offset_us_(Micros(std::chrono::system_clock::now().time_since_epoch()) -
                   Micros(std::chrono::steady_clock::now().time_since_epoch())) {}
  // For tests: a fixed offset.
  explicit TimeBase(int64_t offset_us) : offset_us_(offset_us) {}

  int64_t UnixMicros(SteadyTime t) const { return Micros(t.time_since_epoch()) + offset_us_; }

 private:
  template <class Duration>
  static int64_t Micros(Duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  }
  int64_t offset_us_;
};

}  // namespace deliverer::loadgen
