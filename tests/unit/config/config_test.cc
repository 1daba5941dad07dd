#include "config/config.h"
#include "unit/config/load_helpers.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

TEST(ConfigTest, EmptyFileGivesDefaults) {
  const Config config = Load("");
  const Config defaults;
  EXPECT_EQ(config.source, "deliverer.toml");
  EXPECT_EQ(config.server.listen_host, "127.0.0.1");
  EXPECT_EQ(config.server.listen_port, 8080);
  EXPECT_EQ(config.server.threads, defaults.server.threads);
  EXPECT_EQ(config.server.max_body_bytes, 64u * 1024);
  EXPECT_EQ(config.server.max_batch_body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(config.storage.backend, "sqlite");
  EXPECT_EQ(config.storage.path, "./deliverer-data");
  EXPECT_EQ(config.queue.backend, "embedded");
  EXPECT_FALSE(config.security.allow_private_callbacks);
  EXPECT_EQ(config.rate_limits.per_key_rps, 1000);
  EXPECT_EQ(config.rate_limits.per_key_burst, 2000);
  EXPECT_EQ(config.rate_limits.global_rps, 0);
  EXPECT_EQ(config.delivery.max_attempts, 5);
  EXPECT_EQ(config.delivery.backoff_base_ms, 500);
  EXPECT_EQ(config.delivery.backoff_cap_ms, 60000);
  EXPECT_EQ(config.delivery.receipt_wait_s, 0);
  EXPECT_EQ(config.delivery.queue_high_water, 1'000'000);
  EXPECT_TRUE(config.content.disallowed.empty());
  EXPECT_TRUE(config.webhooks.signing_secret.empty());
  EXPECT_EQ(config.logging.level, "info");
  EXPECT_EQ(config.logging.format, "json");
  EXPECT_TRUE(config.carriers.empty());
  EXPECT_TRUE(config.routes.empty());
}

// A small configuration with the sections an operator writes first (docs/configuration.md).
constexpr std::string_view kOperationsExample = R"toml(
[server]
listen = "127.0.0.1:8080"          # host:port; port 0 picks a free port and logs it
# tls_cert_file = "…"  tls_key_file = "…"  client_ca_file = "…"

[storage]
backend = "sqlite"                 # or "postgres"
path = "./deliverer-data"          # sqlite: folder holding the database
# url = "postgresql://user@127.0.0.1:5432/deliverer"

[queue]
backend = "embedded"               # or "rabbitmq"
# url = "amqp://guest:guest@127.0.0.1:5672/"

[security]
allow_private_callbacks = false    # true lets callback_url target loopback/private addresses

[rate_limits]
per_key_rps = 1000                 # token bucket per API key; 0 = unlimited
per_key_burst = 2000
global_rps = 0

[delivery]
max_attempts = 5
backoff_base_ms = 500
backoff_cap_ms = 60000
receipt_wait_s = 0                 # 0 = the message's TTL
queue_high_water = 1000000         # above it, POST answers 503 overloaded

[content]
disallowed = []                    # regular expressions; a match answers content_rejected

[webhooks]
signing_secret = "change-me"       # or signing_secret_file / signing_secret_env

[[carriers]]
id = "sim-a"
protocol = "smpp"                  # or "http"
host = "127.0.0.1"
port = 2775
system_id = "deliverer"
password = "secret"                # or password_file / password_env
binds = 2
window = 64
tps = 1000                         # 0 = unlimited
countries = ["*"]                  # ISO regions served, or "*"
price_per_segment = 0.0050
# http carriers: url = "http://127.0.0.1:9000/send", token_env = "…", dlr_token = "…", dlr_allow = ["127.0.0.1/32"]

[[routes]]
match = "*"                        # "*", an ISO region ("GB"), or a prefix ("+4477")
policy = "failover"                # priority | failover | weighted | least_cost
carriers = ["sim-a"]
# weights = [80, 20]
)toml";

