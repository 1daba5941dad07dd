// `deliverer canary …`: canary roll-outs halted by their guard (docs/configuration.md "The
// canary's guard"). A resume is written to the store like the API's; a running serve reads
// the store's halts every second, lifts the halt and starts the roll-out's window afresh.
#include <fmt/format.h>

#include <future>
#include <iostream>

#include "common/time_format.h"
#include "server/cli.h"
#include "server/cli_support.h"
#include "server/server.h"

namespace deliverer::server {

int CanaryList(const std::string& config_path) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  auto halts = opened->store->ListCanaryHalts();
  if (!halts.ok()) {
    std::cerr << halts.error().detail << "\n";
    return kExitFailure;
  }
  for (const store::CanaryHalt& halt : *halts) {
    std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\n", halt.flag, halt.route, FormatRfc3339(halt.halted_at_ms),
                             halt.reason, halt.detail);
  }
  return kExitOk;
}

int CanaryResume(const std::string& config_path, const std::string& flag) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  std::promise<Status> resumed;
  opened->store->ResumeCanary(flag, CliAudit(now, "", "canary.resume", flag),
                              [&resumed](Status s) { resumed.set_value(std::move(s)); });
  const Status s = resumed.get_future().get();
  if (!s.ok() && s.error().code == "not_found") {
    std::cerr << "no halted canary roll-out has the flag '" << flag << "' (deliverer canary list)\n";
    return kExitUsage;
  }
  if (!s.ok()) {
    std::cerr << "cannot resume it: " << s.error().detail << "\n";
    return kExitFailure;
  }
  std::cout << "canary " << flag << " resumed: a running serve routes to it again within a second\n";
  return kExitOk;
}

}  // namespace deliverer::server
