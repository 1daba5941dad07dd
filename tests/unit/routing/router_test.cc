#include "routing/router.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "unit/routing/test_config.h"

namespace deliverer::routing {
namespace {

using testing::FakeHealth;
using testing::Ids;
using testing::RouterFrom;
using testing::WithRoutes;
using testing::kCarriers;
using Strings = std::vector<std::string>;

Plan RouteTo(const Router& router, std::string_view e164, std::string_view region,
             const HealthView& health = AllHealthy(), int segments = 1, double random01 = 0) {
  return router.Route(RouteRequest{e164, region, segments, random01, "msg-1"}, health);
}

// ---- which route ---------------------------------------------------------------------

constexpr std::string_view kPrecedenceRoutes = R"toml(
[[routes]]
match = "*"
carriers = ["a"]
[[routes]]
match = "GB"
carriers = ["b"]
[[routes]]
match = "+44"
carriers = ["c"]
[[routes]]
match = "+4477"
carriers = ["d"]
)toml";

TEST(RouterMatchTest, LongestPrefixThenRegionThenStar) {
  const Router router = WithRoutes(kPrecedenceRoutes);
  EXPECT_EQ(RouteTo(router, "+447700900123", "GB").route, "+4477");
  EXPECT_EQ(Ids(RouteTo(router, "+447700900123", "GB")), Strings{"d"});
  EXPECT_EQ(RouteTo(router, "+442071838750", "GB").route, "+44");
  // A GB region with a number outside +44 (e.g. a Crown dependency range) matches by region.
  EXPECT_EQ(RouteTo(router, "+15550100", "GB").route, "GB");
  EXPECT_EQ(RouteTo(router, "+15550100", "gb").route, "GB");  // case-insensitive
  EXPECT_EQ(RouteTo(router, "+33612345678", "FR").route, "*");
  EXPECT_EQ(RouteTo(router, "+33612345678", "").route, "*");
}

TEST(RouterMatchTest, RoutesAreKeptInPrecedenceOrder) {
  const Router router = WithRoutes(kPrecedenceRoutes);
  Strings matches;
  for (const RouteRule& rule : router.routes()) matches.push_back(rule.match);
  EXPECT_EQ(matches, (Strings{"+4477", "+44", "GB", "*"}));
}

TEST(RouterMatchTest, NoMatchingRoute) {
  const Router router = WithRoutes("[[routes]]\nmatch = \"GB\"\ncarriers = [\"a\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR");
  EXPECT_EQ(plan.status, PlanStatus::kNoRoute);
  EXPECT_FALSE(plan.ok());
  EXPECT_TRUE(plan.candidates.empty());
  EXPECT_EQ(plan.route, "");
}

TEST(RouterMatchTest, NoRoutesMeansOneFailoverRouteOverAllCarriers) {
  const Router router = RouterFrom(kCarriers);
  ASSERT_EQ(router.routes().size(), 1u);
  EXPECT_EQ(router.routes()[0].match, "*");
  const Plan plan = RouteTo(router, "+447700900123", "GB");
  EXPECT_EQ(plan.policy, Policy::kFailover);
  EXPECT_EQ(Ids(plan), (Strings{"a", "b", "c", "d", "uk"}));
}

TEST(RouterMatchTest, AMoreSpecificRouteDoesNotBorrowFromTheStarRoute) {
  const Router router = WithRoutes(
      "[[routes]]\nmatch = \"FR\"\ncarriers = [\"uk\"]\n"
      "[[routes]]\nmatch = \"*\"\ncarriers = [\"a\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR");
  EXPECT_EQ(plan.status, PlanStatus::kNoCarrier);
  EXPECT_EQ(plan.route, "FR");
}

// ---- policies ------------------------------------------------------------------------

TEST(RouterPolicyTest, PriorityAndFailoverTryInListOrder) {
  for (std::string_view policy : {"priority", "failover"}) {
    const Router router = WithRoutes(
        fmt::format("[[routes]]\npolicy = \"{}\"\ncarriers = [\"c\", \"a\", \"b\"]\n", policy));
    const Plan plan = RouteTo(router, "+33612345678", "FR");
    EXPECT_TRUE(plan.ok());
    EXPECT_EQ(Ids(plan), (Strings{"c", "a", "b"})) << policy;
    EXPECT_FALSE(plan.circuit_fallback);
  }
}

TEST(RouterPolicyTest, LeastCostUsesPriceTimesSegments) {
  const Router router =
      WithRoutes("[[routes]]\npolicy = \"least_cost\"\ncarriers = [\"a\", \"c\", \"d\", \"b\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR", AllHealthy(), /*segments=*/3);
  EXPECT_EQ(Ids(plan), (Strings{"d", "b", "a", "c"}));  // d and b tie: list order
  ASSERT_EQ(plan.candidates.size(), 4u);
  EXPECT_DOUBLE_EQ(plan.candidates[0].cost, 0.012);
  EXPECT_DOUBLE_EQ(plan.candidates[2].cost, 0.015);
  EXPECT_DOUBLE_EQ(plan.candidates[3].cost, 0.018);
}

TEST(RouterPolicyTest, LeastCostSkipsCheaperCarriersThatCannotTakeIt) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"least_cost\"\ncarriers = [\"a\", \"off\", \"uk\", \"b\"]\n");
  // "off" is cheapest but disabled; "uk" is next but serves GB only.
  EXPECT_EQ(Ids(RouteTo(router, "+33612345678", "FR")), (Strings{"b", "a"}));
  EXPECT_EQ(Ids(RouteTo(router, "+447700900123", "GB")), (Strings{"uk", "b", "a"}));
  // Cheapest healthy: with "uk" open, "b".
  EXPECT_EQ(Ids(RouteTo(router, "+447700900123", "GB", FakeHealth{"uk"})), (Strings{"b", "a"}));
}

