// `deliverer backup` and `deliverer restore` (docs/operations.md "Backup and restore").
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <iostream>

#include "server/cli.h"
#include "server/cli_support.h"
#include "server/components.h"
#include "server/server.h"

namespace deliverer::server {
namespace {

namespace fs = std::filesystem;

// Copies `from` to a new file `to` (never over an existing one), mode 0600, synced.
bool CopyNew(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::copy_file(from, to, fs::copy_options::none, ec)) {
    std::cerr << "cannot copy " << from.string() << " to " << to.string() << ": " << ec.message() << "\n";
    return false;
  }
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  const int fd = ::open(to.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) std::cerr << "cannot sync " << to.string() << "\n";
  return synced;
}

// Records `entry` and waits for it; a failure is reported, not fatal (the copy is made).
void AuditAndWait(store::AuditLog& audit, store::AuditEntry entry) {
  std::promise<Status> done;
  audit.AppendAudit(std::move(entry), [&done](Status s) { done.set_value(std::move(s)); });
  if (Status s = done.get_future().get(); !s.ok()) std::cerr << "cannot audit: " << s.error().detail << "\n";
}

}  // namespace

int Backup(const std::string& config_path, const std::string& directory) {
  if (directory.empty()) {
    std::cerr << "--to DIRECTORY is required\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  if (Status s = opened->store->BackupTo(directory); !s.ok()) {
    std::cerr << "backup failed: " << s.error().detail << "\n";
    return kExitFailure;
  }
  const int64_t now = opened->clock.NowUnixMillis();
  AuditAndWait(*opened->store, CliAudit(now, "", "store.backup", directory));
  std::cout << "backed up to " << directory << " (deliverer.db and keyring; keep them together and private)"
            << std::endl;
  return kExitOk;
}

int Restore(const std::string& config_path, const std::string& directory) {
  auto config = LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << config.error().detail << "\n";
    return kExitUsage;
  }
  const fs::path from(directory);
  const fs::path database = fs::path(config->storage.path) / "deliverer.db";
  const fs::path keyring = KeyRingPath(*config);
  if (!fs::exists(from / "deliverer.db") || !fs::exists(from / "keyring")) {
    std::cerr << directory << " holds no backup (deliverer.db and keyring)\n";
    return kExitUsage;
  }
  // Never over a store: a restore goes into an empty place, so nothing is lost by mistake.
  for (const fs::path& target : {database, keyring}) {
    if (fs::exists(target)) {
      std::cerr << target.string() << " exists: stop serve and move the old store aside first\n";
      return kExitFailure;
    }
  }
  std::error_code ec;
  fs::create_directories(config->storage.path, ec);
  fs::permissions(config->storage.path, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (!CopyNew(from / "keyring", keyring) || !CopyNew(from / "deliverer.db", database)) return kExitFailure;
  // Opened once here, so a backup from an older version is migrated and checked now.
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  AuditAndWait(*opened->store, CliAudit(opened->clock.NowUnixMillis(), "", "store.restore", directory));
  std::cout << "restored " << database.string() << " from " << directory << std::endl;
  return kExitOk;
}

}  // namespace deliverer::server
