#include "loadgen/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace deliverer::loadgen {
namespace {

using std::chrono::seconds;

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> Get() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

TEST(SettingsTest, DefaultsGiveATenSecondFlatOutRunOfSinglePosts) {
  FakeEnv env;
  auto s = MakeSettings(BenchOptions{}, env.Get());
  ASSERT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(s->target.host, "127.0.0.1");
  EXPECT_EQ(s->target.port, 8080);
  EXPECT_EQ(s->connections, 64U);
  EXPECT_EQ(s->plan.rate, 0);
  EXPECT_EQ(s->plan.duration, seconds(10));
  EXPECT_FALSE(s->plan.count);
  EXPECT_EQ(s->plan.per_request, 1U);
  EXPECT_FALSE(s->batch);
  EXPECT_TRUE(s->track);
  EXPECT_EQ(s->drain_timeout, seconds(30));
  EXPECT_EQ(s->webhook_listen.port, 0);
  EXPECT_EQ(s->webhook_secret, "");
}

TEST(SettingsTest, CountBatchAndRate) {
  BenchOptions o;
  o.count = 200;
  o.rate = 100;
  o.batch = 50;
  o.track = "none";
  FakeEnv env;
  auto s = MakeSettings(o, env.Get());
  ASSERT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(s->plan.count, 200U);
  EXPECT_FALSE(s->plan.duration);
  EXPECT_EQ(s->plan.per_request, 50U);
  EXPECT_TRUE(s->batch);
  EXPECT_FALSE(s->track);
}

TEST(SettingsTest, RejectsBadValuesNamingTheFlag) {
  auto field_of = [](BenchOptions o) {
    FakeEnv env;
    auto s = MakeSettings(o, env.Get());
    return s.ok() ? std::string("accepted") : s.error().field;
  };
  BenchOptions o;
  o.connections = 0;
  EXPECT_EQ(field_of(o), "connections");
  o = {};
  o.rate = -1;
  EXPECT_EQ(field_of(o), "rate");
  o = {};
  o.duration_s = 5;
  o.count = 5;
  EXPECT_EQ(field_of(o), "duration");
  o = {};
  o.duration_s = 0;
  EXPECT_EQ(field_of(o), "duration");
  o = {};
  o.count = 0;
  EXPECT_EQ(field_of(o), "count");
  o = {};
  o.batch = 1001;
  EXPECT_EQ(field_of(o), "batch");
  o = {};
  o.track = "sent";
  EXPECT_EQ(field_of(o), "track");
  o = {};
  o.mix = "sms:1";
  EXPECT_EQ(field_of(o), "mix");
  o = {};
  o.url = "https://gateway:443";
  EXPECT_EQ(field_of(o), "url");
  o = {};
  o.webhook_listen = "localhost";
  EXPECT_EQ(field_of(o), "webhook-listen");
  o = {};
  o.webhook_secret_env = "UNSET_VARIABLE";
  EXPECT_EQ(field_of(o), "webhook-secret-env");
  o = {};
  o.timeout_s = 0;
  EXPECT_EQ(field_of(o), "timeout");
}

TEST(SettingsTest, SpawnIgnoresTheUrl) {
  BenchOptions o;
  o.spawn = true;
  o.url = "not a url";
  FakeEnv env;
  EXPECT_TRUE(MakeSettings(o, env.Get()).ok());
}

TEST(SettingsTest, APostgresStoreComesFromTheEnvironmentAndNeedsSpawn) {
  FakeEnv env;
  env.vars["BENCH_PG"] = "postgresql://bench:secret@127.0.0.1:5432/bench";
  BenchOptions o;
  o.spawn = true;
  o.spawn_postgres_url_env = "BENCH_PG";
  auto s = MakeSettings(o, env.Get());
  ASSERT_TRUE(s.ok()) << s.error().detail;
  EXPECT_EQ(s->spawn_backends.postgres_url, "postgresql://bench:secret@127.0.0.1:5432/bench");

  o.spawn_postgres_url_env = "UNSET";
  auto unset = MakeSettings(o, env.Get());
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.error().field, "spawn-postgres-url-env");
  EXPECT_EQ(unset.error().detail.find("secret"), std::string::npos);
  o.spawn = false;
  o.spawn_postgres_url_env = "BENCH_PG";
  auto unspawned = MakeSettings(o, env.Get());
  ASSERT_FALSE(unspawned.ok());
  EXPECT_EQ(unspawned.error().field, "spawn-postgres-url-env");
}

TEST(SettingsTest, RabbitmqNeedsAPostgresStoreAndRedisDoesNot) {
  FakeEnv env;
  env.vars["BENCH_PG"] = "postgresql://bench@127.0.0.1:5432/bench";
  env.vars["BENCH_AMQP"] = "amqp://guest:guest@127.0.0.1:5672/";
  env.vars["BENCH_REDIS"] = "redis://127.0.0.1:6379";
  BenchOptions o;
  o.spawn = true;
  o.spawn_rabbitmq_url_env = "BENCH_AMQP";
  auto alone = MakeSettings(o, env.Get());
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().field, "spawn-rabbitmq-url-env");
  o.spawn_postgres_url_env = "BENCH_PG";
  o.spawn_redis_url_env = "BENCH_REDIS";
  auto all = MakeSettings(o, env.Get());
  ASSERT_TRUE(all.ok()) << all.error().detail;
  EXPECT_EQ(all->spawn_backends.rabbitmq_url, "amqp://guest:guest@127.0.0.1:5672/");
  EXPECT_EQ(all->spawn_backends.redis_url, "redis://127.0.0.1:6379");
  o.spawn_redis_url_env = "UNSET";
  EXPECT_EQ(MakeSettings(o, env.Get()).error().field, "spawn-redis-url-env");
}

