#include "loadgen/cli.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "loadgen/runner.h"
#include "loadgen/spawn.h"

namespace deliverer::loadgen {
namespace {

const char* GetEnv(const char* name) { return std::getenv(name); }

std::string OwnBinary() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : path.string();
}

std::string LatencyNote(const std::optional<SimLatency>& latency) {
  if (!latency) return "";
  return " answering each submit after " + std::to_string(latency->min_ms) + "-" +
         std::to_string(latency->max_ms) + " ms";
}

// Prints the report; the exit code follows from it.
int Finish(const Result<Report>& report, bool json) {
  if (!report.ok()) {
    std::cerr << "deliverer bench: " << report.error().detail << "\n";
    return kBenchExitFailure;
  }
  std::cout << (json ? FormatJson(*report) : FormatText(*report)) << std::flush;
  if (report->accepted == 0) {
    std::cerr << "deliverer bench: no message was accepted\n";
    return kBenchExitFailure;
  }
  return kBenchExitOk;
}

int RunSpawned(const Settings& settings) {
  Spawner spawner(OwnBinary(), settings.sim_latency, settings.spawn_backends, settings.spawn_api);
  auto gateway = spawner.Start();
  if (!gateway.ok()) {
    std::cerr << "deliverer bench: " << gateway.error().detail << "\n(logs kept in "
              << spawner.dir() << ")\n";
    spawner.Stop(/*keep_dir=*/true);
    return kBenchExitFailure;
  }
  std::cerr << "deliverer bench: spawned deliverer serve on " << gateway->delivering.ToUrl();
  if (settings.spawn_api) std::cerr << ", serve --role api on " << gateway->target.ToUrl() << " (sent to)";
  std::cerr << " and deliverer sim" << LatencyNote(settings.sim_latency) << " (" << spawner.dir() << ")\n";
  RunTarget target{gateway->target,    gateway->api_key, gateway->webhook_secret, true,
                   gateway->serve_pid, gateway->sim_pid};
  target.watch = gateway->delivering;
  target.api_pid = gateway->api_pid;
  Result<Report> report = RunLoad(settings, target);
  spawner.StopServe();
  if (report.ok()) report->store_bytes = spawner.StoreBytes();
  const int code = Finish(report, settings.json);
  if (code != kBenchExitOk)
    std::cerr << "---- serve.log (end) ----\n" << spawner.LogTail("serve.log") << "\n";
  const bool keep = code != kBenchExitOk || settings.keep_spawned;
  spawner.Stop(keep);
  if (keep) std::cerr << "(logs and store kept in " << spawner.dir() << ")\n";
  return code;
}

}  // namespace

void AddBenchOptions(CLI::App* bench, BenchOptions& o) {
  bench->add_option("--url", o.url, "The gateway to drive: http://HOST:PORT")->default_val(o.url);
  bench->add_option("--api-key-env", o.api_key_env, "Environment variable holding the API key")
      ->default_val(o.api_key_env);
  bench->add_option("--api-key", o.api_key,
                    "The API key itself (visible to other users: prefer --api-key-env)");
  bench->add_option("--connections", o.connections, "Keep-alive connections")
      ->default_val(o.connections);
  bench->add_option("--rate", o.rate, "Messages per second, open loop; 0: flat out (closed loop)")
      ->default_val(o.rate);
  auto* duration =
      bench->add_option("--duration", o.duration_s, "Seconds to send for (default 10)");
  auto* count = bench->add_option("--count", o.count, "Messages to send");
  duration->excludes(count);
  bench
      ->add_option("--mix", o.mix,
                   "Message kinds and weights: gsm7, ucs2 (emoji), multipart (3 segments)")
      ->default_val(o.mix);
  bench->add_option("--batch", o.batch, "Messages per POST /v1/messages/batch (0: single POSTs)")
      ->default_val(o.batch);
  bench
      ->add_option("--track", o.track,
                   "delivered: time deliveries through webhooks; none: ingest only")
      ->default_val(o.track);
  bench
      ->add_option("--drain-timeout", o.drain_timeout_s,
                   "Seconds to wait after sending for the deliveries still due")
      ->default_val(o.drain_timeout_s);
  bench->add_option("--timeout", o.timeout_s, "Seconds a request may take")
      ->default_val(o.timeout_s);
  bench
      ->add_option("--webhook-listen", o.webhook_listen,
                   "HOST:PORT of the webhook receiver (0: a free port)")
      ->default_val(o.webhook_listen);
  bench->add_option("--webhook-secret-env", o.webhook_secret_env,
                    "Environment variable holding the webhook signing secret, to check signatures");
  bench->add_flag("--json", o.json, "Print the report as one JSON object");
  bench->add_flag("--spawn", o.spawn,
                  "Start deliverer sim and deliverer serve for the run, stop them after");
  bench->add_flag("--keep", o.keep_spawned,
                  "With --spawn: keep the spawned folder (store, configuration, logs) after the run");
  bench->add_option("--sim-latency-ms", o.sim_latency_ms,
                    "With --spawn: the simulator answers each submit after MS, or uniformly "
                    "MIN-MAX, milliseconds");
  bench->add_option("--spawn-postgres-url-env", o.spawn_postgres_url_env,
                    "With --spawn: environment variable holding the URL of an empty PostgreSQL "
                    "database (or schema) for the spawned gateway's store, instead of SQLite");
  bench->add_option("--spawn-rabbitmq-url-env", o.spawn_rabbitmq_url_env,
                    "With --spawn-postgres-url-env: environment variable holding an amqp:// URL; the "
                    "spawned gateway dispatches through RabbitMQ");
  bench->add_option("--spawn-redis-url-env", o.spawn_redis_url_env,
                    "With --spawn: environment variable holding a redis:// URL for the spawned "
                    "processes' rate limits (set high: the bench measures the gateway)");
  bench->add_flag("--spawn-api", o.spawn_api,
                  "With --spawn-postgres-url-env: also start a serve --role api process and send to it; "
                  "the first process delivers");
}

int RunBench(const BenchOptions& options) {
  auto settings = MakeSettings(options, GetEnv);
  if (!settings.ok()) {
    std::cerr << "deliverer bench: " << settings.error().detail << "\n";
    return kBenchExitUsage;
  }
  if (settings->spawn) return RunSpawned(*settings);
  auto key = ResolveApiKey(options, GetEnv);
  if (!key.ok()) {
    std::cerr << "deliverer bench: " << key.error().detail << "\n";
    return kBenchExitUsage;
  }
  if (!options.api_key.empty()) {
    std::cerr << "deliverer bench: warning: --api-key shows the key to every user of this machine; "
                 "use --api-key-env\n";
  }
  RunTarget target{settings->target, *key, settings->webhook_secret, false, -1, -1};
  return Finish(RunLoad(*settings, target), settings->json);
}

}  // namespace deliverer::loadgen
