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
#include "support/fault_proxy.h"
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

// A partition between the delivering process and PostgreSQL: its calls give up after their
// deadline, and the server, which never hears of it, keeps the old sessions, the one
// holding the delivery lock included. Once the route is back the process ends its own
// lost session and holds the lock again, rather than stopping as if another process had
// taken it, and delivers.
TEST_F(PostgresServeTest, CutOffFromPostgresTheDeliveringProcessTakesItsLockBackAndDelivers) {
  test_support::FaultProxy proxy("127.0.0.1", static_cast<uint16_t>(test_support::ServicePort("postgres")));
  const std::string through = "postgresql://deliverer@127.0.0.1:" + std::to_string(proxy.port()) + "/deliverer";
  setenv("DELIVERER_TEST_POSTGRES_URL", through.c_str(), 1);
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  unsetenv("DELIVERER_TEST_POSTGRES_URL");
  const std::string key = server.CreateKey("acme", kSendRead);
  ASSERT_EQ(AwaitFinal(server, key, Send(server, key, Message()))["status"], "delivered");

  proxy.Set(test_support::FaultProxy::Mode::kBlackhole);
  // The lock's session is checked every second; a check gives up after 15 s, as may the
  // queue depth's refresh before it.
  ASSERT_TRUE(server.WaitForLog("cannot check the delivery lock", std::chrono::seconds(60)));
  proxy.Set(test_support::FaultProxy::Mode::kPass);

  ASSERT_TRUE(server.WaitForLog("still held by this process's lost database session: ended it",
                                std::chrono::seconds(30)));
  ASSERT_TRUE(server.WaitForLog("is held again", std::chrono::seconds(30)));
  EXPECT_TRUE(server.Running());
  // Acceptance and delivery go on, on new sessions.
  std::string id;
  ASSERT_TRUE(WaitFor(
      [&] {
        HttpResponse r = server.Post("/v1/messages", Message(), key);
        if (r.status != 202) return false;
        id = StringField(r.json, "message_id");
        return true;
      },
      Millis(30'000)));
  EXPECT_EQ(AwaitFinal(server, key, id)["status"], "delivered");
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