TEST(ConfigTest, OperationsExampleParsesToItsValues) {
  const Config config = Load(kOperationsExample);
  EXPECT_EQ(config.server.listen_host, "127.0.0.1");
  EXPECT_EQ(config.server.listen_port, 8080);
  EXPECT_EQ(config.storage.backend, "sqlite");
  EXPECT_EQ(config.queue.backend, "embedded");
  EXPECT_EQ(config.rate_limits.per_key_rps, 1000);
  EXPECT_EQ(config.delivery.queue_high_water, 1'000'000);
  EXPECT_EQ(config.webhooks.signing_secret, "change-me");
  ASSERT_EQ(config.carriers.size(), 1u);
  const CarrierConfig& carrier = config.carriers[0];
  EXPECT_EQ(carrier.id, "sim-a");
  EXPECT_EQ(carrier.protocol, "smpp");
  EXPECT_EQ(carrier.host, "127.0.0.1");
  EXPECT_EQ(carrier.port, 2775);
  EXPECT_EQ(carrier.system_id, "deliverer");
  EXPECT_EQ(carrier.password, "secret");
  EXPECT_EQ(carrier.binds, 2);
  EXPECT_EQ(carrier.window, 64);
  EXPECT_EQ(carrier.tps, 1000);
  EXPECT_EQ(carrier.countries, std::vector<std::string>{"*"});
  EXPECT_DOUBLE_EQ(carrier.price_per_segment, 0.005);
  EXPECT_TRUE(carrier.enabled);
  ASSERT_EQ(config.routes.size(), 1u);
  EXPECT_EQ(config.routes[0].match, "*");
  EXPECT_EQ(config.routes[0].policy, "failover");
  EXPECT_EQ(config.routes[0].carriers, std::vector<std::string>{"sim-a"});
  EXPECT_TRUE(config.routes[0].weights.empty());
}

TEST(ConfigTest, ShippedExampleFileLoads) {
  const std::string path = DELIVERER_SOURCE_DIR "/deploy/config/deliverer.example.toml";
  Result<Config> result = LoadFile(path);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result->source, path);
  EXPECT_EQ(result->carriers.size(), 1u);
  EXPECT_EQ(result->routes.size(), 1u);
}

TEST(ConfigTest, MissingFileIsAnError) {
  Result<Config> result = LoadFile("/nonexistent/deliverer.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_config");
  EXPECT_EQ(result.error().detail.find("/nonexistent/deliverer.toml: cannot read"), 0u);
}

TEST(ConfigTest, SyntaxErrorHasPosition) {
  const std::string detail = ErrorOf("[server]\nlisten = \n");
  EXPECT_EQ(detail.rfind("deliverer.toml:2:", 0), 0u) << detail;
}

// ---- unknown keys -------------------------------------------------------------------

TEST(ConfigUnknownKeyTest, InServer) {
  EXPECT_EQ(ErrorOf("# comment\n[server]\nlistne = \"127.0.0.1:8080\"\n"),
            "deliverer.toml:3:1: unknown key 'listne' in [server]");
}

TEST(ConfigUnknownKeyTest, AtTopLevel) {
  EXPECT_EQ(ErrorOf("verbose = true\n"), "deliverer.toml:1:1: unknown key 'verbose'");
  EXPECT_EQ(ErrorOf("[retries]\nmax = 3\n"), "deliverer.toml:1:2: unknown section [retries]");
}

TEST(ConfigUnknownKeyTest, InEverySection) {
  for (std::string_view section : {"server", "storage", "queue", "security", "rate_limits",
                                   "delivery", "content", "webhooks", "logging"}) {
    const std::string toml = fmt::format("[{}]\n  bogus = 1\n", section);
    EXPECT_EQ(ErrorOf(toml),
              fmt::format("deliverer.toml:2:3: unknown key 'bogus' in [{}]", section));
  }
}

TEST(ConfigUnknownKeyTest, NestedTableInASection) {
  EXPECT_EQ(ErrorOf("[server.tls]\ncert = \"x\"\n"),
            "deliverer.toml:1:9: unknown key 'tls' in [server]");
}

TEST(ConfigUnknownKeyTest, InCarrier) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\npasword = \"x\"\n"),
            "deliverer.toml:3:1: unknown key 'pasword' in [[carriers]] \"a\"");
}

TEST(ConfigUnknownKeyTest, InRoute) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\n[[routes]]\ncarriers = [\"a\"]\nweight = 1\n"),
            "deliverer.toml:5:1: unknown key 'weight' in [[routes]] #1");
}

// ---- bad values ---------------------------------------------------------------------

TEST(ConfigBadValueTest, OutOfRangeInteger) {
  EXPECT_EQ(ErrorOf("[delivery]\n\nmax_attempts = 0\n"),
            "deliverer.toml:3:16: [delivery] max_attempts must be an integer ≥ 1");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\nwindow = 2000\n"),
            "deliverer.toml:3:10: [[carriers]] \"a\" window must be an integer between 1 and 1024");
  EXPECT_EQ(ErrorOf("[storage]\nmin_commit_interval_ms = 5000\n"),
            "deliverer.toml:2:26: [storage] min_commit_interval_ms must be an integer between 0 and 1000");
}

