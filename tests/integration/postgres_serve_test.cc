// `serve` on PostgreSQL (docs/configuration.md "[storage]"): with the embedded queue one
// process per database delivers, and the CLI works beside it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "integration/harness.h"

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

}  // namespace
}  // namespace deliverer::integration
