// The carrier's adaptive send rate (docs/reliability.md R5), driven with times passed in.
#include "common/adaptive_rate.h"

#include <gtest/gtest.h>

namespace deliverer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(AdaptiveRateTest, ConfiguredRateHandsOutTokensAtThatRate) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(100);
  int taken = 0;
  for (int ms = 0; ms < 1000; ++ms) {
    while (rate.TryTake(t)) ++taken;
    t += milliseconds(1);
  }
  EXPECT_GE(taken, 95);
  EXPECT_LE(taken, 106);  // 100 per second plus the initial burst of 5
}

TEST(AdaptiveRateTest, UnlimitedAlwaysGivesATokenUntilThrottled) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(rate.TryTake(t));
  EXPECT_EQ(rate.NextToken(t), t);
}

TEST(AdaptiveRateTest, ThrottleCutsOncePerSpacing) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(1000);
  rate.OnThrottled(t);
  EXPECT_DOUBLE_EQ(rate.current_tps(), 700);
  rate.OnThrottled(t + milliseconds(10));  // same burst
  EXPECT_DOUBLE_EQ(rate.current_tps(), 700);
  rate.OnThrottled(t + AdaptiveRate::kDecreaseSpacing);
  EXPECT_DOUBLE_EQ(rate.current_tps(), 490);
  EXPECT_FALSE(rate.TryTake(t + AdaptiveRate::kDecreaseSpacing)) << "the bucket is emptied";
}

TEST(AdaptiveRateTest, RecoversGraduallyToTheConfiguredRate) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(100);
  rate.OnThrottled(t);
  EXPECT_DOUBLE_EQ(rate.current_tps(), 70);
  rate.OnAnswered(t + milliseconds(100));
  EXPECT_DOUBLE_EQ(rate.current_tps(), 70) << "no increase right after a decrease";
  double previous = 70;
  for (int s = 1; s <= 20; ++s) {
    rate.OnAnswered(t + s * AdaptiveRate::kIncreaseSpacing);
    EXPECT_GE(rate.current_tps(), previous);
    EXPECT_LE(rate.current_tps(), 100);
    previous = rate.current_tps();
  }
  EXPECT_DOUBLE_EQ(rate.current_tps(), 100);
}

TEST(AdaptiveRateTest, UnconfiguredRateCutsWhatWasObservedThenRecovers) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(0);
  for (int i = 0; i < 400; ++i) rate.TryTake(t);  // 400 sends in second 1000
  t += seconds(1);
  rate.OnThrottled(t + milliseconds(500));
  EXPECT_DOUBLE_EQ(rate.current_tps(), 280);
  rate.OnAnswered(t + AdaptiveRate::kRecoverToUnlimited + seconds(1));
  EXPECT_EQ(rate.current_tps(), 0) << "unlimited again";
}

TEST(AdaptiveRateTest, NeverDropsBelowTheFloor) {
  TimePoint t = TimePoint(seconds(1'000));
  AdaptiveRate rate(4);
  for (int i = 0; i < 20; ++i) rate.OnThrottled(t + i * AdaptiveRate::kDecreaseSpacing);
  EXPECT_DOUBLE_EQ(rate.current_tps(), AdaptiveRate::kMinTps);
}

}  // namespace
}  // namespace deliverer
