#pragma once
// Token buckets: one per API key and one global (operations.md [rate_limits]).
// In process; the Redis-backed limiter for several API processes comes with scale-out.
// Thread-safe.
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace deliverer::api {

struct RateLimits {
  double per_key_rps = 0;  // 0 = unlimited
  double per_key_burst = 0;
  double global_rps = 0;   // 0 = unlimited
  double global_burst = 0;
};

class RateLimiter {
 public:
  RateLimiter(const RateLimits& limits, Clock& clock);

  // 0 when the request may proceed (a token was taken), otherwise the whole seconds to
  // wait before a token is available (for Retry-After, at least 1).
  int Acquire(std::string_view key_id);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  // Refills, then takes a token if there is one; returns the wait in seconds otherwise.
  static int Take(Bucket& bucket, double rate, double burst, int64_t now_ms);

  const RateLimits limits_;
  Clock& clock_;
  std::mutex mutex_;
  Bucket global_;                                   // guarded by mutex_
  std::unordered_map<std::string, Bucket> per_key_; // guarded by mutex_
};

}  // namespace deliverer::api
