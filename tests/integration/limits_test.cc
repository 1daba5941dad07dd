// Request limits a producer runs into (docs/api.md 413, 429, 503; docs/reliability.md S3,
// S7): each is answered with problem+json (never a reset connection), and stores nothing.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

// Retry-After in delta-seconds form (RFC 9110), at least 1.
::testing::AssertionResult HasRetryAfter(const HttpResponse& r) {
  std::string value = r.Header("Retry-After");
  bool digits = !value.empty() && value.size() < 10 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    return ::testing::AssertionFailure() << "Retry-After is not a number of seconds: " << r;
  }
  if (std::stol(value) < 1) return ::testing::AssertionFailure() << "Retry-After < 1: " << r;
  return ::testing::AssertionSuccess();
}

size_t StoredCount(const DelivererProcess& server, const std::string& key) {
  HttpResponse list = server.Get("/v1/messages", key);
  EXPECT_TRUE(HasStatus(list, 200));
  return list.json.is_object() ? list.json.value("data", Json::array()).size() : 0;
}

TEST(PayloadLimitTest, SingleMessageOver64KiBIs413) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  std::string body = Message(kTo, Repeat("a", 70 * kKiB)).dump();
  ASSERT_GT(body.size(), 64 * kKiB);

  HttpResponse r = server.PostRaw("/v1/messages", body, key);

  EXPECT_TRUE(IsProblem(r, 413, "payload_too_large"));
  EXPECT_EQ(StoredCount(server, key), 0u);
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202))
      << "the server still accepts messages after a 413";
}

TEST(PayloadLimitTest, BatchOver8MiBIs413) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  Json batch = {{"messages", Json::array({Message(kTo, Repeat("a", 9 * kMiB))})}};
  std::string body = batch.dump();
  ASSERT_GT(body.size(), 8 * kMiB);

  HttpResponse r = server.PostRaw("/v1/messages/batch", body, key);

  EXPECT_TRUE(IsProblem(r, 413, "payload_too_large"));
  EXPECT_EQ(StoredCount(server, key), 0u);
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202));
}

TEST(PayloadLimitTest, BatchOver64KiBIsWithinTheBatchLimit) {
  DelivererProcess server;
  std::string key = server.CreateKey("acme", kSendRead);
  Json messages = Json::array();
  for (int i = 0; i < 100; ++i) messages.push_back(Message(kTo, Repeat("a", 1000)));
  Json batch = {{"messages", messages}};
  ASSERT_GT(batch.dump().size(), 64 * kKiB);

  HttpResponse r = server.Post("/v1/messages/batch", batch, key);

  ASSERT_TRUE(HasStatus(r, 207));
  EXPECT_EQ(r.json["results"].size(), 100u);
}

TEST(RateLimitTest, PerKeyBurstExhaustedIs429WithRetryAfter) {
  // One token per 1000 s: the three sends find the bucket as the burst left it, however
  // long a busy machine takes between them.
  DelivererProcess server("[rate_limits]\nper_key_rps = 0.001\nper_key_burst = 2\n");
  std::string key = server.CreateKey("acme", kSendRead);
  std::string other_key = server.CreateKey("acme", kSendRead);

  HttpResponse first = server.Post("/v1/messages", Message(), key);
  HttpResponse second = server.Post("/v1/messages", Message(), key);
  HttpResponse third = server.Post("/v1/messages", Message(), key);

  EXPECT_TRUE(HasStatus(first, 202));
  EXPECT_TRUE(HasStatus(second, 202));
  EXPECT_TRUE(IsProblem(third, 429, "rate_limited"));
  EXPECT_TRUE(HasRetryAfter(third));
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(), other_key), 202))
      << "the limit is per key";
}

TEST(RateLimitTest, RateLimitedKeyRecoversAfterRetryAfter) {
  DelivererProcess server("[rate_limits]\nper_key_rps = 1\nper_key_burst = 1\n");
  std::string key = server.CreateKey("acme", kSendRead);
  // Sends until the bucket is empty: a token that refilled between two sends on a busy
  // machine is simply used up by the next one.
  HttpResponse limited;
  for (int i = 0; i < 20 && limited.status != 429; ++i) {
    limited = server.Post("/v1/messages", Message(), key);
    ASSERT_TRUE(limited.status == 202 || limited.status == 429) << limited;
  }
  ASSERT_TRUE(IsProblem(limited, 429, "rate_limited"));
  ASSERT_TRUE(HasRetryAfter(limited));
  auto retry_after = std::chrono::seconds(std::stol(limited.Header("Retry-After")));

  // The token refills after Retry-After; a producer honouring it gets through. Later is
  // never worse for a token bucket, so the deadline is generous.
  HttpResponse later;
  bool accepted = WaitFor(
      [&] {
        later = server.Post("/v1/messages", Message(), key);
        return later.status == 202;
      },
      retry_after * 10, retry_after);
  EXPECT_TRUE(accepted) << later;
}

TEST(BackPressureTest, QueueOverHighWaterIs503WithRetryAfter) {
  DelivererProcess server("[delivery]\nqueue_high_water = 3\n");
  std::string key = server.CreateKey("acme", kSendRead);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(HasStatus(server.Post("/v1/messages", Message(), key), 202)) << "message " << i;
  }

  HttpResponse fourth = server.Post("/v1/messages", Message(), key);

  EXPECT_TRUE(IsProblem(fourth, 503, "overloaded"));
  EXPECT_TRUE(HasRetryAfter(fourth));
  EXPECT_EQ(StoredCount(server, key), 3u);
}

}  // namespace
}  // namespace deliverer::integration
