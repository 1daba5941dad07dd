// What an operator relies on (docs/operations.md): health and readiness, Prometheus metrics,
// `config check`, start-up refusals, keep-alive connections and graceful shutdown.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

// The core metric names of docs/operations.md "Metrics".
constexpr const char* kMetricNames[] = {
    "deliverer_messages_accepted_total",
    "deliverer_messages_rejected_total",
    "deliverer_messages_sent_total",
    "deliverer_messages_delivered_total",
    "deliverer_messages_failed_total",
    "deliverer_messages_expired_total",
    "deliverer_segments_sent_total",
    "deliverer_retries_total",
    "deliverer_carrier_errors_total",
    "deliverer_circuit_open",
    "deliverer_queue_depth",
    "deliverer_dlr_received_total",
    "deliverer_dlr_unmatched_total",
    "deliverer_webhook_deliveries_total",
    "deliverer_http_requests_total",
    "deliverer_http_request_duration_seconds",
    "deliverer_submit_latency_seconds",
    "deliverer_delivery_latency_seconds",
    "deliverer_canary_outcomes_total",
    "deliverer_canary_halted",
    "deliverer_canary_halts_total",
};

// The value of the first sample line that starts with `series` (a name plus its labels
// as exposed, e.g. `deliverer_messages_accepted_total{account="acme"}`); -1 when absent.
double SampleValue(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series, 0) != 0 || line.size() <= series.size() || line[series.size()] != ' ') {
      continue;
    }
    return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// The 1-based line of `text` holding `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST(HealthTest, HealthzAnswers200AndReadyzSaysNoCarrierIsBound) {
  DelivererProcess server;  // its only carrier listens nowhere

  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
  HttpResponse ready = server.Get("/readyz");
  EXPECT_TRUE(HasStatus(ready, 503));
  EXPECT_EQ(ready.json["checks"]["storage"], "ok");
  EXPECT_EQ(ready.json["checks"]["carriers"], "none_bound");
}

// docs/reliability.md S2 / docs/operations.md: credentials older than 90 days are reported, without
// taking the process out of service.
TEST(HealthTest, S2_AgingCarrierCredentialsAreReportedInReadyzAMetricAndTheLog) {
  DelivererProcess server("", SmppCarrierToml("old-creds", 1, "credentials_created = 2020-01-31") +
                                  SmppCarrierToml("fresh-creds", 1) +
                                  "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"old-creds\", \"fresh-creds\"]\n");

  HttpResponse ready = server.Get("/readyz");
  EXPECT_EQ(ready.json["checks"]["credentials"], "aging") << ready;
  ASSERT_EQ(ready.json["aging_credentials"].size(), 1u) << ready;
  EXPECT_EQ(ready.json["aging_credentials"][0]["kind"], "carrier");
  EXPECT_EQ(ready.json["aging_credentials"][0]["id"], "old-creds");
  EXPECT_GT(ready.json["aging_credentials"][0].value("age_days", 0), 90) << ready;
  const std::string metrics = server.Get("/metrics").body;
  EXPECT_NE(metrics.find("deliverer_credentials_aging{kind=\"carrier\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deliverer_credentials_aging{kind=\"api_key\"} 0"), std::string::npos);
  EXPECT_TRUE(server.WaitForLog("carrier credential of old-creds is"));
  EXPECT_EQ(server.Log().find("fresh-creds is"), std::string::npos);
}

// The names `top -H`, `ps -L` and perf show for the process's threads.
std::multiset<std::string> ThreadNames(int pid) {
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  return names;
}

TEST(HealthTest, ServesThreadsAreNamedForWhatTheyDo) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  // Through the validation thread, which is named by the first task it runs.
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));

  const std::multiset<std::string> names = ThreadNames(server.Pid());
  for (const char* name : {"writer", "log-sync", "checkpointer", "validation", "delivery", "webhooks",
                           "retention", "data-keys"}) {
    // "delivery" may be two: asio's resolver thread, started by it, inherits its name.
    EXPECT_GE(names.count(name), 1u) << name;
  }
  EXPECT_EQ(names.count("writer"), 1u);
}

TEST(HealthTest, FreshCredentialsReadOk) {
  DelivererProcess server;
  server.CreateKey("acme", kSendRead);
  EXPECT_EQ(server.Get("/readyz").json["checks"]["credentials"], "ok");
}

