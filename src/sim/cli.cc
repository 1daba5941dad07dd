#include "sim/cli.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <csignal>
#include <iostream>

#include "common/log.h"
#include "sim/simulator.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

std::optional<uint32_t> ParseMillis(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<Json> DelayPatch(const std::string& text) {
  const size_t dash = text.find('-');
  auto min = ParseMillis(std::string_view(text).substr(0, dash));
  auto max = dash == std::string::npos ? min : ParseMillis(std::string_view(text).substr(dash + 1));
  if (!min || !max) {
    return Error::Of("invalid_value", "--receipt-delay-ms takes MS or MIN-MAX", "receipt-delay-ms");
  }
  return Json{{"delay_ms_min", *min}, {"delay_ms_max", *max}};
}

// The shorthand flags as one JSON patch.
Result<Json> FlagsPatch(const SimCliOptions& o) {
  Json patch = Json::object();
  if (o.system_id) patch["auth"]["system_id"] = *o.system_id;
  if (o.password) patch["auth"]["password"] = *o.password;
  if (o.transient_rate) patch["submit"]["transient_rate"] = *o.transient_rate;
  if (o.permanent_rate) patch["submit"]["permanent_rate"] = *o.permanent_rate;
  if (o.max_tps) patch["submit"]["max_tps"] = *o.max_tps;
  if (o.latency_ms) patch["submit"]["latency_ms"] = *o.latency_ms;
  if (o.receipt_delay_ms) {
    auto delay = DelayPatch(*o.receipt_delay_ms);
    if (!delay.ok()) return delay.error();
    patch["receipts"].update(*delay);
  }
  if (o.no_receipts) patch["receipts"]["enabled"] = false;
  if (o.disconnect_every_s) patch["faults"]["disconnect_every_s"] = *o.disconnect_every_s;
  if (o.disconnect_after_pdus) patch["faults"]["disconnect_after_pdus"] = *o.disconnect_after_pdus;
  if (o.refuse_binds) patch["faults"]["refuse_binds"] = true;
  if (o.black_hole) patch["faults"]["black_hole"] = true;
  if (o.http_token) patch["http"]["token"] = *o.http_token;
  if (o.dlr_url) patch["http"]["dlr_url"] = *o.dlr_url;
  if (o.dlr_token) patch["http"]["dlr_token"] = *o.dlr_token;
  if (o.inbound_url) patch["http"]["inbound_url"] = *o.inbound_url;
  return patch;
}

bool InitLogging(const SimCliOptions& o) {
  log::Level level;
  if (!log::ParseLevel(o.log_level, &level) || (o.log_format != "text" && o.log_format != "json")) {
    std::cerr << "--log-level takes trace|debug|info|warn|error and --log-format text|json\n";
    return false;
  }
  log::Init(level, o.log_format == "json" ? log::Format::kJson : log::Format::kText);
  return true;
}

}  // namespace

Result<SimConfig> ConfigFromOptions(const SimCliOptions& o) {
  SimConfig config;
  if (!o.config_json.empty()) {
    const Json parsed = Json::parse(o.config_json, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      return Error::Of("invalid_json", "--config-json is not valid JSON", "config-json");
    }
    auto merged = MergeConfig(config, parsed);
    if (!merged.ok()) return merged.error();
    config = *merged;
  }
  auto flags = FlagsPatch(o);
  if (!flags.ok()) return flags.error();
  return MergeConfig(config, *flags);
}

int RunSim(const SimCliOptions& o) {
  if (!InitLogging(o)) return kSimExitUsage;
  auto config = ConfigFromOptions(o);
  if (!config.ok()) {
    std::cerr << config.error().detail << "\n";
    return kSimExitUsage;
  }
  boost::asio::io_context io(1);
  SimOptions options;
  options.host = o.host;
  options.smpp_port = o.smpp_port;
  options.control_port = o.control_port;
  options.http_port = o.http_port;
  options.record_path = o.record_path;
  options.smpp_tls_cert_file = o.smpp_tls_cert_file;
  options.smpp_tls_key_file = o.smpp_tls_key_file;
  options.seed = o.seed;
  options.config = std::move(*config);
  Simulator simulator(io, std::move(options));
  auto ports = simulator.Start();
  if (!ports.ok()) {
    log::Error("sim", "{}", ports.error().detail);
    return ports.error().code == "invalid_config" ? kSimExitUsage : kSimExitFailure;
  }
  log::Info("sim", "smpp on {}:{}", o.host, ports->smpp);
  // Before "control on": a test that has read the control port finds this line too.
  if (o.http_port) log::Info("sim", "http on {}:{}", o.host, ports->http);
  log::Info("sim", "control on {}:{}", o.host, ports->control);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::Info("sim", "signal {} received: stopping", signal);
    simulator.Stop();
  });
  // One thread: the simulator's contract (simulator.h).
  io.run();
  log::Info("sim", "stopped");
  return kSimExitOk;
}

}  // namespace deliverer::sim
