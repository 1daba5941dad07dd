#include "server/components.h"

#include <charconv>
#include <filesystem>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace deliverer::server {

Result<config::Config> LoadConfig(const std::string& path) {
  if (path.empty()) return config::LoadString("", "(defaults)");
  return config::LoadFile(path);
}

std::string KeyRingPath(const config::Config& config) {
  if (!config.security.encryption_key_file.empty()) return config.security.encryption_key_file;
  return (std::filesystem::path(config.storage.path) / "keyring").string();
}

Result<std::unique_ptr<store::Backend>> OpenStore(const config::Config& config, Clock& clock, StoreUser user,
                                                  std::function<void()> on_delivery_lock_lost) {
  if (config.storage.backend == "postgres") {
    store::postgres::PostgresOptions options{config.storage.url, KeyRingPath(config),
                                             static_cast<size_t>(config.storage.max_batch)};
    options.min_commit_interval = std::chrono::milliseconds(config.storage.min_commit_interval_ms);
    options.sole_deliverer = user == StoreUser::kDelivering;
    // The hand-over rows: what an API process leaves to the delivering one, or with a
    // broker every serving process's outbox (store/sql/handover.h).
    options.hands_over = user == StoreUser::kAccepting ||
                         (user == StoreUser::kDelivering && config.queue.backend == "rabbitmq");
    if (user != StoreUser::kCommand) options.shared_queue_depth_every = std::chrono::seconds(1);
    options.on_delivery_lock_lost = std::move(on_delivery_lock_lost);
    auto opened = store::postgres::PostgresStore::Open(options, clock);
    if (!opened.ok()) return opened.take_error();
    return std::unique_ptr<store::Backend>(std::move(*opened));
  }
  store::sqlite::SqliteOptions options{config.storage.path,
                                       static_cast<size_t>(config.storage.max_batch),
                                       KeyRingPath(config)};
  options.min_commit_interval = std::chrono::milliseconds(config.storage.min_commit_interval_ms);
  auto opened = store::sqlite::SqliteStore::Open(options, clock);
  if (!opened.ok()) return opened.take_error();
  return std::unique_ptr<store::Backend>(std::move(*opened));
}

std::optional<int64_t> ParseDuration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, count);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || count <= 0) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 's': return count;
    case 'm': return count * 60;
    case 'h': return count * 3600;
    case 'd': return count * 86400;
    default: return std::nullopt;
  }
}

}  // namespace deliverer::server