TEST(MetricsTest, EveryMetricIsDeclaredFromStartUp) {
  DelivererProcess server;

  HttpResponse r = server.Get("/metrics");

  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.Header("Content-Type").rfind("text/plain", 0), 0u) << r.Header("Content-Type");
  for (const char* name : kMetricNames) {
    EXPECT_NE(r.body.find(name), std::string::npos) << name << " is not declared";
  }
}

TEST(MetricsTest, AcceptedAndRejectedMessagesAreCounted) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
  ASSERT_TRUE(
      IsProblem(server.Post("/v1/messages", Message("+1555"), key), 400, "invalid_destination"));

  HttpResponse r = server.Get("/metrics");

  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(SampleValue(r.body, R"(deliverer_messages_accepted_total{account="acme"})"), 2)
      << r.body;
  EXPECT_EQ(SampleValue(r.body, R"(deliverer_messages_rejected_total{code="invalid_destination"})"),
            1)
      << r.body;
  EXPECT_NE(r.body.find("deliverer_http_requests_total{"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("deliverer_http_request_duration_seconds_bucket{"), std::string::npos)
      << r.body;
}

TEST(KeepAliveTest, TwoHundredRequestsOnOneConnection) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  auto client = server.NewClient();
  client->set_keep_alive(true);
  int connections = 0;
  client->set_socket_options([&](socket_t) { ++connections; });

  for (int i = 0; i < 100; ++i) {
    HttpResponse sent =
        ToResponse(client->Post("/v1/messages", Bearer(key), Message().dump(), "application/json"));
    ASSERT_TRUE(HasStatus(sent, 202)) << "request " << 2 * i;
    HttpResponse read = ToResponse(client->Get(sent.Header("Location"), Bearer(key)));
    ASSERT_TRUE(HasStatus(read, 200)) << "request " << 2 * i + 1;
  }

  EXPECT_EQ(connections, 1) << "the server closed the keep-alive connection";
}

TEST(ShutdownTest, SigtermExitsCleanlyAndKeepsAcceptedMessages) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  HttpResponse accepted = server.Post("/v1/messages", Message(), key);
  ASSERT_TRUE(HasStatus(accepted, 202));

  EXPECT_EQ(server.Terminate(), 0) << "SIGTERM should end the process with exit code 0";
  server.Restart();

  HttpResponse r = server.Get(accepted.Header("Location"), key);
  EXPECT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.json["status"], "queued");
}

TEST(ConfigCheckTest, GoodFileExitsZero) {
  TempDir dir;
  std::string file = dir.WriteFile("deliverer.toml", BaseConfig(dir.path() + "/data"));

  CommandResult result = RunDeliverer({"config", "check", "--config", file});

  EXPECT_EQ(result.exit_code, 0) << result.Output();
  EXPECT_FALSE(result.out.empty()) << "config check prints what it resolved";
}

TEST(ConfigCheckTest, UnknownKeyFailsWithFileAndLine) {
  TempDir dir;
  std::string text = BaseConfig(dir.path() + "/data", "[delivery]\nmax_atempts = 3\n");
  std::string file = dir.WriteFile("bad.toml", text);

  CommandResult result = RunDeliverer({"config", "check", "--config", file});

  EXPECT_NE(result.exit_code, 0) << result.Output();
  std::string where = "bad.toml:" + std::to_string(LineOf(text, "max_atempts"));
  EXPECT_NE(result.Output().find(where), std::string::npos) << where << "\n" << result.Output();
}

TEST(ConfigCheckTest, BadValueFailsWithFileAndLine) {
  TempDir dir;
  std::string text = BaseConfig(dir.path() + "/data", "[rate_limits]\nper_key_rps = \"fast\"\n");
  std::string file = dir.WriteFile("bad.toml", text);

  CommandResult result = RunDeliverer({"config", "check", "--config", file});

  EXPECT_NE(result.exit_code, 0) << result.Output();
  std::string where = "bad.toml:" + std::to_string(LineOf(text, "per_key_rps"));
  EXPECT_NE(result.Output().find(where), std::string::npos) << where << "\n" << result.Output();
}

