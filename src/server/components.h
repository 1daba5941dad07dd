#pragma once
// Shared by serve and the CLI: load the configuration and open the configured store.
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "config/config.h"
#include "store/store.h"

namespace deliverer::server {

// The file's configuration, or the defaults when `path` is empty.
Result<config::Config> LoadConfig(const std::string& path);
Result<std::unique_ptr<store::Store>> OpenStore(const config::Config& config, Clock& clock);

// "90d", "12h", "30m", "45s" → seconds; nullopt for anything else.
std::optional<int64_t> ParseDuration(const std::string& text);

}  // namespace deliverer::server
