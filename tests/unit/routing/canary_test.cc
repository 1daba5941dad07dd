#include "routing/canary.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "routing/router.h"
#include "unit/routing/test_config.h"

namespace deliverer::routing {
namespace {

using testing::FakeHealth;
using testing::Ids;
using testing::RouterFrom;
using Strings = std::vector<std::string>;

std::string MessageId(int i) { return fmt::format("msg_01HV{:08d}", i); }

TEST(CanaryTest, BucketIsStableAndInRange) {
  for (int i = 0; i < 1000; ++i) {
    const uint32_t bucket = CanaryBucket("new-uk-route", MessageId(i));
    EXPECT_LT(bucket, kCanaryBuckets);
    EXPECT_EQ(bucket, CanaryBucket("new-uk-route", MessageId(i)));
  }
}

TEST(CanaryTest, PercentageIsHonouredOverManyMessages) {
  for (double percent : {1.0, 10.0, 50.0}) {
    int canary = 0;
    constexpr int kMessages = 20'000;
    for (int i = 0; i < kMessages; ++i) canary += TakesCanary("flag", percent, MessageId(i));
    const double share = 100.0 * canary / kMessages;
    EXPECT_NEAR(share, percent, 0.1 * percent + 0.2) << percent;
  }
}

TEST(CanaryTest, ZeroAndHundredPercent) {
  for (int i = 0; i < 500; ++i) {
    EXPECT_FALSE(TakesCanary("flag", 0, MessageId(i)));
    EXPECT_TRUE(TakesCanary("flag", 100, MessageId(i)));
  }
  EXPECT_FALSE(TakesCanary("flag", std::nan(""), "x"));
}

TEST(CanaryTest, RaisingThePercentageOnlyAddsMessages) {
  for (int i = 0; i < 2000; ++i) {
    if (TakesCanary("flag", 5, MessageId(i))) {
      EXPECT_TRUE(TakesCanary("flag", 20, MessageId(i))) << i;
    }
  }
}

TEST(CanaryTest, FlagsPickDifferentMessages) {
  int both = 0, first = 0;
  for (int i = 0; i < 10'000; ++i) {
    const bool a = TakesCanary("flag-a", 10, MessageId(i));
    first += a;
    both += a && TakesCanary("flag-b", 10, MessageId(i));
  }
  // Independent 10 % samples overlap on about 1 %, not 10 %.
  EXPECT_GT(first, 800);
  EXPECT_LT(both, 200);
}

constexpr std::string_view kCanaryConfig = R"toml(
[[carriers]]
id = "old"
[[carriers]]
id = "new-1"
[[carriers]]
id = "new-2"
[[carriers]]
id = "fr-only"
countries = ["FR"]
[[routes]]
match = "GB"
carriers = ["old"]
canary = { flag = "new-uk-route", percent = 10, policy = "priority", carriers = ["new-1", "new-2"] }
)toml";

Plan RouteMessage(const Router& router, const std::string& id,
                  const HealthView& health = AllHealthy()) {
  return router.Route(RouteRequest{"+447700900123", "GB", 1, 0.5, id}, health);
}

TEST(RouterCanaryTest, CanaryArmThenTheRoutesOwnCarriers) {
  const Router router = RouterFrom(kCanaryConfig);
  int canary = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string id = MessageId(i);
    const Plan plan = RouteMessage(router, id);
    ASSERT_TRUE(plan.ok());
    if (TakesCanary("new-uk-route", 10, id)) {
      ++canary;
      EXPECT_EQ(plan.canary_flag, "new-uk-route");
      EXPECT_EQ(plan.policy, Policy::kPriority);
      EXPECT_EQ(Ids(plan), (Strings{"new-1", "new-2", "old"}));
    } else {
      EXPECT_EQ(plan.canary_flag, "");
      EXPECT_EQ(plan.policy, Policy::kFailover);
      EXPECT_EQ(Ids(plan), Strings{"old"});
    }
  }
  EXPECT_NEAR(canary, 500, 75);
}

TEST(RouterCanaryTest, RetriesOfAMessageStickToItsArm) {
  const Router router = RouterFrom(kCanaryConfig);
  for (int i = 0; i < 200; ++i) {
    const std::string id = MessageId(i);
    const Plan first = RouteMessage(router, id);
    for (double random01 : {0.0, 0.3, 0.99}) {
      const Plan retry =
          router.Route(RouteRequest{"+447700900123", "GB", 2, random01, id}, AllHealthy());
      EXPECT_EQ(retry.canary_flag, first.canary_flag);
      EXPECT_EQ(Ids(retry), Ids(first));
    }
  }
  // A rebuilt router (a reload with the same config) keeps the arms too.
  const Router reloaded = RouterFrom(kCanaryConfig);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(RouteMessage(reloaded, MessageId(i)).canary_flag,
              RouteMessage(router, MessageId(i)).canary_flag);
  }
}

// The id of some message in the canary arm.
std::string CanaryMessage() {
  for (int i = 0;; ++i) {
    if (TakesCanary("new-uk-route", 10, MessageId(i))) return MessageId(i);
  }
}

TEST(RouterCanaryTest, CanaryCarriersWithOpenCircuitsFallBackToTheRoute) {
  const Router router = RouterFrom(kCanaryConfig);
  const Plan plan = RouteMessage(router, CanaryMessage(), FakeHealth{"new-1", "new-2"});
  EXPECT_TRUE(plan.ok());
  EXPECT_EQ(plan.canary_flag, "new-uk-route");
  EXPECT_EQ(Ids(plan), Strings{"old"});
  EXPECT_TRUE(plan.circuit_fallback);
  EXPECT_EQ(plan.open_circuits, (Strings{"new-1", "new-2"}));
}

TEST(RouterCanaryTest, CanaryCarrierAlsoInTheRouteIsListedOnce) {
  const Router router = RouterFrom(R"toml(
[[carriers]]
id = "a"
[[carriers]]
id = "b"
[[routes]]
carriers = ["a", "b"]
canary = { flag = "swap", percent = 100, carriers = ["b", "a"] }
)toml");
  const Plan plan = router.Route(RouteRequest{"+33612345678", "FR", 1, 0, "m"}, FakeHealth{"b"});
  EXPECT_EQ(Ids(plan), Strings{"a"});
  EXPECT_EQ(plan.open_circuits, Strings{"b"});
  EXPECT_TRUE(plan.circuit_fallback);
}

TEST(RouterCanaryTest, CanaryWithNoEligibleCarrierUsesTheRoute) {
  const Router router = RouterFrom(R"toml(
[[carriers]]
id = "old"
[[carriers]]
id = "fr-only"
countries = ["FR"]
[[routes]]
carriers = ["old"]
canary = { flag = "fr", percent = 100, carriers = ["fr-only"] }
)toml");
  const Plan plan = router.Route(RouteRequest{"+447700900123", "GB", 1, 0, "m"}, AllHealthy());
  EXPECT_EQ(plan.canary_flag, "fr");
  EXPECT_EQ(Ids(plan), Strings{"old"});
  EXPECT_FALSE(plan.circuit_fallback);  // not a circuit's doing
}

}  // namespace
}  // namespace deliverer::routing
