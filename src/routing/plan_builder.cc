#include "routing/plan_builder.h"

#include <algorithm>

namespace deliverer::routing::internal {

PlanBuilder::PlanBuilder(const std::vector<CarrierProfile>& carriers, const RouteRequest& request,
                         const std::string& region, const HealthView& health)
    : carriers_(carriers),
      request_(request),
      region_(region),
      health_(health),
      listed_(carriers.size(), false),
      healthy_(carriers.size(), -1) {}

bool PlanBuilder::Healthy(size_t carrier) {
  // Asked once per carrier and plan: the answer cannot change halfway through a plan.
  int8_t& known = healthy_[carrier];
  if (known < 0) known = health_.AllowsTraffic(carriers_[carrier].id) ? 1 : 0;
  return known == 1;
}

std::vector<Option> PlanBuilder::EligibleOptions(const Selection& selection) const {
  std::vector<Option> options;
  for (size_t i = 0; i < selection.carriers.size(); ++i) {
    const size_t index = selection.carriers[i];
    const CarrierProfile& carrier = carriers_[index];
    if (listed_[index] || !carrier.enabled || !carrier.Serves(region_)) continue;
    const int weight = selection.weights.empty() ? 0 : selection.weights[i];
    options.push_back(Option{index, weight, carrier.price_per_segment});
  }
  return options;
}

std::vector<Option> PlanBuilder::HealthyOptions(const std::vector<Option>& options) {
  std::vector<Option> healthy;
  std::copy_if(options.begin(), options.end(), std::back_inserter(healthy),
               [&](const Option& option) { return Healthy(option.carrier); });
  return healthy;
}

void PlanBuilder::AddCandidates(const Selection& selection, const std::vector<Option>& healthy,
                                bool canary) {
  const double segments = std::max(request_.segments, 1);
  // Re-drawn among the healthy carriers only, so a weighted route's traffic spreads over
  // the carriers left in their weight proportions.
  for (size_t position :
       OrderByPolicy(selection.policy, healthy, request_.segments, request_.random01)) {
    const Option& option = healthy[position];
    listed_[option.carrier] = true;
    plan_.candidates.push_back(
        Candidate{carriers_[option.carrier].id, option.price_per_segment * segments, canary});
  }
}

void PlanBuilder::AddArm(const Selection& selection, bool canary) {
  const std::vector<Option> options = EligibleOptions(selection);
  if (options.empty()) return;
  const std::vector<size_t> preferred =
      OrderByPolicy(selection.policy, options, request_.segments, request_.random01);
  if (!saw_eligible_) plan_.circuit_fallback = !Healthy(options[preferred.front()].carrier);
  saw_eligible_ = true;
  AddCandidates(selection, HealthyOptions(options), canary);
  for (size_t position : preferred) {
    const size_t carrier = options[position].carrier;
    if (Healthy(carrier)) continue;
    listed_[carrier] = true;
    plan_.open_circuits.push_back(carriers_[carrier].id);
  }
}

Plan PlanBuilder::Finish() && {
  if (!plan_.candidates.empty()) {
    plan_.status = PlanStatus::kOk;
  } else {
    plan_.status = saw_eligible_ ? PlanStatus::kAllCircuitsOpen : PlanStatus::kNoCarrier;
  }
  return std::move(plan_);
}

}  // namespace deliverer::routing::internal
