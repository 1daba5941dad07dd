#pragma once
// Which error reports go out, so that an error storm cannot flood the receiver (nor the
// queue): a report identical to one let through within kRepeatWindowMs is dropped, and the
// rest pass a token bucket of kBurst reports refilled one per kRefillMs. Pure: time is
// passed in. Not thread-safe (the Reporter holds its lock around it).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace deliverer::errors {

class Throttle {
 public:
  static constexpr int kBurst = 10;
  static constexpr int64_t kRefillMs = 6'000;             // 10 a minute after a burst
  static constexpr int64_t kRepeatWindowMs = 5 * 60'000;  // identical reports: one per window
  // The fingerprints kept: those admitted within the last window, which the bucket bounds.
  static constexpr size_t kMaxRemembered = kBurst + kRepeatWindowMs / kRefillMs + 1;

  // True when a report with this fingerprint (what makes two reports the same) may go
  // out at `now_ms`; counts it against the bucket.
  bool Admit(const std::string& fingerprint, int64_t now_ms);
  size_t remembered() const { return recent_.size(); }

 private:
  void Refill(int64_t now_ms);

  double tokens_ = kBurst;
  int64_t refilled_at_ms_ = -1;  // -1: not yet
  std::map<std::string, int64_t> recent_;  // fingerprint → when it last went out
};

}  // namespace deliverer::errors
