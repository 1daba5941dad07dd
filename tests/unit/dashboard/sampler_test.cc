#include "dashboard/sampler.h"

#include <gtest/gtest.h>

namespace deliverer::dashboard {
namespace {

TEST(QuantileTest, InterpolatesWithinTheBucketOfTheWindow) {
  const std::vector<double> bounds = {1, 2, 4};
  // Cumulative: 10 ≤ 1, 20 ≤ 2, 40 ≤ 4, 40 in all.
  const std::vector<uint64_t> newer = {10, 20, 40, 40};
  EXPECT_DOUBLE_EQ(Quantile(bounds, newer, {}, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(Quantile(bounds, newer, {}, 0.25), 1.0);
  // Only what happened since `older`: 20 observations, all between 2 and 4.
  EXPECT_DOUBLE_EQ(Quantile(bounds, newer, {10, 20, 20, 20}, 0.5), 3.0);
  EXPECT_EQ(Quantile(bounds, newer, newer, 0.5), -1) << "nothing in the window";
  EXPECT_DOUBLE_EQ(Quantile(bounds, {0, 0, 0, 5}, {}, 0.99), 4.0) << "past the last bound";
}

TEST(SamplerTest, SeriesIsPerSecondFromTheCountersAndFailuresByCode) {
  metrics::Registry registry;
  FakeClock clock;
  Sampler sampler(registry, clock);
  auto& accepted = registry.Counter("deliverer_messages_accepted_total", "", {{"account", "a"}});
  sampler.Tick();
  accepted.Inc(10);
  registry.Counter("deliverer_carrier_errors_total", "", {{"carrier", "c"}, {"code", "0x0000000B"}}).Inc();
  clock.Advance(std::chrono::seconds(2));
  sampler.Tick();

  const nlohmann::json view = sampler.View(0);
  ASSERT_EQ(view["series"]["t"].size(), 1u);
  EXPECT_EQ(view["series"]["accepted"][0], 5.0);
  EXPECT_EQ(view["series"]["sent"][0], 0.0);
  ASSERT_EQ(view["carrier_errors"].size(), 1u);
  EXPECT_EQ(view["carrier_errors"][0]["code"], "0x0000000B");
  EXPECT_EQ(view["carrier_errors"][0]["last_seen_ms"], clock.NowUnixMillis());
  EXPECT_TRUE(sampler.View(clock.NowUnixMillis())["series"]["t"].empty()) << "nothing after since";
}

TEST(SamplerTest, CanaryArmsWithTheirOwnRatios) {
  metrics::Registry registry;
  FakeClock clock;
  Sampler sampler(registry, clock);
  const auto count = [&](const char* arm, const char* outcome, double n) {
    registry.Counter("deliverer_canary_outcomes_total", "", {{"flag", "f"}, {"arm", arm}, {"outcome", outcome}}).Inc(n);
  };
  count("canary", "accepted", 30);
  count("canary", "submit_error", 10);
  count("control", "accepted", 50);
  count("control", "delivered", 45);
  count("control", "undelivered", 5);
  registry.Gauge("deliverer_canary_halted", "", {{"flag", "f"}}).Set(1);
  registry.Gauge("deliverer_canary_halted", "", {{"flag", "idle"}}).Set(0);

  const nlohmann::json canaries = sampler.View(0)["canaries"];

  ASSERT_EQ(canaries.size(), 2u);
  EXPECT_EQ(canaries[0]["flag"], "f");
  EXPECT_EQ(canaries[0]["halted"], true);
  EXPECT_EQ(canaries[0]["arms"]["canary"]["submits"], 40);
  EXPECT_EQ(canaries[0]["arms"]["canary"]["submit_error_ratio"], 0.25);
  EXPECT_TRUE(canaries[0]["arms"]["canary"]["delivery_ratio"].is_null()) << "none ended yet";
  EXPECT_EQ(canaries[0]["arms"]["control"]["submit_error_ratio"], 0.0);
  EXPECT_EQ(canaries[0]["arms"]["control"]["delivery_ratio"], 0.9);
  EXPECT_EQ(canaries[1]["flag"], "idle") << "a roll-out without traffic is shown";
  EXPECT_EQ(canaries[1]["halted"], false);
  EXPECT_TRUE(canaries[1]["arms"]["canary"]["submit_error_ratio"].is_null());
}

TEST(SamplerTest, KeepsFifteenMinutes) {
  metrics::Registry registry;
  FakeClock clock;
  Sampler sampler(registry, clock);
  for (size_t i = 0; i < Sampler::kSamples + 50; ++i) {
    sampler.Tick();
    clock.Advance(std::chrono::seconds(1));
  }
  EXPECT_EQ(sampler.View(0)["series"]["t"].size(), Sampler::kSamples - 1);
}

}  // namespace
}  // namespace deliverer::dashboard
