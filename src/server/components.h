#pragma once
// Shared by serve and the CLI: load the configuration and open the configured store.
#include <functional>
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
// Who opens the store: a command of the CLI, or `serve` in one of its roles.
enum class StoreUser {
  kCommand,
  kAccepting,   // serve --role api: accepts, another process delivers
  kDelivering,  // serve --role all or worker (PostgreSQL allows one per database)
};
// Opens the store with its key ring (created on first start; refused when it cannot
// read the stored bodies: "keyring_missing", "keyring_mismatch", "insecure_keyring").
// On PostgreSQL, `user` decides the process's part in a shared database
// (store/postgres/postgres_store.h, docs/deployment.md).
// `on_delivery_lock_lost`: for kDelivering on PostgreSQL, what to do when another process
// took the delivery lock while this one's session was lost (store/postgres/postgres_store.h).
Result<std::unique_ptr<store::Backend>> OpenStore(const config::Config& config, Clock& clock,
                                                  StoreUser user = StoreUser::kCommand,
                                                  std::function<void()> on_delivery_lock_lost = {});

// "90d", "12h", "30m", "45s" → seconds; nullopt for anything else.
std::optional<int64_t> ParseDuration(const std::string& text);

}  // namespace deliverer::server
