// Credentials due for rotation (docs/reliability.md S2, docs/operations.md): older than 90 days.
#include "auth/credential_age.h"

#include <gtest/gtest.h>

namespace deliverer::auth {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kNow = 1'780'000'000'000;

TEST(S2_CredentialAgeTest, OlderThan90DaysIsReportedOldestFirst) {
  const std::vector<Credential> credentials = {
      {"api_key", "dlv_young", kNow - 10 * kDayMs},
      {"api_key", "dlv_old", kNow - 91 * kDayMs},
      {"carrier", "carrier-a", kNow - 400 * kDayMs},
      {"api_key", "dlv_exactly_90", kNow - 90 * kDayMs},
  };
  const auto aging = AgingCredentials(credentials, kNow);
  ASSERT_EQ(aging.size(), 2u);
  EXPECT_EQ(aging[0].kind, "carrier");
  EXPECT_EQ(aging[0].id, "carrier-a");
  EXPECT_EQ(aging[0].age_days, 400);
  EXPECT_EQ(aging[1].id, "dlv_old");
  EXPECT_EQ(aging[1].age_days, 91);
}

TEST(S2_CredentialAgeTest, UnknownOrFutureCreationIsNotReported) {
  EXPECT_TRUE(AgingCredentials({{"carrier", "a", 0}, {"carrier", "b", kNow + kDayMs}}, kNow).empty());
}

TEST(S2_CredentialAgeTest, TheLimitCanBeChosen) {
  EXPECT_EQ(AgingCredentials({{"api_key", "k", kNow - 8 * kDayMs}}, kNow, 7).size(), 1u);
}

}  // namespace
}  // namespace deliverer::auth
