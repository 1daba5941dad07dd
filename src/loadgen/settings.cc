#include "loadgen/settings.h"

#include <charconv>
#include <cmath>

namespace deliverer::loadgen {
namespace {

Error Invalid(std::string field, std::string detail) {
  return Error::Of("invalid_value", std::move(detail), std::move(field));
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

Status CheckNumbers(const BenchOptions& o) {
  if (o.connections < 1 || o.connections > 10'000) {
    return Invalid("connections", "--connections takes 1 … 10000");
  }
  if (!std::isfinite(o.rate) || o.rate < 0)
    return Invalid("rate", "--rate takes a number >= 0 (0: flat out)");
  if (o.duration_s && o.count) return Invalid("duration", "give --duration or --count, not both");
  if (o.duration_s && (!std::isfinite(*o.duration_s) || *o.duration_s <= 0)) {
    return Invalid("duration", "--duration takes seconds > 0");
  }
  if (o.count && *o.count == 0) return Invalid("count", "--count takes a number > 0");
  if (o.batch > kMaxBatch) return Invalid("batch", "--batch takes 0 (single POSTs) … 1000");
  if (!std::isfinite(o.drain_timeout_s) || o.drain_timeout_s < 0) {
    return Invalid("drain-timeout", "--drain-timeout takes seconds >= 0");
  }
  if (!std::isfinite(o.timeout_s) || o.timeout_s <= 0)
    return Invalid("timeout", "--timeout takes seconds > 0");
  return Status::Ok();
}

RunPlan PlanOf(const BenchOptions& o) {
  RunPlan plan;
  plan.rate = o.rate;
  plan.per_request = o.batch == 0 ? 1 : o.batch;
  if (o.count) {
    plan.count = *o.count;
  } else {
    plan.duration = std::chrono::duration_cast<Nanos>(
        std::chrono::duration<double>(o.duration_s.value_or(kDefaultDurationS)));
  }
  return plan;
}

}  // namespace

std::string Target::HostPort() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Target::ToUrl() const { return "http://" + HostPort(); }

Result<Target> ParseHostPort(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Invalid("address", "expected HOST:PORT, got '" + std::string(text) + "'");
  }
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view digits = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port > 65535) {
    return Invalid("address", "expected a port 0 … 65535 in '" + std::string(text) + "'");
  }
  return Target{std::string(host), static_cast<uint16_t>(port)};
}

Result<SimLatency> ParseSimLatency(std::string_view text) {
  auto millis = [](std::string_view digits) -> std::optional<uint32_t> {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
  };
  const size_t dash = text.find('-');
  const auto min = millis(text.substr(0, dash));
  const auto max = dash == std::string_view::npos ? min : millis(text.substr(dash + 1));
  if (!min || !max || *max < *min) {
    return Invalid("sim-latency-ms", "--sim-latency-ms takes MS or MIN-MAX (milliseconds, MIN <= MAX)");
  }
  return SimLatency{*min, *max};
}

Result<Target> ParseTarget(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Invalid("url", "--url takes http://HOST:PORT (the gateway's listener has no TLS)");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    return Invalid("url", "--url takes http://HOST:PORT without a path");
  }
  auto target = ParseHostPort(rest);
  if (!target.ok() || target->port == 0)
    return Invalid("url", "--url takes http://HOST:PORT with a port");
  return target;
}

Result<Settings> MakeSettings(const BenchOptions& o,
                              const std::function<const char*(const char*)>& getenv) {
  if (Status s = CheckNumbers(o); !s.ok()) return s.error();
  Settings settings;
  settings.spawn = o.spawn;
  if (o.keep_spawned && !o.spawn) return Invalid("keep", "--keep keeps the folder --spawn creates");
  settings.keep_spawned = o.keep_spawned;
  if (!o.sim_latency_ms.empty()) {
    if (!o.spawn) return Invalid("sim-latency-ms", "--sim-latency-ms configures the simulator --spawn starts");
    auto latency = ParseSimLatency(o.sim_latency_ms);
    if (!latency.ok()) return latency.error();
    settings.sim_latency = *latency;
  }
  // A URL from the environment variable `variable` names, for --`flag`; never the URL in an error.
  auto url_from = [&](const std::string& flag, const std::string& variable, std::string& out) -> Status {
    if (variable.empty()) return Status::Ok();
    if (!o.spawn) return Invalid(flag, "--" + flag + " configures what --spawn starts");
    const char* url = getenv(variable.c_str());
    if (url == nullptr || *url == '\0') return Invalid(flag, "--" + flag + " names " + variable + ", which is not set");
    out = url;
    return Status::Ok();
  };
  if (Status s = url_from("spawn-postgres-url-env", o.spawn_postgres_url_env, settings.spawn_backends.postgres_url);
      !s.ok()) {
    return s.error();
  }
  if (Status s = url_from("spawn-rabbitmq-url-env", o.spawn_rabbitmq_url_env, settings.spawn_backends.rabbitmq_url);
      !s.ok()) {
    return s.error();
  }
  if (Status s = url_from("spawn-redis-url-env", o.spawn_redis_url_env, settings.spawn_backends.redis_url); !s.ok()) {
    return s.error();
  }
  if (!settings.spawn_backends.rabbitmq_url.empty() && settings.spawn_backends.postgres_url.empty()) {
    return Invalid("spawn-rabbitmq-url-env", "--spawn-rabbitmq-url-env needs --spawn-postgres-url-env");
  }
  if (o.spawn_api && settings.spawn_backends.postgres_url.empty()) {
    return Invalid("spawn-api", "--spawn-api needs --spawn-postgres-url-env: processes share a PostgreSQL store");
  }
  settings.spawn_api = o.spawn_api;
  if (!o.spawn) {
    auto target = ParseTarget(o.url);
    if (!target.ok()) return target.error();
    settings.target = std::move(*target);
  }
  auto mix = ParseMix(o.mix);
  if (!mix.ok()) return mix.error();
  if (o.track != "delivered" && o.track != "none") {
    return Invalid("track", "--track takes delivered or none");
  }
  auto listen = ParseHostPort(o.webhook_listen);
  if (!listen.ok()) return Invalid("webhook-listen", "--webhook-listen takes HOST:PORT");
  if (!o.webhook_secret_env.empty()) {
    const char* secret = getenv(o.webhook_secret_env.c_str());
    if (secret == nullptr || *secret == '\0') {
      return Invalid("webhook-secret-env",
                     "--webhook-secret-env names " + o.webhook_secret_env + ", which is not set");
    }
    settings.webhook_secret = secret;
  }
  settings.connections = o.connections;
  settings.plan = PlanOf(o);
  settings.batch = o.batch > 0;
  settings.mix = *mix;
  settings.track = o.track == "delivered";
  settings.drain_timeout = Millis(o.drain_timeout_s);
  settings.timeout = Millis(o.timeout_s);
  settings.webhook_listen = std::move(*listen);
  settings.json = o.json;
  return settings;
}

Result<std::string> ResolveApiKey(const BenchOptions& o,
                                  const std::function<const char*(const char*)>& getenv) {
  if (!o.api_key.empty()) return o.api_key;
  const char* key = o.api_key_env.empty() ? nullptr : getenv(o.api_key_env.c_str());
  if (key == nullptr || *key == '\0') {
    return Invalid("api-key-env",
                   "no API key: set " + o.api_key_env +
                       " (or name another variable with --api-key-env), or use --spawn");
  }
  return std::string(key);
}

}  // namespace deliverer::loadgen