TEST(SettingsTest, AnApiProcessNeedsAPostgresStore) {
  FakeEnv env;
  env.vars["BENCH_PG"] = "postgresql://bench@127.0.0.1:5432/bench";
  BenchOptions o;
  o.spawn = true;
  o.spawn_api = true;
  auto sqlite = MakeSettings(o, env.Get());
  ASSERT_FALSE(sqlite.ok());
  EXPECT_EQ(sqlite.error().field, "spawn-api");

  o.spawn_postgres_url_env = "BENCH_PG";
  auto postgres = MakeSettings(o, env.Get());
  ASSERT_TRUE(postgres.ok()) << postgres.error().detail;
  EXPECT_TRUE(postgres->spawn_api);
}

TEST(SettingsTest, SimLatencyTakesARangeOrOneValueAndNeedsSpawn) {
  FakeEnv env;
  BenchOptions o;
  o.spawn = true;
  o.sim_latency_ms = "200-1500";
  auto range = MakeSettings(o, env.Get());
  ASSERT_TRUE(range.ok()) << range.error().detail;
  ASSERT_TRUE(range->sim_latency);
  EXPECT_EQ(range->sim_latency->min_ms, 200U);
  EXPECT_EQ(range->sim_latency->max_ms, 1500U);
  o.sim_latency_ms = "300";
  auto fixed = MakeSettings(o, env.Get());
  ASSERT_TRUE(fixed.ok()) << fixed.error().detail;
  EXPECT_EQ(fixed->sim_latency->min_ms, 300U);
  EXPECT_EQ(fixed->sim_latency->max_ms, 300U);
  o.sim_latency_ms = "";
  EXPECT_FALSE(MakeSettings(o, env.Get())->sim_latency);

  for (const char* bad : {"1500-200", "-5", "200-", "2x", "200-1500-9"}) {
    o.sim_latency_ms = bad;
    auto s = MakeSettings(o, env.Get());
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().field, "sim-latency-ms") << bad;
  }
  o.spawn = false;
  o.sim_latency_ms = "200-1500";
  auto unspawned = MakeSettings(o, env.Get());
  ASSERT_FALSE(unspawned.ok());
  EXPECT_EQ(unspawned.error().field, "sim-latency-ms");
  o.sim_latency_ms = "";
  o.keep_spawned = true;
  auto kept = MakeSettings(o, env.Get());
  ASSERT_FALSE(kept.ok());
  EXPECT_EQ(kept.error().field, "keep");
}

TEST(SettingsTest, WebhookSecretComesFromTheEnvironment) {
  BenchOptions o;
  o.webhook_secret_env = "HOOK_SECRET";
  FakeEnv env{{{"HOOK_SECRET", "s3cret"}}};
  auto s = MakeSettings(o, env.Get());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->webhook_secret, "s3cret");
}

TEST(ApiKeyTest, EnvironmentByDefaultFlagWhenGiven) {
  BenchOptions o;
  FakeEnv env{{{"DELIVERER_API_KEY", "dk_live_abc_123"}, {"OTHER", "dk_other_1"}}};
  EXPECT_EQ(*ResolveApiKey(o, env.Get()), "dk_live_abc_123");
  o.api_key_env = "OTHER";
  EXPECT_EQ(*ResolveApiKey(o, env.Get()), "dk_other_1");
  o.api_key = "dk_argv_2";
  EXPECT_EQ(*ResolveApiKey(o, env.Get()), "dk_argv_2");
}

TEST(ApiKeyTest, MissingKeyIsAnError) {
  FakeEnv env;
  auto key = ResolveApiKey(BenchOptions{}, env.Get());
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().detail.find("DELIVERER_API_KEY"), std::string::npos);
}

TEST(TargetTest, ParsesHttpUrls) {
  auto t = ParseTarget("http://127.0.0.1:8080");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->ToUrl(), "http://127.0.0.1:8080");
  EXPECT_TRUE(ParseTarget("http://gateway.internal:80/").ok());
  auto v6 = ParseTarget("http://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToUrl(), "http://[::1]:9000");
  for (const char* bad : {"127.0.0.1:8080", "http://127.0.0.1", "http://127.0.0.1:0",
                          "http://h:70000", "http://h:80/v1", "ftp://h:21", "http://:80"}) {
    EXPECT_FALSE(ParseTarget(bad).ok()) << bad;
  }
}

TEST(TargetTest, HostPortAllowsPortZero) {
  auto t = ParseHostPort("0.0.0.0:0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port, 0);
  EXPECT_FALSE(ParseHostPort("nohost").ok());
  EXPECT_FALSE(ParseHostPort(":80").ok());
}

}  // namespace
}  // namespace deliverer::loadgen
