#pragma once
// RFC 3339 UTC timestamps with milliseconds, the only time format of the API.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deliverer {

// 1764098165123 → "2025-11-25T19:16:05.123Z"
std::string FormatRfc3339(int64_t unix_millis);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" (also 't'/'z'); nullopt otherwise.
std::optional<int64_t> ParseRfc3339(std::string_view text);

}  // namespace deliverer
