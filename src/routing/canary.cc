#include "routing/canary.h"

#include <cmath>

namespace deliverer::routing {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv1a(uint64_t hash, std::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

// splitmix64's finalizer: FNV-1a alone leaves the low bits (what the modulo reads) poorly
// mixed for ids that differ only in their last characters.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

uint32_t CanaryBucket(std::string_view flag, std::string_view message_id) {
  uint64_t hash = Fnv1a(kFnvOffset, flag);
  hash = Fnv1a(hash, std::string_view("\0", 1));  // "ab"+"c" and "a"+"bc" differ
  hash = Fnv1a(hash, message_id);
  return static_cast<uint32_t>(Mix(hash) % kCanaryBuckets);
}

bool TakesCanary(std::string_view flag, double percent, std::string_view message_id) {
  if (!(percent > 0)) return false;  // also NaN
  const double threshold = std::round(percent * (kCanaryBuckets / 100));
  return CanaryBucket(flag, message_id) < threshold;
}

}  // namespace deliverer::routing