TEST(StartupTest, ServeRefusesAConfigWithAnUnknownKey) {
  TempDir dir;
  std::string file =
      dir.WriteFile("bad.toml", BaseConfig(dir.path() + "/data", "[delivery]\nmax_atempts = 3\n"));

  CommandResult result = RunDeliverer({"serve", "--config", file}, std::chrono::seconds(30));

  EXPECT_GT(result.exit_code, 0) << "serve must exit with an error, not run: " << result.Output();
  EXPECT_NE(result.Output().find("bad.toml:"), std::string::npos) << result.Output();
}

TEST(StartupTest, ServeRefusesToStartWithoutCarriers) {
  TempDir dir;
  std::string file = dir.WriteFile(
      "no-carriers.toml",
      "[server]\nlisten = \"127.0.0.1:0\"\n\n[storage]\npath = \"" + dir.path() + "/data\"\n");

  CommandResult result = RunDeliverer({"serve", "--config", file}, std::chrono::seconds(30));

  EXPECT_GT(result.exit_code, 0) << "serve must refuse to start: " << result.Output();
  EXPECT_FALSE(result.Output().empty()) << "the refusal needs a clear message";
}

// RabbitMQ dispatch serves processes that share one database: on the embedded store it
// is refused, not quietly run on the embedded queue.
TEST(StartupTest, ServeRefusesRabbitmqDispatchWithoutASharedStore) {
  TempDir dir;
  std::string file = dir.WriteFile(
      "rabbit.toml", BaseConfig(dir.path() + "/data",
                                "[queue]\nbackend = \"rabbitmq\"\nurl = \"amqp://127.0.0.1:9/\"\n"));

  CommandResult result = RunDeliverer({"serve", "--config", file}, std::chrono::seconds(30));

  EXPECT_EQ(result.exit_code, 2) << result.Output();
  EXPECT_NE(result.Output().find("[queue] backend = \"rabbitmq\" needs [storage] backend = \"postgres\""),
            std::string::npos)
      << result.Output();
}

// The URL may carry a password: the error names the server, never the URL.
TEST(StartupTest, APostgresServerThatDoesNotAnswerIsNamedWithoutItsPassword) {
  TempDir dir;
  std::string file = dir.WriteFile(
      "pg.toml", "[storage]\nbackend = \"postgres\"\npath = \"" + dir.path() +
                     "/data\"\nurl = \"postgresql://deliverer:hunter2@127.0.0.1:9/deliverer\"\n");

  CommandResult result = RunDeliverer({"keys", "list", "--config", file}, std::chrono::seconds(30));

  EXPECT_EQ(result.exit_code, 1) << result.Output();
  EXPECT_NE(result.Output().find("127.0.0.1:9/deliverer"), std::string::npos) << result.Output();
  EXPECT_EQ(result.Output().find("hunter2"), std::string::npos) << result.Output();
}

// Until the HTTPS listener exists, asking for it must not quietly give plain HTTP.
TEST(StartupTest, ServeNamesAnHttpsCarrierTrustFileItCannotLoad) {
  TempDir dir;
  const std::string carriers =
      "[[carriers]]\nid = \"h\"\nprotocol = \"http\"\nurl = \"https://127.0.0.1:9/send\"\n"
      "tls_ca_file = \"" + dir.path() + "/missing-ca.pem\"\n";
  std::string file = dir.WriteFile("https.toml", BaseConfig(dir.path() + "/data", "", carriers));

  CommandResult result = RunDeliverer({"serve", "--config", file}, std::chrono::seconds(30));

  EXPECT_EQ(result.exit_code, 1) << result.Output();
  EXPECT_NE(result.Output().find("missing-ca.pem"), std::string::npos) << result.Output();
}

TEST(CliTest, CommandsHaveHelp) {
  const std::vector<std::vector<std::string>> commands = {
      {"--help"},
      {"serve", "--help"},
      {"keys", "create", "--help"},
      {"keys", "list", "--help"},
      {"keys", "revoke", "--help"},
      {"accounts", "set-webhook-secret", "--help"},
      {"accounts", "list", "--help"},
      {"erase", "--help"},
      {"suppressions", "add", "--help"},
      {"keys", "rotate", "--help"},
      {"config", "check", "--help"},
      {"canary", "list", "--help"},
      {"canary", "resume", "--help"},
  };
  for (const auto& command : commands) {
    CommandResult result = RunDeliverer(command);
    EXPECT_EQ(result.exit_code, 0) << command[0] << " " << command.back() << "\n"
                                   << result.Output();
    EXPECT_FALSE(result.Output().empty());
  }
}

}  // namespace
}  // namespace deliverer::integration
