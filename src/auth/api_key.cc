#include "auth/api_key.h"

#include <sodium.h>

#include <array>

#include "common/ids.h"

namespace deliverer::auth {
namespace {

constexpr std::string_view kPrefix = "dlv_";
constexpr size_t kIdChars = 12;
constexpr size_t kSecretChars = 22;
constexpr size_t kCheckChars = 6;
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct ScopeName {
  Scope scope;
  std::string_view name;
};
constexpr std::array<ScopeName, 4> kScopeNames = {{
    {kScopeSend, "messages:send"},
    {kScopeRead, "messages:read"},
    {kScopeSuppressionsWrite, "suppressions:write"},
    {kScopeAdmin, "admin"},
}};

std::string CheckChars(std::string_view body) {
  EnsureCryptoReady();
  std::array<unsigned char, 8> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
  uint64_t v = 0;
  for (unsigned char c : digest) v = (v << 8) | c;
  std::string out(kCheckChars, '0');
  for (size_t i = 0; i < kCheckChars; ++i) {
    out[i] = kBase62[v % 62];
    v /= 62;
  }
  return out;
}

bool AllBase62(std::string_view s) {
  return s.find_first_not_of(kBase62) == std::string_view::npos;
}

}  // namespace

std::optional<uint32_t> ParseScopes(std::string_view csv) {
  uint32_t scopes = 0;
  while (!csv.empty()) {
    const size_t comma = csv.find(',');
    std::string_view item = csv.substr(0, comma);
    csv = comma == std::string_view::npos ? std::string_view() : csv.substr(comma + 1);
    bool known = false;
    for (const auto& s : kScopeNames) {
      if (s.name == item) {
        scopes |= s.scope;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  if (scopes == 0) return std::nullopt;
  return scopes;
}

std::string FormatScopes(uint32_t scopes) {
  std::string out;
  for (const auto& s : kScopeNames) {
    if ((scopes & s.scope) == 0) continue;
    if (!out.empty()) out += ',';
    out += s.name;
  }
  return out;
}

GeneratedKey GenerateKey() {
  GeneratedKey k;
  k.key_id = std::string(kPrefix) + RandomBase62(kIdChars);
  const std::string body = k.key_id + "_" + RandomBase62(kSecretChars);
  k.key = body + CheckChars(body);
  k.hash = HashKey(k.key);
  return k;
}

std::optional<std::string> ParseKey(std::string_view key) {
  constexpr size_t kLength = kPrefix.size() + kIdChars + 1 + kSecretChars + kCheckChars;
  if (key.size() != kLength || key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view id = key.substr(kPrefix.size(), kIdChars);
  const std::string_view rest = key.substr(kPrefix.size() + kIdChars + 1);
  if (key[kPrefix.size() + kIdChars] != '_' || !AllBase62(id) || !AllBase62(rest)) {
    return std::nullopt;
  }
  const std::string_view body = key.substr(0, key.size() - kCheckChars);
  if (!ConstantTimeEqual(CheckChars(body), key.substr(body.size()))) return std::nullopt;
  return std::string(key.substr(0, kPrefix.size() + kIdChars));
}

std::string HashKey(std::string_view key) {
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), 64);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace deliverer::auth
