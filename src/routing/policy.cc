#include "routing/policy.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace deliverer::routing {
namespace {

std::vector<size_t> ListOrder(size_t count) {
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), size_t{0});
  return order;
}

// Draws one position with probability weight / total. Integer arithmetic so a given
// `random01` always lands on the same carrier, whatever the platform.
size_t DrawByWeight(std::span<const Option> options, uint64_t total, double random01) {
  const double clamped = random01 >= 0 ? std::min(random01, 1.0) : 0.0;  // NaN → 0
  const uint64_t target =
      std::min(static_cast<uint64_t>(std::floor(clamped * static_cast<double>(total))), total - 1);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    cumulative += static_cast<uint64_t>(std::max(options[i].weight, 0));
    if (cumulative > target) return i;
  }
  return options.size() - 1;  // unreachable: cumulative reaches total > target
}

std::vector<size_t> WeightedOrder(std::span<const Option> options, double random01) {
  std::vector<size_t> order = ListOrder(options.size());
  uint64_t total = 0;
  for (const Option& option : options) total += static_cast<uint64_t>(std::max(option.weight, 0));
  if (total == 0) return order;
  const size_t first = DrawByWeight(options, total, random01);
  // The drawn one first; then by weight, heaviest first: the fallbacks most able to carry it.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if ((a == first) != (b == first)) return a == first;
    return options[a].weight > options[b].weight;
  });
  return order;
}

std::vector<size_t> LeastCostOrder(std::span<const Option> options, int segments) {
  std::vector<size_t> order = ListOrder(options.size());
  const double count = std::max(segments, 1);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return options[a].price_per_segment * count < options[b].price_per_segment * count;
  });
  return order;
}

}  // namespace

std::optional<Policy> ParsePolicy(std::string_view text) {
  if (text == "priority") return Policy::kPriority;
  if (text == "failover") return Policy::kFailover;
  if (text == "weighted") return Policy::kWeighted;
  if (text == "least_cost") return Policy::kLeastCost;
  return std::nullopt;
}

std::string_view ToString(Policy policy) {
  switch (policy) {
    case Policy::kPriority:
      return "priority";
    case Policy::kFailover:
      return "failover";
    case Policy::kWeighted:
      return "weighted";
    case Policy::kLeastCost:
      return "least_cost";
  }
  return "?";
}

std::vector<size_t> OrderByPolicy(Policy policy, std::span<const Option> options, int segments,
                                  double random01) {
  switch (policy) {
    case Policy::kWeighted:
      return WeightedOrder(options, random01);
    case Policy::kLeastCost:
      return LeastCostOrder(options, segments);
    case Policy::kPriority:
    case Policy::kFailover:
      break;
  }
  return ListOrder(options.size());
}

}  // namespace deliverer::routing
