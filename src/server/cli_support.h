#pragma once
// What the operator commands (cli.cc, cli_accounts.cc) share: the configuration and store
// they open, and the audit entries they write. Internal to server/.
#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "config/config.h"
#include "store/backend.h"

namespace deliverer::server {

struct CliStore {
  SystemClock clock;
  config::Config config;
  std::unique_ptr<store::Backend> store;
};

// Loads the config and opens its store; on failure prints the reason to stderr, sets
// `*exit_code` (kExitUsage for a bad configuration, else kExitFailure) and returns null.
std::unique_ptr<CliStore> OpenForCli(const std::string& config_path, int* exit_code);

// An audit entry by the CLI (key id "cli", source "local"). `correlation` "" = the
// target itself.
store::AuditEntry CliAudit(int64_t now_ms, std::string account, std::string action,
                           std::string target, std::string correlation = "");

}  // namespace deliverer::server
