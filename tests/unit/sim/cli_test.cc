// `deliverer sim` flags to SimConfig: --config-json first, then the shorthands.
#include "sim/cli.h"

#include <gtest/gtest.h>

namespace deliverer::sim {
namespace {

TEST(SimCliTest, DefaultsWithoutFlags) {
  auto config = ConfigFromOptions(SimCliOptions{});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(*config, SimConfig{});
}

TEST(SimCliTest, ShorthandsOverrideConfigJson) {
  SimCliOptions o;
  o.config_json = R"({"submit":{"permanent_rate":0.2,"latency_ms":5},"receipts":{"drop_rate":0.1}})";
  o.permanent_rate = 0.5;
  o.max_tps = 100;
  o.receipt_delay_ms = "10-2000";
  o.refuse_binds = true;
  o.black_hole = true;
  o.no_receipts = true;
  o.system_id = "acme";
  auto config = ConfigFromOptions(o);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->submit.permanent_rate, 0.5);
  EXPECT_EQ(config->submit.latency_ms, 5u);
  EXPECT_EQ(config->submit.max_tps, 100);
  EXPECT_EQ(config->receipts.drop_rate, 0.1);
  EXPECT_EQ(config->receipts.delay_ms_min, 10u);
  EXPECT_EQ(config->receipts.delay_ms_max, 2000u);
  EXPECT_FALSE(config->receipts.enabled);
  EXPECT_TRUE(config->faults.refuse_binds);
  EXPECT_TRUE(config->faults.black_hole);
  EXPECT_EQ(config->auth.system_id, "acme");
}

TEST(SimCliTest, SingleReceiptDelay) {
  SimCliOptions o;
  o.receipt_delay_ms = "250";
  auto config = ConfigFromOptions(o);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->receipts.delay_ms_min, 250u);
  EXPECT_EQ(config->receipts.delay_ms_max, 250u);
}

TEST(SimCliTest, ErrorsNameTheCulprit) {
  SimCliOptions bad_json;
  bad_json.config_json = "{not json";
  EXPECT_EQ(ConfigFromOptions(bad_json).error().field, "config-json");

  SimCliOptions unknown;
  unknown.config_json = R"({"receipts":{"dealy_ms_min":1}})";
  EXPECT_EQ(ConfigFromOptions(unknown).error().field, "receipts.dealy_ms_min");

  SimCliOptions delay;
  delay.receipt_delay_ms = "soon";
  EXPECT_EQ(ConfigFromOptions(delay).error().field, "receipt-delay-ms");

  SimCliOptions rate;
  rate.transient_rate = 2;
  EXPECT_EQ(ConfigFromOptions(rate).error().field, "submit.transient_rate");
}

}  // namespace
}  // namespace deliverer::sim
