#pragma once
// One carrier's circuit breaker (docs/configuration.md "[circuit_breaker]",
// docs/reliability.md R8). Pure: no clock of its own (every call takes `now`), no I/O.
// Thread-compatible: one caller at a time; CircuitBoard (routing/circuit_board.h) is the
// thread-safe holder of all of them.
//
// States and transitions (thresholds from config::CircuitBreakerConfig):
//   closed → open       `consecutive_failures` failures in a row; or, within the sliding
//                       window of `window_s` (10 buckets), at least `min_volume` results of
//                       which a share ≥ `failure_ratio` failed; or OnLinkDown (a dead link).
//                       Open for `open_s`.
//   open → half-open    at the first Acquire once the cool-down is over.
//   half-open           up to `half_open_probes` messages in flight, each a probe.
//   half-open → closed  on a probe's success; the cool-down goes back to `open_s`.
//   half-open → open    on a probe's failure or OnLinkDown; the cool-down doubles, up to
//                       `max_open_s`.
// Counters and the window restart at every transition. `enabled = false`: always allows
// traffic and never opens.
//
// Usage per message: Permit p = Acquire(now); if p.allowed, submit, then exactly one of
// OnSuccess(p), OnFailure(p) or Release(p) (not sent after all) MUST follow, or a probe
// slot stays taken until the next transition. Results are tied to the permit's epoch: one
// issued before the last transition is ignored, because an answer (or timeout) for a
// message sent before the circuit opened says nothing about the carrier now.
//
// What is a failure is the caller's call: transient statuses, response timeouts,
// disconnects are; a permanent status caused by the message itself (a bad destination)
// shows the carrier working and is reported as a success.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "config/config.h"
#include "routing/failure_window.h"

namespace deliverer::routing {

enum class CircuitState : uint8_t { kClosed, kOpen, kHalfOpen };
std::string_view ToString(CircuitState state);

enum class OpenReason : uint8_t {
  kNone,  // never opened
  kConsecutiveFailures,
  kFailureRatio,
  kLinkDown,
  kProbeFailed,
};
std::string_view ToString(OpenReason reason);

// Leave to send one message.
struct Permit {
  bool allowed = false;
  bool probe = false;  // one of the half-open probes
  uint64_t epoch = 0;  // 0 = issued by no breaker (results ignored)
};

// A state change, for the caller to log (warn on opening), count and report.
struct Transition {
  CircuitState from = CircuitState::kClosed;
  CircuitState to = CircuitState::kClosed;
  OpenReason reason = OpenReason::kNone;  // to == kOpen: why
  Millis cool_down{0};                    // to == kOpen: for how long
};

// For the deliverer_circuit_open{carrier} gauge (1 unless kClosed) and the admin API.
struct BreakerSnapshot {
  CircuitState state = CircuitState::kClosed;  // open past its cool-down reads kHalfOpen
  OpenReason last_reason = OpenReason::kNone;  // why it last opened
  int consecutive_failures = 0;
  FailureWindow::Counts window;  // results in the sliding window
  Millis cool_down{0};           // the current (or next) open period
  TimePoint open_until{};        // end of the cool-down, when open
  int probes_in_flight = 0;
  uint64_t times_opened = 0;
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(const config::CircuitBreakerConfig& config);

  // Peek, without taking a probe slot: would Acquire(now) allow?
  bool AllowsTraffic(TimePoint now) const;
  Permit Acquire(TimePoint now);
  std::optional<Transition> OnSuccess(const Permit& permit, TimePoint now);
  std::optional<Transition> OnFailure(const Permit& permit, TimePoint now);
  // The permit was not used: gives its probe slot back.
  void Release(const Permit& permit);
  // The carrier's link is dead (all binds down, enquire_link unanswered): open now.
  std::optional<Transition> OnLinkDown(TimePoint now);

  BreakerSnapshot Snapshot(TimePoint now) const;
  // New thresholds (config reload). The state is kept, so a reload does not close an open
  // circuit; a breaker reconfigured with enabled = false closes.
  void Reconfigure(const config::CircuitBreakerConfig& config);

 private:
  bool Current(const Permit& permit) const;
  bool ShouldOpen(TimePoint now, OpenReason& reason) const;
  Millis Longer() const;
  Transition Open(OpenReason reason, Millis cool_down, TimePoint now);
  Transition Close();
  void Restart();

  config::CircuitBreakerConfig config_;
  CircuitState state_ = CircuitState::kClosed;
  uint64_t epoch_ = 1;
  int consecutive_failures_ = 0;
  FailureWindow window_;
  Millis cool_down_;
  TimePoint open_until_{};
  int probes_in_flight_ = 0;
  OpenReason last_reason_ = OpenReason::kNone;
  uint64_t times_opened_ = 0;
};

}  // namespace deliverer::routing
