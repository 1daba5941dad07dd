// SimConfig's JSON: every field out, partial patches in, unknown keys and bad values refused.
#include "sim/config.h"

#include <gtest/gtest.h>

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

Result<SimConfig> Merge(const std::string& patch, const SimConfig& base = {}) {
  return MergeConfig(base, Json::parse(patch));
}

TEST(SimConfigTest, DefaultsAreAPerfectCarrier) {
  const SimConfig c;
  EXPECT_EQ(c.submit.transient_rate, 0);
  EXPECT_EQ(c.submit.permanent_rate, 0);
  EXPECT_EQ(c.submit.max_tps, 0);
  EXPECT_TRUE(c.receipts.enabled);
  EXPECT_EQ(c.receipts.outcomes[0], 1);
  EXPECT_EQ(c.submit.transient_codes, (std::vector<uint32_t>{0x58, 0x14, 0x08}));
  EXPECT_EQ(c.faults.bind_refuse_status, 0x0Du);
  EXPECT_EQ(c.receipts.max_resends, 10u);
  EXPECT_EQ(c.http, HttpConfig{});
  EXPECT_TRUE(c.http.token.empty());
  EXPECT_TRUE(c.http.dlr_url.empty());
  EXPECT_EQ(c.http.dlr_connections, 4u);
}

TEST(SimConfigTest, ToJsonRoundTripsThroughMerge) {
  SimConfig c;
  c.submit.transient_rate = 0.25;
  c.receipts.id_form = IdForm::kDecimal;
  c.receipts.outcomes = {3, 1, 0, 0, 0, 0, 0, 0};
  c.faults.outages = {{10, 5}, {60, 1.5}};
  c.auth = {"acme", "secret"};
  c.http = {"tok", "http://127.0.0.1:9/dlr", "dlr-tok", "https://example.com/in", 7};
  auto merged = MergeConfig(SimConfig{}, ToJson(c));
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(*merged, c);
}

TEST(SimConfigTest, PartialPatchMergesOntoTheCurrentConfig) {
  SimConfig base;
  base.submit.latency_ms = 40;
  auto merged = Merge(R"({"submit":{"permanent_rate":0.5},"receipts":{"outcomes":{"UNDELIV":1}}})", base);
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->submit.permanent_rate, 0.5);
  EXPECT_EQ(merged->submit.latency_ms, 40u);        // kept
  EXPECT_EQ(merged->receipts.outcomes[0], 1);       // DELIVRD kept
  EXPECT_EQ(merged->receipts.outcomes[1], 1);       // UNDELIV added
}

TEST(SimConfigTest, ArraysReplace) {
  auto merged = Merge(R"({"submit":{"transient_codes":[20]},"faults":{"outages":[{"start_s":1,"duration_s":2}]}})");
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->submit.transient_codes, std::vector<uint32_t>{0x14});
  ASSERT_EQ(merged->faults.outages.size(), 1u);
  EXPECT_EQ(merged->faults.outages[0], (Outage{1, 2}));
}

TEST(SimConfigTest, StatusCodesReadAsHexStrings) {
  auto merged = Merge(R"({"submit":{"permanent_code":"0x45","transient_codes":["0x58",8]}})");
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->submit.permanent_code, 0x45u);
  EXPECT_EQ(merged->submit.transient_codes, (std::vector<uint32_t>{0x58, 0x08}));
  EXPECT_EQ(ToJson(*merged)["submit"]["permanent_code"], 0x45);
}

TEST(SimConfigTest, UnknownKeysAreRejectedByTheirPath) {
  struct Case {
    const char* patch;
    const char* key;
  };
  for (const Case& c : {Case{R"({"submits":{}})", "submits"},
                        Case{R"({"receipts":{"delay_ms":5}})", "receipts.delay_ms"},
                        Case{R"({"receipts":{"outcomes":{"DELIVERED":1}}})", "receipts.outcomes.DELIVERED"},
                        Case{R"({"faults":{"black_hole":true,"grey_hole":true}})", "faults.grey_hole"}}) {
    auto merged = Merge(c.patch);
    ASSERT_FALSE(merged.ok()) << c.patch;
    EXPECT_EQ(merged.error().code, "unknown_key");
    EXPECT_EQ(merged.error().field, c.key);
    EXPECT_NE(merged.error().detail.find(c.key), std::string::npos);
  }
}

TEST(SimConfigTest, BadValuesAreRejectedByTheirPath) {
  struct Case {
    const char* patch;
    const char* key;
  };
  for (const Case& c : {Case{R"({"submit":{"transient_rate":1.5}})", "submit.transient_rate"},
                        Case{R"({"submit":{"transient_rate":"half"}})", "submit.transient_rate"},
                        Case{R"({"submit":{"latency_ms":-1}})", "submit.latency_ms"},
                        Case{R"({"submit":{"transient_codes":[]}})", "submit.transient_codes"},
                        Case{R"({"submit":{"permanent_code":"0xZZ"}})", "submit.permanent_code"},
                        Case{R"({"receipts":{"id_form":"octal"}})", "receipts.id_form"},
                        Case{R"({"receipts":{"enabled":1}})", "receipts.enabled"},
                        Case{R"({"receipts":{"delay_ms_min":10,"delay_ms_max":5}})", "receipts.delay_ms_max"},
                        Case{R"({"receipts":{"outcomes":{"DELIVRD":0}}})", "receipts.outcomes.DELIVRD"},
                        Case{R"({"faults":{"outages":[{"start_s":1}]}})", "faults.outages[0]"},
                        Case{R"({"faults":{"outages":[{"start_s":1,"duration_s":-2}]}})", "faults.outages[0].duration_s"},
                        Case{R"({"auth":{"password":"much-too-long"}})", "auth.password"},
                        Case{R"({"auth":7})", "auth"}}) {
    auto merged = Merge(c.patch);
    ASSERT_FALSE(merged.ok()) << c.patch;
    EXPECT_EQ(merged.error().code, "invalid_value") << c.patch;
    EXPECT_EQ(merged.error().field, c.key) << c.patch;
  }
}

