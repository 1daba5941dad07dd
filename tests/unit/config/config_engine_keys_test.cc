// The keys the delivery engine and the router read: SMPP carrier knobs, [circuit_breaker]
// (global and per carrier), route canaries and the [delivery] additions.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

// A carrier "a" (lines 1-2) followed by `extra` from line 3 on.
std::string CarrierA(std::string_view extra) {
  return fmt::format("[[carriers]]\nid = \"a\"\n{}", extra);
}

// ---- defaults -----------------------------------------------------------------------

TEST(ConfigEngineKeysTest, DeliveryDefaults) {
  const Config config = Load("");
  EXPECT_EQ(config.delivery.partitions, 64);
  EXPECT_EQ(config.delivery.workers, 1);
  EXPECT_EQ(config.delivery.drain_timeout_s, 10);
  EXPECT_EQ(config.delivery.webhook_max_age_h, 24);
}

TEST(ConfigEngineKeysTest, CircuitBreakerDefaults) {
  const CircuitBreakerConfig& b = Load("").circuit_breaker;
  EXPECT_TRUE(b.enabled);
  EXPECT_EQ(b.consecutive_failures, 20);
  EXPECT_DOUBLE_EQ(b.failure_ratio, 0.5);
  EXPECT_EQ(b.window_s, 10);
  EXPECT_EQ(b.min_volume, 20);
  EXPECT_EQ(b.open_s, 5);
  EXPECT_EQ(b.max_open_s, 60);
  EXPECT_EQ(b.half_open_probes, 3);
}

TEST(ConfigEngineKeysTest, SmppCarrierDefaultsMatchDeliveryMd) {
  const Config config = Load(CarrierA(""));
  ASSERT_EQ(config.carriers.size(), 1u);
  const CarrierConfig& c = config.carriers[0];
  EXPECT_EQ(c.bind_mode, "transceiver");
  EXPECT_EQ(c.system_type, "");
  EXPECT_FALSE(c.tls);
  EXPECT_TRUE(c.tls_verify);
  EXPECT_EQ(c.tls_ca_file, "");
  EXPECT_EQ(c.enquire_link_s, 30);
  EXPECT_EQ(c.response_timeout_s, 10);
  EXPECT_EQ(c.reconnect_min_ms, 500);
  EXPECT_EQ(c.reconnect_max_ms, 30000);
  EXPECT_EQ(c.max_pdu_bytes, 65536);
  EXPECT_EQ(c.source.alphanumeric.ton, 5);
  EXPECT_EQ(c.source.alphanumeric.npi, 0);
  EXPECT_EQ(c.source.e164.ton, 1);
  EXPECT_EQ(c.source.e164.npi, 1);
  EXPECT_EQ(c.source.short_code.ton, 3);
  EXPECT_EQ(c.source.short_code.npi, 0);
  EXPECT_EQ(c.dest.ton, 1);
  EXPECT_EQ(c.dest.npi, 1);
  EXPECT_TRUE(c.status_overrides.empty());
  EXPECT_EQ(c.unknown_status, FailureClass::kTransient);
  EXPECT_EQ(c.receipt_id_match, "tolerant");
  EXPECT_EQ(c.data_coding_gsm7, 0);
  EXPECT_EQ(c.circuit_breaker.consecutive_failures, 20);
}

// ---- SMPP carrier keys --------------------------------------------------------------

