#include "routing/canary_guard.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace deliverer::routing {
namespace {

// True when `worse` (the canary's ratio minus the control's, in the direction that hurts)
// exceeds `margin` with confidence: a one-sided z-test of the difference of two
// proportions against the margin. Without variance (all or nothing on both arms) the
// difference itself decides.
bool ProportionWorse(double canary, int64_t canary_n, double control, int64_t control_n,
                     double worse, double margin) {
  if (worse <= margin) return false;
  const double variance = canary * (1 - canary) / static_cast<double>(canary_n) +
                          control * (1 - control) / static_cast<double>(control_n);
  if (variance <= 0) return true;
  return (worse - margin) / std::sqrt(variance) >= CanaryGuard::kConfidenceZ;
}

// The sample variance of an arm's latencies (seconds²); 0 below two samples.
double LatencyVariance(const ArmFigures& arm) {
  if (arm.latencies < 2) return 0;
  const double n = static_cast<double>(arm.latencies);
  const double mean = arm.latency_sum_s / n;
  return std::max(0.0, (arm.latency_sum_squares - n * mean * mean) / (n - 1));
}

std::string Percent(double ratio) { return fmt::format("{:.1f}%", ratio * 100); }

std::optional<Verdict> SubmitErrors(const ArmFigures& canary, const ArmFigures& control,
                                    const GuardOptions& o) {
  if (canary.submits < o.min_samples || control.submits < o.min_samples) return std::nullopt;
  const double c = canary.SubmitErrorRatio(), k = control.SubmitErrorRatio();
  if (!ProportionWorse(c, canary.submits, k, control.submits, c - k, o.max_submit_error_margin)) {
    return std::nullopt;
  }
  return Verdict{HaltReason::kSubmitErrors, canary, control,
                 fmt::format("submit errors {} of {} on the canary, {} of {} on the control "
                             "(margin {})",
                             Percent(c), canary.submits, Percent(k), control.submits,
                             Percent(o.max_submit_error_margin))};
}

std::optional<Verdict> DeliveryRatio(const ArmFigures& canary, const ArmFigures& control,
                                     const GuardOptions& o) {
  if (canary.finals < o.min_samples || control.finals < o.min_samples) return std::nullopt;
  const double c = canary.DeliveryRatio(), k = control.DeliveryRatio();
  if (!ProportionWorse(c, canary.finals, k, control.finals, k - c, o.max_delivery_ratio_drop)) {
    return std::nullopt;
  }
  return Verdict{HaltReason::kDeliveryRatio, canary, control,
                 fmt::format("delivered {} of {} on the canary, {} of {} on the control "
                             "(largest drop {})",
                             Percent(c), canary.finals, Percent(k), control.finals,
                             Percent(o.max_delivery_ratio_drop))};
}

// Welch's statistic for canary − ratio × control > 0.
std::optional<Verdict> ReceiptLatency(const ArmFigures& canary, const ArmFigures& control,
                                      const GuardOptions& o) {
  if (canary.latencies < o.min_samples || control.latencies < o.min_samples) return std::nullopt;
  const double c = canary.MeanLatencyS(), k = control.MeanLatencyS();
  const double r = o.max_receipt_latency_ratio;
  const double excess = c - r * k;
  if (excess <= 0 || c - k < CanaryGuard::kMinLatencyGapS) return std::nullopt;
  const double variance = LatencyVariance(canary) / static_cast<double>(canary.latencies) +
                          r * r * LatencyVariance(control) / static_cast<double>(control.latencies);
  if (variance > 0 && excess / std::sqrt(variance) < CanaryGuard::kConfidenceZ) return std::nullopt;
  return Verdict{HaltReason::kReceiptLatency, canary, control,
                 fmt::format("mean receipt latency {:.2f} s over {} on the canary, {:.2f} s over {} "
                             "on the control (at most {:g} times)",
                             c, canary.latencies, k, control.latencies, r)};
}

}  // namespace

std::string_view ToString(Arm arm) { return arm == Arm::kCanary ? "canary" : "control"; }

std::string_view ToString(HaltReason reason) {
  switch (reason) {
    case HaltReason::kSubmitErrors:
      return "submit_errors";
    case HaltReason::kDeliveryRatio:
      return "delivery_ratio";
    case HaltReason::kReceiptLatency:
      return "receipt_latency";
  }
  return "?";
}

double ArmFigures::SubmitErrorRatio() const {
  return submits == 0 ? 0 : static_cast<double>(submit_errors) / static_cast<double>(submits);
}

double ArmFigures::DeliveryRatio() const {
  return finals == 0 ? 1 : static_cast<double>(delivered) / static_cast<double>(finals);
}

double ArmFigures::MeanLatencyS() const {
  return latencies == 0 ? 0 : latency_sum_s / static_cast<double>(latencies);
}

void ArmFigures::Add(const ArmFigures& other) {
  submits += other.submits;
  submit_errors += other.submit_errors;
  finals += other.finals;
  delivered += other.delivered;
  latencies += other.latencies;
  latency_sum_s += other.latency_sum_s;
  latency_sum_squares += other.latency_sum_squares;
}

int64_t CanaryGuard::SlotWidth() const {
  return std::max<int64_t>(1, options_.window_ms / static_cast<int64_t>(kSlots));
}

ArmFigures& CanaryGuard::Current(Arm arm, int64_t now_ms) {
  const int64_t width = SlotWidth();
  const int64_t start = now_ms - now_ms % width;
  Slot& slot = slots_[static_cast<size_t>(start / width) % kSlots];
  if (slot.start_ms != start) slot = Slot{start, {}};  // older than the window: reused
  return slot.arms[static_cast<size_t>(arm)];
}

void CanaryGuard::RecordSubmit(Arm arm, bool error, int64_t now_ms) {
  ArmFigures& figures = Current(arm, now_ms);
  ++figures.submits;
  if (error) ++figures.submit_errors;
}

void CanaryGuard::RecordFinal(Arm arm, bool delivered, std::optional<int64_t> latency_ms,
                              int64_t now_ms) {
  ArmFigures& figures = Current(arm, now_ms);
  ++figures.finals;
  if (delivered) ++figures.delivered;
  if (!latency_ms) return;
  const double seconds = static_cast<double>(std::max<int64_t>(0, *latency_ms)) / 1000.0;
  ++figures.latencies;
  figures.latency_sum_s += seconds;
  figures.latency_sum_squares += seconds * seconds;
}

ArmFigures CanaryGuard::Figures(Arm arm, int64_t now_ms) const {
  const int64_t width = SlotWidth();
  const int64_t newest = now_ms - now_ms % width;
  const int64_t oldest = newest - width * static_cast<int64_t>(kSlots - 1);
  ArmFigures sum;
  for (const Slot& slot : slots_) {
    if (slot.start_ms >= oldest && slot.start_ms <= newest) sum.Add(slot.arms[static_cast<size_t>(arm)]);
  }
  return sum;
}

std::optional<Verdict> CanaryGuard::Evaluate(int64_t now_ms) const {
  if (!options_.enabled) return std::nullopt;
  const ArmFigures canary = Figures(Arm::kCanary, now_ms);
  const ArmFigures control = Figures(Arm::kControl, now_ms);
  if (auto v = SubmitErrors(canary, control, options_)) return v;
  if (auto v = DeliveryRatio(canary, control, options_)) return v;
  return ReceiptLatency(canary, control, options_);
}

void CanaryGuard::Reset() { slots_ = {}; }

void CanaryGuard::Reconfigure(const GuardOptions& options) {
  if (options.window_ms != options_.window_ms) Reset();
  options_ = options;
}

}  // namespace deliverer::routing
