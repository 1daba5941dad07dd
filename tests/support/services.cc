#include "support/services.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#ifndef DELIVERER_SOURCE_DIR
#error "DELIVERER_SOURCE_DIR must name the source tree (for scripts/test-services)"
#endif

extern char** environ;

namespace deliverer::test_support {
namespace {

constexpr auto kKillTimeout = std::chrono::seconds(10);
constexpr auto kKillPoll = std::chrono::milliseconds(10);

std::filesystem::path ServicesDir() {
  const char* dir = std::getenv("DELIVERER_TEST_SERVICES_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "DELIVERER_TEST_SERVICES_DIR is not set: this test needs real servers, which CTest starts "
        "when the test is declared with deliverer_test(... SERVICES ...). Run it through ctest, or "
        "start them by hand (scripts/test-services start postgres /tmp/services) and export "
        "DELIVERER_TEST_SERVICES_DIR=/tmp/services");
  }
  return dir;
}

void CheckName(std::string_view service) {
  if (service != "postgres" && service != "rabbitmq" && service != "redis") {
    throw std::runtime_error("unknown service \"" + std::string(service) +
                             "\": postgres, rabbitmq or redis");
  }
}

// The first line of DELIVERER_TEST_SERVICES_DIR/<service>/<file>.
std::string ReadLine(std::string_view service, const char* file) {
  CheckName(service);
  const auto path = ServicesDir() / service / file;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    throw std::runtime_error(path.string() + " is missing or empty: " + std::string(service) +
                             " was not started for this test (is it in the test's SERVICES, and did "
                             "TestServices.Start." + std::string(service) + " pass?)");
  }
  return line;
}

// Ended: gone, or a zombie its reaper has not collected yet.
bool Ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close == std::string::npos || line.compare(close, 3, ") Z") == 0;
}

int RunScript(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0) {
    throw std::runtime_error(args[0] + ": " + std::strerror(rc));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string ServiceUrl(std::string_view service) { return ReadLine(service, "url"); }

int ServicePort(std::string_view service) {
  const std::string url = ServiceUrl(service);
  const auto colon = url.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("no port in " + url);
  return std::atoi(url.c_str() + colon + 1);
}

pid_t ServicePid(std::string_view service) {
  const std::string line = ReadLine(service, "pid");
  const long pid = std::strtol(line.c_str(), nullptr, 10);
  if (pid <= 1) throw std::runtime_error("not a pid in the pid file of " + std::string(service) + ": " + line);
  return static_cast<pid_t>(pid);
}

void KillService(std::string_view service) {
  const pid_t pid = ServicePid(service);
  if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
    throw std::runtime_error("kill -9 " + std::to_string(pid) + ": " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + kKillTimeout;
  while (!Ended(pid)) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(std::string(service) + " (pid " + std::to_string(pid) +
                               ") still runs 10 s after kill -9");
    }
    // Nothing to wait on for a process that is not our child.
    std::this_thread::sleep_for(kKillPoll);
  }
}

void RestartService(std::string_view service) {
  CheckName(service);
  const std::string script = DELIVERER_SOURCE_DIR "/scripts/test-services";
  const std::string dir = ServicesDir().string();
  if (int rc = RunScript({script, "restart", std::string(service), dir}); rc != 0) {
    throw std::runtime_error(script + " restart " + std::string(service) + " " + dir + " failed (exit " +
                             std::to_string(rc) + "); its message is in the test's output");
  }
}

}  // namespace deliverer::test_support