TEST(ConfigTest, MinimumCommitIntervalIsOffUnlessSet) {
  EXPECT_EQ(Load("").storage.min_commit_interval_ms, 0);
  EXPECT_EQ(Load("[storage]\nmin_commit_interval_ms = 2\n").storage.min_commit_interval_ms, 2);
}

TEST(ConfigBadValueTest, WrongType) {
  EXPECT_EQ(ErrorOf("[server]\nthreads = \"4\"\n"),
            "deliverer.toml:2:11: [server] threads must be an integer between 1 and 256");
  EXPECT_EQ(ErrorOf("[delivery]\nmax_attempts = 2.5\n"),
            "deliverer.toml:2:16: [delivery] max_attempts must be an integer ≥ 1");
  EXPECT_EQ(ErrorOf("[security]\nallow_private_callbacks = \"yes\"\n"),
            "deliverer.toml:2:27: [security] allow_private_callbacks must be true or false");
  EXPECT_EQ(ErrorOf("[content]\ndisallowed = [\"a\", 3]\n"),
            "deliverer.toml:2:20: [content] disallowed must be an array of strings");
  EXPECT_EQ(ErrorOf("server = 1\n"), "deliverer.toml:1:10: server must be a table ([server])");
  EXPECT_EQ(ErrorOf("[carriers]\nid = \"a\"\n"),
            "deliverer.toml:1:1: carriers must be an array of tables ([[carriers]])");
}

TEST(ConfigBadValueTest, UnknownEnumValue) {
  EXPECT_EQ(ErrorOf("[storage]\nbackend = \"mysql\"\n"),
            "deliverer.toml:2:11: [storage] backend must be one of \"sqlite\" | \"postgres\"");
  EXPECT_EQ(ErrorOf("[logging]\nformat = \"xml\"\n"),
            "deliverer.toml:2:10: [logging] format must be one of \"json\" | \"text\"");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\nprotocol = \"smtp\"\n"),
            "deliverer.toml:3:12: [[carriers]] \"a\" protocol must be one of \"smpp\" | \"http\"");
}

TEST(ConfigBadValueTest, RatesAcceptIntegersAndFloatsButNotNegatives) {
  const Config config = Load("[rate_limits]\nper_key_rps = 12.5\nglobal_burst = 7\n");
  EXPECT_DOUBLE_EQ(config.rate_limits.per_key_rps, 12.5);
  EXPECT_DOUBLE_EQ(config.rate_limits.global_burst, 7);
  EXPECT_EQ(ErrorOf("[rate_limits]\nglobal_rps = -1.5\n"),
            "deliverer.toml:2:14: [rate_limits] global_rps must be a number ≥ 0");
}

TEST(ConfigBadValueTest, BackoffCapBelowBase) {
  EXPECT_EQ(ErrorOf("[delivery]\nbackoff_base_ms = 1000\nbackoff_cap_ms = 10\n"),
            "deliverer.toml:3:18: [delivery] backoff_cap_ms must be ≥ backoff_base_ms (1000)");
}

TEST(ConfigBadValueTest, RemoteBackendsNeedAUrl) {
  EXPECT_EQ(
      ErrorOf("[storage]\nbackend = \"postgres\"\n"),
      "deliverer.toml:2:11: [storage] backend = \"postgres\" needs url (or url_file, url_env)");
  EXPECT_EQ(ErrorOf("[storage]\nbackend = \"postgres\"\nurl = \"postgresql://127.0.0.1/d\"\n"
                    "[queue]\nbackend = \"rabbitmq\"\n"),
            "deliverer.toml:5:11: [queue] backend = \"rabbitmq\" needs url (or url_file, url_env)");
}

