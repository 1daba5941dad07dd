// redis://… URLs as [redis] url takes them (redis/client.h ParseUrl).
#include <gtest/gtest.h>

#include "redis/client.h"

namespace deliverer::redis {
namespace {

TEST(RedisUrl, HostPortPasswordAndDatabase) {
  auto e = ParseUrl("redis://:s%40cret@cache.internal:6380/2");
  ASSERT_TRUE(e.ok()) << e.error().detail;
  EXPECT_EQ(e->host, "cache.internal");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->password, "s@cret");
  EXPECT_EQ(e->database, 2);
}

TEST(RedisUrl, DefaultsAndAUserName) {
  auto plain = ParseUrl("redis://127.0.0.1");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->password, "");
  EXPECT_EQ(plain->database, 0);
  auto user = ParseUrl("redis://default:pw@h:1/");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->password, "pw");
  EXPECT_EQ(user->port, 1);
}

TEST(RedisUrl, OthersAreRefusedWithoutRepeatingTheUrl) {
  for (const char* url : {"rediss://:topsecret@h:6379", "http://:topsecret@h", "redis://:topsecret@h:0",
                          "redis://:topsecret@h:99999", "redis://:topsecret@:6379", "redis://:topsecret@h:6379/x"}) {
    SCOPED_TRACE(url);
    auto e = ParseUrl(url);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, "invalid_config");
    EXPECT_EQ(e.error().detail.find("topsecret"), std::string::npos) << e.error().detail;
  }
}

}  // namespace
}  // namespace deliverer::redis
