// The `deliverer sim` child process of the simulator's integration tests (sim_process.h).
#include "integration/sim_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <algorithm>
#include <stdexcept>
#include <string_view>

#ifndef DELIVERER_BINARY
#error "DELIVERER_BINARY must name the deliverer executable"
#endif

namespace deliverer::integration {
namespace {

constexpr auto kStartupTimeout = std::chrono::seconds(30);

// fork + exec with stdout and stderr to `out_fd`; the child dies with its parent.
pid_t SpawnSim(const std::vector<std::string>& args, int out_fd) {
  std::vector<char*> argv{const_cast<char*>(DELIVERER_BINARY)};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid > 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) _exit(127);
  close_range(3, ~0U, 0);
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// The port logged after `marker` ("smpp on 127.0.0.1:"), if the line is complete.
std::optional<uint16_t> LoggedPort(std::string_view log, std::string_view marker) {
  const size_t at = log.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = log.substr(at + marker.size());
  const size_t colon = rest.find(':');
  const size_t end = rest.find_first_of("\n\"");
  if (colon == std::string_view::npos || end == std::string_view::npos || colon > end) {
    return std::nullopt;
  }
  unsigned port = 0;
  for (char c : rest.substr(colon + 1, end - colon - 1)) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

int WaitExit(pid_t pid, std::chrono::seconds grace) {
  auto exited = std::async(std::launch::async, [pid] {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  });
  if (exited.wait_for(grace) != std::future_status::ready) kill(pid, SIGKILL);
  const int status = exited.get();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

httplib::Client Client(uint16_t port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  return client;
}

}  // namespace

SimProcess::SimProcess(std::vector<std::string> args) : record_path_(dir_.path() + "/record.jsonl") {
  const bool http = std::find(args.begin(), args.end(), "--http-port") != args.end();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) throw std::runtime_error("pipe2 failed");
  args.insert(args.begin(), {"sim", "--smpp-port", "0", "--control-port", "0", "--record",
                             record_path_, "--seed", "1"});
  pid_ = SpawnSim(args, fds[1]);
  close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { Drain(fd); });
  try {
    WaitForListeners(http);
  } catch (...) {
    kill(pid_, SIGKILL);
    WaitExit(pid_, std::chrono::seconds(10));
    pid_ = -1;
    stop_ = true;
    reader_.join();
    throw;
  }
}

SimProcess::~SimProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitExit(pid_, std::chrono::seconds(10));
  }
  stop_ = true;
  if (reader_.joinable()) reader_.join();
  // As for the gateway (DelivererProcess): a race found in the simulator fails the test.
  EXPECT_EQ(Log().find("WARNING: ThreadSanitizer:"), std::string::npos) << "a data race in deliverer sim";
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- deliverer sim output ----\n" << Log() << "---- end ----\n";
  }
}

void SimProcess::WaitForListeners(bool http) {
  const auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    auto smpp = LoggedPort(log_, "smpp on ");
    auto control = LoggedPort(log_, "control on ");
    auto http_port = LoggedPort(log_, "http on ");
    if (smpp && control && (http_port || !http)) {
      smpp_port_ = *smpp;
      control_port_ = *control;
      http_port_ = http ? *http_port : 0;
      return;
    }
    if (closed_) throw std::runtime_error("deliverer sim exited before listening:\n" + log_);
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      throw std::runtime_error("deliverer sim did not log its listeners within 30 s:\n" + log_);
    }
  }
}

void SimProcess::Drain(int fd) {
  char buffer[8192];
  pollfd pfd{fd, POLLIN, 0};
  for (;;) {
    const int ready = poll(&pfd, 1, 200);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) {
      if (stop_) break;
      continue;
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
    if (n > 0) {
      std::lock_guard lock(mutex_);
      log_.append(buffer, static_cast<size_t>(n));
      changed_.notify_all();
    }
  }
  close(fd);
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

std::string SimProcess::Log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

int SimProcess::Terminate(std::chrono::seconds grace) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_, grace);
  pid_ = -1;
  return code;
}

HttpResponse SimProcess::Get(const std::string& path) const {
  auto client = Client(control_port_);
  return ToResponse(client.Get(path));
}

HttpResponse SimProcess::Post(const std::string& path, const Json& body) const {
  auto client = Client(control_port_);
  return ToResponse(client.Post(path, body.dump(), "application/json"));
}

HttpResponse SimProcess::Patch(const std::string& path, const Json& body) const {
  auto client = Client(control_port_);
  return ToResponse(client.Patch(path, body.dump(), "application/json"));
}

Json SimProcess::Stats() const {
  HttpResponse r = Get("/stats");
  return r.status == 200 ? r.json : Json();
}

::testing::AssertionResult SimProcess::WaitForLog(const std::string& needle) const {
  if (WaitFor([&] { return Log().find(needle) != std::string::npos; }, std::chrono::seconds(15))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "the simulator's output does not hold `" << needle
                                       << "` after 15 s:\n" << Log();
}

::testing::AssertionResult SimProcess::WaitForStat(const std::string& name, uint64_t value) const {
  Json stats;
  const bool reached = WaitFor(
      [&] {
        stats = Stats();
        return stats.is_object() && stats.contains(name) && stats[name].is_number() &&
               stats[name].get<double>() >= static_cast<double>(value);
      },
      std::chrono::seconds(15));
  if (reached) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the simulator's `" << name << "` did not reach " << value
                                       << " in 15 s; last stats: " << stats.dump();
}

std::vector<Json> SimProcess::RecordLines() const {
  Stats();  // flushes the record, so every submit answered so far is in the file
  std::ifstream in(record_path_);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      ADD_FAILURE() << "the simulator's record holds a line that is not JSON: " << line;
      continue;
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

}  // namespace deliverer::integration
