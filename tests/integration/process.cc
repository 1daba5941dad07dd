// The process side of the integration harness (see harness.h): temporary directories,
// the configuration, running the binary, capturing its output, signals.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "integration/harness.h"
#include "support/postgres_schema.h"
#include "support/services.h"

#ifndef DELIVERER_BINARY
#error "DELIVERER_BINARY must name the deliverer executable"
#endif

namespace deliverer::integration {
namespace {

constexpr auto kStartupTimeout = std::chrono::seconds(30);
constexpr int kReaderPollMs = 200;
constexpr size_t kLogTailShown = 8000;

// A peer closing a connection must fail the request, not kill the test (the HTTP client
// writes without MSG_NOSIGNAL).
const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::runtime_error SystemError(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

std::string TomlString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// fork + exec of the binary with ARGS; stdin from /dev/null, stdout to out_fd, stderr to
// err_fd, no other descriptor inherited. The child dies with the thread that started it.
// Between fork and exec only async-signal-safe calls are made.
// `program` with `args`; DELIVERER_BINARY unless told otherwise.
pid_t Spawn(const std::vector<std::string>& args, int out_fd, int err_fd, const char* program = DELIVERER_BINARY) {
  std::vector<char*> argv{const_cast<char*>(program)};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw SystemError("fork");
  if (pid > 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
    _exit(127);
  }
  close_range(3, ~0U, 0);
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// The port of the first `listening on http(s)://HOST:PORT` in `log` (which may sit inside
// a JSON log line), if any.
std::optional<uint16_t> ListeningPort(std::string_view log) {
  static constexpr std::string_view kMarker = "listening on http";
  auto at = log.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = log.substr(at + kMarker.size());
  if (rest.starts_with("s")) rest.remove_prefix(1);
  if (!rest.starts_with("://")) return std::nullopt;
  rest.remove_prefix(3);
  rest = rest.substr(0, rest.find_first_of(" \t\r\n\"'"));
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) return std::nullopt;
  unsigned port = 0;
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

int ExitCode(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

int WaitPid(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits for `pid` at most `timeout`; SIGKILLs it after that. Returns the exit code or -1.
int WaitOrKill(pid_t pid, std::chrono::seconds timeout) {
  auto exited = std::async(std::launch::async, [pid] { return WaitPid(pid); });
  if (exited.wait_for(timeout) == std::future_status::ready) return ExitCode(exited.get());
  kill(pid, SIGKILL);
  exited.get();
  return -1;
}

// Reads both pipes to EOF (or the deadline) into out and err.
void ReadBoth(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
              std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open_count = 2;
  char buffer[8192];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// TempDir

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/deliverer-it-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw SystemError("mkdtemp " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::WriteFile(const std::string& name, const std::string& content) const {
  std::string file = path_ + "/" + name;
  std::ofstream stream(file, std::ios::binary | std::ios::trunc);
  stream << content;
  if (!stream.flush()) throw std::runtime_error("cannot write " + file);
  return file;
}

// ---------------------------------------------------------------------------------------
// Configuration and commands

std::string SmppCarrierToml(const std::string& id, uint16_t port, const std::string& extra_keys) {
  return "[[carriers]]\nid = " + TomlString(id) +
         "\nprotocol = \"smpp\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(port) +
         "\nsystem_id = \"deliverer\"\npassword = \"secret\"\n" + extra_keys + "\n";
}

std::string BaseConfig(const std::string& data_dir, const std::string& extra_toml,
                       const std::string& carriers_toml) {
  // A test that needs more [server] or [webhooks] keys gives the whole table itself.
  std::string config;
  if (extra_toml.find("[server]") == std::string::npos) config += "[server]\nlisten = \"127.0.0.1:0\"\n\n";
  if (extra_toml.find("[webhooks]") == std::string::npos) {
    config += "[webhooks]\nsigning_secret = " + TomlString(kSigningSecret) + "\n\n";
  }
  if (carriers_toml.empty()) {
    config += SmppCarrierToml("sim-a", 1) + R"(
[[routes]]
match = "*"
policy = "failover"
carriers = ["sim-a"]

)";
  } else {
    config += carriers_toml + "\n";
  }
  config += "[storage]\npath = " + TomlString(data_dir) + "\n";
  // The same tests on PostgreSQL (tests/integration/CMakeLists.txt): a schema of their own
  // in the test server's database, the key ring in the data folder as with SQLite.
  // DELIVERER_TEST_POSTGRES_URL reaches that server another way (through a fault proxy).
  if (const char* storage = std::getenv("DELIVERER_TEST_STORAGE"); storage && std::string(storage) == "postgres") {
    const char* through = std::getenv("DELIVERER_TEST_POSTGRES_URL");
    const std::string base = through != nullptr ? through : ::deliverer::test_support::ServiceUrl("postgres");
    config += "backend = \"postgres\"\nurl = " + TomlString(::deliverer::test_support::FreshSchemaUrl(base)) + "\n";
  }
  return config + "\n" + extra_toml + "\n";
}

std::string RabbitmqQueueToml() {
  static std::atomic<int> next{0};
  const std::string prefix = "test." + std::to_string(getpid()) + "." + std::to_string(next++) + ".";
  return "\n[queue]\nbackend = \"rabbitmq\"\nurl = " + TomlString(::deliverer::test_support::ServiceUrl("rabbitmq")) +
         "\npartitions = 4\nqueue_prefix = " + TomlString(prefix) + "\n";
}

CommandResult RunDeliverer(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  return RunCommand(DELIVERER_BINARY, args, timeout);
}

CommandResult RunCommand(const std::string& program, const std::vector<std::string>& args,
                         std::chrono::seconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) < 0) throw SystemError("pipe2");
  if (pipe2(err_pipe, O_CLOEXEC) < 0) throw SystemError("pipe2");
  pid_t pid = Spawn(args, out_pipe[1], err_pipe[1], program.c_str());
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ReadBoth(out_pipe[0], err_pipe[0], deadline, result.out, result.err);
  close(out_pipe[0]);
  close(err_pipe[0]);
  auto left =
      std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
  result.exit_code = WaitOrKill(pid, std::max(left, std::chrono::seconds(1)));
  return result;
}

// ---------------------------------------------------------------------------------------
// DelivererProcess: lifecycle

DelivererProcess::DelivererProcess(std::string extra_toml, std::string carriers_toml,
                                   std::vector<std::string> serve_flags)
    : data_dir_(dir_.path() + "/data"),
      config_path_(dir_.WriteFile("deliverer.toml", BaseConfig(data_dir_, extra_toml, carriers_toml))),
      serve_flags_(std::move(serve_flags)) {
  Start();
}

DelivererProcess::DelivererProcess(Beside beside, std::vector<std::string> serve_flags)
    : data_dir_(beside.other.data_dir_), config_path_(beside.other.config_path_), serve_flags_(std::move(serve_flags)) {
  Start();
}

DelivererProcess::~DelivererProcess() {
  Kill9();
  CheckLogHoldsNoSensitiveData();
  // A race found in the gateway (make test-tsan) fails the test even when the gateway was
  // killed before it could exit with ThreadSanitizer's code.
  EXPECT_EQ(Log().find("WARNING: ThreadSanitizer:"), std::string::npos) << "a data race in deliverer";
  if (::testing::Test::HasFailure()) {
    std::string log = Log();
    if (log.size() > kLogTailShown) log = "…" + log.substr(log.size() - kLogTailShown);
    std::cerr << "---- deliverer output (" << dir_.path() << ") ----\n"
              << log << "\n---- end of deliverer output ----\n";
  }
}

void DelivererProcess::Start() {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) throw SystemError("pipe2");
  size_t log_from;
  {
    std::lock_guard lock(log_mutex_);
    if (!log_.empty()) log_ += "\n---- restart ----\n";
    log_from = log_.size();
    output_closed_ = false;
  }
  stop_reader_ = false;
  std::vector<std::string> args = {"serve", "--config", config_path_};
  args.insert(args.end(), serve_flags_.begin(), serve_flags_.end());
  pid_ = Spawn(args, pipe_fds[1], pipe_fds[1]);
  close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { DrainOutput(fd); });
  try {
    WaitUntilListening(log_from);
  } catch (...) {
    Kill9();
    throw;
  }
}

void DelivererProcess::WaitUntilListening(size_t log_from) {
  auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  std::unique_lock lock(log_mutex_);
  while (true) {
    if (auto port = ListeningPort(std::string_view(log_).substr(log_from))) {
      port_ = *port;
      return;
    }
    if (output_closed_) {
      throw std::runtime_error("deliverer exited before listening:\n" + log_);
    }
    if (log_changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      throw std::runtime_error("deliverer did not log `listening on` within 30 s:\n" + log_);
    }
  }
}

void DelivererProcess::DrainOutput(int fd) {
  char buffer[8192];
  pollfd pfd{fd, POLLIN, 0};
  while (true) {
    int ready = poll(&pfd, 1, kReaderPollMs);
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0) {
      if (stop_reader_) break;
      continue;
    }
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
    if (n > 0) {
      std::lock_guard lock(log_mutex_);
      log_.append(buffer, static_cast<size_t>(n));
      log_changed_.notify_all();
    }
  }
  close(fd);
  std::lock_guard lock(log_mutex_);
  output_closed_ = true;
  log_changed_.notify_all();
}

void DelivererProcess::StopReader() {
  stop_reader_ = true;
  if (reader_.joinable()) reader_.join();
}

std::string DelivererProcess::Log() const {
  std::lock_guard lock(log_mutex_);
  return log_;
}

bool DelivererProcess::ReapIfEnded() {
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  ReportUnexpectedEnd(status);
  return true;
}

void DelivererProcess::ReportUnexpectedEnd(int wait_status) {
  std::string how = WIFSIGNALED(wait_status)
                        ? "killed by signal " + std::to_string(WTERMSIG(wait_status))
                        : "exit code " + std::to_string(ExitCode(wait_status));
  {
    std::lock_guard lock(log_mutex_);
    log_ += "\n---- deliverer ended on its own: " + how + " ----\n";
  }
  ADD_FAILURE() << "deliverer (pid " << pid_ << ") ended on its own: " << how;
  pid_ = -1;
  StopReader();
}

void DelivererProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

::testing::AssertionResult DelivererProcess::WaitForLog(const std::string& needle, Millis timeout) const {
  std::unique_lock lock(log_mutex_);
  if (log_changed_.wait_for(lock, timeout, [&] { return log_.find(needle) != std::string::npos; })) {
    return ::testing::AssertionSuccess();
  }
  const std::string tail = log_.size() > kLogTailShown ? "…" + log_.substr(log_.size() - kLogTailShown) : log_;
  return ::testing::AssertionFailure() << "the log does not hold `" << needle << "` after " << timeout.count()
                                       << " ms; it ends:\n" << tail;
}

void DelivererProcess::Kill9() {
  if (pid_ > 0 && !ReapIfEnded()) {
    kill(pid_, SIGKILL);
    int status = WaitPid(pid_);
    // A process already dying of something else (abort, segfault) ends with that instead.
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      pid_ = -1;
    } else {
      ReportUnexpectedEnd(status);
    }
  }
  StopReader();
}

int DelivererProcess::Terminate(std::chrono::seconds grace) {
  if (pid_ <= 0 || ReapIfEnded()) return -1;
  kill(pid_, SIGTERM);
  int code = WaitOrKill(pid_, grace);
  pid_ = -1;
  StopReader();
  return code;
}

int DelivererProcess::KillWith(int signal, std::chrono::seconds grace) {
  if (pid_ <= 0 || ReapIfEnded()) return -1;
  kill(pid_, signal);
  auto ended = std::async(std::launch::async, [pid = pid_] { return WaitPid(pid); });
  int died_of = -1;
  if (ended.wait_for(grace) == std::future_status::ready) {
    const int status = ended.get();
    if (WIFSIGNALED(status)) died_of = WTERMSIG(status);
  } else {
    kill(pid_, SIGKILL);
    ended.get();
  }
  pid_ = -1;
  StopReader();
  return died_of;
}

void DelivererProcess::Restart() {
  if (Running()) Terminate();
  StopReader();
  Start();
}

// ---------------------------------------------------------------------------------------
// DelivererProcess: CLI

CommandResult DelivererProcess::Cli(std::vector<std::string> args) const {
  args.insert(args.begin() + 2, {"--config", config_path_});
  return RunDeliverer(args);
}

std::string DelivererProcess::CreateKey(const std::string& account, const std::string& scopes,
                                        const std::string& expires_in) const {
  std::vector<std::string> args = {"keys", "create", "--account", account, "--scopes", scopes};
  if (!expires_in.empty()) args.insert(args.end(), {"--expires-in", expires_in});
  return KeyPrintedBy(args);
}

std::string DelivererProcess::RotateKey(const std::string& key_id, const std::string& grace) const {
  return KeyPrintedBy({"keys", "rotate", key_id, "--grace", grace});
}

std::string DelivererProcess::KeyPrintedBy(const std::vector<std::string>& args) const {
  CommandResult result = Cli(args);
  if (result.exit_code != 0) {
    throw std::runtime_error("deliverer keys " + args.at(1) + " failed (exit " +
                             std::to_string(result.exit_code) + "):\n" + result.Output());
  }
  std::string out = result.out;
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  std::string key = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  auto first = key.find_first_not_of(" \t\r");
  key = first == std::string::npos ? "" : key.substr(first);
  if (key.empty() || KeyId(key).empty()) {
    throw std::runtime_error("deliverer keys " + args.at(1) + " printed no key:\n" + result.Output());
  }
  NoteSensitive("", {{"Authorization", "Bearer " + key}});
  return key;
}

void DelivererProcess::RevokeKey(const std::string& key_id) const {
  CommandResult result = Cli({"keys", "revoke", key_id});
  if (result.exit_code != 0) {
    throw std::runtime_error("deliverer keys revoke failed (exit " +
                             std::to_string(result.exit_code) + "):\n" + result.Output());
  }
}

std::string DelivererProcess::ListKeys() const {
  CommandResult result = Cli({"keys", "list"});
  if (result.exit_code != 0) {
    throw std::runtime_error("deliverer keys list failed:\n" + result.Output());
  }
  return result.out;
}

}  // namespace deliverer::integration
