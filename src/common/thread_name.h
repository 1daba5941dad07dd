#pragma once
// Names the calling thread, as `top -H`, `ps -L`, perf and gdb show it, so that an
// operator can tell which of serve's threads is busy: "writer", "log-sync", "delivery" …
// Linux keeps 15 characters; longer names are cut. Best effort: a failure is ignored.
#include <string_view>

namespace deliverer {

void NameThisThread(std::string_view name);

}  // namespace deliverer
