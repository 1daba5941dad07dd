#pragma once
// Which credentials are due for rotation (docs/operations.md "Background jobs",
// docs/reliability.md S2): API keys and carrier credentials older than 90 days are reported by
// /readyz detail, a metric and a warning log. Pure function, thread-safe.
#include <cstdint>
#include <string>
#include <vector>

namespace deliverer::auth {

inline constexpr int kCredentialMaxAgeDays = 90;

struct Credential {
  std::string kind;           // "api_key" or "carrier"
  std::string id;             // the key's public id or the carrier's id; never a secret
  int64_t created_at_ms = 0;  // 0 = unknown: never reported
};

struct AgingCredential {
  std::string kind;
  std::string id;
  int age_days = 0;
};

// The credentials older than `max_age_days` at `now_ms`, oldest first.
std::vector<AgingCredential> AgingCredentials(const std::vector<Credential>& credentials, int64_t now_ms,
                                              int max_age_days = kCredentialMaxAgeDays);

}  // namespace deliverer::auth
