// An error storm cannot flood the receiver (errors/throttle.h).
#include "errors/throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace deliverer::errors {
namespace {

constexpr int64_t kT0 = 1'764'000'000'000;

TEST(ThrottleTest, AnIdenticalReportGoesOutOncePerWindow) {
  Throttle throttle;
  EXPECT_TRUE(throttle.Admit("http\nstd::bad_alloc\nstd::bad_alloc", kT0));
  EXPECT_FALSE(throttle.Admit("http\nstd::bad_alloc\nstd::bad_alloc", kT0 + 1'000));
  EXPECT_FALSE(throttle.Admit("http\nstd::bad_alloc\nstd::bad_alloc", kT0 + Throttle::kRepeatWindowMs - 1));
  EXPECT_TRUE(throttle.Admit("http\nstd::bad_alloc\nstd::bad_alloc", kT0 + Throttle::kRepeatWindowMs));
}

TEST(ThrottleTest, DistinctReportsPassABurstThenOnePerRefill) {
  Throttle throttle;
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += throttle.Admit("error " + std::to_string(i), kT0);
  EXPECT_EQ(admitted, Throttle::kBurst);
  EXPECT_FALSE(throttle.Admit("another", kT0 + Throttle::kRefillMs - 1));
  EXPECT_TRUE(throttle.Admit("another", kT0 + Throttle::kRefillMs));
  EXPECT_FALSE(throttle.Admit("yet another", kT0 + Throttle::kRefillMs));
}

// A storm of distinct errors, one every second for an hour: what is kept stays within
// the bound, and the first error may be reported again once its window is over.
TEST(ThrottleTest, ItRemembersABoundedNumberOfReports) {
  Throttle throttle;
  int64_t now = kT0;
  for (int i = 0; i < 3600; ++i, now += 1'000) {
    throttle.Admit("error " + std::to_string(i), now);
    ASSERT_LE(throttle.remembered(), Throttle::kMaxRemembered) << i;
  }
  EXPECT_TRUE(throttle.Admit("error 0", now + Throttle::kRefillMs));
}

}  // namespace
}  // namespace deliverer::errors