TEST(ConfigEngineKeysTest, SmppCarrierKeys) {
  const Config config = Load(CarrierA(R"toml(
bind_mode = "transmitter_receiver"
system_type = "VMA"
tls = true
tls_verify = false
tls_ca_file = "/etc/ca.pem"
enquire_link_s = 15
response_timeout_s = 5
reconnect_min_ms = 100
reconnect_max_ms = 5000
max_pdu_bytes = 4096
source_ton = { alphanumeric = 5, e164 = 0 }
source_npi = { short_code = 1 }
dest_ton = 0
dest_npi = 0
status_overrides = { "0x45" = "transient", "0x0000000b" = "permanent", "1024" = "permanent" }
unknown_status = "permanent"
receipt_id_match = "hex_to_decimal"
data_coding_gsm7 = 1
)toml"));
  ASSERT_EQ(config.carriers.size(), 1u);
  const CarrierConfig& c = config.carriers[0];
  EXPECT_EQ(c.bind_mode, "transmitter_receiver");
  EXPECT_EQ(c.system_type, "VMA");
  EXPECT_TRUE(c.tls);
  EXPECT_FALSE(c.tls_verify);
  EXPECT_EQ(c.tls_ca_file, "/etc/ca.pem");
  EXPECT_EQ(c.enquire_link_s, 15);
  EXPECT_EQ(c.response_timeout_s, 5);
  EXPECT_EQ(c.reconnect_min_ms, 100);
  EXPECT_EQ(c.reconnect_max_ms, 5000);
  EXPECT_EQ(c.max_pdu_bytes, 4096);
  EXPECT_EQ(c.source.alphanumeric.ton, 5);
  EXPECT_EQ(c.source.e164.ton, 0);
  EXPECT_EQ(c.source.e164.npi, 1);  // not overridden
  EXPECT_EQ(c.source.short_code.ton, 3);
  EXPECT_EQ(c.source.short_code.npi, 1);
  EXPECT_EQ(c.dest.ton, 0);
  EXPECT_EQ(c.dest.npi, 0);
  ASSERT_EQ(c.status_overrides.size(), 3u);  // sorted by status
  EXPECT_EQ(c.status_overrides[0].command_status, 0x0Bu);
  EXPECT_EQ(c.status_overrides[0].failure, FailureClass::kPermanent);
  EXPECT_EQ(c.status_overrides[1].command_status, 0x45u);
  EXPECT_EQ(c.status_overrides[1].failure, FailureClass::kTransient);
  EXPECT_EQ(c.status_overrides[2].command_status, 0x400u);
  EXPECT_EQ(c.unknown_status, FailureClass::kPermanent);
  EXPECT_EQ(c.receipt_id_match, "hex_to_decimal");
  EXPECT_EQ(c.data_coding_gsm7, 1);
}

TEST(ConfigEngineKeysTest, SmppCarrierBadValues) {
  EXPECT_EQ(ErrorOf(CarrierA("bind_mode = \"receiver\"\n")),
            "deliverer.toml:3:13: [[carriers]] \"a\" bind_mode must be one of \"transceiver\" | "
            "\"transmitter_receiver\"");
  EXPECT_EQ(ErrorOf(CarrierA("system_type = \"abcdefghijklm\"\n")),
            "deliverer.toml:3:15: [[carriers]] \"a\" system_type must be at most 12 characters");
  EXPECT_EQ(ErrorOf(CarrierA("tls_ca_file = \"ca.pem\"\n")),
            "deliverer.toml:3:15: [[carriers]] \"a\" tls_ca_file needs tls = true");
  EXPECT_EQ(ErrorOf(CarrierA("reconnect_min_ms = 1000\nreconnect_max_ms = 10\n")),
            "deliverer.toml:4:20: [[carriers]] \"a\" reconnect_max_ms must be ≥ reconnect_min_ms "
            "(1000)");
  EXPECT_EQ(ErrorOf(CarrierA("max_pdu_bytes = 100\n")),
            "deliverer.toml:3:17: [[carriers]] \"a\" max_pdu_bytes must be an integer between "
            "1024 and 16777216");
  EXPECT_EQ(ErrorOf(CarrierA("enquire_link_s = 0\n")),
            "deliverer.toml:3:18: [[carriers]] \"a\" enquire_link_s must be an integer between 1 "
            "and 3600");
  EXPECT_EQ(ErrorOf(CarrierA("dest_ton = 7\n")),
            "deliverer.toml:3:12: [[carriers]] \"a\" dest_ton must be an integer between 0 and 6");
  EXPECT_EQ(ErrorOf(CarrierA("unknown_status = \"retry\"\n")),
            "deliverer.toml:3:18: [[carriers]] \"a\" unknown_status must be one of \"transient\" "
            "| \"permanent\"");
  EXPECT_EQ(ErrorOf(CarrierA("receipt_id_match = \"fuzzy\"\n")),
            "deliverer.toml:3:20: [[carriers]] \"a\" receipt_id_match must be one of \"exact\" | "
            "\"tolerant\" | \"case_insensitive\" | \"decimal_to_hex\" | \"hex_to_decimal\"");
  EXPECT_EQ(ErrorOf(CarrierA("data_coding_gsm7 = 3\n")),
            "deliverer.toml:3:20: [[carriers]] \"a\" data_coding_gsm7 must be an integer between "
            "0 and 1");
}

TEST(ConfigEngineKeysTest, SourceTonNpiTables) {
  EXPECT_EQ(ErrorOf(CarrierA("source_ton = { alpha = 5 }\n")),
            "deliverer.toml:3:16: unknown key 'alpha' in [[carriers]] \"a\" source_ton");
  EXPECT_EQ(ErrorOf(CarrierA("source_npi = { e164 = 19 }\n")),
            "deliverer.toml:3:23: [[carriers]] \"a\" source_npi e164 must be an integer between "
            "0 and 18");
  EXPECT_EQ(ErrorOf(CarrierA("source_ton = 5\n")),
            "deliverer.toml:3:14: [[carriers]] \"a\" source_ton must be a table");
}

TEST(ConfigEngineKeysTest, StatusOverrides) {
  EXPECT_EQ(ErrorOf(CarrierA("status_overrides = { \"0x45\" = \"retry\" }\n")),
            "deliverer.toml:3:31: [[carriers]] \"a\" status_overrides.\"0x45\" must be "
            "\"transient\" or \"permanent\"");
  EXPECT_EQ(ErrorOf(CarrierA("status_overrides = { \"0x0\" = \"transient\" }\n")),
            "deliverer.toml:3:22: [[carriers]] \"a\" status_overrides: '0x0' must be a non-zero "
            "command_status such as \"0x45\"");
  EXPECT_EQ(ErrorOf(CarrierA("status_overrides = { \"ESME_RTHROTTLED\" = \"transient\" }\n")),
            "deliverer.toml:3:22: [[carriers]] \"a\" status_overrides: 'ESME_RTHROTTLED' must be "
            "a non-zero command_status such as \"0x45\"");
  EXPECT_EQ(ErrorOf(CarrierA("status_overrides = { \"0x123456789\" = \"transient\" }\n")),
            "deliverer.toml:3:22: [[carriers]] \"a\" status_overrides: '0x123456789' must be a "
            "non-zero command_status such as \"0x45\"");
  EXPECT_EQ(ErrorOf(CarrierA(
                "status_overrides = { \"0x45\" = \"transient\", \"69\" = \"permanent\" }\n")),
            "deliverer.toml:3:44: [[carriers]] \"a\" status_overrides: 0x00000045 is given twice");
}

TEST(ConfigEngineKeysTest, SmppKeysAreRejectedOnHttpCarriers) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"h\"\nprotocol = \"http\"\nurl = \"https://x/send\"\n"
                    "bind_mode = \"transceiver\"\nstatus_overrides = {}\n"),
            "deliverer.toml:5:13: [[carriers]] \"h\" bind_mode only applies to protocol = "
            "\"smpp\"\n"
            "deliverer.toml:6:20: [[carriers]] \"h\" status_overrides only applies to protocol "
            "= \"smpp\"");
  // TLS verification and receipt id matching apply to HTTP carriers too.
  const Config config = Load(
      "[[carriers]]\nid = \"h\"\nprotocol = \"http\"\nurl = \"https://x/send\"\n"
      "tls_verify = false\ntls_ca_file = \"ca.pem\"\nreceipt_id_match = \"exact\"\n");
  ASSERT_EQ(config.carriers.size(), 1u);
  EXPECT_FALSE(config.carriers[0].tls_verify);
  EXPECT_EQ(config.carriers[0].tls_ca_file, "ca.pem");
  EXPECT_EQ(config.carriers[0].receipt_id_match, "exact");
}

