// Describe(): the resolved configuration as TOML-like text for `deliverer config check`.
// Secrets print as (set) or (unset), never their value.
#include <fmt/format.h>

#include <chrono>

#include "config/config.h"

namespace deliverer::config {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", " : "") + Quote(item);
  return out + "]";
}

std::string List(const std::vector<int>& items) {
  return fmt::format("[{}]", fmt::join(items, ", "));
}

std::string SecretState(const std::string& secret) { return secret.empty() ? "(unset)" : "(set)"; }

std::string Bool(bool value) { return value ? "true" : "false"; }

std::string Listen(const ServerConfig& server) {
  const bool v6 = server.listen_host.find(':') != std::string::npos;
  return v6 ? fmt::format("[{}]:{}", server.listen_host, server.listen_port)
            : fmt::format("{}:{}", server.listen_host, server.listen_port);
}

std::string Date(int64_t unix_seconds) {
  if (unix_seconds == 0) return "(unknown)";
  const std::chrono::sys_days day{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{unix_seconds}}.time_since_epoch())};
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

void Line(std::string& out, std::string_view key, std::string_view value) {
  out += fmt::format("{} = {}\n", key, value);
}

void DescribeServer(const ServerConfig& s, std::string& out) {
  out += "[server]\n";
  Line(out, "listen", Quote(Listen(s)));
  Line(out, "threads", fmt::format("{}", s.threads));
  Line(out, "max_body_bytes", fmt::format("{}", s.max_body_bytes));
  Line(out, "max_batch_body_bytes", fmt::format("{}", s.max_batch_body_bytes));
  Line(out, "max_header_bytes", fmt::format("{}", s.max_header_bytes));
  Line(out, "idle_timeout_s", fmt::format("{}", s.idle_timeout_s));
  Line(out, "request_timeout_s", fmt::format("{}", s.request_timeout_s));
  Line(out, "max_connections", fmt::format("{}", s.max_connections));
  Line(out, "tls_cert_file", Quote(s.tls_cert_file));
  Line(out, "tls_key_file", Quote(s.tls_key_file));
  Line(out, "client_ca_file", Quote(s.client_ca_file));
}

void DescribeBackends(const Config& c, std::string& out) {
  out += "\n[storage]\n";
  Line(out, "backend", Quote(c.storage.backend));
  Line(out, "path", Quote(c.storage.path));
  Line(out, "url", SecretState(c.storage.url));
  Line(out, "max_batch", fmt::format("{}", c.storage.max_batch));
  Line(out, "min_commit_interval_ms", fmt::format("{}", c.storage.min_commit_interval_ms));
  out += "\n[queue]\n";
  Line(out, "backend", Quote(c.queue.backend));
  Line(out, "url", SecretState(c.queue.url));
  Line(out, "partitions", fmt::format("{}", c.queue.partitions));
  Line(out, "queue_prefix", Quote(c.queue.queue_prefix));
  Line(out, "prefetch", fmt::format("{}", c.queue.prefetch));
  out += "\n[redis]\n";
  Line(out, "url", SecretState(c.redis.url));
  Line(out, "timeout_ms", fmt::format("{}", c.redis.timeout_ms));
  Line(out, "key_prefix", Quote(c.redis.key_prefix));
}

void DescribeSecurity(const Config& c, std::string& out) {
  out += "\n[security]\n";
  Line(out, "allow_private_callbacks", Bool(c.security.allow_private_callbacks));
  Line(out, "encryption_key_file", Quote(c.security.encryption_key_file));
  Line(out, "body_retention_days", fmt::format("{}", c.security.body_retention_days));
  Line(out, "message_retention_days", fmt::format("{}", c.security.message_retention_days));
  out += "\n[rate_limits]\n";
  Line(out, "per_key_rps", fmt::format("{}", c.rate_limits.per_key_rps));
  Line(out, "per_key_burst", fmt::format("{}", c.rate_limits.per_key_burst));
  Line(out, "global_rps", fmt::format("{}", c.rate_limits.global_rps));
  Line(out, "global_burst", fmt::format("{}", c.rate_limits.global_burst));
  Line(out, "auth_failures_per_ip_rps", fmt::format("{}", c.rate_limits.auth_failures_per_ip_rps));
  Line(out, "auth_failures_per_ip_burst", fmt::format("{}", c.rate_limits.auth_failures_per_ip_burst));
}

