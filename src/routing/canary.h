#pragma once
// Which arm of a canary roll-out a message takes (docs/configuration.md "canary": route
// changes behind a flag with a percentage). Pure, thread-safe.
//
// The arm is a stable hash of the flag and the message id, not a random draw, so every
// retry of a message (and every process of a scale-out deployment) puts it in the same arm,
// and raising the percentage only moves messages from the stable arm to the canary, never
// back. Salting with the flag keeps two roll-outs from picking the same messages.
#include <cstdint>
#include <string_view>

namespace deliverer::routing {

// Resolution of the percentage: 0.01 %.
inline constexpr uint32_t kCanaryBuckets = 10'000;

// The message's bucket under `flag`, uniform in [0, kCanaryBuckets).
uint32_t CanaryBucket(std::string_view flag, std::string_view message_id);

// True when the message takes the canary arm of a roll-out at `percent` (0 … 100; 0 =
// never, 100 = always).
bool TakesCanary(std::string_view flag, double percent, std::string_view message_id);

}  // namespace deliverer::routing