TEST(SimConfigTest, RatesTogetherAtMostOne) {
  EXPECT_FALSE(Merge(R"({"submit":{"transient_rate":0.6,"permanent_rate":0.6}})").ok());
  EXPECT_TRUE(Merge(R"({"submit":{"transient_rate":0.4,"permanent_rate":0.6}})").ok());
}

TEST(SimConfigTest, NotAnObjectIsRejected) {
  auto merged = MergeConfig(SimConfig{}, Json::array());
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().code, "invalid_value");
}

TEST(SimConfigTest, HttpKeysMergeAndAreChecked) {
  auto merged =
      Merge(R"({"http":{"dlr_url":"http://127.0.0.1:8080/v1/dlr/sim-http","token":"abc"}})");
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->http.dlr_url, "http://127.0.0.1:8080/v1/dlr/sim-http");
  EXPECT_EQ(merged->http.token, "abc");
  EXPECT_EQ(merged->http.dlr_connections, 4u);  // the default, kept
  EXPECT_TRUE(merged->http.inbound_url.empty());

  auto cleared = Merge(R"({"http":{"dlr_url":""}})", *merged);
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE(cleared->http.dlr_url.empty());
  EXPECT_EQ(cleared->http.token, "abc");

  struct Case {
    const char* patch;
    const char* key;
  };
  for (const Case& c : {Case{R"({"http":{"dlr_url":"ftp://x/y"}})", "http.dlr_url"},
                        Case{R"({"http":{"inbound_url":"not a url"}})", "http.inbound_url"},
                        Case{R"({"http":{"inbound_url":"gopher://host/"}})", "http.inbound_url"},
                        Case{R"({"http":{"token":"two words"}})", "http.token"},
                        Case{R"({"http":{"dlr_token":"line\nbreak"}})", "http.dlr_token"},
                        Case{R"({"http":{"dlr_token":7}})", "http.dlr_token"},
                        Case{R"({"http":{"dlr_connections":0}})", "http.dlr_connections"},
                        Case{R"({"http":{"dlr_connections":65}})", "http.dlr_connections"}}) {
    auto bad = Merge(c.patch);
    ASSERT_FALSE(bad.ok()) << c.patch;
    EXPECT_EQ(bad.error().code, "invalid_value") << c.patch;
    EXPECT_EQ(bad.error().field, c.key) << c.patch;
  }
  auto unknown = Merge(R"({"http":{"url":"http://x/"}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "http.url");
}

TEST(SimConfigTest, SecretsAreMaskedAndAMaskKeepsThem) {
  SimConfig c;
  c.http.token = "s3cret";
  c.http.dlr_token = "dlr-s3cret";
  const Json masked = ToJson(c, Secrets::kMask);
  EXPECT_EQ(masked["http"]["token"], "***");
  EXPECT_EQ(masked["http"]["dlr_token"], "***");
  EXPECT_EQ(ToJson(SimConfig{}, Secrets::kMask)["http"]["token"], "");  // unset shows as unset
  EXPECT_EQ(ToJson(c)["http"]["token"], "s3cret");

  // GET /config edited and sent back keeps the secrets it shows masked.
  Json edited = masked;
  edited["http"]["dlr_url"] = "http://127.0.0.1:1/dlr";
  auto merged = MergeConfig(c, edited);
  ASSERT_TRUE(merged.ok()) << merged.error().detail;
  EXPECT_EQ(merged->http.token, "s3cret");
  EXPECT_EQ(merged->http.dlr_token, "dlr-s3cret");
  EXPECT_EQ(merged->http.dlr_url, "http://127.0.0.1:1/dlr");
}

TEST(SimConfigTest, OutageWindows) {
  FaultsConfig faults;
  faults.outages = {{10, 5}};
  EXPECT_FALSE(InOutage(faults, 9.9));
  EXPECT_TRUE(InOutage(faults, 10));
  EXPECT_TRUE(InOutage(faults, 14.9));
  EXPECT_FALSE(InOutage(faults, 15));
}

TEST(SimConfigTest, IdFormNames) {
  for (IdForm form : {IdForm::kSame, IdForm::kDecimal, IdForm::kLower, IdForm::kLeadingZeros}) {
    EXPECT_EQ(ParseIdForm(ToString(form)), form);
  }
  EXPECT_EQ(ParseIdForm("hex"), std::nullopt);
}

}  // namespace
}  // namespace deliverer::sim
