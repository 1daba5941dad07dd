#pragma once
// One run of `deliverer bench` against a gateway that is up: connect, send the
// schedule, wait (bounded) for the webhooks of what was accepted, read the gateway's
// counters, and return the figures. Everything runs on one io_context, driven by the
// calling thread until the run is over, so the bench takes at most one core.
// SIGINT/SIGTERM during a run stop the sending and the drain early; the figures so far
// are still returned.
#include <sys/types.h>

#include <optional>
#include <string>

#include "common/result.h"
#include "loadgen/report.h"
#include "loadgen/settings.h"

namespace deliverer::loadgen {

struct RunTarget {
  Target target;
  std::string api_key;
  std::string webhook_secret;  // "" = signatures not checked
  bool spawned = false;
  pid_t serve_pid = -1;  // spawned only: their CPU is reported
  pid_t sim_pid = -1;
  // Where /readyz and /metrics are read, when not `target`: the delivering process, when
  // producers' requests go to a --role api process (its CPU is then api_pid's).
  std::optional<Target> watch;
  pid_t api_pid = -1;
};

// Errors: the gateway cannot be reached or (spawned) does not become ready, the webhook
// receiver cannot listen.
Result<Report> RunLoad(const Settings& settings, const RunTarget& target);

}  // namespace deliverer::loadgen
