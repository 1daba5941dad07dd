#pragma once
// Results of the last `length` of time, for the circuit breaker's failure-ratio trigger.
// The window is cut into kBuckets equal buckets, so it slides in steps of length / kBuckets
// and memory stays constant whatever the traffic. Pure (time passed in); not thread-safe.
#include <array>
#include <cstdint>
#include <limits>

#include "common/clock.h"

namespace deliverer::routing {

class FailureWindow {
 public:
  static constexpr int kBuckets = 10;

  struct Counts {
    int64_t total = 0;
    int64_t failed = 0;
  };

  // `length` ≥ 1 ms (shorter counts as 1 ms per bucket).
  explicit FailureWindow(Millis length);

  void Add(bool failed, TimePoint now);
  // Results added within the window ending at `now`. A clock that stepped back makes the
  // buckets "from the future" not count, rather than count twice.
  Counts CountsAt(TimePoint now) const;
  void Clear();

 private:
  struct Bucket {
    int64_t id = std::numeric_limits<int64_t>::min();  // no results yet
    int64_t total = 0;
    int64_t failed = 0;
  };

  int64_t BucketId(TimePoint now) const;
  bool Live(const Bucket& bucket, int64_t current_id) const;

  int64_t width_ms_;
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace deliverer::routing
