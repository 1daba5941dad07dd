#include "loadgen/spawn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "loadgen/spawn_config.h"

namespace deliverer::loadgen {
namespace {

constexpr auto kStartupTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

Error Failure(std::string detail) { return Error::Of("spawn_failed", std::move(detail)); }

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The spawned gateway's webhook signing secret: random, and never shown.
std::string RandomHex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    const unsigned byte = device() & 0xFF;
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

// fork + exec of `binary args…` with stdin from /dev/null and stdout to `out_fd`,
// stderr to `err_fd`. Between fork and exec only async-signal-safe calls are made.
pid_t Launch(const std::string& binary, const std::vector<std::string>& args, int out_fd,
             int err_fd) {
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;  // the parent, or -1
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(127);
  // A process group of its own: Ctrl-C at a terminal reaches the bench alone, which then
  // stops sending, reports, and stops the children itself.
  setpgid(0, 0);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(127);
  close_range(3, ~0U, 0);
  execv(argv[0], argv.data());
  _exit(127);
}

// Waits for `pid` at most `grace` after `signal`; SIGKILL after that.
void Terminate(pid_t pid, int signal, std::chrono::seconds grace) {
  if (pid <= 0) return;
  kill(pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(kPollInterval);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

bool Exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

Spawner::Spawner(std::string binary, std::optional<SimLatency> sim_latency, SpawnBackends backends,
                 bool api_process)
    : binary_(std::move(binary)),
      sim_latency_(sim_latency),
      backends_(std::move(backends)),
      api_process_(api_process) {}

Spawner::~Spawner() { Stop(false); }

Result<SpawnedGateway> Spawner::Start() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/deliverer-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    return Failure("cannot create " + pattern + ": " + std::strerror(errno));
  dir_ = pattern;
  auto sim = StartSim();
  if (!sim.ok()) return sim.error();
  SpawnedGateway gateway;
  gateway.webhook_secret = RandomHex(24);
  const std::string config_path = dir_ + "/deliverer.toml";
  std::ofstream(config_path) << SpawnConfigToml(dir_ + "/data", sim->port, gateway.webhook_secret, backends_);
  auto key = CreateKey(config_path);
  if (!key.ok()) return key.error();
  auto serve = StartServe(config_path, "", serve_pid_);
  if (!serve.ok()) return serve.error();
  gateway.target = gateway.delivering = *serve;
  if (api_process_) {
    auto api = StartServe(config_path, "api", api_pid_);
    if (!api.ok()) return api.error();
    gateway.target = *api;
    gateway.api_pid = api_pid_;
  }
  gateway.api_key = *key;
  gateway.serve_pid = serve_pid_;
  gateway.sim_pid = sim_pid_;
  return gateway;
}

Result<Target> Spawner::StartSim() {
  const std::string log = dir_ + "/sim.log";
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Failure("cannot create " + log);
  sim_pid_ = Launch(binary_, SimArgs(sim_latency_), fd, fd);
  close(fd);
  if (sim_pid_ < 0) return Failure("cannot start deliverer sim");
  return WaitForAddress(sim_pid_, "sim.log", "smpp on ");
}

Result<std::string> Spawner::CreateKey(const std::string& config_path) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) < 0) return Failure("pipe");
  const std::string log = dir_ + "/keys.log";
  const int err_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const pid_t pid = Launch(binary_,
                           {"keys", "create", "--config", config_path, "--account", "bench",
                            "--scopes", "messages:send,messages:read"},
                           out[1], err_fd < 0 ? out[1] : err_fd);
  close(out[1]);
  if (err_fd >= 0) close(err_fd);
  std::string output;
  char buffer[4096];
  ssize_t n;
  while ((n = read(out[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) output.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string key = LastLine(output);
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || key.empty()) {
    return Failure("deliverer keys create failed: " + ReadFile(log));
  }
  return key;
}

Result<Target> Spawner::StartServe(const std::string& config_path, const std::string& role, pid_t& pid) {
  const std::string log_name = role.empty() ? "serve.log" : role + ".log";
  const std::string log = dir_ + "/" + log_name;
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Failure("cannot create " + log);
  std::vector<std::string> args = {"serve", "--config", config_path};
  if (!role.empty()) args.insert(args.end(), {"--role", role});
  pid = Launch(binary_, args, fd, fd);
  close(fd);
  if (pid < 0) return Failure("cannot start deliverer serve");
  return WaitForAddress(pid, log_name, "listening on http://");
}

Result<Target> Spawner::WaitForAddress(pid_t pid, const std::string& log_name,
                                       std::string_view marker) {
  const auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto address = FindLoggedAddress(ReadFile(dir_ + "/" + log_name), marker)) return *address;
    if (Exited(pid)) {
      if (pid == sim_pid_) sim_pid_ = -1;
      if (pid == serve_pid_) serve_pid_ = -1;
      if (pid == api_pid_) api_pid_ = -1;
      return Failure(log_name + ": the process exited:\n" + LogTail(log_name));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Failure(log_name + ": no '" + std::string(marker) + "' line within 30 s:\n" +
                 LogTail(log_name));
}

void Spawner::StopServe(std::chrono::seconds grace) {
  Terminate(api_pid_, SIGTERM, grace);
  api_pid_ = -1;
  Terminate(serve_pid_, SIGTERM, grace);
  serve_pid_ = -1;
}

uint64_t Spawner::StoreBytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ + "/data", ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      const auto size = entry.file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

void Spawner::Stop(bool keep_dir, std::chrono::seconds grace) {
  StopServe(grace);
  Terminate(sim_pid_, SIGTERM, grace);
  sim_pid_ = -1;
  // A kept folder outlives the Spawner: the destructor's Stop must not remove it.
  if (keep_dir) kept_ = true;
  if (!dir_.empty() && !kept_) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

std::string Spawner::LogTail(const std::string& name, size_t bytes) const {
  std::string log = ReadFile(dir_ + "/" + name);
  return log.size() > bytes ? "…" + log.substr(log.size() - bytes) : log;
}

}  // namespace deliverer::loadgen
