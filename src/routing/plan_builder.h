#pragma once
// Internal to routing: assembles one Plan from one or two arms (canary, then the route's
// own carriers). Not thread-safe; lives for one Router::Route call and borrows everything.
#include <string>
#include <vector>

#include "routing/router.h"

namespace deliverer::routing::internal {

class PlanBuilder {
 public:
  // `region` is upper-case. All references must outlive the builder.
  PlanBuilder(const std::vector<CarrierProfile>& carriers, const RouteRequest& request,
              const std::string& region, const HealthView& health);

  // Appends the arm's eligible carriers not listed yet: healthy ones to the candidates in
  // policy order, the others to open_circuits. The first arm that has an eligible carrier
  // decides Plan::circuit_fallback. `canary`: the canary's own selection (its candidates
  // are marked so).
  void AddArm(const Selection& selection, bool canary);

  Plan& plan() { return plan_; }
  // Sets the status from what was found.
  Plan Finish() &&;

 private:
  std::vector<Option> EligibleOptions(const Selection& selection) const;
  std::vector<Option> HealthyOptions(const std::vector<Option>& options);
  void AddCandidates(const Selection& selection, const std::vector<Option>& healthy, bool canary);
  bool Healthy(size_t carrier);

  const std::vector<CarrierProfile>& carriers_;
  const RouteRequest& request_;
  const std::string& region_;
  const HealthView& health_;
  std::vector<bool> listed_;     // by carrier index: already in this plan
  std::vector<int8_t> healthy_;  // by carrier index: -1 not asked yet, else 0 / 1
  bool saw_eligible_ = false;
  Plan plan_;
};

}  // namespace deliverer::routing::internal
