// [rate_limits] shared through Redis by several processes (docs/deployment.md "Rate limits
// across processes"): three `--role api` processes on one database together admit what
// one bucket allows, and while Redis cannot be reached each limits on its share, never
// unlimited.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "support/fault_proxy.h"
#include "support/services.h"

namespace deliverer::integration {
namespace {

using test_support::FaultProxy;

constexpr int kApiProcesses = 3;
constexpr double kRps = 200;
constexpr double kBurst = 100;
constexpr auto kLoad = std::chrono::seconds(4);

std::string SharedLimitsToml(uint16_t redis_port) {
  std::random_device random;
  return std::string(kFastDelivery) + "\n[rate_limits]\nper_key_rps = " + std::to_string(static_cast<int>(kRps)) +
         "\nper_key_burst = " + std::to_string(static_cast<int>(kBurst)) +
         "\n\n[redis]\nurl = \"redis://127.0.0.1:" + std::to_string(redis_port) + "\"\nkey_prefix = \"it" +
         std::to_string(random()) + ":\"\n";
}

class SharedLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { setenv("DELIVERER_TEST_STORAGE", "postgres", 1); }

  void SetUp() override {
    deliverer_ = std::make_unique<DelivererProcess>(SharedLimitsToml(proxy_.port()));
    for (int i = 0; i < kApiProcesses; ++i) {
      api_.push_back(std::make_unique<DelivererProcess>(DelivererProcess::Beside{*deliverer_},
                                                        std::vector<std::string>{"--role", "api"}));
    }
    key_ = deliverer_->CreateKey("acme", kSendRead);
  }

  struct Load {
    int accepted = 0;
    double seconds = 0;
  };
  // One producer per API process, one request at a time, all with the same key, for kLoad.
  Load Offer() {
    std::atomic<int> accepted{0};
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + kLoad;
    {
      std::vector<std::jthread> producers;
      for (int p = 0; p < kApiProcesses; ++p) {
        producers.emplace_back([&, p] {
          auto client = api_[p]->NewClient();
          const std::string body = FromDeliverer(kTo, "within the limit").dump();
          while (std::chrono::steady_clock::now() < end) {
            HttpResponse r = ToResponse(client->Post("/v1/messages", Bearer(key_), body, "application/json"));
            if (r.status == 202) {
              ++accepted;
            } else if (r.status != 429) {
              ADD_FAILURE() << "process " << p << ": " << r;
              return;
            }
          }
        });
      }
    }
    return Load{accepted.load(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  }

  FaultProxy proxy_{"127.0.0.1", static_cast<uint16_t>(test_support::ServicePort("redis"))};
  std::unique_ptr<DelivererProcess> deliverer_;
  std::vector<std::unique_ptr<DelivererProcess>> api_;  // destroyed before deliverer_
  std::string key_;
};

TEST_F(SharedLimitsTest, ThreeApiProcessesAdmitOneKeysLimitTogetherWithRedisAndWithout) {
  for (const auto& process : api_) EXPECT_EQ(process->Get("/readyz").json["checks"]["rate_limits"], "ok");

  const Load shared = Offer();
  const double allowed = kRps * shared.seconds + kBurst;
  EXPECT_LE(shared.accepted, allowed * 1.02) << "over " << shared.seconds << " s";
  EXPECT_GE(shared.accepted, kRps * shared.seconds * 0.8) << "over " << shared.seconds << " s";

  // Redis gone (every connection reset, as a killed server's would be): each process falls
  // back to its share, a quarter (the delivering process counts too), never to unlimited.
  proxy_.Set(FaultProxy::Mode::kReset);
  for (const auto& process : api_) {
    EXPECT_TRUE(WaitFor([&] { return process->Get("/readyz").json["checks"]["rate_limits"] == "local_share"; },
                        Millis(10'000)));
  }
  const Load alone = Offer();
  EXPECT_LE(alone.accepted, (kRps * alone.seconds + kBurst) * 1.02) << "over " << alone.seconds << " s";
  EXPECT_GE(alone.accepted, kRps * 3 / 4 * alone.seconds * 0.8) << "over " << alone.seconds << " s";
  for (const auto& process : api_) {
    EXPECT_EQ(Metric(*process, "deliverer_rate_limits_local_share"), 1);
  }

  proxy_.Set(FaultProxy::Mode::kPass);
  for (const auto& process : api_) {
    EXPECT_TRUE(WaitFor([&] { return process->Get("/readyz").json["checks"]["rate_limits"] == "ok"; },
                        Millis(10'000)));
  }
}

}  // namespace
}  // namespace deliverer::integration
