#pragma once
// Retry delays: exponential backoff with full jitter (delivery.md "Retries"). Pure.
#include <algorithm>
#include <cstdint>
#include <random>

#include "common/clock.h"

namespace deliverer::delivery {

// The delay before retry number `attempt` (1 = the first retry): uniform in
// [0, min(cap, base × 2^(attempt-1))]. Full jitter spreads a burst of failures out, so
// retries do not arrive at the carrier in waves.
inline Millis FullJitter(int attempt, Millis base, Millis cap, std::mt19937_64& random) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const int64_t ceiling = std::min<int64_t>(cap.count(), base.count() << std::min(doublings, 20));
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(0, ceiling));
  return Millis(pick(random));
}

}  // namespace deliverer::delivery
