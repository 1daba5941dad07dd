#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace deliverer::api {

LocalRateLimiter::LocalRateLimiter(const RateLimits& limits, Clock& clock)
    : limits_(limits), clock_(clock) {
  global_.tokens = std::max(limits_.global_burst, limits_.global_rps);
  global_.updated_ms = clock_.NowUnixMillis();
}

int LocalRateLimiter::Take(Bucket& bucket, double rate, double burst, int64_t now_ms) {
  const double elapsed_s = static_cast<double>(now_ms - bucket.updated_ms) / 1000.0;
  bucket.tokens = std::min(burst, bucket.tokens + std::max(0.0, elapsed_s) * rate);
  bucket.updated_ms = now_ms;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - bucket.tokens) / rate)));
}

int LocalRateLimiter::Acquire(std::string_view key_id) {
  const int64_t now = clock_.NowUnixMillis();
  common::MutexLock lock(mutex_);
  if (limits_.per_key_rps > 0) {
    const double burst = std::max(limits_.per_key_burst, 1.0);
    auto [it, inserted] = per_key_.try_emplace(std::string(key_id), Bucket{burst, now});
    if (int wait = Take(it->second, limits_.per_key_rps, burst, now); wait > 0) return wait;
  }
  if (limits_.global_rps > 0) {
    const double burst = std::max({limits_.global_burst, limits_.global_rps, 1.0});
    if (int wait = Take(global_, limits_.global_rps, burst, now); wait > 0) return wait;
  }
  return 0;
}

AuthFailureLimiter::AuthFailureLimiter(double rps, double burst, Clock& clock)
    : rps_(rps), burst_(std::max(burst, 1.0)), clock_(clock) {}

void AuthFailureLimiter::Refill(Entry& entry, int64_t now_ms) const {
  const double elapsed_s = static_cast<double>(now_ms - entry.updated_ms) / 1000.0;
  entry.tokens = std::min(burst_, entry.tokens + std::max(0.0, elapsed_s) * rps_);
  entry.updated_ms = now_ms;
}

int AuthFailureLimiter::Check(const std::string& address) {
  if (rps_ <= 0) return 0;
  const int64_t now = clock_.NowUnixMillis();
  common::MutexLock lock(mutex_);
  auto it = addresses_.find(address);
  if (it == addresses_.end()) return 0;
  Refill(it->second, now);
  if (it->second.tokens >= 1.0) return 0;
  return std::max(1, static_cast<int>(std::ceil((1.0 - it->second.tokens) / rps_)));
}

void AuthFailureLimiter::Failed(const std::string& address) {
  if (rps_ <= 0) return;
  const int64_t now = clock_.NowUnixMillis();
  common::MutexLock lock(mutex_);
  auto it = addresses_.find(address);
  if (it == addresses_.end()) {
    if (addresses_.size() >= kMaxAddresses) {
      addresses_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(address);
    it = addresses_.emplace(address, Entry{burst_, now, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  Refill(it->second, now);
  it->second.tokens = std::max(0.0, it->second.tokens - 1.0);
}

size_t AuthFailureLimiter::TrackedAddresses() const {
  common::MutexLock lock(mutex_);
  return addresses_.size();
}

}  // namespace deliverer::api
