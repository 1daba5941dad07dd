#include "sim/decide.h"

#include <algorithm>

namespace deliverer::sim {
namespace {

using std::chrono::milliseconds;

ReceiptPlan PlanReceipt(const ReceiptsConfig& c, Rng& rng) {
  ReceiptPlan plan;
  plan.outcome = PickOutcome(c.outcomes, rng);
  plan.delay = milliseconds(rng.Between(c.delay_ms_min, c.delay_ms_max));
  plan.early = rng.Chance(c.early_rate);
  plan.duplicate = rng.Chance(c.duplicate_rate);
  plan.dropped = rng.Chance(c.drop_rate);
  plan.send = !plan.dropped;
  return plan;
}

}  // namespace

SubmitDecision DecideSubmit(const SimConfig& config, bool throttled, bool wants_receipt,
                            Rng& rng) {
  const SubmitConfig& s = config.submit;
  SubmitDecision d;
  d.latency = milliseconds(s.latency_ms + rng.Between(0, s.latency_jitter_ms));
  if (throttled) {
    d.kind = AnswerKind::kThrottled;
    d.status = 0x58;
    return d;
  }
  const double u = rng.Uniform();
  if (u < s.permanent_rate) {
    d.kind = AnswerKind::kPermanent;
    d.status = s.permanent_code;
    return d;
  }
  if (u < s.permanent_rate + s.transient_rate && !s.transient_codes.empty()) {
    d.kind = AnswerKind::kTransient;
    d.status = s.transient_codes[rng.Below(s.transient_codes.size())];
    return d;
  }
  if (wants_receipt && config.receipts.enabled) d.receipt = PlanReceipt(config.receipts, rng);
  return d;
}

size_t PickOutcome(const OutcomeWeights& weights, Rng& rng) {
  double total = 0;
  for (double w : weights) total += std::max(w, 0.0);
  if (total <= 0) return 0;
  double point = rng.Uniform() * total;
  size_t last_positive = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    last_positive = i;
    if (point < weights[i]) return i;
    point -= weights[i];
  }
  return last_positive;  // rounding left a sliver past the end
}

void TokenBucket::SetRate(double tps) {
  rate_ = std::max(tps, 0.0);
  capacity_ = std::max(1.0, rate_ / 10);
  tokens_ = std::min(tokens_, capacity_);
}

bool TokenBucket::TryTake(Steady::time_point now) {
  if (rate_ <= 0) return true;
  if (last_ != Steady::time_point{}) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(capacity_, tokens_ + std::max(elapsed, 0.0) * rate_);
  }
  last_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace deliverer::sim