TEST(ConfigEngineKeysTest, HttpCarrierApiKeys) {
  const Config config = Load(R"toml(
[[carriers]]
id = "h"
protocol = "http"
url = "https://api.example.com/v2/sms"
format = "form"
auth_header = "X-Api-Key"
auth_scheme = ""
fields = { to = "msisdn", reference = "" }
id_field = "messages.0.id"
error_field = "error.code"
permanent_statuses = [400, 404]
connections = 16
allow_private = true
response_timeout_s = 3
)toml");
  ASSERT_EQ(config.carriers.size(), 1u);
  const HttpCarrierConfig& h = config.carriers[0].http;
  EXPECT_EQ(h.format, "form");
  EXPECT_EQ(h.auth_header, "X-Api-Key");
  EXPECT_EQ(h.auth_scheme, "");
  EXPECT_EQ(h.fields.to, "msisdn");
  EXPECT_EQ(h.fields.from, "from");  // the rest keep their defaults
  EXPECT_EQ(h.fields.reference, "");
  EXPECT_EQ(h.id_field, "messages.0.id");
  EXPECT_EQ(h.error_field, "error.code");
  EXPECT_EQ(h.permanent_statuses, (std::vector<int>{400, 404}));
  EXPECT_EQ(h.connections, 16);
  EXPECT_TRUE(h.allow_private);
  EXPECT_EQ(config.carriers[0].response_timeout_s, 3);
}

