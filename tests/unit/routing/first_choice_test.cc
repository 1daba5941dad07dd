// Router::FirstChoice: the carrier a cost estimate is priced at (docs/api.md "Cost").
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "routing/router.h"
#include "unit/routing/test_config.h"

namespace deliverer::routing {
namespace {

using testing::FakeHealth;
using testing::RouterFrom;
using testing::WithRoutes;

// The id of FirstChoice's carrier, "" for none.
std::string First(const Router& router, std::string_view e164, std::string_view region,
                  double random01 = 0, std::string_view message_id = "msg-1") {
  const CarrierProfile* carrier =
      router.FirstChoice(RouteRequest{e164, region, 2, random01, message_id});
  return carrier == nullptr ? "" : carrier->id;
}

TEST(FirstChoiceTest, PriorityAndFailoverTakeTheFirstEligibleCarrier) {
  for (std::string_view policy : {"priority", "failover"}) {
    const Router router = WithRoutes(fmt::format(
        "[[routes]]\npolicy = \"{}\"\ncarriers = [\"off\", \"uk\", \"c\", \"a\"]\n", policy));
    EXPECT_EQ(First(router, "+33612345678", "FR"), "c") << policy;
    EXPECT_EQ(First(router, "+447700900123", "GB"), "uk") << policy;
  }
}

TEST(FirstChoiceTest, LeastCostTakesTheCheapestEligibleCarrierFirstListedOnTies) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"least_cost\"\ncarriers = [\"a\", \"off\", \"d\", \"b\", \"uk\"]\n");
  EXPECT_EQ(First(router, "+33612345678", "FR"), "d");
  EXPECT_EQ(First(router, "+447700900123", "GB"), "uk");
}

TEST(FirstChoiceTest, WeightedTakesTheHeaviestCarrierWhateverTheDraw) {
  const Router router = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\", \"c\"]\n"
      "weights = [20, 50, 30]\n");
  for (double random01 : {0.0, 0.1, 0.5, 0.99}) {
    EXPECT_EQ(First(router, "+33612345678", "FR", random01), "b");
  }
  const Router tie = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"c\", \"a\", \"b\"]\n"
      "weights = [40, 40, 20]\n");
  EXPECT_EQ(First(tie, "+33612345678", "FR"), "c");
  // The heaviest cannot take a French number: the heaviest of those that can.
  const Router uk = WithRoutes(
      "[[routes]]\npolicy = \"weighted\"\ncarriers = [\"uk\", \"a\", \"b\"]\n"
      "weights = [70, 10, 20]\n");
  EXPECT_EQ(First(uk, "+33612345678", "FR"), "b");
  EXPECT_EQ(First(uk, "+447700900123", "GB"), "uk");
}

TEST(FirstChoiceTest, AgreesWithTheFirstCandidateOfAPlanWhenEveryCircuitIsClosed) {
  for (std::string_view policy : {"priority", "failover", "least_cost"}) {
    const Router router = WithRoutes(fmt::format(
        "[[routes]]\npolicy = \"{}\"\ncarriers = [\"c\", \"off\", \"b\", \"a\"]\n", policy));
    const Plan plan = router.Route(RouteRequest{"+33612345678", "FR", 2, 0, "msg-1"}, AllHealthy());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(First(router, "+33612345678", "FR"), plan.candidates.front().carrier) << policy;
  }
}

TEST(FirstChoiceTest, CircuitsAreNotConsulted) {
  const Router router = WithRoutes("[[routes]]\ncarriers = [\"a\", \"b\"]\n");
  const Plan plan =
      router.Route(RouteRequest{"+33612345678", "FR", 1, 0, "msg-1"}, FakeHealth{"a"});
  EXPECT_EQ(plan.candidates.front().carrier, "b");
  EXPECT_EQ(First(router, "+33612345678", "FR"), "a")
      << "an estimate does not follow a passing outage";
}

TEST(FirstChoiceTest, TheRouteThatAppliesDecides) {
  const Router router = WithRoutes(
      "[[routes]]\nmatch = \"*\"\ncarriers = [\"a\"]\n"
      "[[routes]]\nmatch = \"GB\"\ncarriers = [\"b\"]\n"
      "[[routes]]\nmatch = \"+4477\"\ncarriers = [\"d\"]\n");
  EXPECT_EQ(First(router, "+447700900123", "GB"), "d");
  EXPECT_EQ(First(router, "+442071838750", "gb"), "b");
  EXPECT_EQ(First(router, "+33612345678", "FR"), "a");
}

TEST(FirstChoiceTest, NoneWithoutARouteOrAnEligibleCarrier) {
  const Router router = WithRoutes(
      "[[routes]]\nmatch = \"GB\"\ncarriers = [\"a\"]\n"
      "[[routes]]\nmatch = \"FR\"\ncarriers = [\"uk\", \"off\"]\n");
  EXPECT_EQ(First(router, "+14155552671", "US"), "");
  EXPECT_EQ(First(router, "+33612345678", "FR"), "");
  EXPECT_EQ(First(RouterFrom(""), "+33612345678", "FR"), "") << "no carriers at all";
}

TEST(FirstChoiceTest, TheCanaryArmComesFirstForTheMessagesThatTakeIt) {
  const Router all = WithRoutes(
      "[[routes]]\ncarriers = [\"a\"]\ncanary = { flag = \"f\", percent = 100, carriers = [\"c\"] "
      "}\n");
  EXPECT_EQ(First(all, "+33612345678", "FR"), "c");
  const Router none = WithRoutes(
      "[[routes]]\ncarriers = [\"a\"]\ncanary = { flag = \"f\", percent = 0, carriers = [\"c\"] "
      "}\n");
  EXPECT_EQ(First(none, "+33612345678", "FR"), "a");
  // A canary carrier that cannot take the message leaves it to the route's own.
  const Router uk = WithRoutes(
      "[[routes]]\ncarriers = [\"a\"]\ncanary = { flag = \"f\", percent = 100, carriers = [\"uk\"] "
      "}\n");
  EXPECT_EQ(First(uk, "+33612345678", "FR"), "a");
  EXPECT_EQ(First(uk, "+447700900123", "GB"), "uk");
  // Half the messages: the same arm as Route() for each.
  const Router half = WithRoutes(
      "[[routes]]\ncarriers = [\"a\"]\ncanary = { flag = \"f\", percent = 50, carriers = [\"c\"] "
      "}\n");
  for (int i = 0; i < 100; ++i) {
    const std::string id = fmt::format("msg-{}", i);
    const Plan plan = half.Route(RouteRequest{"+33612345678", "FR", 1, 0, id}, AllHealthy());
    EXPECT_EQ(First(half, "+33612345678", "FR", 0, id), plan.candidates.front().carrier) << id;
  }
}

}  // namespace
}  // namespace deliverer::routing
