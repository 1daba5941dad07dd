#pragma once
// Retry delays: exponential backoff with full jitter (docs/architecture.md "Delivery, in
// order"), for every retry loop: message submits, webhooks, SMPP reconnects. Pure.
#include <algorithm>
#include <cstdint>
#include <random>

#include "common/clock.h"

namespace deliverer {

// The delay before retry number `attempt` (1 = the first retry): uniform in
// [floor, max(floor, min(cap, base × 2^(attempt-1)))]. Full jitter spreads a burst of failures out, so
// retries do not arrive at the carrier in waves.
inline Millis FullJitter(int attempt, Millis base, Millis cap, std::mt19937_64& random,
                         Millis floor = Millis(0)) {
  const int doublings = std::clamp(attempt - 1, 0, 20);
  const int64_t ceiling = std::min<int64_t>(cap.count(), base.count() << doublings);
  std::uniform_int_distribution<int64_t> pick(floor.count(), std::max(floor.count(), ceiling));
  return Millis(pick(random));
}

}  // namespace deliverer
