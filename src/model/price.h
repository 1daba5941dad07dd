#pragma once
// Prices of messages as the API shows them (docs/api.md "Cost"). Amounts are whole
// millionths of the currency unit ("micros"): a carrier's price per segment is rounded
// to that once, and everything after (times the segments, the four-decimal text) is
// integer arithmetic, so "0.005 × 2" prints "0.0100" on every platform. Pure, no I/O.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer::model {

inline constexpr std::string_view kDefaultCurrency = "EUR";
// A billion currency units: far above any SMS price, and small enough that a price per
// segment times any segment count stays far inside int64_t.
inline constexpr int64_t kMaxMicros = 1'000'000'000'000'000;

// What one message costs (or is estimated to cost), in one currency.
struct Price {
  int64_t micros = 0;    // 0 … kMaxMicros × segments
  std::string currency;  // ISO 4217, three upper-case letters ("EUR")

  bool operator==(const Price&) const = default;
};

// `amount` (a configured price, in currency units) to the nearest millionth, halves away
// from zero. Negative amounts and NaN give 0; larger amounts than kMaxMicros allows are
// capped to it.
int64_t MicrosOf(double amount);

// `segments` (1 … 1000; below 1 counts as 1) at `per_segment` currency units each.
Price PriceOf(double per_segment, int segments, std::string currency);

// The amount with four decimals, the rest rounded half up: 10'000 → "0.0100",
// 10'550 → "0.0106", 12'345'678 → "12.3457". `micros` ≥ 0 (negative prints as 0).
std::string FormatMicros(int64_t micros);

// Three upper-case ASCII letters, as ISO 4217 codes are written ([billing] currency).
bool IsCurrencyCode(std::string_view text);

}  // namespace deliverer::model
