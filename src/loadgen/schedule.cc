#include "loadgen/schedule.h"

#include <cassert>
#include <cmath>

namespace deliverer::loadgen {

Schedule::Schedule(RunPlan plan) : plan_(plan) {
  assert(plan_.rate >= 0 && plan_.per_request >= 1);
  assert(plan_.count.has_value() || plan_.duration.has_value());
  if (plan_.rate > 0) nanos_per_slot_ = 1e9 * plan_.per_request / plan_.rate;
}

Nanos Schedule::Due(uint64_t slot) const {
  // A product rather than a running sum, so rounding never accumulates over a long run.
  return Nanos(static_cast<int64_t>(std::llround(static_cast<double>(slot) * nanos_per_slot_)));
}

uint32_t Schedule::MessagesIn(uint64_t slot) const {
  if (!plan_.count) return plan_.per_request;
  const uint64_t first = FirstSeq(slot);
  if (first >= *plan_.count) return 0;
  const uint64_t left = *plan_.count - first;
  return left < plan_.per_request ? static_cast<uint32_t>(left) : plan_.per_request;
}

bool Schedule::MayClaim(uint64_t slot, Nanos elapsed) const {
  if (plan_.count) return MessagesIn(slot) > 0;
  if (elapsed >= *plan_.duration) return false;
  return !open_loop() || Due(slot) < *plan_.duration;
}

uint64_t Schedule::SlotsDueWithinDuration() const {
  if (!open_loop() || !plan_.duration) return 0;
  // The smallest s with Due(s) >= duration; Due is monotonic, so step from the estimate.
  auto s = static_cast<uint64_t>(
      std::ceil(static_cast<double>(plan_.duration->count()) / nanos_per_slot_));
  while (s > 0 && Due(s - 1) >= *plan_.duration) --s;
  while (Due(s) < *plan_.duration) ++s;
  return s;
}

}  // namespace deliverer::loadgen
