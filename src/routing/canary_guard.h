#pragma once
// The canary's guard (docs/configuration.md "The canary's guard"): compares what a
// roll-out's canary arm gets from its carriers with what the route's own (control) arm
// gets, over a sliding window, and says when the canary is worse beyond doubt.
//
// Pure: no I/O, no clock of its own (every call passes the time), no locking; one object
// per roll-out, owned by one thread (the delivery thread).
//
// Three measures, each judged on its own and only once BOTH arms have at least
// `min_samples` of it within the window:
//   - submit errors: a carrier's error answers per submit it answered;
//   - delivery ratio: delivered per message that ended after a carrier took it (by a
//     receipt, or without one when the receipt wait ended);
//   - receipt latency: the mean time from the carrier's acceptance to a final receipt.
// The canary is worse when its figure is past the control's by more than the margin
// (latency: more than `max_receipt_latency_ratio` times the control's, and at least
// kMinLatencyGap more), with 99 % confidence: a one-sided test of the difference against
// the margin, so that noise around the margin does not halt a roll-out that watches
// itself continuously. Both arms equally bad (a carrier-wide outage, a bad destination
// mix) is no verdict: the comparison is relative.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::routing {

struct GuardOptions {
  bool enabled = true;
  int64_t min_samples = 200;
  double max_submit_error_margin = 0.05;
  double max_delivery_ratio_drop = 0.05;
  double max_receipt_latency_ratio = 2.0;
  int64_t window_ms = 300'000;

  bool operator==(const GuardOptions&) const = default;
};

enum class Arm : uint8_t { kControl = 0, kCanary = 1 };
std::string_view ToString(Arm arm);

// One arm's figures within the window.
struct ArmFigures {
  int64_t submits = 0;        // submits a carrier answered (accepted or refused)
  int64_t submit_errors = 0;  // of which refused
  int64_t finals = 0;         // messages that ended after a carrier took them
  int64_t delivered = 0;      // of which delivered
  int64_t latencies = 0;      // final receipts with a latency
  double latency_sum_s = 0;
  double latency_sum_squares = 0;

  double SubmitErrorRatio() const;  // 0 without submits
  double DeliveryRatio() const;     // 1 without finals
  double MeanLatencyS() const;      // 0 without latencies
  void Add(const ArmFigures& other);
};

enum class HaltReason : uint8_t { kSubmitErrors, kDeliveryRatio, kReceiptLatency };
// "submit_errors", "delivery_ratio", "receipt_latency": the reason in metrics, logs, the
// ops webhook and the store.
std::string_view ToString(HaltReason reason);

struct Verdict {
  HaltReason reason = HaltReason::kSubmitErrors;
  ArmFigures canary;
  ArmFigures control;
  // For people: the measure on both arms and the threshold, e.g. "submit errors 100.0% of
  // 40 on the canary, 0.0% of 38 on the control (margin 5.0%)".
  std::string detail;
};

class CanaryGuard {
 public:
  // One-sided 99 %: how far past the margin, in standard errors, the difference must be.
  static constexpr double kConfidenceZ = 2.326;
  // A latency ratio of two small numbers is noise: the canary must also be this much slower.
  static constexpr double kMinLatencyGapS = 1.0;
  // The window is kept as this many slots of window_ms / kSlots each.
  static constexpr size_t kSlots = 10;

  explicit CanaryGuard(GuardOptions options) : options_(options) {}

  // A carrier answered a submit of this arm (`error`: with an error).
  void RecordSubmit(Arm arm, bool error, int64_t now_ms);
  // A message of this arm ended after a carrier took it; `latency_ms` from the carrier's
  // acceptance to its final receipt, nullopt when it ended without one.
  void RecordFinal(Arm arm, bool delivered, std::optional<int64_t> latency_ms, int64_t now_ms);

  // The arm's figures over the last window_ms (to a slot's width).
  ArmFigures Figures(Arm arm, int64_t now_ms) const;
  // The first measure (in the order above) on which the canary is worse; nullopt when
  // none is, when a sample is too small, or when the guard is disabled.
  std::optional<Verdict> Evaluate(int64_t now_ms) const;

  // Forgets every sample (a resumed roll-out starts afresh).
  void Reset();
  // New options; the samples are kept unless the window's length changed.
  void Reconfigure(const GuardOptions& options);
  const GuardOptions& options() const { return options_; }

 private:
  struct Slot {
    int64_t start_ms = -1;  // -1: empty
    std::array<ArmFigures, 2> arms;
  };
  int64_t SlotWidth() const;
  ArmFigures& Current(Arm arm, int64_t now_ms);

  GuardOptions options_;
  std::array<Slot, kSlots> slots_;
};

}  // namespace deliverer::routing