TEST(RouterPolicyTest, WeightedSplitsOverManyRandomNumbers) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\"]\nweights = [80, 20]\n");
  std::map<std::string, int> first;
  for (int i = 0; i < 1000; ++i) {
    const Plan plan = RouteTo(router, "+33612345678", "FR", AllHealthy(), 1, i / 1000.0);
    ASSERT_EQ(plan.candidates.size(), 2u);
    ++first[plan.candidates[0].carrier];
  }
  EXPECT_EQ(first["a"], 800);
  EXPECT_EQ(first["b"], 200);
}

TEST(RouterPolicyTest, WeightedRedrawsAmongHealthyCarriers) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\", \"c\"]\n"
      "weights = [50, 25, 25]\n");
  std::map<std::string, int> first;
  for (int i = 0; i < 1000; ++i) {
    const Plan plan = RouteTo(router, "+33612345678", "FR", FakeHealth{"a"}, 1, i / 1000.0);
    ++first[plan.candidates[0].carrier];
    EXPECT_EQ(plan.open_circuits, Strings{"a"});
    // The draw would have picked "a" for the first half of the random numbers.
    EXPECT_EQ(plan.circuit_fallback, i < 500) << i;
  }
  EXPECT_EQ(first["b"], 500);
  EXPECT_EQ(first["c"], 500);
}

// ---- skipping and fallbacks ----------------------------------------------------------

TEST(RouterFallbackTest, DisabledAndNonServingCarriersAreSkipped) {
  const Router router = WithRoutes("[[routes]]\ncarriers = [\"off\", \"uk\", \"a\"]\n");
  EXPECT_EQ(Ids(RouteTo(router, "+33612345678", "FR")), Strings{"a"});
  EXPECT_EQ(Ids(RouteTo(router, "+447700900123", "GB")), (Strings{"uk", "a"}));
  // A number whose region is unknown is served only by "*" carriers.
  EXPECT_EQ(Ids(RouteTo(router, "+8881234", "")), Strings{"a"});
  // Skipped carriers are not open circuits.
  EXPECT_TRUE(RouteTo(router, "+33612345678", "FR").open_circuits.empty());
}

TEST(RouterFallbackTest, OpenCircuitsMoveToTheNextCarrierAndAreReported) {
  const Router router = WithRoutes("[[routes]]\ncarriers = [\"a\", \"b\", \"c\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR", FakeHealth{"a"});
  EXPECT_TRUE(plan.ok());
  EXPECT_EQ(Ids(plan), (Strings{"b", "c"}));
  EXPECT_TRUE(plan.circuit_fallback);
  EXPECT_EQ(plan.open_circuits, Strings{"a"});

  // A secondary with an open circuit is left out, but no fallback was taken.
  const Plan second = RouteTo(router, "+33612345678", "FR", FakeHealth{"b"});
  EXPECT_EQ(Ids(second), (Strings{"a", "c"}));
  EXPECT_FALSE(second.circuit_fallback);
  EXPECT_EQ(second.open_circuits, Strings{"b"});
}

