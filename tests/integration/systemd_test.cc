// `serve` under systemd (docs/operations.md "Running it under systemd"): the unit file
// passes `systemd-analyze verify` without a word, and the process tells systemd's notify
// socket that it is ready, pings the watchdog, and says when it stops.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

// A datagram socket standing in for systemd's NOTIFY_SOCKET, and the environment that
// points the child processes at it while it lives.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error("cannot bind " + path);
    }
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    close(fd_);
    unlink(path_.c_str());
  }

  // The next datagram, or "" when none comes within `timeout`.
  std::string Next(Millis timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }

  // Reads datagrams until one starts with `prefix`; "" after `timeout` for each wait.
  std::string Await(const std::string& prefix, Millis timeout = Millis(10'000)) {
    for (;;) {
      std::string message = Next(timeout);
      if (message.empty() || message.rfind(prefix, 0) == 0) return message;
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(SystemdTest, ServeNotifiesReadinessPingsTheWatchdogAndSaysWhenItStops) {
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify.sock");
  setenv("WATCHDOG_USEC", "200000", 1);  // a ping every 100 ms
  DelivererProcess server("", "", {"--role", "api"});

  const std::string ready = notify.Await("READY=1");
  ASSERT_FALSE(ready.empty()) << "no READY=1 came";
  EXPECT_NE(ready.find("STATUS=listening on http://"), std::string::npos) << ready;
  EXPECT_EQ(notify.Await("WATCHDOG=1"), "WATCHDOG=1");
  EXPECT_EQ(notify.Await("WATCHDOG=1"), "WATCHDOG=1") << "the pings go on";

  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_EQ(notify.Await("STOPPING=1"), "STOPPING=1");
}

TEST(SystemdTest, TheUnitFilePassesSystemdAnalyzeVerifyWithoutAWord) {
  // verify wants the executable to exist: the unit is checked with ExecStart pointing at
  // the binary under test, everything else as shipped.
  std::ifstream in(std::string(DELIVERER_SOURCE_DIR) + "/deploy/systemd/deliverer.service");
  ASSERT_TRUE(in) << "deploy/systemd/deliverer.service is missing";
  std::stringstream unit;
  unit << in.rdbuf();
  std::string text = unit.str();
  const std::string shipped = "/usr/bin/deliverer";
  ASSERT_NE(text.find("ExecStart=" + shipped + " serve"), std::string::npos);
  for (size_t at = text.find(shipped); at != std::string::npos; at = text.find(shipped, at)) {
    text.replace(at, shipped.size(), DELIVERER_BINARY);
  }
  TempDir dir;
  const std::string path = dir.path() + "/deliverer.service";
  std::ofstream(path) << text;
  const std::string command = "systemd-analyze verify " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "systemd-analyze had something to say about the unit";
}

}  // namespace
}  // namespace deliverer::integration
