#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "common/mask.h"
#include "common/time_format.h"

namespace deliverer::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kText};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>(
        "deliverer", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_level(spdlog::level::trace);
    l->set_pattern("%v");
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

constexpr std::string_view kLevelNames[] = {"trace", "debug", "info", "warn", "error"};

std::string Json(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace);
}

}  // namespace

void Init(Level level, Format format) {
  g_level = level;
  g_format = format;
}

bool ParseLevel(std::string_view name, Level* level) {
  for (size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (kLevelNames[i] == name) {
      *level = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view component, std::string_view correlation_id,
           std::string_view message) {
  const std::string masked = MaskText(message);
  const auto now = std::chrono::system_clock::now();
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::string_view level_name = kLevelNames[static_cast<size_t>(level)];
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == Format::kJson) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","component":"{}")", FormatRfc3339(ms),
                       level_name, component);
    if (!correlation_id.empty()) line += fmt::format(R"(,"correlation_id":{})", Json(correlation_id));
    line += fmt::format(R"(,"msg":{}}})", Json(masked));
  } else {
    line = fmt::format("{} {:5} [{}] {}{}{}", FormatRfc3339(ms), level_name, component, masked,
                       correlation_id.empty() ? "" : " correlation_id=", correlation_id);
  }
  Logger().info(line);
}

}  // namespace deliverer::log