void DescribeReplies(const ComplianceReplies& r, std::string& out) {
  if (r.opt_out_reply) Line(out, "opt_out_reply", Quote(*r.opt_out_reply));
  if (r.opt_in_reply) Line(out, "opt_in_reply", Quote(*r.opt_in_reply));
  if (r.help_reply) Line(out, "help_reply", Quote(*r.help_reply));
}

void DescribeCompliance(const ComplianceConfig& c, std::string& out) {
  out += "\n[compliance]\n";
  Line(out, "opt_out_keywords", List(c.opt_out_keywords));
  DescribeReplies(c.replies, out);
  for (const auto& [account, replies] : c.accounts) {
    out += fmt::format("\n[compliance.accounts.{}]\n", Quote(account));
    DescribeReplies(replies, out);
  }
}

void DescribeAccounts(const std::map<std::string, AccountConfig>& accounts, std::string& out) {
  for (const auto& [account, settings] : accounts) {
    out += fmt::format("\n[accounts.{}]\n", Quote(account));
    Line(out, "smart_encoding", Bool(settings.smart_encoding));
  }
}

void DescribeDelivery(const Config& c, std::string& out) {
  out += "\n[delivery]\n";
  Line(out, "max_attempts", fmt::format("{}", c.delivery.max_attempts));
  Line(out, "backoff_base_ms", fmt::format("{}", c.delivery.backoff_base_ms));
  Line(out, "backoff_cap_ms", fmt::format("{}", c.delivery.backoff_cap_ms));
  Line(out, "receipt_wait_s", fmt::format("{}", c.delivery.receipt_wait_s));
  Line(out, "queue_high_water", fmt::format("{}", c.delivery.queue_high_water));
  Line(out, "partitions", fmt::format("{}", c.delivery.partitions));
  Line(out, "workers", fmt::format("{}", c.delivery.workers));
  Line(out, "drain_timeout_s", fmt::format("{}", c.delivery.drain_timeout_s));
  Line(out, "webhook_max_age_h", fmt::format("{}", c.delivery.webhook_max_age_h));
  out += "\n[content]\n";
  Line(out, "disallowed", List(c.content.disallowed));
  out += "\n[webhooks]\n";
  Line(out, "signing_secret", SecretState(c.webhooks.signing_secret));
  Line(out, "previous_signing_secret", SecretState(c.webhooks.previous_signing_secret));
  Line(out, "max_in_flight", fmt::format("{}", c.webhooks.max_in_flight));
  Line(out, "max_in_flight_per_account", fmt::format("{}", c.webhooks.max_in_flight_per_account));
  DescribeCompliance(c.compliance, out);
  DescribeAccounts(c.accounts, out);
  out += "\n[logging]\n";
  Line(out, "level", Quote(c.logging.level));
  Line(out, "format", Quote(c.logging.format));
}

void DescribeBreakerKeys(const CircuitBreakerConfig& b, std::string& out) {
  Line(out, "enabled", Bool(b.enabled));
  Line(out, "consecutive_failures", fmt::format("{}", b.consecutive_failures));
  Line(out, "failure_ratio", fmt::format("{}", b.failure_ratio));
  Line(out, "window_s", fmt::format("{}", b.window_s));
  Line(out, "min_volume", fmt::format("{}", b.min_volume));
  Line(out, "open_s", fmt::format("{}", b.open_s));
  Line(out, "max_open_s", fmt::format("{}", b.max_open_s));
  Line(out, "half_open_probes", fmt::format("{}", b.half_open_probes));
}

std::string_view FailureName(FailureClass failure) {
  return failure == FailureClass::kPermanent ? "permanent" : "transient";
}

std::string StatusOverrides(const std::vector<StatusOverride>& overrides) {
  std::string out = "{";
  for (const StatusOverride& o : overrides) {
    out += fmt::format("{} \"0x{:08X}\" = \"{}\"", out.size() > 1 ? "," : "", o.command_status,
                       FailureName(o.failure));
  }
  return out + (out.size() > 1 ? " }" : "}");
}

