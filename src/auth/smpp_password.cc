#include "auth/smpp_password.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "common/ids.h"

namespace deliverer::auth {
namespace {

// A bind verifies one hash: about 10 ms and 8 MiB on a small machine, so a copy of the
// database takes years to guess from, and binds stay cheap.
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 8u << 20;

}  // namespace

std::string GenerateSmppPassword() { return RandomBase62(kSmppPasswordChars); }

std::string HashSmppPassword(std::string_view password) {
  EnsureCryptoReady();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return "";
  }
  return std::string(out.data());
}

bool VerifySmppPassword(std::string_view hash, std::string_view password) {
  EnsureCryptoReady();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with("$argon2id$")) return false;
  const std::string text(hash);  // NUL-terminated, as libsodium reads it
  return crypto_pwhash_str_verify(text.c_str(), password.data(), password.size()) == 0;
}

bool IsValidSmppSystemId(std::string_view system_id) {
  return !system_id.empty() && system_id.size() <= kMaxSmppSystemIdChars &&
         std::all_of(system_id.begin(), system_id.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

}  // namespace deliverer::auth
