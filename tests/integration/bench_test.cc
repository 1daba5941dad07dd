// `deliverer bench`, the load generator (docs/bench.md), run as a producer would: against
// a gateway it spawns itself, and against one already running. Only counts and the
// order of percentiles are checked, never a speed: this machine's speed is no contract.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

// The report a run printed on standard output; null (and a test failure) when it is not
// one JSON object.
Json Report(const CommandResult& run) {
  Json report = Json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) {
    ADD_FAILURE() << "no JSON report:\n" << run.Output();
    return nullptr;
  }
  return report;
}

// count ≥ 1 and p50 ≤ p90 ≤ p99 ≤ p99.9 ≤ max, all ≥ 0.
void ExpectOrderedPercentiles(const Json& latency, const std::string& name) {
  SCOPED_TRACE(name + ": " + latency.dump());
  ASSERT_TRUE(latency.is_object());
  for (const char* field : {"count", "p50", "p90", "p99", "p99_9", "max"}) {
    ASSERT_TRUE(latency.contains(field) && latency[field].is_number()) << field;
  }
  EXPECT_GE(latency["count"].get<int>(), 1);
  const double p50 = latency["p50"], p90 = latency["p90"], p99 = latency["p99"],
               p999 = latency["p99_9"], max = latency["max"];
  EXPECT_GE(p50, 0.0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
}

TEST(BenchTest, SpawnedRunAcceptsAndDeliversEveryMessage) {
  const CommandResult run = RunDeliverer(
      {"bench", "--spawn", "--count", "200", "--rate", "100", "--json"}, std::chrono::seconds(90));
  ASSERT_EQ(run.exit_code, 0) << run.Output();
  const Json report = Report(run);
  ASSERT_TRUE(report.is_object());

  EXPECT_EQ(report["target"]["spawned"], true);
  EXPECT_EQ(report["load"]["mode"], "open_loop");
  EXPECT_EQ(report["requests"]["sent"], 200);
  EXPECT_EQ(report["requests"]["http_statuses"]["202"], 200);
  EXPECT_EQ(report["messages"]["accepted"], 200);
  EXPECT_EQ(report["messages"]["rejected_total"], 0);
  EXPECT_EQ(report["delivery"]["delivered"], 200);
  EXPECT_EQ(report["delivery"]["sent"], 200);
  EXPECT_EQ(report["delivery"]["outstanding"], 0);
  EXPECT_EQ(report["delivery"]["drain_timed_out"], false);
  EXPECT_EQ(report["delivery"]["final_statuses"]["delivered"], 200);
  EXPECT_EQ(report["delivery"]["webhooks"]["signatures_checked"], true);
  EXPECT_EQ(report["delivery"]["webhooks"]["bad_signature"], 0);
  EXPECT_EQ(report["delivery"]["webhooks"]["foreign"], 0);

  ExpectOrderedPercentiles(report["latency_ms"]["accept"], "accept");
  ExpectOrderedPercentiles(report["latency_ms"]["accept_to_sent"], "accept_to_sent");
  ExpectOrderedPercentiles(report["latency_ms"]["accept_to_delivered"], "accept_to_delivered");
  EXPECT_EQ(report["latency_ms"]["accept"]["count"], 200);
  EXPECT_EQ(report["latency_ms"]["accept_to_delivered"]["count"], 200);

  // The gateway's own counters saw the same run.
  ASSERT_TRUE(report["gateway"].is_object()) << report.dump(2);
  EXPECT_EQ(report["gateway"]["accepted"], 200);
  EXPECT_EQ(report["gateway"]["delivered"], 200);
  EXPECT_TRUE(report["cpu"]["serve_cores"].is_number());
  // serve's CPU by thread name: the writer and the delivery thread worked in this run.
  EXPECT_TRUE(report["cpu"]["serve_threads"]["writer"].is_number()) << report["cpu"];
  EXPECT_TRUE(report["cpu"]["serve_threads"]["delivery"].is_number()) << report["cpu"];
}

TEST(BenchTest, DrivesARunningGatewayInBatches) {
  DelivererProcess server;  // its carrier listens nowhere: messages stay queued
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.Port());
  const CommandResult run =
      RunDeliverer({"bench", "--url", url, "--api-key", key, "--count", "50", "--batch", "10",
                    "--connections", "2", "--track", "none", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.Output();
  const Json report = Report(run);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["target"]["spawned"], false);
  EXPECT_EQ(report["load"]["batch"], 10);
  EXPECT_EQ(report["requests"]["sent"], 5);
  EXPECT_EQ(report["requests"]["http_statuses"]["207"], 5);
  EXPECT_EQ(report["messages"]["accepted"], 50);
  EXPECT_EQ(report["delivery"]["tracked"], false);
  ExpectOrderedPercentiles(report["latency_ms"]["accept"], "accept");
  EXPECT_NE(run.err.find("--api-key-env"), std::string::npos) << "no warning about a key in argv";
}

TEST(BenchTest, RefusedKeyIsCountedAndFailsTheRun) {
  DelivererProcess server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.Port());
  const CommandResult run =
      RunDeliverer({"bench", "--url", url, "--api-key", "dk_unknown_0000", "--count", "3",
                    "--connections", "1", "--track", "none", "--json"});
  EXPECT_EQ(run.exit_code, 1) << run.Output();
  const Json report = Report(run);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["messages"]["rejected"]["unauthenticated"], 3);
}

TEST(BenchTest, BadFlagsExitWithUsage) {
  EXPECT_EQ(RunDeliverer({"bench", "--count", "5", "--duration", "2"}).exit_code, 2);
  EXPECT_EQ(RunDeliverer({"bench", "--mix", "sms:10", "--spawn"}).exit_code, 2);
  const CommandResult no_key =
      RunDeliverer({"bench", "--api-key-env", "DELIVERER_BENCH_TEST_UNSET", "--count", "1"});
  EXPECT_EQ(no_key.exit_code, 2) << no_key.Output();
  EXPECT_NE(no_key.err.find("DELIVERER_BENCH_TEST_UNSET"), std::string::npos) << no_key.Output();
}

}  // namespace
}  // namespace deliverer::integration
