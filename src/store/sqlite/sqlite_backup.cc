// SqliteStore: a backup of the database and its key ring (docs/operations.md "Backup and
// restore").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/sqlite/sqlite_store.h"

namespace deliverer::store::sqlite {
namespace {

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Of("storage_error", fmt::format("cannot read {}", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Written with mode 0600 from the start and synced: it holds the data keys.
Status WriteSecretFile(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Of("storage_error", fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Error::Of("storage_error", fmt::format("cannot write {}", path));
  return Status::Ok();
}

}  // namespace

// The key ring is read before and after the database is copied; a rotation in between
// (a key the copy's rows might use, missing from the ring read before) makes it start
// again, so the copy always comes with a ring that opens every value in it.
Status SqliteStore::BackupTo(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return Error::Of("storage_error", fmt::format("cannot create {}: {}", directory, ec.message()));
  fs::permissions(directory, fs::perms::owner_all, fs::perm_options::replace, ec);
  const std::string database = (fs::path(directory) / "deliverer.db").string();
  if (fs::exists(database)) return Error::Of("storage_error", fmt::format("{} exists already", database));
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto ring_before = ReadWhole(keyring_path_);
    if (!ring_before.ok()) return ring_before.error();
    {
      auto reader = Connection::Open(path_, /*read_only=*/true);
      if (!reader.ok()) return reader.error();
      if (Status s = (*reader)->BackupInto(database); !s.ok()) return s;
    }
    auto ring_after = ReadWhole(keyring_path_);
    if (!ring_after.ok()) return ring_after.error();
    if (*ring_after == *ring_before) return WriteSecretFile((fs::path(directory) / "keyring").string(), *ring_after);
    fs::remove(database, ec);
  }
  return Error::Of("storage_error", "the key ring kept changing during the backup; try again");
}

}  // namespace deliverer::store::sqlite