std::string SourceTable(const SourceAddressing& s, uint8_t TonNpi::*field) {
  return fmt::format("{{ alphanumeric = {}, e164 = {}, short_code = {} }}", s.alphanumeric.*field,
                     s.e164.*field, s.short_code.*field);
}

// The keys only SMPP carriers take (http ones reject them).
void DescribeCarrierSmpp(const CarrierConfig& c, std::string& out) {
  Line(out, "bind_mode", Quote(c.bind_mode));
  Line(out, "system_type", Quote(c.system_type));
  Line(out, "tls", Bool(c.tls));
  Line(out, "enquire_link_s", fmt::format("{}", c.enquire_link_s));
  Line(out, "reconnect_min_ms", fmt::format("{}", c.reconnect_min_ms));
  Line(out, "reconnect_max_ms", fmt::format("{}", c.reconnect_max_ms));
  Line(out, "max_pdu_bytes", fmt::format("{}", c.max_pdu_bytes));
  Line(out, "source_ton", SourceTable(c.source, &TonNpi::ton));
  Line(out, "source_npi", SourceTable(c.source, &TonNpi::npi));
  Line(out, "dest_ton", fmt::format("{}", c.dest.ton));
  Line(out, "dest_npi", fmt::format("{}", c.dest.npi));
  Line(out, "status_overrides", StatusOverrides(c.status_overrides));
  Line(out, "unknown_status", Quote(FailureName(c.unknown_status)));
  Line(out, "data_coding_gsm7", fmt::format("{}", c.data_coding_gsm7));
}

// The keys only http carriers take (smpp ones reject them).
void DescribeCarrierHttp(const CarrierConfig& c, std::string& out) {
  const HttpCarrierConfig& h = c.http;
  Line(out, "format", Quote(h.format));
  Line(out, "auth_header", Quote(h.auth_header));
  Line(out, "auth_scheme", Quote(h.auth_scheme));
  const HttpFieldNames& f = h.fields;
  Line(out, "fields",
       fmt::format("{{ from = {}, to = {}, text = {}, reference = {}, receipt = {}, validity_s = {} }}",
                   Quote(f.from), Quote(f.to), Quote(f.text), Quote(f.reference), Quote(f.receipt),
                   Quote(f.validity_s)));
  Line(out, "id_field", Quote(h.id_field));
  Line(out, "error_field", Quote(h.error_field));
  Line(out, "permanent_statuses", List(h.permanent_statuses));
  Line(out, "connections", fmt::format("{}", h.connections));
  Line(out, "allow_private", Bool(h.allow_private));
}

std::string InlineBreaker(const CircuitBreakerConfig& b) {
  return fmt::format(
      "{{ enabled = {}, consecutive_failures = {}, failure_ratio = {}, window_s = {}, "
      "min_volume = {}, open_s = {}, max_open_s = {}, half_open_probes = {} }}",
      Bool(b.enabled), b.consecutive_failures, b.failure_ratio, b.window_s, b.min_volume, b.open_s,
      b.max_open_s, b.half_open_probes);
}

void DescribeCarrier(const CarrierConfig& c, std::string& out) {
  out += "\n[[carriers]]\n";
  Line(out, "id", Quote(c.id));
  Line(out, "protocol", Quote(c.protocol));
  Line(out, "enabled", Bool(c.enabled));
  Line(out, "host", Quote(c.host));
  Line(out, "port", fmt::format("{}", c.port));
  Line(out, "system_id", Quote(c.system_id));
  Line(out, "password", SecretState(c.password));
  Line(out, "binds", fmt::format("{}", c.binds));
  Line(out, "window", fmt::format("{}", c.window));
  Line(out, "tps", fmt::format("{}", c.tps));
  Line(out, "countries", List(c.countries));
  Line(out, "price_per_segment", fmt::format("{}", c.price_per_segment));
  Line(out, "url", Quote(c.url));
  Line(out, "token", SecretState(c.token));
  Line(out, "dlr_token", SecretState(c.dlr_token));
  Line(out, "dlr_allow", List(c.dlr_allow));
  Line(out, "dlr_cert_name", Quote(c.dlr_cert_name));
  Line(out, "credentials_created", Date(c.credentials_created_unix));
  Line(out, "tls_verify", Bool(c.tls_verify));
  Line(out, "tls_ca_file", Quote(c.tls_ca_file));
  Line(out, "receipt_id_match", Quote(c.receipt_id_match));
  Line(out, "response_timeout_s", fmt::format("{}", c.response_timeout_s));
  if (c.protocol == "smpp") DescribeCarrierSmpp(c, out);
  if (c.protocol == "http") DescribeCarrierHttp(c, out);
  Line(out, "circuit_breaker", InlineBreaker(c.circuit_breaker));
}

