// What a dispatch message carries (rabbitmq/dispatch_message.h), and the broker's URL.
#include "rabbitmq/dispatch_message.h"

#include <gtest/gtest.h>

#include <set>

#include "rabbitmq/client.h"

namespace deliverer::rabbitmq {
namespace {

constexpr const char* kId = "0193a4c2-5f00-7000-8000-00000000abcd";

TEST(DispatchMessage, CarriesTheIdAndTheOrderingKeyNeverTheNumber) {
  std::array<unsigned char, 32> digest{};
  for (size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<unsigned char>(i * 17);
  const std::string key = OrderingKey(digest);
  EXPECT_EQ(key, "0011223344556677");
  const queue::Delivery d{kId, key, model::Priority::kHigh, 1'700'000'000'123, 3};
  const std::string body = EncodeDispatch(d);
  EXPECT_EQ(body, std::string("d1 ") + kId + " " + key + " 2 1700000000123");
  auto back = DecodeDispatch(body);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->message_id, kId);
  EXPECT_EQ(back->destination, key);
  EXPECT_EQ(back->priority, model::Priority::kHigh);
  EXPECT_EQ(back->queued_at_ms, 1'700'000'000'123);
  EXPECT_EQ(back->attempt, 0) << "attempts are the store's, not the broker's";
}

TEST(DispatchMessage, AnythingElseIsRefused) {
  const std::string key = "0011223344556677";
  const std::string good = std::string("d1 ") + kId + " " + key + " 1 5";
  ASSERT_TRUE(DecodeDispatch(good).has_value());
  for (const std::string& bad : {
           std::string(""), std::string("d1"), good + " ", " " + good, good + " 9",
           std::string("d2 ") + kId + " " + key + " 1 5",               // another version
           std::string("d1 not-a-uuid ") + key + " 1 5",               // the id
           std::string("d1 ") + kId + " +447911123456 1 5",             // a number, not a key
           std::string("d1 ") + kId + " 0011223344556677aa 1 5",        // the key's length
           std::string("d1 ") + kId + " 00112233445566GG 1 5",          // hex
           std::string("d1 ") + kId + " " + key + " 3 5",               // the priority
           std::string("d1 ") + kId + " " + key + " 1 -5",              // the time
           std::string("d1 ") + kId + " " + key + " 1 5x",
           std::string("d1  ") + kId + " " + key + " 1 5",              // an empty field
           std::string("d1 ") + kId + " " + key + " 01 5",              // not the one form
           std::string("d1 ") + kId + " " + key + " 1 05",
           std::string("d1 0193A4C2-5F00-7000-8000-00000000ABCD ") + key + " 1 5",
       }) {
    EXPECT_FALSE(DecodeDispatch(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(DispatchMessage, PartitionsSpreadKeysAndKeepEachInOne) {
  std::set<int> used;
  for (int i = 0; i < 200; ++i) {
    std::array<unsigned char, 32> digest{};
    digest[0] = static_cast<unsigned char>(i);
    digest[7] = static_cast<unsigned char>(i * 31);
    const std::string key = OrderingKey(digest);
    const int p = PartitionOf(key, 16);
    EXPECT_EQ(p, PartitionOf(key, 16));
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 16);
    used.insert(p);
  }
  EXPECT_GT(used.size(), 8u);
  EXPECT_EQ(PartitionOf("not a key", 16), 0);
  EXPECT_EQ(PartitionQueue("deliverer.dispatch.", 7), "deliverer.dispatch.7");
}

TEST(RabbitmqUrl, ReadsEveryPartAndNeverRepeatsTheUrl) {
  auto e = ParseUrl("amqp://user:s%40cret@broker.example:5673/prod");
  ASSERT_TRUE(e.ok()) << e.error().detail;
  EXPECT_EQ(e->host, "broker.example");
  EXPECT_EQ(e->port, 5673);
  EXPECT_EQ(e->user, "user");
  EXPECT_EQ(e->password, "s@cret");
  EXPECT_EQ(e->vhost, "prod");
  auto defaults = ParseUrl("amqp://127.0.0.1");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->port, 5672);
  EXPECT_EQ(defaults->vhost, "/");
  EXPECT_EQ(ParseUrl("amqp://127.0.0.1/")->vhost, "/") << "a bare slash is the default virtual host";
  for (const char* bad : {"amqps://u:topsecret@h", "http://u:topsecret@h", "amqp://u:topsecret@h:99999999"}) {
    auto parsed = ParseUrl(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().detail.find("topsecret"), std::string::npos) << parsed.error().detail;
  }
}

}  // namespace
}  // namespace deliverer::rabbitmq
