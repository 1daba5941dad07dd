#pragma once
// Timestamped HMAC signatures of a request body, one format both ways:
//   t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// Deliverer signs its webhooks to producers with it (header Deliverer-Signature, docs/api.md
// "Webhooks to producers") and checks carriers' callbacks with it (X-Carrier-Signature,
// docs/api.md "Carrier callbacks"). Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer::auth {

// With `previous_secret` (during a rotation) a second v1= signs with it too, so receivers
// that still hold the old secret keep verifying.
std::string SignatureHeader(std::string_view secret, int64_t unix_seconds, std::string_view body,
                            std::string_view previous_secret = {});
// True when `header` is such a signature of `body` under `secret`, made within
// `max_age_s` of `now_unix_s` (either way): any one of its v1= may match. Compares in
// constant time.
bool VerifySignatureHeader(std::string_view header, std::string_view secret, std::string_view body,
                           int64_t now_unix_s, int64_t max_age_s);
// Lowercase hex HMAC-SHA256.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace deliverer::auth
