// The simulator's choices with a seeded Rng: what each submit gets, and the TPS limit.
#include "sim/decide.h"

#include <gtest/gtest.h>

#include <array>

namespace deliverer::sim {
namespace {

using std::chrono::milliseconds;

TEST(SimRngTest, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(SimRngTest, Ranges) {
  Rng rng(7);
  for (int i = 0; i < 10'000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const uint64_t v = rng.Between(5, 9);
    ASSERT_GE(v, 5u);
    ASSERT_LE(v, 9u);
  }
  EXPECT_EQ(rng.Between(3, 3), 3u);
  EXPECT_EQ(rng.Below(0), 0u);
  EXPECT_FALSE(rng.Chance(0));
  EXPECT_TRUE(rng.Chance(1));
}

TEST(SimPickOutcomeTest, FollowsTheWeights) {
  Rng rng(1);
  OutcomeWeights weights = {6, 3, 1, 0, 0, 0, 0, 0};  // DELIVRD 60%, UNDELIV 30%, EXPIRED 10%
  std::array<int, kReceiptStats.size()> counts{};
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) ++counts[PickOutcome(weights, rng)];
  EXPECT_NEAR(counts[0], 0.6 * kDraws, 0.01 * kDraws);
  EXPECT_NEAR(counts[1], 0.3 * kDraws, 0.01 * kDraws);
  EXPECT_NEAR(counts[2], 0.1 * kDraws, 0.01 * kDraws);
  for (size_t i = 3; i < counts.size(); ++i) EXPECT_EQ(counts[i], 0) << kReceiptStats[i];
}

TEST(SimPickOutcomeTest, SeededRunsRepeat) {
  OutcomeWeights weights = {1, 1, 1, 1, 0, 0, 0, 0};
  Rng a(99), b(99);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(PickOutcome(weights, a), PickOutcome(weights, b));
}

TEST(SimPickOutcomeTest, OnlyPositiveWeightsAndDelivrdWhenAllZero) {
  Rng rng(3);
  OutcomeWeights only_rejectd = {0, 0, 0, 1, 0, 0, 0, 0};
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(PickOutcome(only_rejectd, rng), 3u);
  EXPECT_EQ(PickOutcome(OutcomeWeights{}, rng), 0u);
}

TEST(SimDecideSubmitTest, PerfectCarrierAcceptsWithAReceipt) {
  Rng rng(5);
  const SubmitDecision d = DecideSubmit(SimConfig{}, false, true, rng);
  EXPECT_EQ(d.kind, AnswerKind::kAccepted);
  EXPECT_EQ(d.status, 0u);
  EXPECT_EQ(d.latency, milliseconds(0));
  EXPECT_TRUE(d.receipt.send);
  EXPECT_FALSE(d.receipt.early);
  EXPECT_FALSE(d.receipt.duplicate);
  EXPECT_EQ(d.receipt.outcome, 0u);
  EXPECT_EQ(d.receipt.delay, milliseconds(0));
}

TEST(SimDecideSubmitTest, NoReceiptUnlessAskedAndEnabled) {
  Rng rng(5);
  EXPECT_FALSE(DecideSubmit(SimConfig{}, false, false, rng).receipt.send);
  SimConfig off;
  off.receipts.enabled = false;
  EXPECT_FALSE(DecideSubmit(off, false, true, rng).receipt.send);
}

TEST(SimDecideSubmitTest, ThrottledAnswers0x58) {
  Rng rng(5);
  const SubmitDecision d = DecideSubmit(SimConfig{}, true, true, rng);
  EXPECT_EQ(d.kind, AnswerKind::kThrottled);
  EXPECT_EQ(d.status, 0x58u);
  EXPECT_FALSE(d.receipt.send);
}

TEST(SimDecideSubmitTest, ErrorRates) {
  Rng rng(11);
  SimConfig c;
  c.submit.permanent_rate = 1;
  EXPECT_EQ(DecideSubmit(c, false, true, rng).status, 0x0Bu);
  c.submit.permanent_rate = 0;
  c.submit.transient_rate = 1;
  std::array<int, 3> seen{};
  for (int i = 0; i < 3000; ++i) {
    const SubmitDecision d = DecideSubmit(c, false, true, rng);
    ASSERT_EQ(d.kind, AnswerKind::kTransient);
    ASSERT_FALSE(d.receipt.send);
    if (d.status == 0x58) ++seen[0];
    else if (d.status == 0x14) ++seen[1];
    else if (d.status == 0x08) ++seen[2];
    else ADD_FAILURE() << d.status;
  }
  for (int n : seen) EXPECT_NEAR(n, 1000, 150);
}

TEST(SimDecideSubmitTest, MixMatchesTheRates) {
  Rng rng(12);
  SimConfig c;
  c.submit.permanent_rate = 0.1;
  c.submit.transient_rate = 0.2;
  int permanent = 0, transient = 0;
  for (int i = 0; i < 100'000; ++i) {
    const AnswerKind kind = DecideSubmit(c, false, false, rng).kind;
    permanent += kind == AnswerKind::kPermanent;
    transient += kind == AnswerKind::kTransient;
  }
  EXPECT_NEAR(permanent, 10'000, 1'000);
  EXPECT_NEAR(transient, 20'000, 1'000);
}

TEST(SimDecideSubmitTest, LatencyAndReceiptDelayStayInRange) {
  Rng rng(13);
  SimConfig c;
  c.submit.latency_ms = 20;
  c.submit.latency_jitter_ms = 10;
  c.receipts.delay_ms_min = 100;
  c.receipts.delay_ms_max = 200;
  for (int i = 0; i < 1000; ++i) {
    const SubmitDecision d = DecideSubmit(c, false, true, rng);
    ASSERT_GE(d.latency, milliseconds(20));
    ASSERT_LE(d.latency, milliseconds(30));
    ASSERT_GE(d.receipt.delay, milliseconds(100));
    ASSERT_LE(d.receipt.delay, milliseconds(200));
  }
}

TEST(SimDecideSubmitTest, ReceiptFaults) {
  Rng rng(14);
  SimConfig c;
  c.receipts.drop_rate = 1;
  const SubmitDecision dropped = DecideSubmit(c, false, true, rng);
  EXPECT_FALSE(dropped.receipt.send);
  EXPECT_TRUE(dropped.receipt.dropped);
  c.receipts.drop_rate = 0;
  c.receipts.duplicate_rate = 1;
  c.receipts.early_rate = 1;
  const SubmitDecision twice = DecideSubmit(c, false, true, rng);
  EXPECT_TRUE(twice.receipt.send);
  EXPECT_TRUE(twice.receipt.duplicate);
  EXPECT_TRUE(twice.receipt.early);
}

TEST(SimTokenBucketTest, UnlimitedByDefault) {
  TokenBucket bucket;
  const Steady::time_point t0{};
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.TryTake(t0));
}

TEST(SimTokenBucketTest, HoldsATenthOfASecond) {
  TokenBucket bucket;
  bucket.SetRate(100);  // 10 tokens at most
  Steady::time_point t = Steady::time_point{} + std::chrono::seconds(100);
  bucket.TryTake(t);  // starts the clock with the one token it had
  int taken = 0;
  t += std::chrono::seconds(1);  // refills to capacity, no more
  while (bucket.TryTake(t)) ++taken;
  EXPECT_EQ(taken, 10);
  t += milliseconds(50);  // 5 more
  taken = 0;
  while (bucket.TryTake(t)) ++taken;
  EXPECT_EQ(taken, 5);
}

TEST(SimTokenBucketTest, SlowRateStillAllowsOne) {
  TokenBucket bucket;
  bucket.SetRate(2);
  const Steady::time_point t = Steady::time_point{} + std::chrono::seconds(1);
  EXPECT_TRUE(bucket.TryTake(t));
  EXPECT_FALSE(bucket.TryTake(t));
  EXPECT_FALSE(bucket.TryTake(t + milliseconds(400)));
  EXPECT_TRUE(bucket.TryTake(t + milliseconds(900)));
}

}  // namespace
}  // namespace deliverer::sim
