#pragma once
// Deliverer's configuration: one TOML file (operations.md, "Configuration").
// Loading rejects unknown keys and bad values with "file:line:column: reason".
// Every section has defaults so the smallest config (even an empty file) works.
// Secrets may come from the file, from `<key>_file` (a path, relative to the working
// directory; its content less one trailing newline) or `<key>_env` (a variable); at most
// one of the three. Secrets: [storage] url, [queue] url, [webhooks] signing_secret and the
// carriers' password, token and dlr_token. Fields below hold the resolved values.
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace deliverer::config {

struct ServerConfig {
  // From `listen = "host:port"`; an IPv6 host is written "[::1]:8080" and stored bare.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;            // 0 = pick a free port (and log it)
  int threads = 1;                        // HTTP I/O threads, 1 … 256
  size_t max_body_bytes = 64 * 1024;      // single-message requests
  size_t max_batch_body_bytes = 8 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int idle_timeout_s = 60;                // keep-alive connection idle limit
  int request_timeout_s = 30;             // a whole request must arrive within this
  // TLS when cert and key are set (both or neither); client_ca_file needs them.
  std::string tls_cert_file, tls_key_file, client_ca_file;
};

struct StorageConfig {
  std::string backend = "sqlite";         // "sqlite" | "postgres"
  std::string path = "./deliverer-data";  // sqlite: folder holding the database
  std::string url;                        // postgres, required for it; a secret
  int max_batch = 1000;                   // rows per group commit at most
};

struct QueueConfig {
  std::string backend = "embedded";       // "embedded" | "rabbitmq"
  std::string url;                        // rabbitmq, required for it; a secret
};

struct SecurityConfig {
  bool allow_private_callbacks = false;
  std::string encryption_key_file;        // a path; the key ring is read by its user
  int body_retention_days = 30;           // 1 … 36500
  int message_retention_days = 365;       // 1 … 36500
};

struct RateLimitConfig {
  double per_key_rps = 1000;              // 0 = unlimited
  double per_key_burst = 2000;
  double global_rps = 0;                  // 0 = unlimited
  double global_burst = 0;                // 0 = same as global_rps
};

struct DeliveryConfig {
  int max_attempts = 5;                   // ≥ 1
  int backoff_base_ms = 500;              // ≥ 0
  int backoff_cap_ms = 60000;             // ≥ backoff_base_ms
  int receipt_wait_s = 0;                 // 0 = the message's TTL
  int64_t queue_high_water = 1'000'000;   // above it, POST answers 503 overloaded
};

struct ContentConfig {
  std::vector<std::string> disallowed;    // RE2 patterns
};

struct WebhooksConfig {
  std::string signing_secret;             // resolved from _file / _env when given so
};

struct LoggingConfig {
  std::string level = "info";             // trace | debug | info | warn | error
  std::string format = "json";            // json | text
};

struct CarrierConfig {
  std::string id;
  std::string protocol = "smpp";          // "smpp" | "http"
  std::string host = "127.0.0.1";
  uint16_t port = 2775;
  std::string system_id;
  std::string password;                   // resolved from password_file / password_env
  int binds = 1;                          // 1 … 64
  int window = 64;                        // 1 … 1024
  double tps = 0;                         // 0 = unlimited
  std::vector<std::string> countries = {"*"};  // "*" or ISO regions, upper-cased
  double price_per_segment = 0;
  bool enabled = true;
  std::string url;                        // http carriers
  std::string token;                      // resolved from token / token_file / token_env
  std::string dlr_token;                  // resolved from dlr_token / _file / _env
  std::vector<std::string> dlr_allow;     // CIDRs; a bare address is stored as /32 or /128
  // When the credentials were issued (TOML date `credentials_created = 2026-01-31`), as
  // Unix seconds at 00:00 UTC; 0 = unknown. Lets /readyz and a metric report aging ones.
  int64_t credentials_created_unix = 0;
};

struct RouteConfig {
  std::string match = "*";                // "*", an ISO region, or a prefix "+4477"; unique
  std::string policy = "failover";        // priority | failover | weighted | least_cost
  std::vector<std::string> carriers;      // non-empty, known ids, no repeats
  std::vector<int> weights;               // one per carrier iff policy = weighted, else empty
};

struct Config {
  std::string source;                     // the file it came from, "" for defaults
  ServerConfig server;
  StorageConfig storage;
  QueueConfig queue;
  SecurityConfig security;
  RateLimitConfig rate_limits;
  DeliveryConfig delivery;
  ContentConfig content;
  WebhooksConfig webhooks;
  LoggingConfig logging;
  std::vector<CarrierConfig> carriers;
  std::vector<RouteConfig> routes;
};

// Reads and validates a TOML file. Errors have code "invalid_config" and a detail of the
// form "deliverer.toml:12:3: unknown key 'listne' in [server]": every problem found, one a
// line, sorted by position (a syntax error stops parsing, so it is alone). Details name
// keys, paths and variables, never a secret's value. Reads `*_env` variables with getenv:
// do not load while another thread calls setenv.
Result<Config> LoadFile(const std::string& path);
// Same, from text (`source_name` is used in error messages).
Result<Config> LoadString(std::string_view toml, const std::string& source_name);

// A human-readable dump of the resolved configuration with secrets redacted, for
// `deliverer config check`.
std::string Describe(const Config& config);

}  // namespace deliverer::config
