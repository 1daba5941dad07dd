// Rate limits shared through the test run's Redis (redis/shared_rate_limiter.h): two
// limiters stand for two API processes. Each test uses key prefixes of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>

#include "common/clock.h"
#include "metrics/metrics.h"
#include "redis/shared_rate_limiter.h"
#include "support/eventually.h"
#include "support/fault_proxy.h"
#include "support/services.h"

namespace deliverer::redis {
namespace {

using test_support::Eventually;
using test_support::FaultProxy;

class SharedLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    prefix_ = "test" + std::to_string(random()) + ":";
  }

  std::unique_ptr<SharedRateLimiter> Limiter(int port, double rps, double burst, metrics::Registry& registry) {
    SharedLimitsOptions options;
    options.limits.per_key_rps = rps;
    options.limits.per_key_burst = burst;
    options.endpoint.port = port;
    options.key_prefix = prefix_;
    options.heartbeat = std::chrono::milliseconds(100);
    return std::make_unique<SharedRateLimiter>(options, clock_, registry);
  }

  SystemClock clock_;
  std::string prefix_;
  metrics::Registry registry_a_, registry_b_;
};

TEST_F(SharedLimits, TwoProcessesTogetherAdmitOneBucket) {
  // One token a second: within the test's time, the bucket admits its burst and at most
  // a couple more, whichever process asks.
  auto a = Limiter(test_support::ServicePort("redis"), 1, 20, registry_a_);
  auto b = Limiter(test_support::ServicePort("redis"), 1, 20, registry_b_);
  const auto start = std::chrono::steady_clock::now();
  int admitted_a = 0, admitted_b = 0;
  for (int i = 0; i < 40; ++i) {
    if (a->Acquire("k1") == 0) ++admitted_a;
    if (b->Acquire("k1") == 0) ++admitted_b;
  }
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(admitted_a, 0);
  EXPECT_GT(admitted_b, 0);
  EXPECT_GE(admitted_a + admitted_b, 20);
  EXPECT_LE(admitted_a + admitted_b, 20 + static_cast<int>(elapsed_s) + 1);
  EXPECT_EQ(a->SharedState(), "ok");
  // Another key has a bucket of its own.
  EXPECT_EQ(a->Acquire("k2"), 0);
}

TEST_F(SharedLimits, ARefusalSaysHowLongToWait) {
  auto a = Limiter(test_support::ServicePort("redis"), 0.5, 1, registry_a_);
  EXPECT_EQ(a->Acquire("k"), 0);
  EXPECT_EQ(a->Acquire("k"), 2);  // one token every two seconds
}

TEST_F(SharedLimits, WithoutRedisAProcessLimitsOnItsShareAndComesBack) {
  FaultProxy proxy("127.0.0.1", static_cast<uint16_t>(test_support::ServicePort("redis")));
  auto a = Limiter(proxy.port(), 1, 10, registry_a_);
  auto b = Limiter(proxy.port(), 1, 10, registry_b_);
  ASSERT_TRUE(Eventually([&] { return a->Processes() == 2; })) << a->Processes();

  proxy.Set(FaultProxy::Mode::kBlackhole);
  // The first request waits out the timeout and finds Redis gone; from then on the process
  // limits alone, on its share of two processes: 5 of the bucket's 10, never unlimited.
  int admitted = 0;
  for (int i = 0; i < 30; ++i) admitted += a->Acquire("k") == 0 ? 1 : 0;
  EXPECT_EQ(a->SharedState(), "local_share");
  EXPECT_EQ(admitted, 5);
  EXPECT_EQ(registry_a_.Gauge("deliverer_rate_limits_local_share", "").Value(), 1);

  proxy.Set(FaultProxy::Mode::kPass);
  EXPECT_TRUE(Eventually([&] { return a->SharedState() == "ok"; }));
  EXPECT_EQ(registry_a_.Gauge("deliverer_rate_limits_local_share", "").Value(), 0);
  // The shared bucket is as the outage left it: full, nothing was taken from it.
  int shared = 0;
  for (int i = 0; i < 30; ++i) shared += a->Acquire("k") == 0 ? 1 : 0;
  EXPECT_GE(shared, 10);
  EXPECT_LE(shared, 12);
}

}  // namespace
}  // namespace deliverer::redis