TEST(RouterFallbackTest, AllCircuitsOpen) {
  const Router router = WithRoutes("[[routes]]\ncarriers = [\"a\", \"b\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR", FakeHealth{"a", "b"});
  EXPECT_EQ(plan.status, PlanStatus::kAllCircuitsOpen);
  EXPECT_TRUE(plan.candidates.empty());
  EXPECT_TRUE(plan.circuit_fallback);
  EXPECT_EQ(plan.open_circuits, (Strings{"a", "b"}));
}

TEST(RouterFallbackTest, NoEligibleCarrier) {
  const Router router = WithRoutes("[[routes]]\ncarriers = [\"off\", \"uk\"]\n");
  const Plan plan = RouteTo(router, "+33612345678", "FR", FakeHealth{"uk"});
  EXPECT_EQ(plan.status, PlanStatus::kNoCarrier);
  EXPECT_TRUE(plan.open_circuits.empty());  // "uk" does not serve FR: not even asked
  EXPECT_FALSE(plan.circuit_fallback);
}

TEST(RouterFallbackTest, HealthIsAskedOncePerEligibleCarrier) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\", \"off\"]\n"
      "weights = [1, 1, 1]\n");
  FakeHealth health{"a"};
  (void)RouteTo(router, "+33612345678", "FR", health);
  EXPECT_EQ(health.asked(), 2);
}

// ---- Create --------------------------------------------------------------------------

TEST(RouterCreateTest, RejectsWhatTheLoaderWouldHave) {
  config::Config config;
  config.carriers.push_back(config::CarrierConfig{.id = "a"});
  const auto error_of = [&](config::RouteConfig route) {
    config.routes = {std::move(route)};
    Result<Router> router = Router::Create(config);
    EXPECT_FALSE(router.ok());
    return router.ok() ? std::string() : router.error().detail;
  };
  EXPECT_EQ(error_of({.match = "*", .carriers = {"z"}}), "route \"*\": unknown carrier 'z'");
  EXPECT_EQ(error_of({.match = "44", .carriers = {"a"}}),
            "route \"44\": match must be \"*\", a region or a prefix");
  EXPECT_EQ(error_of({.match = "*", .policy = "random", .carriers = {"a"}}),
            "route \"*\": unknown policy \"random\"");
  EXPECT_EQ(error_of({.match = "*", .carriers = {}}), "route \"*\": no carriers");
  EXPECT_EQ(error_of({.match = "*", .carriers = {"a", "a"}}),
            "route \"*\": carrier 'a' is listed twice");
  EXPECT_NE(error_of({.match = "*", .policy = "weighted", .carriers = {"a"}}).find("weights"),
            std::string::npos);
  EXPECT_NE(error_of({.match = "*", .carriers = {"a"}, .weights = {1}}).find("weights"),
            std::string::npos);
  config::RouteConfig bad_canary{.match = "*", .carriers = {"a"}};
  bad_canary.canary =
      config::CanaryConfig{.flag = "f", .percent = 5, .policy = "failover", .carriers = {"nope"}};
  EXPECT_EQ(error_of(bad_canary), "route \"*\" canary: unknown carrier 'nope'");
  config.routes = {{.match = "*", .carriers = {"a"}}, {.match = "*", .carriers = {"a"}}};
  EXPECT_FALSE(Router::Create(config).ok());
}

TEST(RouterCreateTest, CarrierProfiles) {
  const Router router = RouterFrom(kCarriers);
  ASSERT_EQ(router.carriers().size(), 6u);
  const CarrierProfile* uk = router.FindCarrier("uk");
  ASSERT_NE(uk, nullptr);
  EXPECT_TRUE(uk->Serves("GB"));
  EXPECT_FALSE(uk->Serves("FR"));
  EXPECT_FALSE(uk->Serves(""));
  EXPECT_FALSE(router.FindCarrier("off")->enabled);
  EXPECT_EQ(router.FindCarrier("zzz"), nullptr);
}

}  // namespace
}  // namespace deliverer::routing
