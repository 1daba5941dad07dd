#include "redis/shared_rate_limiter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/log.h"
#include "common/thread_name.h"
#include "common/unhandled.h"

namespace deliverer::redis {
namespace {

// A token bucket on Redis's clock. KEYS[1]: the bucket; ARGV: rate (tokens a second),
// burst, tokens wanted. Returns {tokens granted, seconds to wait when none}. The state is
// a hash {tokens, at}, which expires once it would be full again anyway.
constexpr const char* kTakeScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local wait = 0
if granted == 0 then wait = math.max(1, math.ceil((1 - tokens) / rate)) end
return {granted, wait}
)lua";

// KEYS[1]: the sorted set of live processes; ARGV: this process's id, how long a process
// counts after its last heartbeat (ms). Returns how many count now.
constexpr const char* kHeartbeatScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return redis.call('ZCARD', KEYS[1])
)lua";

// Tokens taken from Redis at a time: 10 ms of the rate, 1 to 100.
int Chunk(double rate) { return std::clamp(static_cast<int>(rate / 100.0), 1, 100); }

// Tokens taken and not spent within this are dropped, so what a process holds cannot
// build up into a burst of its own.
constexpr int64_t kAllowanceLifetimeMs = 1000;

std::string NewProcessId() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

// Buckets and bursts as the local limiter reads them (api/rate_limiter.cc).
double PerKeyBurst(const api::RateLimits& l) { return std::max(l.per_key_burst, 1.0); }
double GlobalBurst(const api::RateLimits& l) { return std::max({l.global_burst, l.global_rps, 1.0}); }

}  // namespace

SharedRateLimiter::SharedRateLimiter(SharedLimitsOptions options, Clock& clock, metrics::Registry& metrics)
    : options_(std::move(options)),
      clock_(clock),
      local_share_(metrics.Gauge("deliverer_rate_limits_local_share",
                                 "1 while shared rate limits are applied on this process's share alone")),
      process_id_(NewProcessId()),
      client_(options_.endpoint, options_.timeout) {
  heartbeat_thread_ = std::thread([this] {
    NameThisThread("rate-limits");
    RunReportingUnhandled("rate-limits", [this] { RunHeartbeats(); });
  });
}

SharedRateLimiter::~SharedRateLimiter() {
  {
    common::MutexLock lock(heartbeat_mutex_);
    stopping_ = true;
  }
  heartbeat_wake_.notify_one();
  heartbeat_thread_.join();
}

std::string_view SharedRateLimiter::SharedState() const {
  return up_.load(std::memory_order_relaxed) ? "ok" : "local_share";
}

void SharedRateLimiter::SetUp(bool up) {
  if (up_.exchange(up, std::memory_order_relaxed) == up) return;
  local_share_.Set(up ? 0 : 1);
  if (up) {
    log::Info("limits", "Redis answers again: rate limits are shared");
  } else {
    log::Warn("limits", "Redis does not answer: rate limits apply to this process's share ({} processes)",
              Processes());
  }
}

int SharedRateLimiter::Acquire(std::string_view key_id) {
  const api::RateLimits& l = options_.limits;
  const int64_t now = clock_.NowUnixMillis();
  common::MutexLock lock(mutex_);
  if (!up_.load(std::memory_order_relaxed)) return AcquireLocally(key_id);
  if (l.per_key_rps > 0) {
    auto it = per_key_.find(key_id);
    if (it == per_key_.end()) it = per_key_.emplace(std::string(key_id), Allowance{}).first;
    const int wait = TakeShared(it->second, "rl:key:", key_id, l.per_key_rps, PerKeyBurst(l), now);
    if (wait < 0) return AcquireLocally(key_id);
    if (wait > 0) return wait;
  }
  if (l.global_rps > 0) {
    const int wait = TakeShared(global_, "rl:global", "", l.global_rps, GlobalBurst(l), now);
    if (wait < 0) return AcquireLocally(key_id);
    if (wait > 0) return wait;
  }
  return 0;
}

int SharedRateLimiter::TakeShared(Allowance& allowance, std::string_view kind, std::string_view name, double rate,
                                  double burst, int64_t now_ms) {
  if (allowance.tokens > 0 && now_ms - allowance.taken_at_ms < kAllowanceLifetimeMs) {
    --allowance.tokens;
    return 0;
  }
  allowance.tokens = 0;
  // The bucket's key is only spelled out when Redis is asked: not once per request.
  const std::string bucket = fmt::format("{}{}{}", options_.key_prefix, kind, name);
  auto taken = client_.Eval(kTakeScript, {bucket},
                            {fmt::format("{}", rate), fmt::format("{}", burst), std::to_string(Chunk(rate))});
  if (!taken.ok() || taken->size() != 2) {
    if (!taken.ok()) log::Warn("limits", "{}", taken.error().detail);
    SetUp(false);
    return -1;
  }
  const int granted = static_cast<int>((*taken)[0]);
  if (granted <= 0) return static_cast<int>(std::max<int64_t>(1, (*taken)[1]));
  allowance.tokens = granted - 1;
  allowance.taken_at_ms = now_ms;
  return 0;
}

int SharedRateLimiter::AcquireLocally(std::string_view key_id) {
  const int processes = std::max(1, Processes());
  if (!fallback_ || fallback_processes_ != processes) {
    api::RateLimits share = options_.limits;
    share.per_key_rps /= processes;
    share.per_key_burst = PerKeyBurst(options_.limits) / processes;
    share.global_rps /= processes;
    share.global_burst = GlobalBurst(options_.limits) / processes;
    fallback_ = std::make_unique<api::LocalRateLimiter>(share, clock_);
    fallback_processes_ = processes;
  }
  return fallback_->Acquire(key_id);
}

void SharedRateLimiter::RunHeartbeats() {
  Client client(options_.endpoint, options_.timeout);
  const std::string processes_key = options_.key_prefix + "rl:processes";
  // A process stops counting three heartbeats after its last.
  const std::string counts_for = std::to_string(options_.heartbeat.count() * 3);
  common::MutexLock lock(heartbeat_mutex_);
  for (;;) {
    lock.Unlock();
    auto counted = client.Eval(kHeartbeatScript, {processes_key}, {process_id_, counts_for});
    if (counted.ok() && counted->size() == 1) {
      processes_.store(static_cast<int>(std::max<int64_t>(1, (*counted)[0])), std::memory_order_relaxed);
      SetUp(true);
    } else {
      SetUp(false);
    }
    lock.Lock();
    if (heartbeat_wake_.wait_for(lock.native(), options_.heartbeat, [this] {
          heartbeat_mutex_.AssertHeld();
          return stopping_;
        })) {
      return;
    }
  }
}

}  // namespace deliverer::redis
