#pragma once
// What `deliverer bench --spawn` writes and reads around the processes it starts. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/settings.h"

namespace deliverer::loadgen {

// The spawned gateway's configuration: listen on a free loopback port, SQLite under
// `data_dir`, one SMPP carrier on the simulator at 127.0.0.1:`smpp_port`, callbacks to
// loopback allowed (the bench's webhook receiver is there), rate limits off and the
// back-pressure mark out of reach (the bench measures the gateway, not its limits), and
// webhooks signed with `webhook_secret`. With `backends.postgres_url`, the store is that
// PostgreSQL database instead (the key ring stays in `data_dir`); with `rabbitmq_url`,
// dispatch goes through RabbitMQ, on queues of the run's own; with `redis_url`, the (high)
// rate limits are kept in Redis.
std::string SpawnConfigToml(const std::string& data_dir, uint16_t smpp_port,
                            const std::string& webhook_secret, const SpawnBackends& backends = {});

// The arguments of `deliverer sim` for the run: free ports, text logs, and with `latency`
// a --config-json giving each submit_sm_resp that delay.
std::vector<std::string> SimArgs(const std::optional<SimLatency>& latency);

// The HOST:PORT logged right after `marker` (e.g. "smpp on ", "listening on http://") in
// a process's log, text or JSON lines; nullopt until such a line is there in full (the
// address must be followed by something, so a half-written line is not misread).
std::optional<Target> FindLoggedAddress(std::string_view log, std::string_view marker);

// The last line of a command's standard output, without its newline ("" when none).
std::string LastLine(std::string_view output);

}  // namespace deliverer::loadgen
