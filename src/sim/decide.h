#pragma once
// What the simulated carrier does with one submit_sm: the answer, its delay, and the
// receipts it will send. Pure: randomness and time come in as arguments, so a seed
// replays a run. Thread-compatible.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "sim/config.h"
#include "sim/rng.h"

namespace deliverer::sim {

using Steady = std::chrono::steady_clock;

enum class AnswerKind : uint8_t { kAccepted, kTransient, kPermanent, kThrottled };

// The receipt of one accepted submit.
struct ReceiptPlan {
  bool send = false;       // false: none asked for, receipts off, or dropped
  bool dropped = false;    // asked for but the drop fault ate it
  size_t outcome = 0;      // index into kReceiptStats
  bool early = false;      // before the submit_sm_resp
  bool duplicate = false;  // sent twice
  std::chrono::milliseconds delay{0};  // after the submit_sm_resp
};

struct SubmitDecision {
  AnswerKind kind = AnswerKind::kAccepted;
  uint32_t status = 0;                   // command_status of the submit_sm_resp
  std::chrono::milliseconds latency{0};  // before the submit_sm_resp
  ReceiptPlan receipt;
};

// `throttled`: the TPS limit has no token for this submit. `wants_receipt`: the submit's
// registered_delivery asks for a final receipt (bit 0x01).
SubmitDecision DecideSubmit(const SimConfig& config, bool throttled, bool wants_receipt, Rng& rng);

// A weighted choice among kReceiptStats; the index of the stat. Weights of 0 are never
// chosen; when all are 0, DELIVRD.
size_t PickOutcome(const OutcomeWeights& weights, Rng& rng);

// The submit TPS limit over all binds: a token bucket holding 100 ms worth of tokens
// (at least one). Pure: time comes in as arguments. Thread-compatible.
class TokenBucket {
 public:
  // 0 = unlimited. Keeps the tokens it has, up to the new capacity.
  void SetRate(double tps);
  bool TryTake(Steady::time_point now);
  double rate() const { return rate_; }

 private:
  double rate_ = 0;
  double capacity_ = 1;
  double tokens_ = 1;
  Steady::time_point last_{};
};

}  // namespace deliverer::sim
