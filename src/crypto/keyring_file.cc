// The key ring file: permission check on load, atomic replacement on save, and
// no-clobber creation so two processes starting at once end up with the same ring.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "crypto/keyring.h"

namespace deliverer::crypto {
namespace {

Error IoError(const std::string& what, const std::string& path) {
  return Error::Of("io_error", fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Result<std::string> ReadAll(int fd, const std::string& path) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot read", path);
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
}

Status WriteAll(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot write", path);
    text.remove_prefix(static_cast<size_t>(n));
  }
  return ::fsync(fd) == 0 ? Status::Ok() : Status(IoError("cannot fsync", path));
}

// Makes the rename durable: the directory entry is what a crash could lose.
void SyncDirectory(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// A new file beside `path` holding `ring`, mode 0600; returns its name.
Result<std::string> WriteTemporary(const std::string& path, const KeyRing& ring) {
  const std::string temp = fmt::format("{}.tmp-{}", path, ::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("cannot create", temp);
  Status written = ::fchmod(fd, 0600) == 0 ? WriteAll(fd, FormatKeyRing(ring), temp)
                                            : Status(IoError("cannot chmod", temp));
  ::close(fd);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written.error();
  }
  return temp;
}

}  // namespace

Result<KeyRing> LoadKeyRing(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    return Error::Of("not_found", fmt::format("key ring {} does not exist", path));
  }
  if (fd < 0) return IoError("cannot open the key ring", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("cannot stat the key ring", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Error::Of("insecure_keyring",
                     fmt::format("key ring {} has mode {:04o}: group and others must have no "
                                 "access (run: chmod 600 {})",
                                 path, st.st_mode & 07777, path));
  }
  auto text = ReadAll(fd, path);
  ::close(fd);
  if (!text.ok()) return text.take_error();
  auto ring = ParseKeyRing(*text);
  if (!ring.ok()) return Error::Of(ring.error().code, path + ": " + ring.error().detail);
  return ring;
}

Status SaveKeyRing(const std::string& path, const KeyRing& ring) {
  auto temp = WriteTemporary(path, ring);
  if (!temp.ok()) return temp.take_error();
  if (::rename(temp->c_str(), path.c_str()) != 0) {
    Error e = IoError("cannot replace", path);
    ::unlink(temp->c_str());
    return e;
  }
  SyncDirectory(path);
  return Status::Ok();
}

Result<KeyRing> LoadOrCreateKeyRing(const std::string& path, bool may_create, int64_t now_ms) {
  auto loaded = LoadKeyRing(path);
  if (loaded.ok() || loaded.error().code != "not_found" || !may_create) return loaded;
  const KeyRing ring = NewKeyRing(now_ms);
  auto temp = WriteTemporary(path, ring);
  if (!temp.ok()) return temp.take_error();
  // link() fails when `path` exists: a ring another process created meanwhile wins.
  const bool linked = ::link(temp->c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temp->c_str());
  if (linked) {
    SyncDirectory(path);
    return ring;
  }
  if (link_errno == EEXIST) return LoadKeyRing(path);
  errno = link_errno;
  return IoError("cannot create the key ring", path);
}

}  // namespace deliverer::crypto
