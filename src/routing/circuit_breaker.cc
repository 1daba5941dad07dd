#include "routing/circuit_breaker.h"

#include <algorithm>

namespace deliverer::routing {
namespace {

Millis Seconds(int seconds) { return Millis(int64_t{seconds} * 1000); }

Millis WindowLength(const config::CircuitBreakerConfig& config) { return Seconds(config.window_s); }

}  // namespace

std::string_view ToString(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "?";
}

std::string_view ToString(OpenReason reason) {
  switch (reason) {
    case OpenReason::kNone:
      return "none";
    case OpenReason::kConsecutiveFailures:
      return "consecutive_failures";
    case OpenReason::kFailureRatio:
      return "failure_ratio";
    case OpenReason::kLinkDown:
      return "link_down";
    case OpenReason::kProbeFailed:
      return "probe_failed";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(const config::CircuitBreakerConfig& config)
    : config_(config), window_(WindowLength(config)), cool_down_(Seconds(config.open_s)) {}

bool CircuitBreaker::AllowsTraffic(TimePoint now) const {
  switch (state_) {
    case CircuitState::kClosed:
      return true;
    case CircuitState::kOpen:
      return now >= open_until_;  // the next Acquire turns it half-open
    case CircuitState::kHalfOpen:
      return probes_in_flight_ < config_.half_open_probes;
  }
  return true;
}

Permit CircuitBreaker::Acquire(TimePoint now) {
  if (state_ == CircuitState::kClosed) return Permit{true, false, epoch_};
  if (state_ == CircuitState::kOpen) {
    if (now < open_until_) return Permit{false, false, epoch_};
    state_ = CircuitState::kHalfOpen;
    ++epoch_;
    probes_in_flight_ = 0;
  }
  if (probes_in_flight_ >= config_.half_open_probes) return Permit{false, false, epoch_};
  ++probes_in_flight_;
  return Permit{true, true, epoch_};
}

bool CircuitBreaker::Current(const Permit& permit) const {
  return permit.allowed && permit.epoch == epoch_;
}

std::optional<Transition> CircuitBreaker::OnSuccess(const Permit& permit, TimePoint now) {
  if (!Current(permit)) return std::nullopt;
  if (state_ == CircuitState::kHalfOpen) return Close();
  consecutive_failures_ = 0;
  window_.Add(/*failed=*/false, now);
  return std::nullopt;
}

std::optional<Transition> CircuitBreaker::OnFailure(const Permit& permit, TimePoint now) {
  if (!Current(permit) || !config_.enabled) return std::nullopt;
  if (state_ == CircuitState::kHalfOpen) return Open(OpenReason::kProbeFailed, Longer(), now);
  ++consecutive_failures_;
  window_.Add(/*failed=*/true, now);
  OpenReason reason = OpenReason::kNone;
  if (!ShouldOpen(now, reason)) return std::nullopt;
  return Open(reason, Seconds(config_.open_s), now);
}

void CircuitBreaker::Release(const Permit& permit) {
  if (Current(permit) && permit.probe && probes_in_flight_ > 0) --probes_in_flight_;
}

std::optional<Transition> CircuitBreaker::OnLinkDown(TimePoint now) {
  if (!config_.enabled) return std::nullopt;
  switch (state_) {
    case CircuitState::kClosed:
      return Open(OpenReason::kLinkDown, Seconds(config_.open_s), now);
    case CircuitState::kHalfOpen:
      return Open(OpenReason::kLinkDown, Longer(), now);
    case CircuitState::kOpen:
      break;  // already cut off; the probes will tell when the link is back
  }
  return std::nullopt;
}

bool CircuitBreaker::ShouldOpen(TimePoint now, OpenReason& reason) const {
  if (consecutive_failures_ >= config_.consecutive_failures) {
    reason = OpenReason::kConsecutiveFailures;
    return true;
  }
  const FailureWindow::Counts counts = window_.CountsAt(now);
  const bool enough = counts.total >= config_.min_volume;
  if (enough && static_cast<double>(counts.failed) >=
                    config_.failure_ratio * static_cast<double>(counts.total)) {
    reason = OpenReason::kFailureRatio;
    return true;
  }
  return false;
}

Millis CircuitBreaker::Longer() const {
  return std::min(cool_down_ * 2, Seconds(config_.max_open_s));
}

Transition CircuitBreaker::Open(OpenReason reason, Millis cool_down, TimePoint now) {
  const Transition transition{state_, CircuitState::kOpen, reason, cool_down};
  state_ = CircuitState::kOpen;
  cool_down_ = cool_down;
  open_until_ = now + cool_down;
  last_reason_ = reason;
  ++times_opened_;
  Restart();
  return transition;
}

Transition CircuitBreaker::Close() {
  const Transition transition{state_, CircuitState::kClosed, OpenReason::kNone, Millis(0)};
  state_ = CircuitState::kClosed;
  cool_down_ = Seconds(config_.open_s);
  Restart();
  return transition;
}

// A new epoch: permits and counts of the previous state no longer apply.
void CircuitBreaker::Restart() {
  ++epoch_;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  window_.Clear();
}

BreakerSnapshot CircuitBreaker::Snapshot(TimePoint now) const {
  BreakerSnapshot snapshot;
  snapshot.state = state_;
  if (state_ == CircuitState::kOpen && now >= open_until_) snapshot.state = CircuitState::kHalfOpen;
  snapshot.last_reason = last_reason_;
  snapshot.consecutive_failures = consecutive_failures_;
  snapshot.window = window_.CountsAt(now);
  snapshot.cool_down = cool_down_;
  snapshot.open_until = state_ == CircuitState::kOpen ? open_until_ : TimePoint{};
  snapshot.probes_in_flight = probes_in_flight_;
  snapshot.times_opened = times_opened_;
  return snapshot;
}

void CircuitBreaker::Reconfigure(const config::CircuitBreakerConfig& config) {
  const bool window_changed = config.window_s != config_.window_s;
  config_ = config;
  if (window_changed) window_ = FailureWindow(WindowLength(config));
  // A closed breaker's next cool-down is the new open_s; an open one keeps its growth.
  cool_down_ = state_ == CircuitState::kClosed
                   ? Seconds(config.open_s)
                   : std::clamp(cool_down_, Seconds(config.open_s), Seconds(config.max_open_s));
  if (!config_.enabled && state_ != CircuitState::kClosed) Close();
}

}  // namespace deliverer::routing
