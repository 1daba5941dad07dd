#include "routing/router.h"

#include <algorithm>

#include "routing/canary.h"
#include "routing/plan_builder.h"

namespace deliverer::routing {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool Matches(const RouteRule& rule, std::string_view e164, std::string_view region) {
  switch (rule.kind) {
    case MatchKind::kPrefix:
      return e164.starts_with(rule.match);
    case MatchKind::kRegion:
      return region == rule.match;
    case MatchKind::kAny:
      return true;
  }
  return false;
}

// The first carrier of `selection` that FirstChoice reports; nullptr when none is eligible.
const CarrierProfile* FirstOf(const std::vector<CarrierProfile>& carriers,
                              const Selection& selection, std::string_view region, int segments) {
  std::vector<Option> options;
  for (size_t i = 0; i < selection.carriers.size(); ++i) {
    const CarrierProfile& carrier = carriers[selection.carriers[i]];
    if (!carrier.enabled || !carrier.Serves(region)) continue;
    const int weight = selection.weights.empty() ? 0 : selection.weights[i];
    options.push_back(Option{selection.carriers[i], weight, carrier.price_per_segment});
  }
  if (options.empty()) return nullptr;
  if (selection.policy == Policy::kWeighted) {
    // The carrier most messages go to; max_element keeps the first of equals.
    const auto heaviest =
        std::max_element(options.begin(), options.end(),
                         [](const Option& a, const Option& b) { return a.weight < b.weight; });
    return &carriers[heaviest->carrier];
  }
  const size_t first = OrderByPolicy(selection.policy, options, segments, 0).front();
  return &carriers[options[first].carrier];
}

// A halted roll-out's percentage reads as 0.
bool TakesCanaryArm(const RouteRule& rule, std::string_view message_id, const CanaryView& canaries) {
  // The hash first: most messages of a small roll-out take no lock at all.
  return rule.canary && TakesCanary(rule.canary->flag, rule.canary->percent, message_id) &&
         !canaries.Halted(rule.canary->flag);
}

}  // namespace

bool CarrierProfile::Serves(std::string_view region) const {
  return std::any_of(countries.begin(), countries.end(), [&](const std::string& country) {
    return country == "*" || (!region.empty() && country == region);
  });
}

std::string_view ToString(PlanStatus status) {
  switch (status) {
    case PlanStatus::kOk:
      return "ok";
    case PlanStatus::kNoRoute:
      return "no_route";
    case PlanStatus::kNoCarrier:
      return "no_carrier";
    case PlanStatus::kAllCircuitsOpen:
      return "all_circuits_open";
  }
  return "?";
}

const RouteRule* Router::Match(std::string_view e164, std::string_view region) const {
  const std::string upper = Upper(region);
  for (const RouteRule& rule : routes_) {
    if (Matches(rule, e164, upper)) return &rule;
  }
  return nullptr;
}

const CarrierProfile* Router::FindCarrier(std::string_view id) const {
  for (const CarrierProfile& carrier : carriers_) {
    if (carrier.id == id) return &carrier;
  }
  return nullptr;
}

const RouteRule* Router::FindRollout(std::string_view flag) const {
  for (const RouteRule& rule : routes_) {
    if (rule.canary && rule.canary->flag == flag) return &rule;
  }
  return nullptr;
}

Plan Router::Route(const RouteRequest& request, const HealthView& health) const {
  return Route(request, health, NoneHalted());
}

Plan Router::Route(const RouteRequest& request, const HealthView& health,
                   const CanaryView& canaries) const {
  const std::string region = Upper(request.region);
  const RouteRule* rule = Match(request.e164, region);
  if (rule == nullptr) return Plan{};
  internal::PlanBuilder builder(carriers_, request, region, health);
  builder.plan().route = rule->match;
  if (rule->canary) builder.plan().rollout = rule->canary->flag;
  if (TakesCanaryArm(*rule, request.message_id, canaries)) {
    builder.plan().canary_flag = rule->canary->flag;
    builder.plan().policy = rule->canary->selection.policy;
    builder.AddArm(rule->canary->selection, /*canary=*/true);
  } else {
    builder.plan().policy = rule->selection.policy;
  }
  builder.AddArm(rule->selection, /*canary=*/false);
  return std::move(builder).Finish();
}

const CarrierProfile* Router::FirstChoice(const RouteRequest& request) const {
  return FirstChoice(request, NoneHalted());
}

const CarrierProfile* Router::FirstChoice(const RouteRequest& request,
                                          const CanaryView& canaries) const {
  const std::string region = Upper(request.region);
  const RouteRule* rule = Match(request.e164, region);
  if (rule == nullptr) return nullptr;
  if (TakesCanaryArm(*rule, request.message_id, canaries)) {
    const CarrierProfile* canary =
        FirstOf(carriers_, rule->canary->selection, region, request.segments);
    if (canary != nullptr) return canary;
  }
  return FirstOf(carriers_, rule->selection, region, request.segments);
}

}  // namespace deliverer::routing
