#pragma once
// Tells systemd how `serve` is doing when it runs as a Type=notify unit
// (deploy/systemd/deliverer.service, docs/operations.md "Running it under systemd"):
// READY=1 once it accepts connections, WATCHDOG=1 while its I/O thread turns, and
// STOPPING=1 when it starts draining. Outside systemd (no NOTIFY_SOCKET) every call does
// nothing.
//
// The watchdog pings come from a timer on the HTTP I/O thread, so a stuck event loop
// stops them and systemd restarts the process (WatchdogSec=). Not thread-safe: call from
// the thread that runs `io`.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string_view>

namespace deliverer::server {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& io) : timer_(io) {}

  // READY=1 (with a STATUS line), and the watchdog pings from then on when systemd asked
  // for them (WATCHDOG_USEC): at half its interval, as sd_watchdog_enabled(3) advises.
  void Ready(std::string_view status);
  // STOPPING=1: systemd waits for the exit instead of reading silence as a hang.
  void Stopping();

 private:
  void Ping();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds interval_{0};
  bool stopping_ = false;
};

}  // namespace deliverer::server