TEST(ConfigEngineKeysTest, HttpCarrierKeysAreCheckedAndRejectedOnSmpp) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\nconnections = 4\n"),
            "deliverer.toml:3:15: [[carriers]] \"a\" connections only applies to protocol = \"http\"");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"h\"\nprotocol = \"http\"\nurl = \"https://x/send\"\n"
                    "auth_header = \"X-Key: 1\"\n"),
            "deliverer.toml:5:15: [[carriers]] \"h\" auth_header must be an HTTP header name");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"h\"\nprotocol = \"http\"\nurl = \"https://x/send\"\n"
                    "fields = { text = \"\" }\n"),
            "deliverer.toml:5:10: [[carriers]] \"h\" fields text cannot be empty");
}

// ---- circuit breaker ----------------------------------------------------------------

TEST(ConfigEngineKeysTest, CircuitBreakerSectionAndCarrierOverride) {
  const Config config = Load(R"toml(
[circuit_breaker]
consecutive_failures = 5
failure_ratio = 0.25
window_s = 30
min_volume = 10
open_s = 2
max_open_s = 20
half_open_probes = 1

[[carriers]]
id = "a"
circuit_breaker = { open_s = 10, max_open_s = 100 }

[[carriers]]
id = "b"
)toml");
  EXPECT_EQ(config.circuit_breaker.consecutive_failures, 5);
  EXPECT_DOUBLE_EQ(config.circuit_breaker.failure_ratio, 0.25);
  ASSERT_EQ(config.carriers.size(), 2u);
  const CircuitBreakerConfig& a = config.carriers[0].circuit_breaker;
  EXPECT_EQ(a.open_s, 10);
  EXPECT_EQ(a.max_open_s, 100);
  EXPECT_EQ(a.consecutive_failures, 5);  // from [circuit_breaker]
  EXPECT_EQ(a.window_s, 30);
  EXPECT_EQ(a.half_open_probes, 1);
  const CircuitBreakerConfig& b = config.carriers[1].circuit_breaker;
  EXPECT_EQ(b.open_s, 2);
  EXPECT_EQ(b.max_open_s, 20);
}

TEST(ConfigEngineKeysTest, CircuitBreakerBadValues) {
  EXPECT_EQ(ErrorOf("[circuit_breaker]\nfailure_ratio = 0\n"),
            "deliverer.toml:2:17: [circuit_breaker] failure_ratio must be a number > 0 and ≤ 1");
  EXPECT_EQ(ErrorOf("[circuit_breaker]\nfailure_ratio = 1.5\n"),
            "deliverer.toml:2:17: [circuit_breaker] failure_ratio must be a number > 0 and ≤ 1");
  EXPECT_EQ(ErrorOf("[circuit_breaker]\nopen_s = 30\nmax_open_s = 10\n"),
            "deliverer.toml:3:14: [circuit_breaker] max_open_s must be ≥ open_s (30)");
  EXPECT_EQ(ErrorOf("[circuit_breaker]\nhalf_open_probes = 0\n"),
            "deliverer.toml:2:20: [circuit_breaker] half_open_probes must be an integer between "
            "1 and 1000");
  EXPECT_EQ(ErrorOf("[circuit_breaker]\nthreshold = 3\n"),
            "deliverer.toml:2:1: unknown key 'threshold' in [circuit_breaker]");
  EXPECT_EQ(ErrorOf(CarrierA("circuit_breaker = { opn_s = 3 }\n")),
            "deliverer.toml:3:21: unknown key 'opn_s' in [[carriers]] \"a\" circuit_breaker");
  // The carrier's open_s is checked against the max_open_s it inherits.
  EXPECT_EQ(ErrorOf(CarrierA("circuit_breaker = { open_s = 120 }\n")),
            "deliverer.toml:3:30: [[carriers]] \"a\" circuit_breaker max_open_s must be ≥ open_s "
            "(120)");
}

