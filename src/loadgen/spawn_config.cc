#include "loadgen/spawn_config.h"

#include <fmt/format.h>

#include <filesystem>

namespace deliverer::loadgen {
namespace {

std::string TomlString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool AddressChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
         c == ':' || c == '[' || c == ']' || c == '-';
}

}  // namespace

std::string SpawnConfigToml(const std::string& data_dir, uint16_t smpp_port,
                            const std::string& webhook_secret, const SpawnBackends& backends) {
  const std::string postgres = backends.postgres_url.empty()
                                   ? ""
                                   : "backend = \"postgres\"\nurl = " + TomlString(backends.postgres_url) + "\n";
  std::string extra;
  if (!backends.rabbitmq_url.empty()) {
    // Queues of the run's own, named after its folder, so runs never share one.
    const std::string run = std::filesystem::path(data_dir).parent_path().filename().string();
    extra += fmt::format("\n[queue]\nbackend = \"rabbitmq\"\nurl = {}\nqueue_prefix = {}\n",
                         TomlString(backends.rabbitmq_url), TomlString(run + ".dispatch."));
  }
  if (!backends.redis_url.empty()) {
    extra += fmt::format("\n[redis]\nurl = {}\nkey_prefix = {}\n", TomlString(backends.redis_url),
                         TomlString(std::filesystem::path(data_dir).parent_path().filename().string() + ":"));
  }
  // Off, or with Redis so high that every request is checked there and none refused.
  const std::string limits = backends.redis_url.empty()
                                 ? "per_key_rps = 0\nglobal_rps = 0"
                                 : "per_key_rps = 10000000\nper_key_burst = 10000000\n"
                                   "global_rps = 10000000\nglobal_burst = 10000000";
  return fmt::format(R"([server]
listen = "127.0.0.1:0"

[storage]
path = {}
{}
[security]
allow_private_callbacks = true

[rate_limits]
{}

[delivery]
queue_high_water = 100000000

[webhooks]
signing_secret = {}

[logging]
level = "info"
format = "text"

[[carriers]]
id = "bench-sim"
protocol = "smpp"
host = "127.0.0.1"
port = {}
system_id = "bench"
password = "bench"
binds = 2
window = 128

[[routes]]
match = "*"
policy = "failover"
carriers = ["bench-sim"]
{})",
                     TomlString(data_dir), postgres, limits, TomlString(webhook_secret), smpp_port, extra);
}

std::vector<std::string> SimArgs(const std::optional<SimLatency>& latency) {
  std::vector<std::string> args{"sim", "--smpp-port", "0", "--control-port", "0", "--log-format", "text"};
  if (latency) {
    args.push_back("--config-json");
    args.push_back(fmt::format(R"({{"submit":{{"latency_ms":{},"latency_jitter_ms":{}}}}})",
                               latency->min_ms, latency->max_ms - latency->min_ms));
  }
  return args;
}

std::optional<Target> FindLoggedAddress(std::string_view log, std::string_view marker) {
  const size_t at = log.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = log.substr(at + marker.size());
  size_t end = 0;
  while (end < rest.size() && AddressChar(rest[end])) ++end;
  if (end == rest.size()) return std::nullopt;  // the line may still be being written
  rest = rest.substr(0, end);
  while (!rest.empty() && (rest.back() == '.' || rest.back() == ':')) rest.remove_suffix(1);
  auto target = ParseHostPort(rest);
  if (!target.ok() || target->port == 0) return std::nullopt;
  return *target;
}

std::string LastLine(std::string_view output) {
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.remove_suffix(1);
  const size_t newline = output.rfind('\n');
  return std::string(newline == std::string_view::npos ? output : output.substr(newline + 1));
}

}  // namespace deliverer::loadgen
