// Dispatch through RabbitMQ (docs/deployment.md "Dispatch through RabbitMQ"): two
// `serve --role api` processes and the delivering one on one PostgreSQL database, each
// publishing what it accepts; the delivering process consumes and submits every message
// once, each destination's in acceptance order.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"
#include "support/services.h"

namespace deliverer::integration {
namespace {

class DispatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { setenv("DELIVERER_TEST_STORAGE", "postgres", 1); }

  void SetUp() override {
    deliverer_ = std::make_unique<DelivererProcess>(kFastDelivery + RabbitmqQueueToml(), OneCarrier(sim_.SmppPort()));
    for (int i = 0; i < 2; ++i) {
      api_.push_back(std::make_unique<DelivererProcess>(DelivererProcess::Beside{*deliverer_},
                                                        std::vector<std::string>{"--role", "api"}));
    }
    key_ = deliverer_->CreateKey("acme", kSendRead);
  }

  SimProcess sim_;
  std::unique_ptr<DelivererProcess> deliverer_;
  std::vector<std::unique_ptr<DelivererProcess>> api_;
  std::string key_;
};

TEST_F(DispatchTest, EveryProcessPublishesAndEachDestinationIsSubmittedInOrder) {
  constexpr int kDestinations = 10;
  constexpr int kEach = 6;
  std::map<std::string, std::vector<std::string>> accepted;  // destination (no '+') → texts
  std::vector<std::string> ids;
  for (int i = 0; i < kEach; ++i) {
    for (int d = 0; d < kDestinations; ++d) {
      const std::string to = "+4479111230" + std::to_string(10 + d);
      const std::string text = "dispatch " + std::to_string(d) + "/" + std::to_string(i);
      // Round the three processes: one destination's messages come through all of them.
      DelivererProcess& process = (i + d) % 3 == 2 ? *deliverer_ : *api_[(i + d) % 3];
      ids.push_back(Send(process, key_, FromDeliverer(to, text)));
      accepted[to.substr(1)].push_back(text);
    }
  }
  for (const std::string& id : ids) EXPECT_EQ(AwaitFinal(*deliverer_, key_, id)["status"], "delivered") << id;

  std::map<std::string, std::vector<std::string>> submitted;
  for (const Json& line : sim_.RecordLines()) {
    submitted[StringField(line, "destination")].push_back(StringField(line, "text"));
  }
  EXPECT_EQ(submitted, accepted) << "each message once, each destination in acceptance order";
  const double published = Metric(*deliverer_, "deliverer_dispatch_published_total") +
                           Metric(*api_[0], "deliverer_dispatch_published_total") +
                           Metric(*api_[1], "deliverer_dispatch_published_total");
  EXPECT_EQ(published, kDestinations * kEach);
  EXPECT_EQ(Metric(*deliverer_, "deliverer_dispatch_consumed_total"), kDestinations * kEach);
  EXPECT_EQ(Metric(*deliverer_, "deliverer_dispatch_connected", {"role=\"consumer\""}), 1);
}

}  // namespace
}  // namespace deliverer::integration
