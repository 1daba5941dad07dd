#include "routing/canary_guard.h"

#include <gtest/gtest.h>

namespace deliverer::routing {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

GuardOptions Options(int64_t min_samples = 200) {
  GuardOptions o;
  o.min_samples = min_samples;
  return o;
}

// `n` submits of `arm`, `errors_per_100` of each hundred refused, spread evenly.
void Submits(CanaryGuard& guard, Arm arm, int n, int errors_per_100, int64_t at = kNow) {
  for (int i = 0; i < n; ++i) guard.RecordSubmit(arm, i % 100 < errors_per_100, at);
}

// `n` messages of `arm` ending by a receipt after `latency_ms` (± 10 %), `delivered_per_100`
// of each hundred delivered.
void Ends(CanaryGuard& guard, Arm arm, int n, int delivered_per_100, int64_t latency_ms = 2000,
          int64_t at = kNow) {
  for (int i = 0; i < n; ++i) {
    const int64_t jitter = latency_ms / 10 * (i % 3 - 1);
    guard.RecordFinal(arm, i % 100 < delivered_per_100, latency_ms + jitter, at);
  }
}

TEST(CanaryGuardTest, FiresWhenTheCanaryRefusesFarMoreSubmitsThanTheControl) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 300, 1);
  Submits(guard, Arm::kCanary, 200, 30);

  const auto verdict = guard.Evaluate(kNow);

  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->reason, HaltReason::kSubmitErrors);
  EXPECT_EQ(ToString(verdict->reason), "submit_errors");
  EXPECT_EQ(verdict->canary.submits, 200);
  EXPECT_EQ(verdict->canary.submit_errors, 60);
  EXPECT_EQ(verdict->control.submits, 300);
  EXPECT_EQ(verdict->control.submit_errors, 3);
  EXPECT_EQ(verdict->detail,
            "submit errors 30.0% of 200 on the canary, 1.0% of 300 on the control (margin 5.0%)");
}

TEST(CanaryGuardTest, NoVerdictUntilBothArmsHaveTheMinimumSample) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 1000, 0);
  Submits(guard, Arm::kCanary, 199, 100);
  EXPECT_FALSE(guard.Evaluate(kNow)) << "199 canary submits, all refused, are not enough";
  guard.RecordSubmit(Arm::kCanary, true, kNow);
  EXPECT_TRUE(guard.Evaluate(kNow)) << "the 200th decides";

  CanaryGuard control_short(Options());
  Submits(control_short, Arm::kCanary, 1000, 100);
  Submits(control_short, Arm::kControl, 199, 0);
  EXPECT_FALSE(control_short.Evaluate(kNow)) << "the control arm needs the minimum too";
}

TEST(CanaryGuardTest, BothArmsEquallyBadIsNotTheCanarysFault) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 1000, 60);  // a carrier-wide outage: both refuse most
  Submits(guard, Arm::kCanary, 1000, 60);
  Ends(guard, Arm::kControl, 1000, 40, 30'000);
  Ends(guard, Arm::kCanary, 1000, 40, 30'000);

  EXPECT_FALSE(guard.Evaluate(kNow));
}

TEST(CanaryGuardTest, NoiseWithinTheMarginDoesNotHalt) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 400, 1);
  Submits(guard, Arm::kCanary, 400, 5);  // 4 points worse; the margin is 5
  Ends(guard, Arm::kControl, 400, 98);
  Ends(guard, Arm::kCanary, 400, 95);    // 3 points fewer delivered; the margin is 5
  EXPECT_FALSE(guard.Evaluate(kNow));
}

TEST(CanaryGuardTest, JustPastTheMarginOnASmallSampleIsNoiseToo) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 200, 2);
  Submits(guard, Arm::kCanary, 200, 8);  // 6 points worse, within what 200 submits vary by
  EXPECT_FALSE(guard.Evaluate(kNow));

  Submits(guard, Arm::kControl, 9800, 2);
  Submits(guard, Arm::kCanary, 9800, 8);  // the same 6 points over 10,000: beyond doubt
  EXPECT_TRUE(guard.Evaluate(kNow));
}

TEST(CanaryGuardTest, FiresWhenTheCanaryDeliversLess) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 300, 0);
  Submits(guard, Arm::kCanary, 300, 0);
  Ends(guard, Arm::kControl, 250, 98);
  Ends(guard, Arm::kCanary, 200, 70);

  const auto verdict = guard.Evaluate(kNow);

  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->reason, HaltReason::kDeliveryRatio);
  EXPECT_EQ(verdict->canary.finals, 200);
  EXPECT_EQ(verdict->canary.delivered, 140);
  EXPECT_NEAR(verdict->control.DeliveryRatio(), 0.98, 0.01);
  EXPECT_NE(verdict->detail.find("delivered 70.0% of 200 on the canary"), std::string::npos) << verdict->detail;
}

