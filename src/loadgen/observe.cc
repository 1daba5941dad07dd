#include "loadgen/observe.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace deliverer::loadgen {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The value of one exposition line when it is a sample of `name`.
std::optional<double> SampleValue(std::string_view line, std::string_view name) {
  if (line.substr(0, name.size()) != name || line.size() == name.size()) return std::nullopt;
  std::string_view rest = line.substr(name.size());
  if (rest[0] == '{') {
    const size_t close = rest.rfind('}');
    if (close == std::string_view::npos) return std::nullopt;
    rest = rest.substr(close + 1);
  } else if (rest[0] != ' ') {
    return std::nullopt;  // another metric whose name starts with `name`
  }
  rest = Trim(rest);
  rest = rest.substr(0, rest.find(' '));  // an optional timestamp follows
  double value = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || end != rest.data() + rest.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<double> SumMetric(std::string_view exposition, std::string_view name) {
  std::optional<double> sum;
  while (!exposition.empty()) {
    const size_t newline = exposition.find('\n');
    const std::string_view line = exposition.substr(0, newline);
    if (auto value = SampleValue(line, name)) sum = sum.value_or(0) + *value;
    if (newline == std::string_view::npos) break;
    exposition.remove_prefix(newline + 1);
  }
  return sum;
}

std::optional<uint64_t> CpuTicksFromStat(std::string_view stat) {
  const size_t paren = stat.rfind(')');
  if (paren == std::string_view::npos) return std::nullopt;
  // After ") ": field 3 (state) onwards; utime and stime are fields 14 and 15.
  std::string_view rest = stat.substr(paren + 1);
  uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    rest = Trim(rest);
    const size_t space = rest.find(' ');
    const std::string_view value = rest.substr(0, space);
    if (value.empty()) return std::nullopt;
    if (field >= 14) {
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
      ticks += n;
    }
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space);
  }
  return ticks;
}

std::optional<std::string> CommandNameFromStat(std::string_view stat) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  return std::string(stat.substr(open + 1, close - open - 1));
}

GatewayFigures GatewayFiguresOf(const MetricSample& baseline,
                                const std::vector<MetricSample>& samples) {
  GatewayFigures figures;
  if (samples.empty()) return figures;
  const MetricSample& last = samples.back();
  figures.accepted = static_cast<uint64_t>(std::max(0.0, last.accepted - baseline.accepted));
  figures.delivered = static_cast<uint64_t>(std::max(0.0, last.delivered - baseline.delivered));
  figures.delivered_settled =
      samples.size() >= 2 && samples[samples.size() - 2].delivered == last.delivered;
  double until_s = last.t_s;
  for (const MetricSample& sample : samples) {
    if (sample.delivered == last.delivered) {
      until_s = sample.t_s;
      break;
    }
  }
  if (figures.delivered > 0 && until_s > 0)
    figures.delivered_per_s = static_cast<double>(figures.delivered) / until_s;
  return figures;
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::optional<double> ProcessCpuSeconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::stringstream text;
  text << file.rdbuf();
  const auto ticks = CpuTicksFromStat(text.str());
  if (!file.is_open() || !ticks) return std::nullopt;
  return static_cast<double>(*ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::map<std::string, double> ThreadCpuSecondsByName(pid_t pid) {
  std::map<std::string, double> by_name;
  std::error_code error;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& task : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid) + "/task", error)) {
    std::ifstream file(task.path() / "stat");
    std::stringstream text;
    text << file.rdbuf();
    const auto name = CommandNameFromStat(text.str());
    const auto ticks = CpuTicksFromStat(text.str());
    if (name && ticks) by_name[*name] += static_cast<double>(*ticks) / tick;
  }
  return by_name;
}

std::optional<double> PeakRssMibFromStatus(std::string_view status) {
  constexpr std::string_view kField = "VmHWM:";
  size_t at = status.find(kField);
  if (at == std::string_view::npos) return std::nullopt;
  at = status.find_first_not_of(" \t", at + kField.size());
  if (at == std::string_view::npos) return std::nullopt;
  uint64_t kib = 0;
  const auto [end, ec] = std::from_chars(status.data() + at, status.data() + status.size(), kib);
  if (ec != std::errc() || end == status.data() + at) return std::nullopt;
  return static_cast<double>(kib) / 1024.0;
}

std::optional<double> ProcessPeakRssMib(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  if (!file.is_open()) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return PeakRssMibFromStatus(text.str());
}

}  // namespace deliverer::loadgen
