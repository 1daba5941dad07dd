#include "common/ids.h"

#include <sodium.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdlib>

#include "common/ascii.h"
#include "common/random_bytes.h"

namespace deliverer {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The 12 bits after the version (rand_a) count the ids made in one millisecond, so ids
// made one after the other sort in that order even within a millisecond (RFC 9562 6.2,
// method 1): listings are newest first by (created_at, id). The count starts at a random
// point of its lower half, leaving room for at least 2,048 ids a millisecond.
constexpr uint64_t kCounterBits = 12;
constexpr uint64_t kCounterMax = (1u << kCounterBits) - 1;

// (millisecond << 12) | counter of the newest id made by this process.
std::atomic<uint64_t> newest_id{0};

// The counter for an id of millisecond `ms`, from 16 `random` bits where it starts anew.
// An older millisecond (an event's time, a clock stepped back) or a millisecond whose
// count is spent gets a random one: such an id is still unique through its 62 random
// bits, just not ordered within its millisecond.
uint16_t CounterFor(uint64_t ms, uint16_t random) {
  uint64_t newest = newest_id.load(std::memory_order_relaxed);
  for (;;) {
    const uint64_t newest_ms = newest >> kCounterBits;
    uint64_t next;
    if (ms > newest_ms) {
      next = (ms << kCounterBits) | (random & (kCounterMax >> 1));
    } else if (ms == newest_ms && (newest & kCounterMax) < kCounterMax) {
      next = newest + 1;
    } else {
      return static_cast<uint16_t>(random & kCounterMax);
    }
    if (newest_id.compare_exchange_weak(newest, next, std::memory_order_relaxed)) {
      return static_cast<uint16_t>(next & kCounterMax);
    }
  }
}

}  // namespace

void EnsureCryptoReady() {
  // sodium_init is idempotent and thread-safe; it must precede any libsodium call.
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

std::string NewUuidV7(int64_t unix_millis) {
  EnsureCryptoReady();
  std::array<uint8_t, 16> b{};
  FillRandom(b.data(), b.size());
  const auto ms = static_cast<uint64_t>(unix_millis);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  const uint16_t counter = CounterFor(ms, static_cast<uint16_t>(b[6] << 8 | b[7]));
  b[6] = static_cast<uint8_t>(0x70 | (counter >> 8));  // version 7
  b[7] = static_cast<uint8_t>(counter & 0xFF);
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));  // RFC 9562 variant
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string RandomBase62(size_t n) {
  EnsureCryptoReady();
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    // Rejection sampling keeps the distribution uniform: 248 = 4 * 62.
    uint8_t byte = 0;
    randombytes_buf(&byte, 1);  // API keys are made with this: no copy in a shared block
    if (byte < 248) out.push_back(kBase62[byte % 62]);
  }
  return out;
}

std::string CanonicalMessageId(std::string_view id) {
  std::string out(id);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

}  // namespace deliverer
