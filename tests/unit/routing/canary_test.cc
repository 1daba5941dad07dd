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

TEST(RouterCanaryTest, PlansNameTheRolloutInBothArmsAndMarkTheCanarysCarriers) {
  const Router router = RouterFrom(kCanaryConfig);
  const Plan canary = RouteMessage(router, CanaryMessage());
  EXPECT_EQ(canary.rollout, "new-uk-route");
  ASSERT_EQ(canary.candidates.size(), 3u);
  EXPECT_TRUE(canary.candidates[0].canary);   // new-1
  EXPECT_TRUE(canary.candidates[1].canary);   // new-2
  EXPECT_FALSE(canary.candidates[2].canary);  // old, the route's own, as a fallback

  for (int i = 0;; ++i) {
    if (TakesCanary("new-uk-route", 10, MessageId(i))) continue;
    const Plan control = RouteMessage(router, MessageId(i));
    EXPECT_EQ(control.rollout, "new-uk-route");
    EXPECT_EQ(control.canary_flag, "");
    EXPECT_FALSE(control.candidates[0].canary);
    break;
  }
  const Plan no_rollout = router.Route(RouteRequest{"+33612345678", "FR", 1, 0, "m"}, AllHealthy());
  EXPECT_EQ(no_rollout.status, PlanStatus::kNoRoute);
  EXPECT_EQ(no_rollout.rollout, "");
}

// What CanaryHalts says: "new-uk-route" halted.
class UkRouteHalted final : public CanaryView {
 public:
  bool Halted(std::string_view flag) const override { return flag == "new-uk-route"; }
};

TEST(RouterCanaryTest, AHaltedRolloutSendsEveryMessageToTheRoutesOwnCarriers) {
  const Router router = RouterFrom(kCanaryConfig);
  for (int i = 0; i < 2000; ++i) {
    const Plan plan = router.Route(RouteRequest{"+447700900123", "GB", 1, 0.5, MessageId(i)}, AllHealthy(),
                                   UkRouteHalted());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan.canary_flag, "") << "no canary arm while halted";
    EXPECT_EQ(plan.rollout, "new-uk-route") << "its messages still count for the control arm";
    EXPECT_EQ(Ids(plan), Strings{"old"});
  }
  const CarrierProfile* first =
      router.FirstChoice(RouteRequest{"+447700900123", "GB", 1, 0, CanaryMessage()}, UkRouteHalted());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->id, "old") << "estimates leave the halted canary out too";
  EXPECT_EQ(router.FirstChoice(RouteRequest{"+447700900123", "GB", 1, 0, CanaryMessage()})->id, "new-1");
}

TEST(RouterCanaryTest, HaltsOutliveARouterAndAreLiftedByResume) {
  CanaryHalts halts;
  const Router router = RouterFrom(kCanaryConfig);
  const std::string id = CanaryMessage();
  halts.Halt("new-uk-route");
  const Router reloaded = RouterFrom(kCanaryConfig);  // what a SIGHUP builds
  EXPECT_EQ(reloaded.Route(RouteRequest{"+447700900123", "GB", 1, 0, id}, AllHealthy(), halts).canary_flag, "");
  halts.Resume("new-uk-route");
  EXPECT_EQ(reloaded.Route(RouteRequest{"+447700900123", "GB", 1, 0, id}, AllHealthy(), halts).canary_flag,
            "new-uk-route");
}

TEST(CanaryHaltsTest, AStoreReadOlderThanAChangeDoesNotUndoIt) {
  CanaryHalts halts;
  const uint64_t before = halts.version();
  halts.Halt("a");  // while the read of the store was under way
  EXPECT_FALSE(halts.ReplaceIf(before, {}));
  EXPECT_TRUE(halts.Halted("a"));

  EXPECT_TRUE(halts.ReplaceIf(halts.version(), {"b"}));
  EXPECT_FALSE(halts.Halted("a"));
  EXPECT_TRUE(halts.Halted("b"));
  const uint64_t read = halts.version();
  halts.Resume("b");
  EXPECT_FALSE(halts.ReplaceIf(read, {"b"})) << "a resume after the read stands";
  EXPECT_FALSE(halts.Halted("b"));
}

TEST(RouterCanaryTest, AFlagNamesOneRouteOnly) {
  config::Config config = testing::ConfigFrom(kCanaryConfig);
  config::RouteConfig second = config.routes[0];
  second.match = "FR";
  config.routes.push_back(second);
  const Result<Router> router = Router::Create(config);
  ASSERT_FALSE(router.ok());
  EXPECT_EQ(router.error().detail, "route \"FR\": canary flag \"new-uk-route\" is used by another route");
}

TEST(RouterCanaryTest, TheGuardsOptionsComeFromTheConfig) {
  const Router router = RouterFrom(R"toml(
[[carriers]]
id = "a"
[[carriers]]
id = "b"
[[routes]]
carriers = ["a"]
canary = { flag = "f", percent = 5, carriers = ["b"], guard = { min_samples = 50, window_s = 60, max_submit_error_margin = 0.1 } }
)toml");
  const RouteRule* rule = router.FindRollout("f");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->canary->guard.min_samples, 50);
  EXPECT_EQ(rule->canary->guard.window_ms, 60'000);
  EXPECT_DOUBLE_EQ(rule->canary->guard.max_submit_error_margin, 0.1);
  EXPECT_DOUBLE_EQ(rule->canary->guard.max_delivery_ratio_drop, 0.05) << "a default";
  EXPECT_TRUE(rule->canary->guard.enabled);
  EXPECT_EQ(router.FindRollout("g"), nullptr);
}

}  // namespace
}  // namespace deliverer::routing
