#include "model/price.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace deliverer::model {

int64_t MicrosOf(double amount) {
  if (!(amount > 0)) return 0;  // also NaN
  const double micros = std::round(amount * 1'000'000.0);
  if (micros >= static_cast<double>(kMaxMicros)) return kMaxMicros;
  return static_cast<int64_t>(micros);
}

Price PriceOf(double per_segment, int segments, std::string currency) {
  return Price{MicrosOf(per_segment) * std::max(segments, 1), std::move(currency)};
}

std::string FormatMicros(int64_t micros) {
  // In ten-thousandths, the last two digits of the millionths rounded half up.
  const int64_t units = (std::max<int64_t>(micros, 0) + 50) / 100;
  std::string fraction = std::to_string(units % 10'000);
  fraction.insert(0, 4 - fraction.size(), '0');
  return std::to_string(units / 10'000) + "." + fraction;
}

bool IsCurrencyCode(std::string_view text) {
  return text.size() == 3 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace deliverer::model
