// `serve` on PostgreSQL (docs/configuration.md "[storage]"): with the embedded queue one
// process per database delivers, and the CLI works beside it; while the server is down no
// message is answered 202, no receipt is acknowledged to its carrier, and both resume by
// themselves once it is back. These tests kill the test run's server, so they run alone
// (SERIAL).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"
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

// docs/reliability.md R10 with the store gone: a receipt that cannot be stored is answered
// 0x64, so the carrier sends it again, and every one is matched once the store is back.
TEST_F(PostgresServeTest, R10_ReceiptsArrivingWhilePostgresIsDownAreNotAcknowledgedUntilStored) {
  constexpr int kMessages = 20;
  // Receipts 3 s after each submit, resent every second for as long as the test needs.
  SimProcess sim({"--receipt-delay-ms", "3000", "--config-json", R"({"receipts":{"max_resends":120}})"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < kMessages; ++i) ids.push_back(Send(server, key, Message()));
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const std::string& id : ids) {
          if (Fetch(server, key, id)["status"] != "sent") return false;
        }
        return true;
      },
      Millis(10'000)))
      << "every message recorded sent before the store goes";

  test_support::KillService("postgres");
  ASSERT_TRUE(sim.WaitForStat("receipts_sent", kMessages));
  ASSERT_TRUE(sim.WaitForStat("receipt_nacks", kMessages + 1)) << "each one refused, and one resend at least";
  EXPECT_EQ(sim.Stats()["receipts_acked"], 0) << "a receipt acknowledged while the store was down";

  test_support::RestartService("postgres");
  ASSERT_TRUE(sim.WaitForStat("receipts_acked", kMessages));
  for (const std::string& id : ids) EXPECT_EQ(AwaitFinal(server, key, id)["status"], "delivered") << id;
  EXPECT_EQ(sim.Stats()["receipts_abandoned"], 0);
}

}  // namespace
}  // namespace deliverer::integration
