// The one URL parser of ingest and delivery (validation/url.h).
#include <gtest/gtest.h>

#include "validation/url.h"

namespace deliverer::validation {
namespace {

TEST(ParseUrlTest, SplitsSchemeHostPortAndTarget) {
  auto u = ParseUrl("https://hooks.example.com/sms/status?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/sms/status?x=1");
  EXPECT_EQ(u->credentials, "");
  auto v = ParseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->tls);
  EXPECT_EQ(v->port, "8080");
  EXPECT_EQ(v->target, "/");
  auto w = ParseUrl("http://[::1]:9000/h");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->host, "::1");
  EXPECT_EQ(w->port, "9000");
}

// Ingest once took these, and delivery then refused them for 24 h.
TEST(ParseUrlTest, SchemeAndHostInAnyCase) {
  auto u = ParseUrl("HTTPS://Producer.Example/Path");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "producer.example");
  EXPECT_EQ(u->target, "/Path") << "the path keeps its case";
  auto v = ParseUrl("Http://producer.example");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->tls);
}

TEST(ParseUrlTest, UserInfoBecomesCredentials) {
  auto u = ParseUrl("https://user:s%40cret@producer.example/dlr");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "producer.example");
  EXPECT_EQ(u->credentials, "user:s@cret");
  auto v = ParseUrl("https://user@producer.example/dlr");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->credentials, "user:");
}

TEST(ParseUrlTest, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* url : {"", "ftp://example.com/", "http:///path", "http:/example.com", "example.com/x",
                          "//example.com/x", "https://exa mple.com/", "https://example.com/\n",
                          "http://[::1/", "http://host:99999/", "https:\\\\x.example", "javascript:alert(1)"}) {
    EXPECT_FALSE(ParseUrl(url)) << url;
  }
}

}  // namespace
}  // namespace deliverer::validation
