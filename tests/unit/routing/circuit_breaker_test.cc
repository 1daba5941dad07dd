#include "routing/circuit_breaker.h"

#include <gtest/gtest.h>

namespace deliverer::routing {
namespace {

using std::chrono::seconds;

config::CircuitBreakerConfig Settings() {
  config::CircuitBreakerConfig settings;
  settings.consecutive_failures = 3;
  settings.failure_ratio = 0.5;
  settings.window_s = 10;
  settings.min_volume = 10;
  settings.open_s = 5;
  settings.max_open_s = 20;
  settings.half_open_probes = 2;
  return settings;
}

class CircuitBreakerTest : public ::testing::Test {
 protected:
  // One message sent and answered at the current time; the transition it caused, if any.
  std::optional<Transition> Send(bool ok) {
    const Permit permit = breaker_.Acquire(clock_.Now());
    EXPECT_TRUE(permit.allowed);
    return ok ? breaker_.OnSuccess(permit, clock_.Now()) : breaker_.OnFailure(permit, clock_.Now());
  }
  // Opens the breaker with consecutive failures.
  void Trip() {
    for (int i = 0; i < 3; ++i) (void)Send(false);
    ASSERT_EQ(State(), CircuitState::kOpen);
  }
  CircuitState State() const { return breaker_.Snapshot(clock_.Now()).state; }

  FakeClock clock_;
  CircuitBreaker breaker_{Settings()};
};

TEST_F(CircuitBreakerTest, StartsClosed) {
  EXPECT_EQ(State(), CircuitState::kClosed);
  EXPECT_TRUE(breaker_.AllowsTraffic(clock_.Now()));
  const Permit permit = breaker_.Acquire(clock_.Now());
  EXPECT_TRUE(permit.allowed);
  EXPECT_FALSE(permit.probe);
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).last_reason, OpenReason::kNone);
}

TEST_F(CircuitBreakerTest, OpensOnConsecutiveFailures) {
  EXPECT_EQ(Send(false), std::nullopt);
  EXPECT_EQ(Send(false), std::nullopt);
  const std::optional<Transition> opened = Send(false);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->from, CircuitState::kClosed);
  EXPECT_EQ(opened->to, CircuitState::kOpen);
  EXPECT_EQ(opened->reason, OpenReason::kConsecutiveFailures);
  EXPECT_EQ(opened->cool_down, seconds(5));
  EXPECT_FALSE(breaker_.AllowsTraffic(clock_.Now()));
  EXPECT_FALSE(breaker_.Acquire(clock_.Now()).allowed);
  const BreakerSnapshot snapshot = breaker_.Snapshot(clock_.Now());
  EXPECT_EQ(snapshot.state, CircuitState::kOpen);
  EXPECT_EQ(snapshot.times_opened, 1u);
  EXPECT_EQ(snapshot.open_until, clock_.Now() + seconds(5));
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheConsecutiveCount) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Send(false), std::nullopt);
    EXPECT_EQ(Send(false), std::nullopt);
    EXPECT_EQ(Send(true), std::nullopt);
    clock_.Advance(seconds(11));  // an empty ratio window: only the streak can trip it
  }
  EXPECT_EQ(State(), CircuitState::kClosed);
}

TEST_F(CircuitBreakerTest, OpensOnFailureRatioOnceTheVolumeIsThere) {
  // Alternating: never 3 in a row, but half of all results fail.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send(true), std::nullopt);
    EXPECT_EQ(Send(false), std::nullopt);
  }
  EXPECT_EQ(Send(true), std::nullopt);                   // 9 results: below min_volume
  const std::optional<Transition> opened = Send(false);  // 10 results, 5 failed
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->reason, OpenReason::kFailureRatio);
}

TEST_F(CircuitBreakerTest, RatioBelowThresholdStaysClosed) {
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Send(i % 3 != 0), std::nullopt);  // 1/3 fail
  EXPECT_EQ(State(), CircuitState::kClosed);
}

TEST_F(CircuitBreakerTest, OldResultsLeaveTheWindow) {
  for (int i = 0; i < 4; ++i) {
    (void)Send(true);
    (void)Send(false);
  }
  clock_.Advance(seconds(11));  // those 8 are out of the 10 s window
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send(true), std::nullopt);
    EXPECT_EQ(Send(false), std::nullopt);
  }
  EXPECT_EQ(State(), CircuitState::kClosed);
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).window.total, 8);
}

TEST_F(CircuitBreakerTest, HalfOpenAfterTheCoolDownWithLimitedProbes) {
  Trip();
  clock_.Advance(seconds(4));
  EXPECT_FALSE(breaker_.AllowsTraffic(clock_.Now()));
  clock_.Advance(seconds(1));
  EXPECT_TRUE(breaker_.AllowsTraffic(clock_.Now()));
  EXPECT_EQ(State(), CircuitState::kHalfOpen);  // effective state, before any probe
  const Permit first = breaker_.Acquire(clock_.Now());
  const Permit second = breaker_.Acquire(clock_.Now());
  EXPECT_TRUE(first.allowed && first.probe);
  EXPECT_TRUE(second.allowed && second.probe);
  EXPECT_FALSE(breaker_.AllowsTraffic(clock_.Now()));
  EXPECT_FALSE(breaker_.Acquire(clock_.Now()).allowed);
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).probes_in_flight, 2);
  // A probe not sent after all gives its slot back.
  breaker_.Release(second);
  EXPECT_TRUE(breaker_.AllowsTraffic(clock_.Now()));
}

