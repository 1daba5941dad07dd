#pragma once
// The producer webhook's signature (api.md "Webhooks to producers"):
//   Deliverer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer::webhooks {

std::string SignatureHeader(std::string_view secret, int64_t unix_seconds, std::string_view body);
// Lowercase hex HMAC-SHA256.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace deliverer::webhooks
