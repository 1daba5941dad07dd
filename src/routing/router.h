#pragma once
// Routing (docs/configuration.md "[[routes]]"): which carriers, in which order, may take one
// message.
// Pure: no I/O, no clock, no randomness of its own (the caller passes a random number and
// the carriers' health), so equal inputs give equal plans.
//
// Which route applies (precedence, first that matches wins):
//   1. prefix routes ("+4477"): the destination (E.164, "+" and digits) starts with the
//      prefix; the longest prefix wins;
//   2. region routes ("GB"): the region the validator derived from the number's numbering
//      plan equals it (case-insensitive);
//   3. the "*" route.
// Only that route is used: when none of its carriers can take the message, the plan is
// empty (kNoCarrier / kAllCircuitsOpen) rather than borrowed from a less specific route, so
// an operator who routes "GB" elsewhere never sees GB traffic on the "*" carriers. A config
// with carriers but no [[routes]] gets one implicit "*" failover route over every carrier,
// in file order.
//
// Within the route, a carrier is eligible when it is enabled and serves the destination's
// region (`countries` holds it or "*"; an unknown region is served only by "*"). Eligible
// carriers are ordered by the route's policy (routing/policy.h); those whose circuit does
// not allow traffic now are left out of the candidates and listed in open_circuits.
//
// Canary: a route may carry a canary (config::CanaryConfig). A message whose stable hash
// (routing/canary.h: flag + message id) falls under the percentage takes the canary arm: the
// canary's carriers in its policy's order, then the route's own carriers not already listed,
// as fallbacks. Other messages take the route's own carriers only (the control arm). A
// roll-out the CanaryView says is halted (routing/canary_halts.h) has no canary arm: its
// percentage reads as 0 while the halt lasts.
//
// Router is immutable once built and therefore thread-safe; a config reload builds a new
// one (RouterHolder swaps it in). Plans own their data and outlive the Router.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "routing/canary_guard.h"
#include "routing/canary_halts.h"
#include "routing/health.h"
#include "routing/policy.h"

namespace deliverer::routing {

struct CarrierProfile {
  std::string id;
  std::string protocol;                // "smpp" | "http"
  std::vector<std::string> countries;  // "*" or upper-case ISO regions
  double price_per_segment = 0;
  double tps = 0;  // 0 = unlimited
  bool enabled = true;

  // `region` is upper-case ("" when unknown).
  bool Serves(std::string_view region) const;
};

// The carriers of a route (or of its canary) and how to order them.
struct Selection {
  Policy policy = Policy::kFailover;
  std::vector<size_t> carriers;  // indexes into Router::carriers(), no repeats, non-empty
  std::vector<int> weights;      // kWeighted: one per carrier; otherwise empty
};

struct CanaryRule {
  std::string flag;
  double percent = 0;  // 0 … 100
  Selection selection;
  GuardOptions guard;
};

enum class MatchKind : uint8_t { kPrefix, kRegion, kAny };

struct RouteRule {
  std::string match;  // "+4477", "GB" or "*"
  MatchKind kind = MatchKind::kAny;
  Selection selection;
  std::optional<CanaryRule> canary;
};

// One message's routing question.
struct RouteRequest {
  std::string_view e164;        // "+447700900123"
  std::string_view region;      // "GB", as validation derived it; "" when unknown
  int segments = 1;             // ≥ 1; least_cost multiplies the price by it
  double random01 = 0;          // uniform in [0, 1): the weighted draw
  std::string_view message_id;  // picks the canary arm; the same on every retry
};

struct Candidate {
  std::string carrier;  // a carrier id
  double cost = 0;      // price_per_segment × segments
  bool canary = false;  // one of the canary's own carriers (the message took the canary arm)
};

enum class PlanStatus : uint8_t {
  kOk,               // candidates is non-empty
  kNoRoute,          // no route matches the destination
  kNoCarrier,        // the route has no enabled carrier serving the destination's region
  kAllCircuitsOpen,  // every eligible carrier's circuit is open: try again later
};
std::string_view ToString(PlanStatus status);

struct Plan {
  PlanStatus status = PlanStatus::kNoRoute;
  // First choice, then the fallbacks for a transient failure or an open circuit.
  std::vector<Candidate> candidates;
  std::string route;                  // the match of the route used; "" for kNoRoute
  Policy policy = Policy::kFailover;  // of the arm taken
  std::string canary_flag;            // the roll-out when the message took a canary arm, else ""
  // The route's roll-out, whichever arm the message took (the guard compares the two);
  // "" when the route has none.
  std::string rollout;
  // The carrier the policy would have put first was passed over because its circuit is
  // open: the engine logs a warning and counts it.
  bool circuit_fallback = false;
  std::vector<std::string> open_circuits;  // eligible carriers left out, in policy order

  bool ok() const { return status == PlanStatus::kOk; }
};

class Router {
 public:
  // Builds the carrier profiles and routes of `config`. Errors (code "invalid_config") for
  // what the config loader also rejects: unknown carriers, a bad match or policy, weights
  // that do not fit, repeated matches or carriers; so a Config built in code is checked too.
  static Result<Router> Create(const config::Config& config);

  // The plan for one message. `health` is asked about each eligible carrier once;
  // `canaries` about the route's roll-out, if it has one.
  Plan Route(const RouteRequest& request, const HealthView& health, const CanaryView& canaries) const;
  // No roll-out halted.
  Plan Route(const RouteRequest& request, const HealthView& health) const;

  // The route that applies to a destination (precedence above); nullptr when none does.
  const RouteRule* Match(std::string_view e164, std::string_view region) const;

  // The carrier Route() would most likely try first, for cost estimates (docs/api.md
  // "Cost"): as if every circuit were closed, in the arm the message takes (canary
  // carriers first when it takes the canary arm), and for a weighted policy the heaviest
  // eligible carrier (list order on ties) instead of a draw, so that the answer does not
  // depend on `request.random01`, which is not read. nullptr when no route matches or the
  // route has no eligible carrier. Points into this Router.
  const CarrierProfile* FirstChoice(const RouteRequest& request, const CanaryView& canaries) const;
  const CarrierProfile* FirstChoice(const RouteRequest& request) const;
  // The route whose canary has `flag`; nullptr when none has.
  const RouteRule* FindRollout(std::string_view flag) const;

  const std::vector<CarrierProfile>& carriers() const { return carriers_; }
  // Routes in precedence order.
  const std::vector<RouteRule>& routes() const { return routes_; }
  const CarrierProfile* FindCarrier(std::string_view id) const;

 private:
  Router() = default;

  std::vector<CarrierProfile> carriers_;
  std::vector<RouteRule> routes_;
};

}  // namespace deliverer::routing
