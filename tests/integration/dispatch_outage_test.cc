// RabbitMQ taken away while producers send (docs/deployment.md "Dispatch through
// RabbitMQ", failure modes): every process goes on answering 202, since a message's
// durability is the database's; the hand-over keeps what the broker cannot take yet;
// once it is back every message is delivered, each once. Kills the test run's broker, so
// it runs alone (SERIAL).
//
// DELIVERER_CHAOS_SCALE=full (make test-chaos) runs it at full size: 1,000 messages/s
// with the broker away for 30 s; by default (make test) 100/s for 3 s.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"
#include "support/services.h"

namespace deliverer::integration {
namespace {

bool FullScale() {
  const char* scale = std::getenv("DELIVERER_CHAOS_SCALE");
  return scale != nullptr && std::string(scale) == "full";
}

class DispatchOutageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { setenv("DELIVERER_TEST_STORAGE", "postgres", 1); }
};

// Posts at `rate` for `duration` over `processes` in turn, from a few threads; the ids
// answered 202 (any other answer fails the test).
std::vector<std::string> PostFor(const std::vector<DelivererProcess*>& processes, const std::string& key, int rate,
                                 std::chrono::milliseconds duration, const std::string& label) {
  // Enough for the rate at a commit's latency on PostgreSQL (a few ms).
  const int kThreads = FullScale() ? 48 : 4;
  std::vector<std::vector<std::string>> ids(kThreads);
  const auto start = std::chrono::steady_clock::now();
  const int total = static_cast<int>(rate * duration.count() / 1000);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto client = processes[t % processes.size()]->NewClient();
        for (int i = t; i < total; i += kThreads) {
          std::this_thread::sleep_until(start + std::chrono::microseconds(int64_t{1'000'000} * i / rate));
          const std::string text = label + " " + std::to_string(i);
          HttpResponse r = ToResponse(client->Post("/v1/messages", Bearer(key),
                                                   FromDeliverer("+4479111231" + std::to_string(10 + i % 50), text).dump(),
                                                   "application/json"));
          if (r.status != 202) {
            ADD_FAILURE() << label << " " << i << ": " << r;
            continue;
          }
          ids[t].push_back(StringField(r.json, "message_id"));
        }
      });
    }
  }
  std::vector<std::string> all;
  for (auto& v : ids) all.insert(all.end(), v.begin(), v.end());
  return all;
}

TEST_F(DispatchOutageTest, WhileRabbitmqIsDownEveryPostIsAcceptedAndEverythingIsDeliveredOnceAfter) {
  const int rate = FullScale() ? 1000 : 100;
  const auto outage = std::chrono::milliseconds(FullScale() ? 30'000 : 3'000);
  SimProcess sim;
  DelivererProcess deliverer(kFastDelivery + RabbitmqQueueToml(), OneCarrier(sim.SmppPort()));
  DelivererProcess api(DelivererProcess::Beside{deliverer}, {"--role", "api"});
  const std::string key = deliverer.CreateKey("acme", kSendRead);
  std::vector<DelivererProcess*> both = {&api, &deliverer};

  std::vector<std::string> ids = PostFor(both, key, rate, std::chrono::milliseconds(1000), "before");
  test_support::KillService("rabbitmq");
  std::vector<std::string> during = PostFor(both, key, rate, outage, "during");
  ids.insert(ids.end(), during.begin(), during.end());
  test_support::RestartService("rabbitmq");
  const auto back = std::chrono::steady_clock::now();

  for (const std::string& id : ids) {
    Json final = AwaitFinal(deliverer, key, id, std::chrono::seconds(60));
    ASSERT_EQ(final["status"], "delivered") << id << " " << final;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - back, std::chrono::seconds(60))
      << "all delivered within 60 s of the broker's return";
  std::map<std::string, int> submits;
  for (const Json& line : sim.RecordLines()) ++submits[StringField(line, "text")];
  EXPECT_EQ(submits.size(), ids.size());
  for (const auto& [text, count] : submits) EXPECT_EQ(count, 1) << text << " reached the carrier more than once";
  EXPECT_EQ(Metric(deliverer, "deliverer_dispatch_connected", {"role=\"consumer\""}), 1);
}

}  // namespace
}  // namespace deliverer::integration
