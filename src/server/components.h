#pragma once
// Shared by serve and the CLI: load the configuration and open the configured store.
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "config/config.h"
#include "store/backend.h"

namespace deliverer::server {

// The file's configuration, or the defaults when `path` is empty.
Result<config::Config> LoadConfig(const std::string& path);
// The key ring's file: [security] encryption_key_file, else <storage path>/keyring.
std::string KeyRingPath(const config::Config& config);
// Opens the store with its key ring (created on first start; refused when it cannot
// read the stored bodies: "keyring_missing", "keyring_mismatch", "insecure_keyring").
// `delivers`: for a process that will deliver from it (PostgreSQL allows one per
// database: store/postgres/postgres_store.h).
Result<std::unique_ptr<store::Backend>> OpenStore(const config::Config& config, Clock& clock,
                                                  bool delivers = false);

// "90d", "12h", "30m", "45s" → seconds; nullopt for anything else.
std::optional<int64_t> ParseDuration(const std::string& text);

}  // namespace deliverer::server
