#include "auth/credential_age.h"

#include <algorithm>

namespace deliverer::auth {

std::vector<AgingCredential> AgingCredentials(const std::vector<Credential>& credentials, int64_t now_ms,
                                              int max_age_days) {
  constexpr int64_t kDayMs = 24LL * 3600 * 1000;
  std::vector<AgingCredential> aging;
  for (const Credential& c : credentials) {
    if (c.created_at_ms <= 0 || c.created_at_ms > now_ms) continue;
    const int64_t age_days = (now_ms - c.created_at_ms) / kDayMs;
    if (age_days > max_age_days) aging.push_back({c.kind, c.id, static_cast<int>(age_days)});
  }
  std::stable_sort(aging.begin(), aging.end(),
                   [](const AgingCredential& a, const AgingCredential& b) { return a.age_days > b.age_days; });
  return aging;
}

}  // namespace deliverer::auth
