#include "loadgen/spawn_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "sim/config.h"

namespace deliverer::loadgen {
namespace {

TEST(SpawnConfigTest, TheGatewayLoadsItWithTheSettingsABenchNeeds) {
  const std::string toml = SpawnConfigToml("/tmp/deliverer-bench-x/data", 34567, "0123abcd");
  auto config = config::LoadString(toml, "bench.toml");
  ASSERT_TRUE(config.ok()) << config.error().detail << "\n" << toml;
  EXPECT_EQ(config->server.listen_port, 0);
  EXPECT_TRUE(config->security.allow_private_callbacks);
  EXPECT_EQ(config->rate_limits.per_key_rps, 0);
  EXPECT_EQ(config->rate_limits.global_rps, 0);
  EXPECT_EQ(config->webhooks.signing_secret, "0123abcd");
  ASSERT_EQ(config->carriers.size(), 1U);
  EXPECT_EQ(config->carriers[0].port, 34567);
  ASSERT_EQ(config->routes.size(), 1U);
}

TEST(SpawnConfigTest, APostgresUrlMakesThePostgresStoreWithTheKeyRingInTheFolder) {
  auto config = config::LoadString(
      SpawnConfigToml("/tmp/deliverer-bench-x/data", 1, "s", {.postgres_url = "postgresql://bench@127.0.0.1:5432/bench"}),
      "bench.toml");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->storage.backend, "postgres");
  EXPECT_EQ(config->storage.url, "postgresql://bench@127.0.0.1:5432/bench");
  EXPECT_EQ(config->storage.path, "/tmp/deliverer-bench-x/data");
  auto sqlite = config::LoadString(SpawnConfigToml("/tmp/deliverer-bench-x/data", 1, "s"), "bench.toml");
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->storage.backend, "sqlite");
}

TEST(SpawnConfigTest, RabbitmqAndRedisGetNamesOfTheRunsOwnAndLimitsThatRefuseNothing) {
  auto config = config::LoadString(SpawnConfigToml("/tmp/deliverer-bench-x/data", 1, "s",
                                                   {.postgres_url = "postgresql://bench@127.0.0.1:5432/bench",
                                                    .rabbitmq_url = "amqp://guest:guest@127.0.0.1:5672/",
                                                    .redis_url = "redis://127.0.0.1:6379"}),
                                   "bench.toml");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->queue.backend, "rabbitmq");
  EXPECT_EQ(config->queue.url, "amqp://guest:guest@127.0.0.1:5672/");
  EXPECT_EQ(config->queue.queue_prefix, "deliverer-bench-x.dispatch.");
  EXPECT_EQ(config->redis.url, "redis://127.0.0.1:6379");
  EXPECT_EQ(config->redis.key_prefix, "deliverer-bench-x:");
  EXPECT_GE(config->rate_limits.per_key_rps, 1e6) << "checked in Redis, never refused";
}

TEST(SpawnConfigTest, PathsWithQuotesAreEscaped) {
  auto config = config::LoadString(SpawnConfigToml("/tmp/a \"b\\c", 1, "s"), "bench.toml");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->storage.path, "/tmp/a \"b\\c");
}

TEST(SimArgsTest, WithoutLatencyTheSimulatorKeepsItsDefaults) {
  const auto args = SimArgs(std::nullopt);
  EXPECT_EQ(args.front(), "sim");
  EXPECT_EQ(std::find(args.begin(), args.end(), "--config-json"), args.end());
}

TEST(SimArgsTest, LatencyRangeBecomesTheSimulatorsLatencyAndJitter) {
  const auto args = SimArgs(SimLatency{200, 1500});
  const auto flag = std::find(args.begin(), args.end(), "--config-json");
  ASSERT_NE(flag, args.end());
  ASSERT_NE(flag + 1, args.end());
  auto config = sim::MergeConfig(sim::SimConfig{}, nlohmann::json::parse(*(flag + 1)));
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->submit.latency_ms, 200U);
  EXPECT_EQ(config->submit.latency_jitter_ms, 1300U);
}

TEST(LoggedAddressTest, FindsTheAddressInTextAndJsonLogLines) {
  auto sim =
      FindLoggedAddress("2026-11-26 10:00:00.000 info sim smpp on 127.0.0.1:41234\n", "smpp on ");
  ASSERT_TRUE(sim);
  EXPECT_EQ(sim->host, "127.0.0.1");
  EXPECT_EQ(sim->port, 41234);
  auto serve = FindLoggedAddress(
      R"({"ts":"…","level":"info","component":"server","msg":"listening on http://127.0.0.1:39001"})",
      "listening on http://");
  ASSERT_TRUE(serve);
  EXPECT_EQ(serve->port, 39001);
}

TEST(LoggedAddressTest, NothingUntilTheLineIsComplete) {
  EXPECT_FALSE(FindLoggedAddress("starting\n", "smpp on "));
  EXPECT_FALSE(FindLoggedAddress("smpp on 127.0.0.1:", "smpp on "));
  EXPECT_FALSE(FindLoggedAddress("smpp on 127.0.0.1:0\n", "smpp on "));
  EXPECT_FALSE(FindLoggedAddress("smpp on 127.0.0.1:41", "smpp on "));  // half written
}

TEST(LastLineTest, IsTheKeyLine) {
  EXPECT_EQ(LastLine("created key for account bench\ndk_abc_def\n"), "dk_abc_def");
  EXPECT_EQ(LastLine("only\r\n"), "only");
  EXPECT_EQ(LastLine(""), "");
}

}  // namespace
}  // namespace deliverer::loadgen
