// The cost the engine records when a carrier takes a message (docs/api.md "Cost").
#include <gtest/gtest.h>

#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

EngineSetup PricedRoute(std::string currency = "EUR") {
  EngineSetup setup{.carriers = {"A", "B"}, .routes = {FailoverRoute({"A", "B"})}};
  setup.options.currency = std::move(currency);
  setup.prices = {{"A", 0.0035}, {"B", 0.005}};
  return setup;
}

TEST_F(EngineTest, SentRecordsTheCarriersPriceTimesTheSegmentsInTheCurrency) {
  ASSERT_NO_FATAL_FAILURE(Start(PricedRoute("USD")));
  Insert("m", MessageSpec{.body = std::string(400, 'a')});  // GSM-7: 3 × 153
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  const store::MessageRecord sent = Record("m");
  EXPECT_EQ(sent.segments, 3);
  EXPECT_EQ(sent.cost, (model::Price{10'500, "USD"}));
}

TEST_F(EngineTest, TheCarrierThatTookTheMessageIsPricedNotTheOneThatFailedIt) {
  ASSERT_NO_FATAL_FAILURE(Start(PricedRoute()));
  carrier("A").Answer({Kind::kTransient});
  Insert("m");
  ASSERT_TRUE(RunThroughRetries([&] { return StatusOf("m") == Status::kSent; }));
  const store::MessageRecord sent = Record("m");
  EXPECT_EQ(sent.carrier, "B");
  EXPECT_EQ(sent.cost, (model::Price{5'000, "EUR"}));
}

TEST_F(EngineTest, APriceChangedAfterTheSubmitLeavesTheRecordedCost) {
  ASSERT_NO_FATAL_FAILURE(Start(PricedRoute()));
  Insert("m");
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kSent; }));
  config::Config repriced;
  for (const char* id : {"A", "B"}) {
    config::CarrierConfig carrier;
    carrier.id = id;
    carrier.price_per_segment = 0.5;
    repriced.carriers.push_back(carrier);
  }
  ASSERT_TRUE(router_->Reload(repriced).ok());
  const std::vector<std::string> ids = carrier("A").CarrierIdsOf("m");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(Receipt("A", ids[0], Status::kDelivered, "DELIVRD/000"));
  EXPECT_EQ(Record("m").cost, (model::Price{3'500, "EUR"}));
}

TEST_F(EngineTest, AMessageNoCarrierTookHasNoCost) {
  ASSERT_NO_FATAL_FAILURE(Start(PricedRoute()));
  carrier("A").Answer({Kind::kPermanent});
  Insert("m");
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m") == Status::kFailed; }));
  EXPECT_FALSE(Record("m").cost.has_value());
}

}  // namespace
}  // namespace deliverer::delivery::testing
