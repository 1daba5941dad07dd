#pragma once
// The four route policies (docs/configuration.md "[[routes]]") as one pure ordering
// function: given the carriers a route may use for a message, in the route's list order,
// put them in the order to try. Pure, thread-safe.
//
//   kPriority   list order: the first healthy carrier takes the traffic.
//   kFailover   the same order as kPriority; the name records the intent (one primary,
//               the rest standbys), which matters to operators, not to the ordering.
//   kWeighted   one carrier drawn by weight with `random01`, then the others by weight,
//               highest first (list order on ties). Weight 0 = never drawn, a standby
//               tried after the weighted ones. If every weight is 0, list order.
//   kLeastCost  cheapest first by price_per_segment × segments; list order on ties.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace deliverer::routing {

enum class Policy : uint8_t { kPriority, kFailover, kWeighted, kLeastCost };

// "priority" | "failover" | "weighted" | "least_cost"; nullopt otherwise.
std::optional<Policy> ParsePolicy(std::string_view text);
std::string_view ToString(Policy policy);

// A carrier a route may use for this message, in the route's list order.
struct Option {
  size_t carrier = 0;  // the caller's index (Router: into its carrier profiles)
  int weight = 0;      // kWeighted only, ≥ 0
  double price_per_segment = 0;
};

// Positions into `options`, in the order to try them; every option appears once.
// `segments` ≥ 1 (smaller values count as 1); `random01` in [0, 1) (clamped), only kWeighted
// reads it, and equal inputs give equal orders.
std::vector<size_t> OrderByPolicy(Policy policy, std::span<const Option> options, int segments,
                                  double random01);

}  // namespace deliverer::routing
