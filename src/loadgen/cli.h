#pragma once
// `deliverer bench`: the load generator as a command (docs/operations.md "One binary",
// docs/bench.md). main.cc registers the flags with AddBenchOptions and runs RunBench
// when the subcommand is chosen; RunBench returns the process exit code.
#include <CLI/CLI.hpp>

#include "loadgen/settings.h"

namespace deliverer::loadgen {

inline constexpr int kBenchExitOk = 0;
inline constexpr int kBenchExitFailure =
    1;  // unreachable/unready gateway, spawn failed, nothing accepted
inline constexpr int kBenchExitUsage = 2;  // bad flags, no API key

void AddBenchOptions(CLI::App* bench, BenchOptions& options);
int RunBench(const BenchOptions& options);

}  // namespace deliverer::loadgen
