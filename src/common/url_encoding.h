#pragma once
// Percent-decoding of URL components and of application/x-www-form-urlencoded bodies.
// Pure and thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deliverer {

// nullopt for a malformed escape. In a query or path '+' stays '+' (RFC 3986: E.164
// numbers keep their plus sign); in a form body it is a space (`plus_is_space`).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

using UrlPairs = std::vector<std::pair<std::string, std::string>>;
// "a=1&b=&c" → (a,1) (b,"") (c,""), in order, repeats kept, empty items skipped;
// nullopt when any name or value has a malformed escape.
std::optional<UrlPairs> ParseUrlEncoded(std::string_view text, bool plus_is_space);

}  // namespace deliverer
