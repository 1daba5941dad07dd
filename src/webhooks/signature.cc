#include "webhooks/signature.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace deliverer::webhooks {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

std::string SignatureHeader(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string signed_payload = fmt::format("{}.{}", unix_seconds, body);
  return fmt::format("t={},v1={}", unix_seconds, HmacSha256Hex(secret, signed_payload));
}

}  // namespace deliverer::webhooks