// ---- canary -------------------------------------------------------------------------

constexpr std::string_view kThreeCarriers =
    "[[carriers]]\nid = \"a\"\n[[carriers]]\nid = \"b\"\n[[carriers]]\nid = \"c\"\n";  // 1-6

TEST(ConfigEngineKeysTest, CanaryOnARoute) {
  const Config config = Load(fmt::format(R"toml({}
[[routes]]
match = "GB"
policy = "priority"
carriers = ["a", "b"]
canary = {{ flag = "new-uk-route", percent = 10, carriers = ["c", "a"] }}

[[routes]]
match = "*"
policy = "least_cost"
carriers = ["a"]
[routes.canary]
flag = "weighted-try"
percent = 2.5
policy = "weighted"
carriers = ["b", "c"]
weights = [1, 3]
)toml",
                                         kThreeCarriers));
  ASSERT_EQ(config.routes.size(), 2u);
  ASSERT_TRUE(config.routes[0].canary.has_value());
  const CanaryConfig& uk = *config.routes[0].canary;
  EXPECT_EQ(uk.flag, "new-uk-route");
  EXPECT_DOUBLE_EQ(uk.percent, 10);
  EXPECT_EQ(uk.policy, "priority");  // the route's
  EXPECT_EQ(uk.carriers, (std::vector<std::string>{"c", "a"}));
  EXPECT_TRUE(uk.weights.empty());
  ASSERT_TRUE(config.routes[1].canary.has_value());
  EXPECT_EQ(config.routes[1].canary->policy, "weighted");
  EXPECT_DOUBLE_EQ(config.routes[1].canary->percent, 2.5);
  EXPECT_EQ(config.routes[1].canary->weights, (std::vector<int>{1, 3}));
}

TEST(ConfigEngineKeysTest, CanaryBadValues) {
  const auto route = [](std::string_view canary) {
    return fmt::format("{}[[routes]]\ncarriers = [\"a\"]\ncanary = {}\n", kThreeCarriers, canary);
  };
  EXPECT_EQ(ErrorOf(route("{ percent = 5, carriers = [\"b\"] }")),
            "deliverer.toml:9:10: [[routes]] #1 canary needs a flag");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x\", carriers = [\"b\"] }")),
            "deliverer.toml:9:10: [[routes]] #1 canary needs a percent (0 … 100)");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x\", percent = 101, carriers = [\"b\"] }")),
            "deliverer.toml:9:34: [[routes]] #1 canary percent must be a number ≥ 0 and ≤ 100");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x y\", percent = 1, carriers = [\"b\"] }")),
            "deliverer.toml:9:19: [[routes]] #1 canary flag must be a non-empty string of "
            "letters, digits, '-', '_' or '.'");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x\", percent = 1, carriers = [\"z\"] }")),
            "deliverer.toml:9:49: [[routes]] #1 canary carriers: unknown carrier 'z'");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x\", percent = 1 }")),
            "deliverer.toml:9:10: [[routes]] #1 canary needs a non-empty carriers list");
  EXPECT_EQ(ErrorOf(route("{ flag = \"x\", percent = 1, carriers = [\"b\"], share = 1 }")),
            "deliverer.toml:9:55: unknown key 'share' in [[routes]] #1 canary");
  EXPECT_EQ(ErrorOf(route("\"x\"")), "deliverer.toml:9:10: [[routes]] #1 canary must be a table");
  // A weighted route's canary inherits the policy, so it needs weights of its own.
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\"]\n"
                                "weights = [1]\ncanary = {{ flag = \"x\", percent = 1, "
                                "carriers = [\"b\", \"c\"] }}\n",
                                kThreeCarriers)),
            "deliverer.toml:11:10: [[routes]] #1 canary policy = \"weighted\" needs weights");
}

