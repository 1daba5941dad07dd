#include "server/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <string>

#include "common/log.h"

namespace deliverer::server {

void SystemdNotifier::Ready(std::string_view status) {
  const std::string state = "READY=1\nSTATUS=" + std::string(status);
  if (sd_notify(0, state.c_str()) < 0) log::Warn("server", "cannot notify systemd of readiness");
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    interval_ = std::chrono::microseconds(usec / 2);
    Ping();
  }
}

void SystemdNotifier::Stopping() {
  stopping_ = true;
  timer_.cancel();
  (void)sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::Ping() {
  if (stopping_) return;
  (void)sd_notify(0, "WATCHDOG=1");
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Ping();
  });
}

}  // namespace deliverer::server
