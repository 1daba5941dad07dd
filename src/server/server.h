#pragma once
// The composition root: turns a configuration into running components (store, API,
// HTTP server) and owns their lifecycle and signals. The only place that names concrete
// backends.
#include <string>

namespace deliverer::server {

// Process exit codes (docs/operations.md "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a runtime failure (storage, listen)
inline constexpr int kExitUsage = 2;    // bad arguments or configuration

struct ServeOptions {
  std::string config_path;  // empty: built-in defaults
  std::string role = "all"; // all | api | worker
  bool demo = false;
};

// Runs until SIGINT or SIGTERM; returns the exit code.
int Serve(const ServeOptions& options);

}  // namespace deliverer::server
