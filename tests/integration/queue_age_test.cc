// The age of the oldest message waiting for a carrier (docs/operations.md "Metrics":
// deliverer_queue_oldest_age_seconds, and the dashboard's "oldest waiting"): it grows while
// a message waits, is 0 once nothing waits, and a process that does not deliver has none.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kAge = "deliverer_queue_oldest_age_seconds";

// The sample of `name` without labels; nullopt when /metrics lists its family but no sample.
std::optional<double> Sample(const DelivererProcess& server, const std::string& name) {
  std::istringstream lines(server.Get("/metrics").body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

Json Dashboard(const DelivererProcess& server, const std::string& admin) {
  const HttpResponse r = server.Get("/v1/admin/dashboard", admin);
  EXPECT_TRUE(HasStatus(r, 200));
  return r.json;
}

// The simulator holds each submit_sm_resp for 4 s: the message is taken but not yet sent,
// so it still waits, and its age climbs past a second before the carrier accepts it.
TEST(QueueAgeTest, GrowsWhileAMessageWaitsForItsCarrierAndIsZeroOnceItIsSent) {
  SimProcess sim;
  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"latency_ms", 4000}}}}).status, 200);
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string admin = server.CreateKey("ops", "admin");
  const std::string producer = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(WaitFor([&] { return server.Get("/readyz").status == 200; }, Millis(15'000)));
  EXPECT_EQ(Sample(server, kAge), 0.0) << "nothing waits";
  EXPECT_EQ(Dashboard(server, admin)["queue_oldest_age_s"], 0.0);

  const std::string id = Send(server, producer, FromDeliverer("+447911123456", "waits for its carrier"));
  double metric = 0, shown = 0;
  EXPECT_TRUE(WaitFor(
      [&] {
        metric = Sample(server, kAge).value_or(-1);
        shown = Dashboard(server, admin)["queue_oldest_age_s"].get<double>();
        return metric >= 1.0 && shown >= 1.0;
      },
      Millis(10'000)))
      << "metric " << metric << ", dashboard " << shown;
  EXPECT_LT(metric, 60.0);

  EXPECT_TRUE(WaitFor([&] { return StringField(Fetch(server, producer, id), "status") != "queued"; }, Millis(30'000)));
  EXPECT_TRUE(WaitFor([&] { return Sample(server, kAge) == 0.0; }, Millis(10'000))) << Sample(server, kAge).value_or(-1);
  EXPECT_EQ(Dashboard(server, admin)["queue_oldest_age_s"], 0.0);
}

// --role api holds no queue: the family is declared, with no sample, and the dashboard
// says null (its page shows "–"); the workers report the age.
TEST(QueueAgeTest, AProcessThatDoesNotDeliverReportsNoAge) {
  DelivererProcess server("", "", {"--role", "api"});
  const std::string admin = server.CreateKey("ops", "admin");
  Send(server, server.CreateKey("acme", kSendRead), FromDeliverer("+447911123457", "accepted, never delivered here"));
  const std::string metrics = server.Get("/metrics").body;
  EXPECT_NE(metrics.find(std::string("# TYPE ") + kAge + " gauge"), std::string::npos) << metrics;
  EXPECT_EQ(Sample(server, kAge), std::nullopt);
  const Json dashboard = Dashboard(server, admin);
  ASSERT_TRUE(dashboard.contains("queue_oldest_age_s")) << dashboard;
  EXPECT_TRUE(dashboard["queue_oldest_age_s"].is_null()) << dashboard;
  EXPECT_EQ(dashboard["queue_depth"], 1);
}

}  // namespace
}  // namespace deliverer::integration
