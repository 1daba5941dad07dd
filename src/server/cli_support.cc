#include "server/cli_support.h"

#include <iostream>

#include "server/components.h"
#include "server/server.h"

namespace deliverer::server {

std::unique_ptr<CliStore> OpenForCli(const std::string& config_path, int* exit_code) {
  auto opened = std::make_unique<CliStore>();
  auto config = LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << config.error().detail << "\n";
    *exit_code = kExitUsage;
    return nullptr;
  }
  opened->config = std::move(*config);
  auto store = OpenStore(opened->config, opened->clock);
  if (!store.ok()) {
    std::cerr << store.error().detail << "\n";
    *exit_code = store.error().code == "invalid_config" ? kExitUsage : kExitFailure;
    return nullptr;
  }
  opened->store = std::move(*store);
  return opened;
}

store::AuditEntry CliAudit(int64_t now_ms, std::string account, std::string action,
                           std::string target, std::string correlation) {
  if (correlation.empty()) correlation = target;
  return store::AuditEntry{0, now_ms, "cli", std::move(account), "local", std::move(action),
                           std::move(target), std::move(correlation)};
}

}  // namespace deliverer::server
