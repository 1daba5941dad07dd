#include "common/ids.h"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdlib>

namespace deliverer {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

void EnsureCryptoReady() {
  // sodium_init is idempotent and thread-safe; it must precede any libsodium call.
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

std::string NewUuidV7(int64_t unix_millis) {
  EnsureCryptoReady();
  std::array<uint8_t, 16> b{};
  randombytes_buf(b.data(), b.size());
  const auto ms = static_cast<uint64_t>(unix_millis);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
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
    randombytes_buf(&byte, 1);
    if (byte < 248) out.push_back(kBase62[byte % 62]);
  }
  return out;
}

}  // namespace deliverer