TEST(CanaryGuardTest, MessagesEndedWithoutAReceiptCountAsNotDelivered) {
  CanaryGuard guard(Options(10));
  for (int i = 0; i < 10; ++i) {
    guard.RecordFinal(Arm::kControl, true, 1000, kNow);
    guard.RecordFinal(Arm::kCanary, false, std::nullopt, kNow);  // the receipt wait ran out
  }
  const auto verdict = guard.Evaluate(kNow);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->reason, HaltReason::kDeliveryRatio);
  EXPECT_EQ(verdict->canary.latencies, 0) << "no receipt, no latency";
}

TEST(CanaryGuardTest, FiresWhenTheCanarysReceiptsAreFarSlower) {
  CanaryGuard guard(Options());
  Ends(guard, Arm::kControl, 300, 100, 2'000);
  Ends(guard, Arm::kCanary, 300, 100, 9'000);

  const auto verdict = guard.Evaluate(kNow);

  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->reason, HaltReason::kReceiptLatency);
  EXPECT_NEAR(verdict->canary.MeanLatencyS(), 9.0, 0.01);
  EXPECT_NEAR(verdict->control.MeanLatencyS(), 2.0, 0.01);
}

TEST(CanaryGuardTest, SlowerWithinTheRatioOrByMilliSecondsDoesNotHalt) {
  CanaryGuard within(Options());
  Ends(within, Arm::kControl, 300, 100, 2'000);
  Ends(within, Arm::kCanary, 300, 100, 3'500);  // 1.75 times; the limit is 2
  EXPECT_FALSE(within.Evaluate(kNow));

  CanaryGuard tiny(Options());
  Ends(tiny, Arm::kControl, 300, 100, 40);
  Ends(tiny, Arm::kCanary, 300, 100, 400);  // ten times, but 0.36 s more
  EXPECT_FALSE(tiny.Evaluate(kNow));
}

TEST(CanaryGuardTest, SamplesOlderThanTheWindowAreForgotten) {
  GuardOptions options = Options();
  options.window_ms = 300'000;
  CanaryGuard guard(options);
  Submits(guard, Arm::kControl, 300, 0, kNow);
  Submits(guard, Arm::kCanary, 300, 100, kNow);
  ASSERT_TRUE(guard.Evaluate(kNow));
  EXPECT_TRUE(guard.Evaluate(kNow + 250'000)) << "still within the window";

  EXPECT_FALSE(guard.Evaluate(kNow + 301'000)) << "a window later";
  EXPECT_EQ(guard.Figures(Arm::kCanary, kNow + 301'000).submits, 0);
  // New samples reuse the slots the old ones left.
  Submits(guard, Arm::kControl, 300, 0, kNow + 301'000);
  Submits(guard, Arm::kCanary, 100, 100, kNow + 301'000);
  EXPECT_EQ(guard.Figures(Arm::kCanary, kNow + 301'000).submits, 100);
  EXPECT_FALSE(guard.Evaluate(kNow + 301'000)) << "100 new canary submits are below the minimum";
}

TEST(CanaryGuardTest, ResetStartsAfreshAndDisabledNeverJudges) {
  CanaryGuard guard(Options());
  Submits(guard, Arm::kControl, 300, 0);
  Submits(guard, Arm::kCanary, 300, 100);
  ASSERT_TRUE(guard.Evaluate(kNow));
  guard.Reset();
  EXPECT_FALSE(guard.Evaluate(kNow));
  EXPECT_EQ(guard.Figures(Arm::kControl, kNow).submits, 0);

  GuardOptions off = Options();
  off.enabled = false;
  CanaryGuard disabled(off);
  Submits(disabled, Arm::kControl, 300, 0);
  Submits(disabled, Arm::kCanary, 300, 100);
  EXPECT_FALSE(disabled.Evaluate(kNow));
}

TEST(CanaryGuardTest, ReconfigureKeepsSamplesUnlessTheWindowChanges) {
  CanaryGuard guard(Options(500));
  Submits(guard, Arm::kControl, 300, 0);
  Submits(guard, Arm::kCanary, 300, 100);
  EXPECT_FALSE(guard.Evaluate(kNow));
  guard.Reconfigure(Options(200));
  EXPECT_TRUE(guard.Evaluate(kNow)) << "a lower minimum applies to the samples kept";

  GuardOptions longer = Options(200);
  longer.window_ms = 600'000;
  guard.Reconfigure(longer);
  EXPECT_FALSE(guard.Evaluate(kNow)) << "a new window length starts afresh";
}

}  // namespace
}  // namespace deliverer::routing