TEST(ConfigBadValueTest, RabbitmqDispatchNeedsASharedStoreAndAnAmqpUrl) {
  EXPECT_EQ(ErrorOf("[queue]\nbackend = \"rabbitmq\"\nurl = \"amqp://127.0.0.1\"\n"),
            "deliverer.toml:2:11: [queue] backend = \"rabbitmq\" needs [storage] backend = \"postgres\"");
  EXPECT_EQ(ErrorOf("[storage]\nbackend = \"postgres\"\nurl = \"postgresql://127.0.0.1/d\"\n"
                    "[queue]\nbackend = \"rabbitmq\"\nurl = \"http://user:secret@127.0.0.1\"\n"),
            "deliverer.toml:6:7: [queue] url must be amqp://user:password@host[:port][/vhost] (TLS is not supported)");
  EXPECT_EQ(ErrorOf("[queue]\npartitions = 0\n"), "deliverer.toml:2:14: [queue] partitions must be an integer between 1 and 1024");
}

TEST(ConfigBadValueTest, TlsFilesGoTogether) {
  EXPECT_EQ(ErrorOf("[server]\ntls_cert_file = \"c.pem\"\n"),
            "deliverer.toml:2:17: [server] tls_cert_file and tls_key_file must be given together");
}

TEST(ConfigBadValueTest, APinnedClientCertificateNeedsAClientCa) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\ndlr_cert_name = \"carrier-a.example\"\n"),
            "deliverer.toml:3:17: [[carriers]] \"a\" dlr_cert_name needs [server] client_ca_file to "
            "verify client certificates");
  const Config config = Load(
      "[server]\ntls_cert_file = \"c.pem\"\ntls_key_file = \"k.pem\"\nclient_ca_file = \"ca.pem\"\n"
      "[[carriers]]\nid = \"a\"\ndlr_cert_name = \"carrier-a.example\"\n");
  ASSERT_EQ(config.carriers.size(), 1u);
  EXPECT_EQ(config.carriers[0].dlr_cert_name, "carrier-a.example");
}

TEST(ConfigBadValueTest, CarrierFields) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nprotocol = \"smpp\"\n"),
            "deliverer.toml:1:1: [[carriers]] #1 needs an id");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"b\"\nprotocol = \"http\"\n"),
            "deliverer.toml:1:1: [[carriers]] \"b\" protocol = \"http\" needs url");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\ncountries = [\"GB\", \"GBR\"]\n"),
            "deliverer.toml:3:20: [[carriers]] \"a\" countries must be \"*\" or ISO regions such "
            "as \"GB\"");
  EXPECT_EQ(
      ErrorOf("[[carriers]]\nid = \"a\"\ndlr_allow = [\"10.0.0.0/33\"]\n"),
      "deliverer.toml:3:14: [[carriers]] \"a\" dlr_allow must be CIDRs such as \"10.0.0.0/8\"");
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\nsystem_id = \"abcdefghijklmnop\"\n"),
            "deliverer.toml:3:13: [[carriers]] \"a\" system_id must be at most 15 characters");
}

TEST(ConfigBadValueTest, DuplicateCarrierId) {
  EXPECT_EQ(ErrorOf("[[carriers]]\nid = \"a\"\n[[carriers]]\nid = \"a\"\n"),
            "deliverer.toml:4:6: [[carriers]] duplicate id 'a' (first at line 1)");
}

TEST(ConfigBadValueTest, AllErrorsAreReportedInPositionOrder) {
  EXPECT_EQ(ErrorOf("[logging]\nlevel = \"loud\"\n[server]\nthreads = 0\nlistne = 1\n"),
            "deliverer.toml:2:9: [logging] level must be one of \"trace\" | \"debug\" | \"info\" "
            "| \"warn\" | \"error\"\n"
            "deliverer.toml:4:11: [server] threads must be an integer between 1 and 256\n"
            "deliverer.toml:5:1: unknown key 'listne' in [server]");
}

