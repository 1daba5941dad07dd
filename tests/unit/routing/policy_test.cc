#include "routing/policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace deliverer::routing {
namespace {

using Order = std::vector<size_t>;

TEST(PolicyTest, ParseAndPrint) {
  for (Policy policy :
       {Policy::kPriority, Policy::kFailover, Policy::kWeighted, Policy::kLeastCost}) {
    EXPECT_EQ(ParsePolicy(ToString(policy)), policy);
  }
  EXPECT_EQ(ParsePolicy("round_robin"), std::nullopt);
  EXPECT_EQ(ParsePolicy("Priority"), std::nullopt);
}

TEST(PolicyTest, PriorityAndFailoverKeepListOrder) {
  const std::vector<Option> options = {{7, 0, 0.9}, {3, 0, 0.1}, {5, 0, 0.5}};
  EXPECT_EQ(OrderByPolicy(Policy::kPriority, options, 1, 0.5), (Order{0, 1, 2}));
  EXPECT_EQ(OrderByPolicy(Policy::kFailover, options, 3, 0.99), (Order{0, 1, 2}));
  EXPECT_TRUE(OrderByPolicy(Policy::kFailover, {}, 1, 0).empty());
}

TEST(PolicyTest, LeastCostCheapestFirstTiesByListOrder) {
  const std::vector<Option> options = {{0, 0, 0.005}, {1, 0, 0.004}, {2, 0, 0.006}, {3, 0, 0.004}};
  EXPECT_EQ(OrderByPolicy(Policy::kLeastCost, options, 1, 0), (Order{1, 3, 0, 2}));
  // Multiplying every price by the same segment count keeps the order.
  EXPECT_EQ(OrderByPolicy(Policy::kLeastCost, options, 4, 0), (Order{1, 3, 0, 2}));
  // Nonsense segment counts count as 1.
  EXPECT_EQ(OrderByPolicy(Policy::kLeastCost, options, 0, 0), (Order{1, 3, 0, 2}));
}

TEST(PolicyTest, WeightedDrawIsDeterministic) {
  const std::vector<Option> options = {{0, 80, 0}, {1, 20, 0}};
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.0), (Order{0, 1}));
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.799), (Order{0, 1}));
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.8), (Order{1, 0}));
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.9999), (Order{1, 0}));
  // Out-of-range inputs are clamped rather than trusted.
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 1.0), (Order{1, 0}));
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, -3), (Order{0, 1}));
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, std::nan("")), (Order{0, 1}));
}

TEST(PolicyTest, WeightedSplitMatchesWeightsOverManyDraws) {
  const std::vector<Option> options = {{0, 50, 0}, {1, 30, 0}, {2, 20, 0}};
  std::map<size_t, int> first;
  constexpr int kDraws = 10'000;
  for (int i = 0; i < kDraws; ++i) {
    ++first[OrderByPolicy(Policy::kWeighted, options, 1, (i + 0.5) / kDraws).front()];
  }
  EXPECT_EQ(first[0], 5000);
  EXPECT_EQ(first[1], 3000);
  EXPECT_EQ(first[2], 2000);
}

TEST(PolicyTest, WeightedFallbacksByWeightThenListOrder) {
  const std::vector<Option> options = {{0, 10, 0}, {1, 0, 0}, {2, 30, 0}, {3, 10, 0}};
  // Draw lands on option 0 (first 10 of 50): then 2 (30), 3 (10, after 0 in list), 1 (0).
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.1), (Order{0, 2, 3, 1}));
  // Draw lands on option 3 (last 10 of 50).
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, 0.9), (Order{3, 2, 0, 1}));
}

TEST(PolicyTest, WeightZeroIsNeverDrawn) {
  const std::vector<Option> options = {{0, 0, 0}, {1, 1, 0}};
  for (double r : {0.0, 0.25, 0.5, 0.75, 0.999}) {
    EXPECT_EQ(OrderByPolicy(Policy::kWeighted, options, 1, r), (Order{1, 0})) << r;
  }
  // Only zero weights left (e.g. the weighted carriers are down): list order.
  const std::vector<Option> standbys = {{4, 0, 0}, {5, 0, 0}};
  EXPECT_EQ(OrderByPolicy(Policy::kWeighted, standbys, 1, 0.7), (Order{0, 1}));
}

}  // namespace
}  // namespace deliverer::routing
