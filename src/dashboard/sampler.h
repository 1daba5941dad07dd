#pragma once
// The operator dashboard's live numbers (docs/operations.md "Dashboard"): once a second
// the sampler reads the metrics registry's counters and histograms (atomics, no SQL) into
// a ring of the last 900 samples (15 minutes), from which GET /v1/admin/dashboard answers.
// A dashboard poll therefore costs a copy of this ring, whatever the traffic.
//
// What it shows names no number and no body: counters by carrier, code and reason only.
//
// Threading: thread-safe. Start() runs Tick() once a second on a thread of its own;
// Stop() (also the destructor) joins it. Tests call Tick() themselves with a fake clock.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/periodic_thread.h"
#include "metrics/metrics.h"

namespace deliverer::dashboard {

class Sampler {
 public:
  static constexpr size_t kSamples = 900;      // 15 minutes at one a second
  static constexpr size_t kLatencyWindow = 300;  // percentiles over the last 5 minutes

  Sampler(const metrics::Registry& metrics, const Clock& clock);
  ~Sampler() { Stop(); }  // before the members Tick uses go
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void Start();
  void Stop() { thread_.Stop(); }
  // Takes one sample now.
  void Tick();

  // {"interval_s", "series": {"t": [unix ms], "accepted", "sent", "delivered", "failed",
  // "expired": [per second]}, "latency": {...}, "failures": [...], "carrier_errors": [...],
  // "webhooks": {...}, "delivery_ratio": {carrier: ratio}, "canaries": [{"flag", "halted",
  // "arms": {"canary"|"control": {"submits", "submit_error_ratio", "ended",
  // "delivery_ratio"}}}]}. The series holds the points after `since_ms` (0: all), so a
  // poller asks for what it lacks.
  nlohmann::json View(int64_t since_ms) const;

 private:
  struct Sample {
    int64_t at_ms = 0;
    double accepted = 0, sent = 0, delivered = 0, failed = 0, expired = 0;
    std::vector<uint64_t> submit_latency, delivery_latency;  // cumulative buckets
  };
  // (kind, carrier, code) → its count and when it last grew.
  struct CodeCount {
    double count = 0;
    int64_t last_seen_ms = 0;
  };
  using CodeKey = std::tuple<std::string, std::string, std::string>;

  Sample Read(int64_t now_ms, std::vector<double>* bounds) const;
  void NoteCodes(int64_t now_ms) REQUIRES(mutex_);
  nlohmann::json Series(int64_t since_ms) const REQUIRES(mutex_);
  nlohmann::json Latency() const REQUIRES(mutex_);
  nlohmann::json Codes(const std::string& kind, const char* code_name) const REQUIRES(mutex_);
  // The webhook backlog (queued in memory, being POSTed) and attempts by outcome.
  nlohmann::json Webhooks() const;
  nlohmann::json DeliveryRatio() const;
  // Each canary roll-out's arms since start, from deliverer_canary_outcomes_total, and
  // whether its guard halted it.
  nlohmann::json Canaries() const;

  const metrics::Registry& metrics_;
  const Clock& clock_;
  mutable common::Mutex mutex_;
  std::deque<Sample> samples_ GUARDED_BY(mutex_);
  std::vector<double> bounds_ GUARDED_BY(mutex_);  // the latency histograms'
  std::map<CodeKey, CodeCount> codes_ GUARDED_BY(mutex_);
  common::PeriodicThread thread_;
};

// The `q` quantile (0 < q < 1) of the observations between two cumulative bucket
// snapshots of one histogram (`older` may be empty: since the start), interpolated within
// its bucket; -1 when there are none. Past the last bound, the last bound.
double Quantile(const std::vector<double>& bounds, const std::vector<uint64_t>& newer,
                const std::vector<uint64_t>& older, double q);

}  // namespace deliverer::dashboard