TEST(ConfigTest, CarrierExtras) {
  const Config config = Load(R"toml(
[[carriers]]
id = "http-b"
protocol = "http"
url = "https://carrier.example/send"
countries = ["gb", "IE"]
dlr_allow = ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]
credentials_created = 2026-01-31
enabled = false
)toml");
  ASSERT_EQ(config.carriers.size(), 1u);
  const CarrierConfig& carrier = config.carriers[0];
  EXPECT_EQ(carrier.countries, (std::vector<std::string>{"GB", "IE"}));
  EXPECT_EQ(carrier.dlr_allow,
            (std::vector<std::string>{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"}));
  EXPECT_EQ(carrier.credentials_created_unix, 1'769'817'600);  // 2026-01-31T00:00:00Z
  EXPECT_FALSE(carrier.enabled);
}

// ---- listen -------------------------------------------------------------------------

TEST(ConfigListenTest, AcceptedForms) {
  struct Case {
    std::string_view listen, host;
    uint16_t port;
  };
  for (const Case& c :
       {Case{"127.0.0.1:8080", "127.0.0.1", 8080}, Case{"[::1]:8080", "::1", 8080},
        Case{"0.0.0.0:0", "0.0.0.0", 0}, Case{"localhost:65535", "localhost", 65535},
        Case{"[::]:9000", "::", 9000}}) {
    const Config config = Load(fmt::format("[server]\nlisten = \"{}\"\n", c.listen));
    EXPECT_EQ(config.server.listen_host, c.host) << c.listen;
    EXPECT_EQ(config.server.listen_port, c.port) << c.listen;
  }
}

TEST(ConfigListenTest, RejectedForms) {
  for (std::string_view listen : {"8080", ":8080", "::1:8080", "host:65536", "host:", "[::1]8080",
                                  "[nothost]:80", "host:-1", "host:80a", "[::1]:"}) {
    EXPECT_EQ(ErrorOf(fmt::format("[server]\nlisten = \"{}\"\n", listen)),
              "deliverer.toml:2:10: [server] listen must be \"host:port\" with a port 0-65535 "
              "(IPv6 as \"[::1]:8080\")")
        << listen;
  }
}

// ---- routes -------------------------------------------------------------------------

constexpr std::string_view kTwoCarriers =
    "[[carriers]]\nid = \"a\"\n[[carriers]]\nid = \"b\"\n";  // lines 1-4

TEST(ConfigRoutesTest, WeightedRoute) {
  const Config config = Load(fmt::format(
      "{}[[routes]]\nmatch = \"+4477\"\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\"]\n"
      "weights = [80, 20]\n[[routes]]\nmatch = \"GB\"\ncarriers = [\"b\"]\n",
      kTwoCarriers));
  ASSERT_EQ(config.routes.size(), 2u);
  EXPECT_EQ(config.routes[0].weights, (std::vector<int>{80, 20}));
  EXPECT_EQ(config.routes[1].match, "GB");
  EXPECT_EQ(config.routes[1].policy, "failover");
}

TEST(ConfigRoutesTest, UnknownCarrier) {
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\ncarriers = [\"a\", \"c\"]\n", kTwoCarriers)),
            "deliverer.toml:6:18: [[routes]] #1 carriers: unknown carrier 'c'");
}

TEST(ConfigRoutesTest, WeightsMismatch) {
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\", \"b\"]\n"
                                "weights = [1, 2, 3]\n",
                                kTwoCarriers)),
            "deliverer.toml:8:11: [[routes]] #1 weights must have one entry per carrier "
            "(2 carriers, 3 weights)");
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\ncarriers = [\"a\", \"b\"]\nweights = [1, 2]\n",
                                kTwoCarriers)),
            "deliverer.toml:7:11: [[routes]] #1 weights only apply to policy = \"weighted\"");
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\npolicy = \"weighted\"\ncarriers = [\"a\"]\n",
                                kTwoCarriers)),
            "deliverer.toml:6:10: [[routes]] #1 policy = \"weighted\" needs weights");
}

TEST(ConfigRoutesTest, CarriersRequiredAndUnique) {
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\ncarriers = []\n", kTwoCarriers)),
            "deliverer.toml:6:12: [[routes]] #1 needs a non-empty carriers list");
  EXPECT_EQ(ErrorOf(fmt::format("{}[[routes]]\ncarriers = [\"a\", \"a\"]\n", kTwoCarriers)),
            "deliverer.toml:6:18: [[routes]] #1 carriers: 'a' is listed twice");
}

TEST(ConfigRoutesTest, BadAndRepeatedMatch) {
  EXPECT_EQ(
      ErrorOf(fmt::format("{}[[routes]]\nmatch = \"44\"\ncarriers = [\"a\"]\n", kTwoCarriers)),
      "deliverer.toml:6:9: [[routes]] #1 match must be \"*\", an ISO region (\"GB\") or a "
      "prefix (\"+4477\")");
  EXPECT_EQ(
      ErrorOf(fmt::format("{}[[routes]]\ncarriers = [\"a\"]\n[[routes]]\ncarriers = [\"b\"]\n",
                          kTwoCarriers)),
      "deliverer.toml:7:1: [[routes]] #2 repeats match \"*\" of [[routes]] #1");
}

}  // namespace
}  // namespace deliverer::config
