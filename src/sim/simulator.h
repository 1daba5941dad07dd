#pragma once
// The carrier simulator (docs/simulator.md): an SMSC
// speaking SMPP 3.4 as a server, optionally an HTTP carrier (POST /send, receipts and MO
// posted back), plus an HTTP control API on loopback, in one io_context. `deliverer sim` runs it as a process; `deliverer serve --demo` can run it
// in-process on its own io_context.
//
// Threading: everything runs on the io_context given to the constructor, which must be
// run by ONE thread. Construct, Start, Stop and the accessors below from that thread
// (or before it runs). The simulator never blocks it except for buffered record writes.
//
// Lifetime: Stop() closes the listeners and every connection, cancels the timer and
// flushes the record; the io_context then runs out of work on its own. The destructor
// calls Stop(). Handlers still queued keep the internals alive until they have run.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "sim/config.h"
#include "sim/stats.h"

namespace deliverer::sim {

struct SimOptions {
  std::string host = "127.0.0.1";
  uint16_t smpp_port = 0;     // 0: a free port
  uint16_t control_port = 0;  // 0: a free port
  // The HTTP carrier's port (0: a free one); nullopt: no HTTP carrier listens.
  std::optional<uint16_t> http_port;
  std::string record_path;    // JSONL record of every submit_sm; empty: none
  uint64_t seed = 0;          // 0: from std::random_device
  // The first carrier message id; 0: derived from the clock, so a restarted simulator
  // does not hand out ids it gave before.
  uint64_t first_carrier_id = 0;
  std::string smsc_system_id = "deliverer-sim";  // in bind responses
  // PEM files; when both are set the SMPP port speaks TLS (1.2 or newer) only.
  std::string smpp_tls_cert_file, smpp_tls_key_file;
  SimConfig config;
  const Clock* clock = nullptr;  // wall time for records and receipts; nullptr: the system's
};

struct Ports {
  uint16_t smpp = 0;
  uint16_t control = 0;
  uint16_t http = 0;  // 0 when no HTTP carrier listens
};

class Engine;

class Simulator {
 public:
  Simulator(boost::asio::io_context& io, SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Opens the record, binds the listeners on options.host and starts accepting.
  // Errors: "record_open", "listen_failed", "invalid_config" (host not an address).
  Result<Ports> Start();
  void Stop();

  const SimConfig& config() const;
  // Merges a partial JSON config (see MergeConfig); the new config on success.
  Result<SimConfig> PatchConfig(const nlohmann::json& patch);
  // The counters; flushes the record first.
  Stats stats();

 private:
  std::shared_ptr<Engine> engine_;
};

}  // namespace deliverer::sim
