#pragma once
// `deliverer sim`: the carrier simulator as a process (docs/operations.md "One binary",
// docs/simulator.md). main.cc parses the flags into SimCliOptions; RunSim runs until
// SIGINT or SIGTERM and returns the process exit code.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "sim/config.h"

namespace deliverer::sim {

inline constexpr int kSimExitOk = 0;
inline constexpr int kSimExitFailure = 1;  // cannot listen, cannot open the record
inline constexpr int kSimExitUsage = 2;    // bad flags or config

struct SimCliOptions {
  std::string host = "127.0.0.1";
  uint16_t smpp_port = 2775;    // 0: a free port
  uint16_t control_port = 2776; // 0: a free port
  std::optional<uint16_t> http_port;  // the HTTP carrier; 0: a free port; none: no listener
  std::string record_path;
  std::string smpp_tls_cert_file, smpp_tls_key_file;  // both: SMPP over TLS
  uint64_t seed = 0;
  std::string config_json;  // a partial SimConfig, merged onto the defaults
  std::string log_format = "text";
  std::string log_level = "info";

  // Shorthands for common settings, applied after config_json.
  std::optional<std::string> system_id;
  std::optional<std::string> password;
  std::optional<double> transient_rate;
  std::optional<double> permanent_rate;
  std::optional<double> max_tps;
  std::optional<uint32_t> latency_ms;
  std::optional<std::string> receipt_delay_ms;  // "MS" or "MIN-MAX"
  std::optional<double> disconnect_every_s;
  std::optional<uint32_t> disconnect_after_pdus;
  std::optional<std::string> http_token;
  std::optional<std::string> dlr_url;
  std::optional<std::string> dlr_token;
  std::optional<std::string> inbound_url;
  bool no_receipts = false;
  bool refuse_binds = false;
  bool black_hole = false;
};

// The SimConfig the options describe: defaults, then config_json, then the shorthands.
// Errors name the flag or the config key at fault.
Result<SimConfig> ConfigFromOptions(const SimCliOptions& options);

int RunSim(const SimCliOptions& options);

}  // namespace deliverer::sim
