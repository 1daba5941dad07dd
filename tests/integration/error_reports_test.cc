// [errors] sentry_dsn (docs/operations.md "Error reporting"): the real gateway reports an
// internal error, and a crash after its restart, to a Sentry receiver on loopback; what
// arrives names the release and the component, and holds no number, body or key.
#include <sqlite3.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"

#ifndef DELIVERER_VERSION
#error "DELIVERER_VERSION must be the project's version"
#endif

namespace deliverer::integration {
namespace {

constexpr const char* kPublicKey = "publickey";
constexpr const char* kBody = "Your code is 482913";
constexpr Millis kEventWait{30'000};

std::string ErrorsToml(const WebhookReceiver& sentry) {
  return "[errors]\nsentry_dsn = \"http://" + std::string(kPublicKey) + "@127.0.0.1:" +
         std::to_string(sentry.Port()) + "/42\"\nenvironment = \"test\"\n";
}

// An envelope's three lines: its header, the item's header and the event.
struct Envelope {
  Json header, item, event;
  size_t event_bytes = 0;
};

Envelope Parse(const std::string& body) {
  std::istringstream lines(body);
  std::string header, item, event;
  std::getline(lines, header);
  std::getline(lines, item);
  std::getline(lines, event);
  return {ParseObject(header), ParseObject(item), ParseObject(event), event.size()};
}

std::string Component(const WebhookCall& call) {
  const Json event = Parse(call.body).event;
  return event.is_object() ? StringField(event["tags"], "component") : "";
}

// What every report must be: to the DSN's project, the key in the auth header only.
void ExpectSentryRequest(const WebhookCall& call) {
  EXPECT_EQ(call.path, "/api/42/envelope/");
  const auto auth = call.headers.find("X-Sentry-Auth");
  ASSERT_NE(auth, call.headers.end());
  EXPECT_EQ(auth->second, "Sentry sentry_version=7, sentry_key=publickey, sentry_client=deliverer/" DELIVERER_VERSION);
  EXPECT_EQ(call.body.find(kPublicKey), std::string::npos) << call.body;
  const Envelope envelope = Parse(call.body);
  EXPECT_EQ(envelope.item["type"], "event") << call.body;
  EXPECT_EQ(envelope.item["length"], envelope.event_bytes) << call.body;
  EXPECT_EQ(envelope.header["event_id"], envelope.event["event_id"]) << call.body;
  EXPECT_EQ(envelope.event["release"], "deliverer@" DELIVERER_VERSION) << call.body;
  EXPECT_EQ(envelope.event["environment"], "test") << call.body;
}

// The schema no longer fits the gateway's SQL, as after a faulty migration or a hand
// edit: every statement on `table` now fails as a bug would, not as a fault of the disk.
void RenameTable(const std::string& database, const std::string& table) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  const std::string sql = "ALTER TABLE " + table + " RENAME TO " + table + "_moved";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::vector<std::string> CrashRecords(const std::string& data_dir) {
  std::vector<std::string> records;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (entry.path().extension() == ".record") records.push_back(entry.path().string());
  }
  return records;
}

TEST(ErrorReportsTest, AStorageDefectIsReportedWithoutNumbersBodiesOrKeys) {
  WebhookReceiver sentry;
  DelivererProcess server(ErrorsToml(sentry));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, Message(kTo, kBody));

  RenameTable(server.DataDir() + "/deliverer.db", "messages");
  EXPECT_TRUE(IsProblem(server.Get("/v1/messages/" + id, key), 503, "storage_unavailable"));

  const auto storage_report = [&]() -> std::optional<WebhookCall> {
    for (WebhookCall& call : sentry.Accepted()) {
      if (Component(call) == "storage") return call;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(WaitFor([&] { return storage_report().has_value(); }, kEventWait)) << "no report came";
  const WebhookCall call = *storage_report();
  ExpectSentryRequest(call);
  const Json event = Parse(call.body).event;
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["exception"]["values"][0]["type"], "sqlite");
  EXPECT_NE(StringField(event["exception"]["values"][0], "value").find("no such table"), std::string::npos)
      << call.body;
  for (const WebhookCall& each : sentry.Calls()) {
    for (const std::string& secret : {std::string(kTo), std::string(kTo).substr(1), std::string(kBody),
                                      std::string("482913"), key, KeySecret(key)}) {
      EXPECT_EQ(each.body.find(secret), std::string::npos) << secret << " in " << each.body;
    }
  }
  EXPECT_EQ(server.Log().find(kPublicKey), std::string::npos);
  EXPECT_GE(Metric(server, "deliverer_error_reports_total"), 1);
}

TEST(ErrorReportsTest, ACrashIsReportedAfterTheRestart) {
  rlimit core{};  // the signal's default action would dump a core
  getrlimit(RLIMIT_CORE, &core);
  core.rlim_cur = 0;
  setrlimit(RLIMIT_CORE, &core);
  WebhookReceiver sentry;
  DelivererProcess server(ErrorsToml(sentry));

  EXPECT_EQ(server.KillWith(SIGSEGV), SIGSEGV) << "the process must still die of the signal";
  EXPECT_EQ(CrashRecords(server.DataDir()).size(), 1u);
  EXPECT_TRUE(sentry.Calls().empty()) << "a crashing process sends nothing";

  server.Restart();
  ASSERT_TRUE(WaitFor([&] { return !sentry.Accepted().empty(); }, kEventWait)) << "no report came";
  const WebhookCall call = sentry.Accepted().front();
  ExpectSentryRequest(call);
  const Json event = Parse(call.body).event;
  EXPECT_EQ(event["level"], "fatal");
  const Json& exception = event["exception"]["values"][0];
  EXPECT_EQ(exception["type"], "SIGSEGV");
  EXPECT_EQ(exception["mechanism"]["meta"]["signal"]["number"], SIGSEGV);
  EXPECT_FALSE(Component(call).empty()) << call.body;
  // Deleted once accepted: the next start does not report it again.
  EXPECT_TRUE(WaitFor([&] { return CrashRecords(server.DataDir()).empty(); }, kEventWait));
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
}

TEST(ErrorReportsTest, ConfigCheckRefusesAMalformedDsnNamingTheKey) {
  TempDir dir;
  const std::string path =
      dir.WriteFile("deliverer.toml", "[errors]\nsentry_dsn = \"https://publickey@sentry.example.com\"\n");
  const CommandResult result = RunDeliverer({"config", "check", "--config", path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("[errors] sentry_dsn must be a Sentry DSN"), std::string::npos) << result.Output();
  EXPECT_EQ(result.Output().find(kPublicKey), std::string::npos) << result.Output();
}

}  // namespace
}  // namespace deliverer::integration
