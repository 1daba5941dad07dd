#pragma once
// `deliverer bench` options as typed on the command line (BenchOptions) and as a run
// uses them once checked (Settings). Pure.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "loadgen/mix.h"
#include "loadgen/schedule.h"

namespace deliverer::loadgen {

struct BenchOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;  // discouraged: argv is visible to every user
  std::string api_key_env = "DELIVERER_API_KEY";
  uint32_t connections = 64;
  double rate = 0;                   // messages/s; 0 = flat out
  std::optional<double> duration_s;  // default 10 when neither this nor count
  std::optional<uint64_t> count;
  std::string mix = "gsm7:70,ucs2:10,multipart:20";
  uint32_t batch = 0;               // 0 = single POSTs
  std::string track = "delivered";  // delivered | none
  double drain_timeout_s = 30;
  double timeout_s = 10;  // per request
  std::string webhook_listen = "127.0.0.1:0";
  std::string webhook_secret_env;  // verify signatures with this secret
  bool json = false;
  bool spawn = false;
  bool keep_spawned = false;
  std::string sim_latency_ms;  // "MS" or "MIN-MAX"; "" = the simulator answers at once
  std::string spawn_postgres_url_env;  // variable holding a PostgreSQL URL for the spawned store
  std::string spawn_rabbitmq_url_env;  // with PostgreSQL: an AMQP URL, dispatch through RabbitMQ
  std::string spawn_redis_url_env;     // a Redis URL for the spawned processes' rate limits
  bool spawn_api = false;              // with a PostgreSQL store: producers go to a --role api process
};

inline constexpr double kDefaultDurationS = 10;
inline constexpr uint32_t kMaxBatch = 1000;  // docs/api.md: up to 1000 messages per batch

// host:port of an http:// URL (no path beyond "/", no TLS: the gateway's listener has none yet).
struct Target {
  std::string host;
  uint16_t port = 0;
  std::string HostPort() const;  // "127.0.0.1:8080", "[::1]:8080"
  std::string ToUrl() const;     // "http://" + HostPort()
};
Result<Target> ParseTarget(std::string_view url);
// "HOST:PORT" with PORT 0 … 65535 (0 = a free port).
Result<Target> ParseHostPort(std::string_view text);

// How long the spawned simulator waits before each submit_sm_resp: uniformly min … max ms
// (its submit.latency_ms and submit.latency_jitter_ms, docs/simulator.md).
struct SimLatency {
  uint32_t min_ms = 0;
  uint32_t max_ms = 0;
};
// "MS" or "MIN-MAX" with MIN <= MAX.
Result<SimLatency> ParseSimLatency(std::string_view text);

// What the spawned gateway runs on, beyond its defaults; each "" for none. URLs are secrets.
struct SpawnBackends {
  std::string postgres_url;  // "" = SQLite in the spawned folder
  std::string rabbitmq_url;  // needs postgres_url: [queue] backend = "rabbitmq"
  std::string redis_url;     // [redis] url
};

struct Settings {
  Target target;  // unused with spawn (the spawned gateway's address is used)
  bool spawn = false;
  bool keep_spawned = false;              // only with spawn
  std::optional<SimLatency> sim_latency;  // only with spawn
  SpawnBackends spawn_backends;           // only with spawn; secrets
  bool spawn_api = false;                 // only with spawn_backends.postgres_url
  uint32_t connections = 64;
  RunPlan plan;
  bool batch = false;
  Mix mix;
  bool track = true;
  std::chrono::milliseconds drain_timeout{30'000};
  std::chrono::milliseconds timeout{10'000};
  Target webhook_listen;
  std::string webhook_secret;  // "" = signatures not checked
  bool json = false;
};

// Checks every option and resolves the environment variables through `getenv` (a seam
// for tests). The API key is not part of Settings: it is resolved by ResolveApiKey.
// Errors: code "invalid_value" with the flag as field.
Result<Settings> MakeSettings(const BenchOptions& options,
                              const std::function<const char*(const char*)>& getenv);
// --api-key, else the variable --api-key-env names; error when neither gives a key.
Result<std::string> ResolveApiKey(const BenchOptions& options,
                                  const std::function<const char*(const char*)>& getenv);

}  // namespace deliverer::loadgen
