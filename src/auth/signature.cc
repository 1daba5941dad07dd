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
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return hex;
}

std::string SignatureHeader(std::string_view secret, int64_t unix_seconds, std::string_view body,
                            std::string_view previous_secret) {
  const std::string signed_payload = fmt::format("{}.{}", unix_seconds, body);
  std::string header = fmt::format("t={},v1={}", unix_seconds, HmacSha256Hex(secret, signed_payload));
  if (!previous_secret.empty()) header += ",v1=" + HmacSha256Hex(previous_secret, signed_payload);
  return header;
}

bool VerifySignatureHeader(std::string_view header, std::string_view secret, std::string_view body,
                           int64_t now_unix_s, int64_t max_age_s) {
  size_t comma = header.find(',');
  if (!header.starts_with("t=") || comma == std::string_view::npos) return false;
  const std::string t(header.substr(2, comma - 2));
  char* end = nullptr;
  const long long stamp = std::strtoll(t.c_str(), &end, 10);
  if (t.empty() || *end != '\0' || std::llabs(now_unix_s - stamp) > max_age_s) return false;
  const std::string expected = HmacSha256Hex(secret, t + "." + std::string(body));
  // Every v1= is compared, so the time taken does not tell which one matched.
  bool matched = false;
  bool any = false;
  while (comma != std::string_view::npos) {
    const size_t next = header.find(',', comma + 1);
    const std::string_view part = header.substr(comma + 1, next == std::string_view::npos ? next : next - comma - 1);
    if (part.starts_with("v1=")) {
      any = true;
      matched = ConstantTimeEqual(part.substr(3), expected) || matched;
    }
    comma = next;
  }
  return any && matched;
}

}  // namespace deliverer::auth
