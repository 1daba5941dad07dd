// Readers for the single-table sections ([server] … [logging]).
#include "config/sections.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

#include "errors/dsn.h"
#include "errors/event.h"
#include "model/price.h"

namespace deliverer::config::internal {
namespace {

constexpr int64_t kMaxBytes = int64_t{1} << 30;  // 1 GiB: far above any sane limit
constexpr int64_t kMaxSeconds = 24 * 3600;
constexpr int64_t kMaxRetentionDays = 36500;

bool ParsePort(std::string_view text, uint16_t& port) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.size() > 5 || ec != std::errc() || ptr != end || value > 65535) {
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

bool IsIpv6(const std::string& text) {
  in6_addr address{};
  return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

void ReadListen(TableReader& reader, ServerConfig& out) {
  const toml::node* node = reader.Find("listen");
  if (node == nullptr) return;
  const std::optional<std::string> text = node->value_exact<std::string>();
  if (!text || !ParseListen(*text, out.listen_host, out.listen_port)) {
    reader.Fail(*node, "listen", "\"host:port\" with a port 0-65535 (IPv6 as \"[::1]:8080\")");
  }
}

// TLS needs both files; client certificates need TLS.
void CheckTls(TableReader& reader, const ServerConfig& server) {
  const toml::table& table = reader.table();
  if (server.tls_cert_file.empty() != server.tls_key_file.empty()) {
    const toml::node* given =
        table.get(server.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file");
    reader.AddError(*given, "tls_cert_file and tls_key_file must be given together");
  }
  if (!server.client_ca_file.empty() && server.tls_cert_file.empty()) {
    reader.AddError(*table.get("client_ca_file"),
                    "client_ca_file needs tls_cert_file and tls_key_file");
  }
}

// A backend that talks to a server needs its URL; `url_ok` is false when reading the URL
// already failed (and was reported).
void RequireUrl(TableReader& reader, const std::string& backend, std::string_view remote,
                const std::string& url, bool url_ok) {
  if (backend != remote || !url.empty() || !url_ok) return;
  reader.AddError(*reader.table().get("backend"),
                  fmt::format("backend = \"{}\" needs url (or url_file, url_env)", remote));
}

// A secret URL (url, url_file or url_env) of a form `config check` can vouch for; the
// message never repeats the URL.
void RequireScheme(TableReader& reader, const std::string& url, bool url_ok, std::string_view scheme,
                   std::string_view form) {
  if (!url_ok || url.empty() || url.starts_with(scheme)) return;
  const toml::node* given = reader.table().get("url");
  if (given == nullptr) given = reader.table().get("url_file");
  if (given == nullptr) given = reader.table().get("url_env");
  reader.AddError(*given, fmt::format("url must be {}", form));
}

}  // namespace

bool ParseListen(std::string_view text, std::string& host, uint16_t& port) {
  std::string parsed_host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const size_t close = text.find("]:");
    if (close == std::string_view::npos) return false;
    parsed_host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (!IsIpv6(parsed_host)) return false;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    parsed_host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (parsed_host.find(':') != std::string::npos) return false;  // IPv6 needs brackets
  }
  if (!ParsePort(port_text, port)) return false;
  host = std::move(parsed_host);
  return true;
}

void ReadServer(TableReader& reader, ServerConfig& out) {
  ReadListen(reader, out);
  reader.Int("threads", out.threads, 1, 256);
  reader.Int("max_body_bytes", out.max_body_bytes, 1, kMaxBytes);
  reader.Int("max_batch_body_bytes", out.max_batch_body_bytes, 1, kMaxBytes);
  reader.Int("max_header_bytes", out.max_header_bytes, 1, kMaxBytes);
  reader.Int("idle_timeout_s", out.idle_timeout_s, 1, kMaxSeconds);
  reader.Int("request_timeout_s", out.request_timeout_s, 1, kMaxSeconds);
  reader.Int("max_connections", out.max_connections, 1, 1'000'000);
  bool files_ok = reader.NonEmptyString("tls_cert_file", out.tls_cert_file);
  files_ok = reader.NonEmptyString("tls_key_file", out.tls_key_file) && files_ok;
  files_ok = reader.NonEmptyString("client_ca_file", out.client_ca_file) && files_ok;
  if (files_ok) CheckTls(reader, out);
}

void ReadSmppServer(TableReader& reader, SmppServerConfig& out) {
  if (const toml::node* node = reader.Find("listen")) {
    const std::optional<std::string> text = node->value_exact<std::string>();
    if (!text || !ParseListen(*text, out.listen_host, out.listen_port)) {
      reader.Fail(*node, "listen", "\"host:port\" with a port 0-65535 (IPv6 as \"[::1]:2776\")");
    } else {
      out.enabled = true;
    }
  }
  reader.Int("max_connections", out.max_connections, 1, 100'000);
  reader.Int("max_binds_per_system_id", out.max_binds_per_system_id, 1, 1'000);
  reader.Int("window", out.window, 1, 10'000);
  reader.Int("deliver_window", out.deliver_window, 1, 10'000);
  reader.Int("max_pending_parts", out.max_pending_parts, 1, 10'000'000);
  reader.Int("parts_timeout_s", out.parts_timeout_s, 1, kMaxSeconds);
  reader.Int("max_queued_deliveries", out.max_queued_deliveries, 1, 10'000'000);
  reader.Int("delivery_retention_h", out.delivery_retention_h, 1, 24 * 365);
  reader.Int("bind_timeout_s", out.bind_timeout_s, 1, 3600);
  reader.Int("idle_timeout_s", out.idle_timeout_s, 1, kMaxSeconds);
  const bool cert_ok = reader.NonEmptyString("tls_cert_file", out.tls_cert_file);
  const bool key_ok = reader.NonEmptyString("tls_key_file", out.tls_key_file);
  if (cert_ok && key_ok && out.tls_cert_file.empty() != out.tls_key_file.empty()) {
    const toml::node* given = reader.table().get(out.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file");
    reader.AddError(*given, "tls_cert_file and tls_key_file must be given together");
  }
}

void ReadStorage(TableReader& reader, StorageConfig& out) {
  const bool backend_ok = reader.OneOf("backend", out.backend, {"sqlite", "postgres"});
  reader.NonEmptyString("path", out.path);
  const bool url_ok = reader.Secret("url", out.url);
  reader.Int("max_batch", out.max_batch, 1, 100'000);
  reader.Int("min_commit_interval_ms", out.min_commit_interval_ms, 0, 1'000);
  if (backend_ok) RequireUrl(reader, out.backend, "postgres", out.url, url_ok);
}

void ReadQueue(TableReader& reader, QueueConfig& out) {
  const bool backend_ok = reader.OneOf("backend", out.backend, {"embedded", "rabbitmq"});
  const bool url_ok = reader.Secret("url", out.url);
  if (backend_ok) RequireUrl(reader, out.backend, "rabbitmq", out.url, url_ok);
  RequireScheme(reader, out.url, url_ok, "amqp://", "amqp://user:password@host[:port][/vhost] (TLS is not supported)");
  reader.Int("partitions", out.partitions, 1, 1024);
  reader.NonEmptyString("queue_prefix", out.queue_prefix);
  reader.Int("prefetch", out.prefetch, 1, 65535);
}

void ReadRedis(TableReader& reader, RedisConfig& out) {
  const bool url_ok = reader.Secret("url", out.url);
  RequireScheme(reader, out.url, url_ok, "redis://", "redis://[:password@]host[:port][/db] (TLS is not supported)");
  reader.Int("timeout_ms", out.timeout_ms, 1, 5000);
  reader.NonEmptyString("key_prefix", out.key_prefix);
}

void ReadSecurity(TableReader& reader, SecurityConfig& out) {
  reader.Bool("allow_private_callbacks", out.allow_private_callbacks);
  reader.NonEmptyString("encryption_key_file", out.encryption_key_file);
  reader.Int("body_retention_days", out.body_retention_days, 1, kMaxRetentionDays);
  reader.Int("message_retention_days", out.message_retention_days, 1, kMaxRetentionDays);
}

void ReadRateLimits(TableReader& reader, RateLimitConfig& out) {
  reader.Number("per_key_rps", out.per_key_rps, 0);
  reader.Number("per_key_burst", out.per_key_burst, 0);
  reader.Number("global_rps", out.global_rps, 0);
  reader.Number("global_burst", out.global_burst, 0);
  reader.Number("auth_failures_per_ip_rps", out.auth_failures_per_ip_rps, 0);
  reader.Number("auth_failures_per_ip_burst", out.auth_failures_per_ip_burst, 0);
}

void ReadDelivery(TableReader& reader, DeliveryConfig& out) {
  reader.Int("max_attempts", out.max_attempts, 1);
  const bool base_ok = reader.Int("backoff_base_ms", out.backoff_base_ms, 0);
  const bool cap_ok = reader.Int("backoff_cap_ms", out.backoff_cap_ms, 0);
  reader.Int("receipt_wait_s", out.receipt_wait_s, 0);
  reader.Int("queue_high_water", out.queue_high_water, 1);
  reader.Int("partitions", out.partitions, 1, 4096);
  reader.Int("workers", out.workers, 1, 256);
  reader.Int("drain_timeout_s", out.drain_timeout_s, 0, 3600);
  reader.Int("webhook_max_age_h", out.webhook_max_age_h, 1, 24 * 365);
  if (base_ok && cap_ok && out.backoff_cap_ms < out.backoff_base_ms) {
    const toml::node* cap = reader.table().get("backoff_cap_ms");
    reader.Fail(cap != nullptr ? *cap : *reader.table().get("backoff_base_ms"), "backoff_cap_ms",
                fmt::format("≥ backoff_base_ms ({})", out.backoff_base_ms));
  }
}

void ReadContent(TableReader& reader, ContentConfig& out) {
  reader.StringArray("disallowed", out.disallowed);
}

void ReadWebhooks(TableReader& reader, WebhooksConfig& out) {
  reader.Secret("signing_secret", out.signing_secret);
  reader.Secret("previous_signing_secret", out.previous_signing_secret);
  reader.Int("max_in_flight", out.max_in_flight, 1, 10'000);
  reader.Int("max_in_flight_per_account", out.max_in_flight_per_account, 1, 10'000);
  if (reader.String("ops_url", out.ops_url) && !out.ops_url.empty() && !out.ops_url.starts_with("http://") &&
      !out.ops_url.starts_with("https://")) {
    reader.Fail(*reader.table().get("ops_url"), "ops_url", "an http:// or https:// URL");
  }
}

void ReadCircuitBreaker(TableReader& reader, CircuitBreakerConfig& out) {
  reader.Bool("enabled", out.enabled);
  reader.Int("consecutive_failures", out.consecutive_failures, 1, 1'000'000);
  reader.Number("failure_ratio", out.failure_ratio, 0, 1, /*min_exclusive=*/true);
  reader.Int("window_s", out.window_s, 1, 3600);
  reader.Int("min_volume", out.min_volume, 1, 1'000'000);
  const bool open_ok = reader.Int("open_s", out.open_s, 1, 3600);
  const bool max_ok = reader.Int("max_open_s", out.max_open_s, 1, 86400);
  reader.Int("half_open_probes", out.half_open_probes, 1, 1000);
  if (open_ok && max_ok && out.max_open_s < out.open_s) {
    const toml::node* max = reader.table().get("max_open_s");
    reader.Fail(max != nullptr ? *max : *reader.table().get("open_s"), "max_open_s",
                fmt::format("≥ open_s ({})", out.open_s));
  }
}

void ReadLogging(TableReader& reader, LoggingConfig& out) {
  reader.OneOf("level", out.level, {"trace", "debug", "info", "warn", "error"});
  reader.OneOf("format", out.format, {"json", "text"});
}

void ReadBilling(TableReader& reader, BillingConfig& out) {
  const toml::node* node = reader.Find("currency");
  if (node == nullptr) return;
  const std::optional<std::string> code = node->value_exact<std::string>();
  if (!code || !model::IsCurrencyCode(*code)) {
    reader.Fail(*node, "currency", "three upper-case letters, an ISO 4217 code such as \"EUR\"");
    return;
  }
  out.currency = *code;
}

// The DSN is checked here, so that `config check` refuses one serve could not use; the
// message says what is wrong, never the DSN, which holds a key.
void ReadErrors(TableReader& reader, ErrorsConfig& out) {
  std::string dsn;
  if (reader.Secret("sentry_dsn", dsn) && !dsn.empty()) {
    if (auto parsed = errors::ParseDsn(dsn); parsed.ok()) {
      out.sentry_dsn = std::move(dsn);
    } else {
      const toml::table& table = reader.table();
      const toml::node* given = table.get("sentry_dsn");
      if (given == nullptr) given = table.get("sentry_dsn_file");
      if (given == nullptr) given = table.get("sentry_dsn_env");
      reader.Fail(*given, "sentry_dsn",
                  fmt::format("a Sentry DSN such as \"https://PUBLIC_KEY@o0.ingest.sentry.io/PROJECT_ID\", "
                              "but {}", parsed.error().detail));
    }
  }
  std::string environment;
  if (reader.String("environment", environment) && errors::TagValue(environment) != environment) {
    reader.Fail(*reader.table().get("environment"), "environment",
                "at most 64 letters, digits, '-', '_', '.' or '@'");
    return;
  }
  out.environment = std::move(environment);
}

}  // namespace deliverer::config::internal
