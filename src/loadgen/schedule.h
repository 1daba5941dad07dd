#pragma once
// Which requests a run sends, and when (pure, thread-safe).
//
// A run is a sequence of requests ("slots") numbered from 0; slot s carries the messages
// [s * per_request, s * per_request + MessagesIn(s)). Messages are numbered the same way
// across the run (their "seq").
//
// Open loop (rate > 0): slot s is due at start + s * per_request / rate, whatever happened
// to earlier requests. A request that goes out late (every connection busy) still counts
// its latency from its due time, so a slow server shows up in the percentiles instead of
// silently lowering the offered load (coordinated omission).
// Closed loop (rate == 0): every connection sends its next request as soon as it has the
// answer to the previous one; latency counts from the actual send.
#include <chrono>
#include <cstdint>
#include <optional>

namespace deliverer::loadgen {

using Nanos = std::chrono::nanoseconds;

struct RunPlan {
  double rate = 0;                // messages per second; 0 = closed loop (flat out)
  uint32_t per_request = 1;       // messages per request (1 unless batching)
  std::optional<uint64_t> count;  // messages in all; when set, the run ends after them
  std::optional<Nanos> duration;  // otherwise the run ends after this long
};

class Schedule {
 public:
  // Preconditions: rate >= 0, per_request >= 1, count or duration set (count > 0,
  // duration > 0).
  explicit Schedule(RunPlan plan);

  bool open_loop() const { return plan_.rate > 0; }
  uint32_t per_request() const { return plan_.per_request; }
  const RunPlan& plan() const { return plan_; }

  // Open loop: when slot s is due, as an offset from the run's start.
  Nanos Due(uint64_t slot) const;
  uint64_t FirstSeq(uint64_t slot) const { return slot * plan_.per_request; }
  // Messages slot s carries: per_request, fewer in the last slot of a count that is not a
  // multiple of it, 0 past the count.
  uint32_t MessagesIn(uint64_t slot) const;

  // Whether a connection may still take slot s when `elapsed` has passed since the start.
  // With a count: while s holds messages. With a duration: while elapsed < duration and,
  // in the open loop, s is due before the duration ends.
  bool MayClaim(uint64_t slot, Nanos elapsed) const;

  // Open loop with a duration: how many slots fall due within it (the run's offered load).
  // Slots of those never claimed went unsent because the target fell behind. 0 otherwise.
  uint64_t SlotsDueWithinDuration() const;

 private:
  RunPlan plan_;
  double nanos_per_slot_ = 0;  // open loop only
};

}  // namespace deliverer::loadgen