TEST_F(CircuitBreakerTest, ClosesOnProbeSuccess) {
  Trip();
  clock_.Advance(seconds(5));
  const Permit probe = breaker_.Acquire(clock_.Now());
  const std::optional<Transition> closed = breaker_.OnSuccess(probe, clock_.Now());
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->from, CircuitState::kHalfOpen);
  EXPECT_EQ(closed->to, CircuitState::kClosed);
  EXPECT_EQ(State(), CircuitState::kClosed);
  EXPECT_FALSE(breaker_.Acquire(clock_.Now()).probe);
}

TEST_F(CircuitBreakerTest, ProbeFailureReopensWithLongerCappedCoolDown) {
  Trip();                                // open for 5 s
  for (int expected_s : {10, 20, 20}) {  // doubled after each failed probe, capped at 20
    const Millis cool_down = breaker_.Snapshot(clock_.Now()).cool_down;
    clock_.Advance(cool_down - Millis(1));
    EXPECT_FALSE(breaker_.AllowsTraffic(clock_.Now()));
    clock_.Advance(Millis(1));
    const Permit probe = breaker_.Acquire(clock_.Now());
    ASSERT_TRUE(probe.probe);
    const std::optional<Transition> reopened = breaker_.OnFailure(probe, clock_.Now());
    ASSERT_TRUE(reopened.has_value());
    EXPECT_EQ(reopened->from, CircuitState::kHalfOpen);
    EXPECT_EQ(reopened->reason, OpenReason::kProbeFailed);
    EXPECT_EQ(reopened->cool_down, seconds(expected_s));
  }
  // Closing resets the cool-down to open_s.
  clock_.Advance(seconds(20));
  ASSERT_TRUE(breaker_.OnSuccess(breaker_.Acquire(clock_.Now()), clock_.Now()).has_value());
  Trip();
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).cool_down, seconds(5));
}

TEST_F(CircuitBreakerTest, LinkDownOpensAtOnce) {
  const std::optional<Transition> opened = breaker_.OnLinkDown(clock_.Now());
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->reason, OpenReason::kLinkDown);
  EXPECT_EQ(opened->cool_down, seconds(5));
  EXPECT_EQ(breaker_.OnLinkDown(clock_.Now()), std::nullopt);  // already open
  // During half-open, a dead link counts like a failed probe.
  clock_.Advance(seconds(5));
  (void)breaker_.Acquire(clock_.Now());
  const std::optional<Transition> again = breaker_.OnLinkDown(clock_.Now());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->from, CircuitState::kHalfOpen);
  EXPECT_EQ(again->cool_down, seconds(10));
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).last_reason, OpenReason::kLinkDown);
}

TEST_F(CircuitBreakerTest, ResultsOfPermitsFromBeforeATransitionAreIgnored) {
  const Permit early = breaker_.Acquire(clock_.Now());  // in flight while the circuit opens
  Trip();
  clock_.Advance(seconds(5));
  const Permit probe = breaker_.Acquire(clock_.Now());
  // The late timeout of the early message must not reopen the half-open circuit.
  EXPECT_EQ(breaker_.OnFailure(early, clock_.Now()), std::nullopt);
  EXPECT_EQ(State(), CircuitState::kHalfOpen);
  ASSERT_TRUE(breaker_.OnSuccess(probe, clock_.Now()).has_value());
  // Nor may it count against the closed circuit.
  EXPECT_EQ(breaker_.OnFailure(early, clock_.Now()), std::nullopt);
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).consecutive_failures, 0);
  // A permit that was refused carries no result either.
  EXPECT_EQ(breaker_.OnFailure(Permit{}, clock_.Now()), std::nullopt);
}

TEST(CircuitBreakerDisabledTest, NeverOpens) {
  config::CircuitBreakerConfig settings = Settings();
  settings.enabled = false;
  CircuitBreaker breaker(settings);
  const TimePoint now = FakeClock().Now();
  for (int i = 0; i < 100; ++i) {
    const Permit permit = breaker.Acquire(now);
    ASSERT_TRUE(permit.allowed);
    EXPECT_EQ(breaker.OnFailure(permit, now), std::nullopt);
  }
  EXPECT_EQ(breaker.OnLinkDown(now), std::nullopt);
  EXPECT_EQ(breaker.Snapshot(now).state, CircuitState::kClosed);
}

TEST_F(CircuitBreakerTest, ReconfigureKeepsStateAndDisablingCloses) {
  Trip();
  config::CircuitBreakerConfig longer = Settings();
  longer.open_s = 8;
  longer.max_open_s = 30;
  breaker_.Reconfigure(longer);
  EXPECT_EQ(State(), CircuitState::kOpen);
  EXPECT_EQ(breaker_.Snapshot(clock_.Now()).cool_down, seconds(8));  // clamped into range
  longer.enabled = false;
  breaker_.Reconfigure(longer);
  EXPECT_EQ(State(), CircuitState::kClosed);
  EXPECT_TRUE(breaker_.AllowsTraffic(clock_.Now()));
}

TEST(CircuitBreakerNamesTest, ForMetricsAndLogs) {
  EXPECT_EQ(ToString(CircuitState::kHalfOpen), "half_open");
  EXPECT_EQ(ToString(OpenReason::kFailureRatio), "failure_ratio");
  EXPECT_EQ(ToString(OpenReason::kLinkDown), "link_down");
}

}  // namespace
}  // namespace deliverer::routing