TEST(ConfigEngineKeysTest, CanaryGuardDefaultsAndKeys) {
  const Config config = Load(fmt::format(R"toml({}
[[routes]]
match = "GB"
carriers = ["a"]
canary = {{ flag = "uk", percent = 10, carriers = ["b"] }}

[[routes]]
match = "*"
carriers = ["a"]
[routes.canary]
flag = "all"
percent = 50
carriers = ["c"]
guard = {{ enabled = false, min_samples = 20, max_submit_error_margin = 0.1, max_delivery_ratio_drop = 0.2, max_receipt_latency_ratio = 3, window_s = 60 }}
)toml",
                                         kThreeCarriers));
  ASSERT_EQ(config.routes.size(), 2u);
  const CanaryGuardConfig& defaults = config.routes[0].canary->guard;
  EXPECT_TRUE(defaults.enabled) << "a canary is guarded unless told otherwise";
  EXPECT_EQ(defaults.min_samples, 200);
  EXPECT_DOUBLE_EQ(defaults.max_submit_error_margin, 0.05);
  EXPECT_DOUBLE_EQ(defaults.max_delivery_ratio_drop, 0.05);
  EXPECT_DOUBLE_EQ(defaults.max_receipt_latency_ratio, 2.0);
  EXPECT_EQ(defaults.window_s, 300);
  const CanaryGuardConfig& set = config.routes[1].canary->guard;
  EXPECT_FALSE(set.enabled);
  EXPECT_EQ(set.min_samples, 20);
  EXPECT_DOUBLE_EQ(set.max_submit_error_margin, 0.1);
  EXPECT_DOUBLE_EQ(set.max_delivery_ratio_drop, 0.2);
  EXPECT_DOUBLE_EQ(set.max_receipt_latency_ratio, 3);
  EXPECT_EQ(set.window_s, 60);
}

TEST(ConfigEngineKeysTest, CanaryGuardBadValues) {
  const auto guard = [](std::string_view table) {
    return fmt::format("{}[[routes]]\ncarriers = [\"a\"]\ncanary = {{ flag = \"x\", percent = 1, carriers = "
                       "[\"b\"], guard = {} }}\n",
                       kThreeCarriers, table);
  };
  EXPECT_EQ(ErrorOf(guard("{ min_samples = 5 }")),
            "deliverer.toml:9:79: [[routes]] #1 canary guard min_samples must be an integer between 10 "
            "and 1000000");
  EXPECT_EQ(ErrorOf(guard("{ max_submit_error_margin = 0 }")),
            "deliverer.toml:9:91: [[routes]] #1 canary guard max_submit_error_margin must be a number > 0 "
            "and ≤ 1");
  EXPECT_EQ(ErrorOf(guard("{ max_delivery_ratio_drop = 1.5 }")),
            "deliverer.toml:9:91: [[routes]] #1 canary guard max_delivery_ratio_drop must be a number > 0 "
            "and ≤ 1");
  EXPECT_EQ(ErrorOf(guard("{ max_receipt_latency_ratio = 1 }")),
            "deliverer.toml:9:93: [[routes]] #1 canary guard max_receipt_latency_ratio must be a number > 1 "
            "and ≤ 100");
  EXPECT_EQ(ErrorOf(guard("{ window_s = 5 }")),
            "deliverer.toml:9:76: [[routes]] #1 canary guard window_s must be an integer between 10 and "
            "86400");
  EXPECT_EQ(ErrorOf(guard("{ enabled = \"yes\" }")),
            "deliverer.toml:9:75: [[routes]] #1 canary guard enabled must be true or false");
  EXPECT_EQ(ErrorOf(guard("{ minimum = 5 }")),
            "deliverer.toml:9:65: unknown key 'minimum' in [[routes]] #1 canary guard");
  EXPECT_EQ(ErrorOf(guard("1")), "deliverer.toml:9:63: [[routes]] #1 canary guard must be a table");
}

TEST(ConfigEngineKeysTest, ACanaryFlagNamesOneRoute) {
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\nmatch = \"GB\"\ncarriers = [\"a\"]\n"
                                "canary = {{ flag = \"x\", percent = 1, carriers = [\"b\"] }}\n"
                                "[[routes]]\nmatch = \"FR\"\ncarriers = [\"a\"]\n"
                                "canary = {{ flag = \"x\", percent = 1, carriers = [\"c\"] }}\n",
                                kThreeCarriers)),
            "deliverer.toml:14:10: [[routes]] #2 canary repeats flag \"x\" of [[routes]] #1");
}

// ---- [delivery] additions -----------------------------------------------------------

