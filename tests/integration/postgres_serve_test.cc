// `serve` on PostgreSQL (docs/configuration.md "[storage]"): with the embedded queue one
// process per database delivers, and the CLI works beside it; while the server is down no
// message is answered 202, and acceptance resumes by itself once it is back. These tests
// kill the test run's server, so they run alone (SERIAL).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "integration/harness.h"
#include "support/services.h"

namespace deliverer::integration {
namespace {

class PostgresServeTest : public ::testing::Test {
 protected:
  // BaseConfig then gives each process a schema of its own on the test run's server.
  static void SetUpTestSuite() { setenv("DELIVERER_TEST_STORAGE", "postgres", 1); }
};

TEST_F(PostgresServeTest, ASecondDeliveringProcessOnTheSameDatabaseIsRefused) {
  DelivererProcess first;

  CommandResult second = RunDeliverer({"serve", "--config", first.ConfigPath()}, std::chrono::seconds(30));

  EXPECT_EQ(second.exit_code, 1) << second.Output();
  EXPECT_NE(second.Output().find("another process delivers from this PostgreSQL database"), std::string::npos)
      << second.Output();
  // The CLI is no delivering process: a key it creates meanwhile authenticates at once.
  const std::string key = first.CreateKey("acme", kSendRead);
  HttpResponse listed = first.Send("GET", "/v1/messages", {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(listed.status, 200) << listed.body;
}

TEST_F(PostgresServeTest, TheLockIsReleasedWhenTheDeliveringProcessDies) {
  DelivererProcess first;
  first.Kill9();

  first.Restart();  // throws, failing the test, if the new process cannot take the lock

  EXPECT_TRUE(first.Running());
  EXPECT_EQ(first.Send("GET", "/healthz", {}).status, 200);
}

TEST_F(PostgresServeTest, AfterAPostgresRestartTheDeliveringProcessHoldsItsLockAgain) {
  DelivererProcess first;
  test_support::RestartService("postgres");
  // Its lock went with its session; it takes it again on a new one.
  ASSERT_TRUE(first.WaitForLog("the delivery lock was lost with its database session and is held again"));

  CommandResult second = RunDeliverer({"serve", "--config", first.ConfigPath()}, std::chrono::seconds(30));
  EXPECT_EQ(second.exit_code, 1) << second.Output();
  EXPECT_NE(second.Output().find("another process delivers from this PostgreSQL database"), std::string::npos)
      << second.Output();
  EXPECT_TRUE(first.Running());
}

TEST_F(PostgresServeTest, R1_WhilePostgresIsDownNothingIsAnswered202AndAcceptanceResumes) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));

  test_support::KillService("postgres");
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(IsProblem(server.Post("/v1/messages", Message(), key), 503, "storage_unavailable"));
  }
  HttpResponse ready = server.Get("/readyz");
  EXPECT_TRUE(HasStatus(ready, 503));
  EXPECT_EQ(ready.json["checks"]["storage"], "failing") << ready;

  test_support::RestartService("postgres");
  // The store reconnects on its own: /readyz's test write brings it back, no producer needed.
  EXPECT_TRUE(WaitFor([&] { return server.Get("/readyz").json["checks"]["storage"] == "ok"; }, Millis(10'000)))
      << server.Get("/readyz");
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
  // The refused messages left nothing behind: the two accepted ones alone are listed.
  HttpResponse list = server.Get("/v1/messages", key);
  ASSERT_TRUE(HasStatus(list, 200));
  EXPECT_EQ(list.json["data"].size(), 2u) << list;
}

}  // namespace
}  // namespace deliverer::integration
