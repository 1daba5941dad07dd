#include "auth/signature.h"

#include <cstdlib>
#include <string>

#include "auth/api_key.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace deliverer::auth {

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

bool VerifySignatureHeader(std::string_view header, std::string_view secret, std::string_view body,
                           int64_t now_unix_s, int64_t max_age_s) {
  const size_t comma = header.find(',');
  if (!header.starts_with("t=") || comma == std::string_view::npos) return false;
  const std::string t(header.substr(2, comma - 2));
  const std::string_view mac = header.substr(comma + 1);
  if (!mac.starts_with("v1=")) return false;
  char* end = nullptr;
  const long long stamp = std::strtoll(t.c_str(), &end, 10);
  if (t.empty() || *end != '\0' || std::llabs(now_unix_s - stamp) > max_age_s) return false;
  return ConstantTimeEqual(mac.substr(3), HmacSha256Hex(secret, t + "." + std::string(body)));
}

}  // namespace deliverer::auth
