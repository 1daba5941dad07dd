#pragma once
// The figures of one `deliverer bench` run and their two renderings: a short table for
// people and one JSON object for scripts (docs/bench.md lists every field). Pure.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/histogram.h"

namespace deliverer::loadgen {

// Percentiles of a Histogram of microseconds, in milliseconds.
struct LatencySummary {
  uint64_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};
LatencySummary Summarize(const Histogram& micros);

// Counter deltas read from the gateway's own /metrics over the run (all traffic it saw,
// not only the bench's).
struct GatewayFigures {
  uint64_t accepted = 0;
  uint64_t delivered = 0;
  double delivered_per_s = 0;      // delivered over first send → when the counter stopped moving
  bool delivered_settled = false;  // the counter had stopped moving before the bench ended
};

struct ThreadCores {
  std::string name;  // the thread's name; threads sharing one are summed
  double cores = 0;
};

struct CpuFigures {
  double window_s = 0;                           // the sending window the figures cover
  double loadgen_cores = 0;                      // this process: CPU seconds / window_s
  std::optional<double> serve_cores, sim_cores;  // spawned processes only
  std::optional<double> api_cores;               // spawned --role api process (--spawn-api)
  std::optional<double> serve_peak_rss_mib;      // spawned serve: its peak (VmHWM) over the run
  std::vector<ThreadCores> serve_threads;        // spawned serve: per thread name, busiest first
};

struct Report {
  // What was asked.
  std::string url;
  uint32_t connections = 0;
  double rate = 0;        // 0 = flat out
  double duration_s = 0;  // 0 when the run was a count
  uint64_t count = 0;     // 0 when the run was a duration
  uint32_t batch = 0;     // 0 = single POSTs
  std::string mix;
  bool track = false;
  bool spawned = false;

  // Requests.
  uint64_t requests_sent = 0;
  uint64_t requests_answered = 0;
  uint64_t transport_errors = 0;  // connection refused/reset, malformed answer
  uint64_t timeouts = 0;
  std::map<int, uint64_t> http_statuses;

  // Messages.
  uint64_t messages_sent = 0;
  uint64_t accepted = 0;
  uint64_t unsent_behind_schedule = 0;       // open loop: due within the duration, never sent
  std::map<std::string, uint64_t> rejected;  // by problem code
  double send_window_s = 0;                  // first send → last answer
  double accepted_per_s = 0;

  // Delivery, from webhooks.
  uint64_t sent_events = 0;  // messages with a `sent` webhook
  uint64_t delivered = 0;
  uint64_t outstanding = 0;  // accepted without a terminal webhook when the bench stopped
  std::map<std::string, uint64_t> final_statuses;
  double delivery_window_s = 0;  // first accept → last delivery (its `at`)
  double delivered_per_s = 0;
  double drain_s = 0;
  bool drain_timed_out = false;
  uint64_t webhooks_received = 0;
  uint64_t webhooks_duplicate = 0;
  uint64_t webhooks_foreign = 0;  // not this run's (or unreadable)
  uint64_t webhooks_bad_signature = 0;
  bool signatures_checked = false;

  // Latencies.
  LatencySummary accept;               // scheduled send → 2xx answer, per request
  LatencySummary accept_to_sent;       // 2xx answer → the `sent` event's `at`, per message
  LatencySummary accept_to_delivered;  // 2xx answer → the `delivered` event's `at`
  LatencySummary webhook_lag;          // a terminal event's `at` → its webhook's arrival

  std::optional<GatewayFigures> gateway;
  CpuFigures cpu;
  // With --spawn: the spawned store's files (database, log, key ring) once serve stopped.
  std::optional<uint64_t> store_bytes;
};

std::string FormatText(const Report& report);
// One JSON object (pretty-printed, ending with a newline).
std::string FormatJson(const Report& report);

}  // namespace deliverer::loadgen
