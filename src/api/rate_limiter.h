#pragma once
// Admission by token buckets: one per API key and one global (docs/configuration.md
// [rate_limits]). Two implementations: LocalRateLimiter, this process's own buckets, and
// redis::SharedRateLimiter (redis/shared_rate_limiter.h), one set of buckets for every
// API process, kept in Redis. Also AuthFailureLimiter, below. Thread-safe.
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"

namespace deliverer::api {

struct RateLimits {
  double per_key_rps = 0;  // 0 = unlimited
  double per_key_burst = 0;
  double global_rps = 0;   // 0 = unlimited
  double global_burst = 0;
  double auth_failures_per_ip_rps = 0;  // AuthFailureLimiter; 0 = unlimited
  double auth_failures_per_ip_burst = 0;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // 0 when the request may proceed (a token was taken), otherwise the whole seconds to
  // wait before a token is available (for Retry-After, at least 1).
  virtual int Acquire(std::string_view key_id) = 0;
  // For /readyz: "" when the limits are this process's own; for shared ones, "ok", or
  // "local_share" while this process limits on its share alone.
  virtual std::string_view SharedState() const { return {}; }
};

class LocalRateLimiter final : public RateLimiter {
 public:
  LocalRateLimiter(const RateLimits& limits, Clock& clock);

  int Acquire(std::string_view key_id) override;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  // Refills, then takes a token if there is one; returns the wait in seconds otherwise.
  static int Take(Bucket& bucket, double rate, double burst, int64_t now_ms);

  const RateLimits limits_;
  Clock& clock_;
  common::Mutex mutex_;
  Bucket global_ GUARDED_BY(mutex_);
  std::unordered_map<std::string, Bucket> per_key_ GUARDED_BY(mutex_);
};

// Failed authentications (401s) per source address: a client that keeps presenting
// unknown keys is answered 429 without a store read once it has failed `burst` times,
// and then regains one try every 1/`rps` seconds. At most kMaxAddresses addresses are
// tracked, the least recently failing forgotten first, so that many addresses cannot grow
// memory either. Thread-safe.
class AuthFailureLimiter {
 public:
  static constexpr size_t kMaxAddresses = 10'000;

  // rps 0 = unlimited.
  AuthFailureLimiter(double rps, double burst, Clock& clock);

  // 0 when `address` may try to authenticate, otherwise the seconds to wait (≥ 1).
  int Check(const std::string& address);
  // Records a failed authentication from `address`.
  void Failed(const std::string& address);
  size_t TrackedAddresses() const;

 private:
  struct Entry {
    double tokens = 0;
    int64_t updated_ms = 0;
    std::list<std::string>::iterator recency;
  };
  // Refills `entry` to now.
  void Refill(Entry& entry, int64_t now_ms) const;

  const double rps_;
  const double burst_;
  Clock& clock_;
  mutable common::Mutex mutex_;
  std::unordered_map<std::string, Entry> addresses_ GUARDED_BY(mutex_);
  std::list<std::string> recency_ GUARDED_BY(mutex_);  // most recent first
};

}  // namespace deliverer::api
