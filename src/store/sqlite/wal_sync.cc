#include "store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace deliverer::store::sqlite {
namespace {

Error SystemError(std::string_view what, const std::string& path) {
  return Error::Of("storage_error", fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

int OpenRetrying(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

Result<std::unique_ptr<WalSync>> WalSync::Open(const std::string& database_path) {
  const std::string wal_path = database_path + "-wal";
  // Created if SQLite has not yet: an empty log is a valid one, and SQLite then uses it.
  const int fd = OpenRetrying(wal_path, O_RDWR | O_CREAT);
  if (fd < 0) return SystemError("cannot open the write-ahead log", wal_path);
  std::unique_ptr<WalSync> sync(new WalSync(fd));

  std::string directory = std::filesystem::path(database_path).parent_path().string();
  if (directory.empty()) directory = ".";
  const int dir_fd = OpenRetrying(directory, O_RDONLY | O_DIRECTORY);
  if (dir_fd < 0) return SystemError("cannot open", directory);
  const bool synced = ::fsync(dir_fd) == 0;
  const int saved = errno;
  ::close(dir_fd);
  errno = saved;
  if (!synced) return SystemError("cannot sync", directory);
  return sync;
}

WalSync::~WalSync() { ::close(fd_); }

Status WalSync::Sync() {
  // fdatasync is not restarted after EINTR by every kernel; its data stays dirty then,
  // so trying again is right. Any other error is final: the kernel may already have
  // dropped the pages it failed to write, and a later success would prove nothing.
  int rc;
  do {
    rc = ::fdatasync(fd_);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    return Error::Of("storage_error",
                     fmt::format("cannot sync the write-ahead log: {}", std::strerror(errno)));
  }
  return Status::Ok();
}

}  // namespace deliverer::store::sqlite