TEST(ConfigEngineKeysTest, DeliveryAdditions) {
  const Config config = Load(
      "[delivery]\npartitions = 128\nworkers = 4\ndrain_timeout_s = 0\nwebhook_max_age_h = 72\n");
  EXPECT_EQ(config.delivery.partitions, 128);
  EXPECT_EQ(config.delivery.workers, 4);
  EXPECT_EQ(config.delivery.drain_timeout_s, 0);
  EXPECT_EQ(config.delivery.webhook_max_age_h, 72);
  EXPECT_EQ(ErrorOf("[delivery]\npartitions = 0\n"),
            "deliverer.toml:2:14: [delivery] partitions must be an integer between 1 and 4096");
  EXPECT_EQ(ErrorOf("[delivery]\nworkers = 1000\n"),
            "deliverer.toml:2:11: [delivery] workers must be an integer between 1 and 256");
  EXPECT_EQ(ErrorOf("[delivery]\ndrain_timeout_s = -1\n"),
            "deliverer.toml:2:19: [delivery] drain_timeout_s must be an integer between 0 and "
            "3600");
  EXPECT_EQ(ErrorOf("[delivery]\nwebhook_max_age_h = 0\n"),
            "deliverer.toml:2:21: [delivery] webhook_max_age_h must be an integer between 1 and "
            "8760");
}

// ---- Describe -----------------------------------------------------------------------

TEST(ConfigEngineKeysTest, DescribeShowsTheNewKeys) {
  const Config config = Load(fmt::format(
      "{}status_overrides = {{ \"0x45\" = \"transient\" }}\n[[routes]]\ncarriers = [\"a\"]\n"
      "canary = {{ flag = \"f\", percent = 5, carriers = [\"a\"] }}\n",
      CarrierA("")));
  const std::string text = Describe(config);
  for (std::string_view expected :
       {"partitions = 64\n",
        "workers = 1\n",
        "drain_timeout_s = 10\n",
        "webhook_max_age_h = 24\n",
        "[circuit_breaker]\nenabled = true\n",
        "half_open_probes = 3\n",
        "bind_mode = \"transceiver\"\n",
        "tls_verify = true\n",
        "enquire_link_s = 30\n",
        "reconnect_max_ms = 30000\n",
        "max_pdu_bytes = 65536\n",
        "source_ton = { alphanumeric = 5, e164 = 1, short_code = 3 }\n",
        "source_npi = { alphanumeric = 0, e164 = 1, short_code = 0 }\n",
        "dest_ton = 1\n",
        "status_overrides = { \"0x00000045\" = \"transient\" }\n",
        "unknown_status = \"transient\"\n",
        "receipt_id_match = \"tolerant\"\n",
        "data_coding_gsm7 = 0\n",
        "circuit_breaker = { enabled = true, consecutive_failures = 20, failure_ratio = 0.5, "
        "window_s = 10, min_volume = 20, open_s = 5, max_open_s = 60, half_open_probes = 3 }\n",
        "canary = { flag = \"f\", percent = 5, policy = \"failover\", carriers = [\"a\"], "
        "weights = [], guard = { enabled = true, min_samples = 200, max_submit_error_margin = 0.05, "
        "max_delivery_ratio_drop = 0.05, max_receipt_latency_ratio = 2, window_s = 300 } }\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
}

// The commented examples of the shipped config are valid once uncommented, except those
// needing something the file lacks (an environment variable, a second carrier, weights).
TEST(ConfigEngineKeysTest, ShippedExampleCommentedKeysAreValid) {
  std::ifstream in(DELIVERER_SOURCE_DIR "/deploy/config/deliverer.example.toml");
  ASSERT_TRUE(in.good());
  const std::regex commented_key(R"(^# (\[[a-z_]+\].*|[a-z_0-9]+ = .*)$)");
  const std::regex needs_more(R"(^# (token_env|canary|weights) = .*)");
  std::string line, uncommented;
  int keys = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, commented_key) && !std::regex_match(line, needs_more)) {
      line = line.substr(2);
      ++keys;
    }
    uncommented += line + "\n";
  }
  EXPECT_GT(keys, 40);
  const Config config = Load(uncommented);
  EXPECT_EQ(config.delivery.partitions, 64);
  EXPECT_EQ(config.circuit_breaker.half_open_probes, 3);
  ASSERT_EQ(config.carriers.size(), 1u);
  EXPECT_EQ(config.carriers[0].status_overrides.size(), 1u);
  EXPECT_EQ(config.carriers[0].circuit_breaker.consecutive_failures, 10);
}

}  // namespace
}  // namespace deliverer::config
