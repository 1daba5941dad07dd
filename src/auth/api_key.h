#pragma once
// API keys (docs/api.md "Authentication", docs/reliability.md S2). Pure functions, thread-safe.
//
// A key reads `dlv_<id>_<secret><check>`: `dlv_<id>` is its public id (12 base62
// characters after the prefix), safe for logs and the audit trail; the secret is 22 base62
// characters (≥ 130 bits); the check is 6 base62 characters derived from everything before
// it, so a mistyped key is refused without a store lookup. Only HashKey(key) is stored.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::auth {

enum Scope : uint32_t {
  kScopeSend = 1u << 0,                // messages:send
  kScopeRead = 1u << 1,                // messages:read
  kScopeSuppressionsWrite = 1u << 2,   // suppressions:write
  kScopeAdmin = 1u << 3,               // admin
};

// "messages:send,messages:read" → bit set; nullopt for an unknown or empty scope list.
std::optional<uint32_t> ParseScopes(std::string_view csv);
std::string FormatScopes(uint32_t scopes);

struct GeneratedKey {
  std::string key;     // shown once to the operator
  std::string key_id;  // public id, "dlv_…"
  std::string hash;    // what the store keeps
};
GeneratedKey GenerateKey();

// The public id of a well-formed key whose check characters match; nullopt otherwise.
std::optional<std::string> ParseKey(std::string_view key);

// Hex BLAKE2b-256 of the whole key. Keys are high-entropy, so a fast hash is enough.
std::string HashKey(std::string_view key);

bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace deliverer::auth
