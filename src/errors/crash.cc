#include "errors/crash.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>

#include "errors/event.h"

namespace deliverer::errors {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr std::string_view kFirstLine = "deliverer crash record";

// Made at installation, read by the handler: fixed arrays, no allocation there.
char g_path[4096];
char g_release[64];
std::atomic<bool> g_recorded{false};
alignas(16) char g_alternate_stack[64 * 1024];

// Appends to a fixed buffer with async-signal-safe code only; too long is cut.
struct Line {
  char text[512];
  size_t size = 0;

  void Add(const char* s) {
    while (*s != '\0' && size < sizeof text) text[size++] = *s++;
  }
  void Add(int64_t value) {
    char digits[24];
    size_t n = 0;
    uint64_t v = value < 0 ? 0 : static_cast<uint64_t>(value);
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0 && size < sizeof text) text[size++] = digits[--n];
  }
};

void WriteRecord(int signal) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  char thread[17] = {};
  prctl(PR_GET_NAME, thread, 0, 0, 0);
  Line record;
  record.Add("deliverer crash record\nsignal=");
  record.Add(signal);
  record.Add("\nunix_ms=");
  record.Add(static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000);
  record.Add("\nthread=");
  record.Add(thread);
  record.Add("\nrelease=");
  record.Add(g_release);
  record.Add("\n");
  const int fd = open(g_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  for (size_t written = 0; written < record.size;) {
    const ssize_t n = write(fd, record.text + written, record.size - written);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) written += static_cast<size_t>(n);
  }
  close(fd);
}

// Installed with SA_RESETHAND: the default action is back as the handler starts, so the
// signal raised again ends the process once the handler returns (a fault would also
// recur on return), as it would have without this handler.
void OnFatalSignal(int signal) {
  const int saved_errno = errno;
  if (!g_recorded.exchange(true)) WriteRecord(signal);
  raise(signal);
  errno = saved_errno;
}

void CopyTo(char* out, size_t capacity, std::string_view text) {
  const size_t n = std::min(text.size(), capacity - 1);
  std::copy_n(text.data(), n, out);
  out[n] = '\0';
}

template <class Int>
bool ParseInt(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void InstallCrashHandler(const std::string& directory, std::string_view release, int64_t start_millis) {
  const std::string path = fmt::format("{}/crash-{}-{}.record", directory, start_millis, getpid());
  CopyTo(g_path, sizeof g_path, path);
  CopyTo(g_release, sizeof g_release, release);
  stack_t stack{};
  stack.ss_sp = g_alternate_stack;
  stack.ss_size = sizeof g_alternate_stack;
  sigaltstack(&stack, nullptr);
  struct sigaction action{};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_RESETHAND | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int signal : kFatalSignals) sigaction(signal, &action, nullptr);
}

std::optional<CrashRecord> ParseCrashRecord(std::string_view text) {
  if (!text.starts_with(kFirstLine) || !text.ends_with('\n')) return std::nullopt;
  CrashRecord record;
  size_t at = kFirstLine.size() + 1;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    const size_t equals = line.find('=');
    const std::string_view key = line.substr(0, equals);
    const std::string_view value = equals == std::string_view::npos ? "" : line.substr(equals + 1);
    if (key == "signal" && !ParseInt(value, record.signal)) return std::nullopt;
    if (key == "unix_ms" && !ParseInt(value, record.unix_millis)) return std::nullopt;
    if (key == "thread") record.thread = TagValue(value);
    if (key == "release") record.release = TagValue(value.substr(0, 63));
  }
  if (record.signal <= 0 || record.unix_millis <= 0) return std::nullopt;
  return record;
}

std::vector<std::string> ListCrashRecords(const std::string& directory) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("crash-") && name.ends_with(".record")) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace deliverer::errors
