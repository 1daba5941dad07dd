#pragma once
// Logging for every component: one line per event on standard output, JSON by default
// ({"ts","level","component","correlation_id","msg"}) or plain text for humans.
// Every message passes through MaskText, so a phone number that slips into a log line
// is masked; callers still log numbers only through MaskNumber and never log bodies
// or secrets (docs/operations.md "Logs", docs/reliability.md S8). Thread-safe.
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace deliverer::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };
enum class Format { kJson, kText };

// Call once at start-up; before it, logging goes to stdout as text at info.
void Init(Level level, Format format);
bool ParseLevel(std::string_view name, Level* level);

void Write(Level level, std::string_view component, std::string_view correlation_id,
           std::string_view message);
bool Enabled(Level level);

template <class... Args>
void Debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, component, {}, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, component, {}, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Warn(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, component, {}, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void Error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kError)) Write(Level::kError, component, {}, fmt::format(f, std::forward<Args>(args)...));
}
// With a correlation id (the message id, or the request id before there is one).
template <class... Args>
void InfoFor(std::string_view component, std::string_view correlation_id,
             fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kInfo)) {
    Write(Level::kInfo, component, correlation_id, fmt::format(f, std::forward<Args>(args)...));
  }
}
template <class... Args>
void DebugFor(std::string_view component, std::string_view correlation_id,
              fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kDebug)) {
    Write(Level::kDebug, component, correlation_id, fmt::format(f, std::forward<Args>(args)...));
  }
}
template <class... Args>
void WarnFor(std::string_view component, std::string_view correlation_id,
             fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kWarn)) {
    Write(Level::kWarn, component, correlation_id, fmt::format(f, std::forward<Args>(args)...));
  }
}

}  // namespace deliverer::log
