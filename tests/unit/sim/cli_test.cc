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

TEST(SimCliTest, HttpFlagsFillTheHttpSection) {
  SimCliOptions o;
  o.config_json = R"({"http":{"dlr_connections":2}})";
  o.http_token = "t0ken";
  o.dlr_url = "http://127.0.0.1:8080/v1/dlr/sim-http";
  o.dlr_token = "dlr-secret";
  o.inbound_url = "http://127.0.0.1:8080/v1/inbound/sim-http";
  auto config = ConfigFromOptions(o);
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->http.token, "t0ken");
  EXPECT_EQ(config->http.dlr_url, "http://127.0.0.1:8080/v1/dlr/sim-http");
  EXPECT_EQ(config->http.dlr_token, "dlr-secret");
  EXPECT_EQ(config->http.inbound_url, "http://127.0.0.1:8080/v1/inbound/sim-http");
  EXPECT_EQ(config->http.dlr_connections, 2u);

  SimCliOptions bad;
  bad.dlr_url = "ftp://example.com/dlr";
  EXPECT_EQ(ConfigFromOptions(bad).error().field, "http.dlr_url");
}

}  // namespace
}  // namespace deliverer::sim