void DescribeRoute(const RouteConfig& r, std::string& out) {
  out += "\n[[routes]]\n";
  Line(out, "match", Quote(r.match));
  Line(out, "policy", Quote(r.policy));
  Line(out, "carriers", List(r.carriers));
  Line(out, "weights", List(r.weights));
  if (!r.canary) return;
  const CanaryConfig& k = *r.canary;
  const CanaryGuardConfig& g = k.guard;
  Line(out, "canary",
       fmt::format("{{ flag = {}, percent = {}, policy = {}, carriers = {}, "
                   "weights = {}, guard = {{ enabled = {}, min_samples = {}, "
                   "max_submit_error_margin = {}, max_delivery_ratio_drop = {}, "
                   "max_receipt_latency_ratio = {}, window_s = {} }} }}",
                   Quote(k.flag), k.percent, Quote(k.policy), List(k.carriers), List(k.weights),
                   Bool(g.enabled), g.min_samples, g.max_submit_error_margin,
                   g.max_delivery_ratio_drop, g.max_receipt_latency_ratio, g.window_s));
}

void DescribeNumber(const NumberConfig& n, std::string& out) {
  out += "\n[[numbers]]\n";
  Line(out, "number", Quote(n.number));
  Line(out, "account", Quote(n.account));
  Line(out, "inbound_url", Quote(n.inbound_url));
}

}  // namespace

std::string Describe(const Config& config) {
  std::string out = fmt::format("# resolved from {}; secrets show as (set) or (unset)\n",
                                config.source.empty() ? "defaults" : config.source);
  DescribeServer(config.server, out);
  DescribeBackends(config, out);
  DescribeSecurity(config, out);
  DescribeDelivery(config, out);
  out += "\n[circuit_breaker]\n";
  DescribeBreakerKeys(config.circuit_breaker, out);
  out += "\n[billing]\n";
  Line(out, "currency", Quote(config.billing.currency));
  out += "\n[smpp_server]\n";
  if (!config.smpp_server.enabled) {
    out += "# off (no listen)\n";
  } else {
    const SmppServerConfig& smpp = config.smpp_server;
    Line(out, "listen", Quote(smpp.listen_host + ":" + std::to_string(smpp.listen_port)));
    Line(out, "tls", smpp.tls_cert_file.empty() ? "off" : "on");
    Line(out, "max_connections", std::to_string(smpp.max_connections));
    Line(out, "max_binds_per_system_id", std::to_string(smpp.max_binds_per_system_id));
    Line(out, "window", std::to_string(smpp.window));
    Line(out, "deliver_window", std::to_string(smpp.deliver_window));
    Line(out, "max_pending_parts", std::to_string(smpp.max_pending_parts));
    Line(out, "parts_timeout_s", std::to_string(smpp.parts_timeout_s));
    Line(out, "max_queued_deliveries", std::to_string(smpp.max_queued_deliveries));
    Line(out, "delivery_retention_h", std::to_string(smpp.delivery_retention_h));
  }
  out += "\n[errors]\n";
  Line(out, "sentry_dsn", SecretState(config.errors.sentry_dsn));
  Line(out, "environment", Quote(config.errors.environment));
  if (config.carriers.empty()) out += "\n# no [[carriers]]\n";
  for (const CarrierConfig& carrier : config.carriers) DescribeCarrier(carrier, out);
  if (config.routes.empty()) out += "\n# no [[routes]]\n";
  for (const RouteConfig& route : config.routes) DescribeRoute(route, out);
  for (const NumberConfig& number : config.numbers) DescribeNumber(number, out);
  return out;
}

}  // namespace deliverer::config
