#pragma once
// What the bench reads about the processes around it: counters from the gateway's
// Prometheus text (/metrics) and CPU time from /proc. The parsers are pure; the readers
// at the bottom do the file I/O. Thread-safe.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/report.h"

namespace deliverer::loadgen {

// The sum over every series of metric `name` in Prometheus text exposition (lines
// `name{labels} value` or `name value`; comments and other metrics ignored); nullopt
// when no series of it is present.
std::optional<double> SumMetric(std::string_view exposition, std::string_view name);

// utime + stime, in clock ticks, from the text of /proc/PID/stat. The command name (field
// 2) may hold spaces and parentheses, so fields are counted from its last ')'.
std::optional<uint64_t> CpuTicksFromStat(std::string_view stat);

// The command name (field 2, the thread's name for /proc/PID/task/TID/stat) from the
// same text: what lies between the first '(' and the last ')'.
std::optional<std::string> CommandNameFromStat(std::string_view stat);

// The peak resident set (VmHWM) in MiB from the text of /proc/PID/status; nullopt when
// the line is missing.
std::optional<double> PeakRssMibFromStatus(std::string_view status);

// The gateway's counters at one moment, `t_s` seconds after the run's start.
struct MetricSample {
  double t_s = 0;
  double accepted = 0;   // deliverer_messages_accepted_total, all series
  double delivered = 0;  // deliverer_messages_delivered_total, all series
};

// Deltas from `baseline` (read before the start) to the last of `samples` (in time
// order, non-empty). The delivered rate runs from the start to the first sample that
// shows the final count; when the last two samples still differ the counter had not
// settled, and the rate runs to the last one.
GatewayFigures GatewayFiguresOf(const MetricSample& baseline,
                                const std::vector<MetricSample>& samples);

// CPU seconds used so far: by this process (all its threads), and by process `pid`
// (nullopt when it cannot be read, e.g. it has exited).
double SelfCpuSeconds();
std::optional<double> ProcessCpuSeconds(pid_t pid);
// CPU seconds used so far by the threads of process `pid`, summed per thread name (serve
// names its threads: common/thread_name.h); empty when they cannot be read.
std::map<std::string, double> ThreadCpuSecondsByName(pid_t pid);
// Process `pid`'s peak resident set so far, in MiB (nullopt when it cannot be read).
std::optional<double> ProcessPeakRssMib(pid_t pid);

}  // namespace deliverer::loadgen
