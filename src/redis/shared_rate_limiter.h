#pragma once
// Rate limits shared by every API process (docs/configuration.md [redis], docs/deployment.md
// "Rate limits across processes"): each key's bucket, and the global one, live in Redis,
// refilled on Redis's own clock by an atomic script, so N processes together admit what
// one would.
//
// A process does not ask Redis for every request: it takes a few tokens at a time (10 ms
// of the rate, 1 to 100) and spends them locally, for at most a second. So Redis sees
// about a hundred calls a second per busy key and process, and all processes together
// may go past a bucket by what each holds at most.
//
// When Redis does not answer (within `timeout`), the process limits on its own, with its
// share of each limit: the limit divided by the number of processes Redis last counted
// (each registers itself every second), never unlimited. /readyz says "local_share"
// meanwhile (checks.rate_limits), and so does deliverer_rate_limits_local_share. A thread
// of its own retries Redis every second, so a request waits on a Redis that does not
// answer at most once per outage.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "api/rate_limiter.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "metrics/metrics.h"
#include "redis/client.h"

namespace deliverer::redis {

struct SharedLimitsOptions {
  api::RateLimits limits;
  Endpoint endpoint;
  std::chrono::milliseconds timeout{50};
  std::string key_prefix = "deliverer:";
  std::chrono::milliseconds heartbeat{1000};
};

class SharedRateLimiter final : public api::RateLimiter {
 public:
  // Starts the heartbeat thread; the first request finds Redis up or down as it is then.
  SharedRateLimiter(SharedLimitsOptions options, Clock& clock, metrics::Registry& metrics);
  ~SharedRateLimiter() override;
  SharedRateLimiter(const SharedRateLimiter&) = delete;
  SharedRateLimiter& operator=(const SharedRateLimiter&) = delete;

  int Acquire(std::string_view key_id) override;
  std::string_view SharedState() const override;

  // Processes Redis counted at the latest heartbeat (this one included); 1 before any.
  int Processes() const { return processes_.load(std::memory_order_relaxed); }

 private:
  // Tokens taken from a shared bucket, spent here.
  struct Allowance {
    int tokens = 0;
    int64_t taken_at_ms = 0;
  };
  // A token from `allowance`, refilled when empty from the bucket <key_prefix><kind><name>
  // in Redis: 0, the seconds to wait, or -1 when Redis did not answer.
  int TakeShared(Allowance& allowance, std::string_view kind, std::string_view name, double rate, double burst,
                 int64_t now_ms) REQUIRES(mutex_);
  int AcquireLocally(std::string_view key_id) REQUIRES(mutex_);
  void SetUp(bool up);
  void RunHeartbeats();

  const SharedLimitsOptions options_;
  Clock& clock_;
  metrics::Gauge& local_share_;
  const std::string process_id_;
  std::atomic<bool> up_{true};
  std::atomic<int> processes_{1};

  common::Mutex mutex_;
  Client client_ GUARDED_BY(mutex_);
  // Looked up by a view of the key id: no string built per request.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, Allowance, KeyHash, std::equal_to<>> per_key_ GUARDED_BY(mutex_);
  Allowance global_ GUARDED_BY(mutex_);
  // While Redis is down: this process's share, for `fallback_processes_` processes.
  std::unique_ptr<api::LocalRateLimiter> fallback_ GUARDED_BY(mutex_);
  int fallback_processes_ GUARDED_BY(mutex_) = 0;

  common::Mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool stopping_ GUARDED_BY(heartbeat_mutex_) = false;
  std::thread heartbeat_thread_;
};

}  // namespace deliverer::redis
