// Router::Create: config → carrier profiles and routes in precedence order, checked again
// here because a Config can also be built in code (tests, the demo).
#include <fmt/format.h>

#include <algorithm>

#include "routing/router.h"

namespace deliverer::routing {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlpha(char c) { return c >= 'A' && c <= 'Z'; }

std::optional<MatchKind> KindOf(std::string_view match) {
  if (match == "*") return MatchKind::kAny;
  if (match.size() == 2 && IsUpperAlpha(match[0]) && IsUpperAlpha(match[1])) {
    return MatchKind::kRegion;
  }
  if (match.size() >= 2 && match[0] == '+' &&
      std::all_of(match.begin() + 1, match.end(), IsDigit)) {
    return MatchKind::kPrefix;
  }
  return std::nullopt;
}

Error Invalid(std::string detail) { return Error::Of("invalid_config", std::move(detail)); }

CarrierProfile ProfileOf(const config::CarrierConfig& carrier) {
  return CarrierProfile{carrier.id,  carrier.protocol, carrier.countries, carrier.price_per_segment,
                        carrier.tps, carrier.enabled};
}

// Weighted: one non-negative weight per carrier, not all 0. Other policies: none.
bool WeightsFit(Policy policy, size_t carriers, const std::vector<int>& weights) {
  if (policy != Policy::kWeighted) return weights.empty();
  return weights.size() == carriers &&
         std::all_of(weights.begin(), weights.end(), [](int w) { return w >= 0; }) &&
         std::any_of(weights.begin(), weights.end(), [](int w) { return w > 0; });
}

// The carriers of a route or canary, as indexes; `what` names it in errors.
Result<Selection> SelectionOf(const std::vector<CarrierProfile>& carriers,
                              std::string_view policy_text, const std::vector<std::string>& ids,
                              const std::vector<int>& weights, const std::string& what) {
  Selection selection;
  const std::optional<Policy> policy = ParsePolicy(policy_text);
  if (!policy) return Invalid(fmt::format("{}: unknown policy \"{}\"", what, policy_text));
  selection.policy = *policy;
  if (ids.empty()) return Invalid(fmt::format("{}: no carriers", what));
  for (const std::string& id : ids) {
    const auto found = std::find_if(carriers.begin(), carriers.end(),
                                    [&](const CarrierProfile& c) { return c.id == id; });
    if (found == carriers.end()) return Invalid(fmt::format("{}: unknown carrier '{}'", what, id));
    const size_t index = static_cast<size_t>(found - carriers.begin());
    if (std::find(selection.carriers.begin(), selection.carriers.end(), index) !=
        selection.carriers.end()) {
      return Invalid(fmt::format("{}: carrier '{}' is listed twice", what, id));
    }
    selection.carriers.push_back(index);
  }
  if (!WeightsFit(selection.policy, ids.size(), weights)) {
    return Invalid(
        fmt::format("{}: weights must be given iff the policy is weighted, one "
                    "non-negative weight per carrier, not all 0",
                    what));
  }
  selection.weights = weights;
  return selection;
}

Result<CanaryRule> CanaryOf(const std::vector<CarrierProfile>& carriers,
                            const config::CanaryConfig& canary, const std::string& what) {
  if (canary.flag.empty()) return Invalid(fmt::format("{}: canary needs a flag", what));
  if (!(canary.percent >= 0 && canary.percent <= 100)) {
    return Invalid(fmt::format("{}: canary percent must be between 0 and 100", what));
  }
  Result<Selection> selection =
      SelectionOf(carriers, canary.policy, canary.carriers, canary.weights, what + " canary");
  if (!selection) return selection.take_error();
  const config::CanaryGuardConfig& g = canary.guard;
  if (g.min_samples < 1 || !(g.max_submit_error_margin > 0) || !(g.max_delivery_ratio_drop > 0) ||
      !(g.max_receipt_latency_ratio > 1) || g.window_s < 1) {
    return Invalid(fmt::format("{}: canary guard needs min_samples ≥ 1, margins above 0, a latency "
                               "ratio above 1 and a window of at least 1 s",
                               what));
  }
  const GuardOptions guard{g.enabled,
                           g.min_samples,
                           g.max_submit_error_margin,
                           g.max_delivery_ratio_drop,
                           g.max_receipt_latency_ratio,
                           g.window_s * 1000};
  return CanaryRule{canary.flag, canary.percent, std::move(*selection), guard};
}

Result<RouteRule> RuleOf(const std::vector<CarrierProfile>& carriers,
                         const config::RouteConfig& route) {
  const std::string what = fmt::format("route \"{}\"", route.match);
  const std::optional<MatchKind> kind = KindOf(route.match);
  if (!kind) return Invalid(fmt::format("{}: match must be \"*\", a region or a prefix", what));
  Result<Selection> selection =
      SelectionOf(carriers, route.policy, route.carriers, route.weights, what);
  if (!selection) return selection.take_error();
  RouteRule rule{route.match, *kind, std::move(*selection), std::nullopt};
  if (route.canary) {
    Result<CanaryRule> canary = CanaryOf(carriers, *route.canary, what);
    if (!canary) return canary.take_error();
    rule.canary = std::move(*canary);
  }
  return rule;
}

// No [[routes]]: one "*" failover route over every carrier, in file order.
std::vector<config::RouteConfig> RoutesOrDefault(const config::Config& config) {
  if (!config.routes.empty() || config.carriers.empty()) return config.routes;
  config::RouteConfig route;
  for (const config::CarrierConfig& carrier : config.carriers) route.carriers.push_back(carrier.id);
  return {route};
}

// Prefixes (longest first), then regions, then "*".
bool Precedes(const RouteRule& a, const RouteRule& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.match.size() > b.match.size();
}

}  // namespace

Result<Router> Router::Create(const config::Config& config) {
  Router router;
  for (const config::CarrierConfig& carrier : config.carriers) {
    if (router.FindCarrier(carrier.id) != nullptr) {
      return Invalid(fmt::format("carrier '{}' is defined twice", carrier.id));
    }
    router.carriers_.push_back(ProfileOf(carrier));
  }
  for (const config::RouteConfig& route : RoutesOrDefault(config)) {
    Result<RouteRule> rule = RuleOf(router.carriers_, route);
    if (!rule) return rule.take_error();
    const bool repeated = std::any_of(router.routes_.begin(), router.routes_.end(),
                                      [&](const RouteRule& r) { return r.match == route.match; });
    if (repeated) return Invalid(fmt::format("route \"{}\" is defined twice", route.match));
    if (rule->canary && router.FindRollout(rule->canary->flag) != nullptr) {
      return Invalid(fmt::format("route \"{}\": canary flag \"{}\" is used by another route",
                                 route.match, rule->canary->flag));
    }
    router.routes_.push_back(std::move(*rule));
  }
  std::stable_sort(router.routes_.begin(), router.routes_.end(), Precedes);
  return router;
}

}  // namespace deliverer::routing
