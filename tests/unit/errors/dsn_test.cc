// [errors] sentry_dsn (errors/dsn.h): where events go, and the key that is sent only in
// the X-Sentry-Auth header.
#include "errors/dsn.h"

#include <gtest/gtest.h>

namespace deliverer::errors {
namespace {

TEST(DsnTest, ASaaSDsnGivesTheEnvelopeEndpoint) {
  auto dsn = ParseDsn("https://0123456789abcdef0123456789abcdef@o4504.ingest.sentry.io/4505123");
  ASSERT_TRUE(dsn.ok()) << dsn.error().detail;
  EXPECT_TRUE(dsn->envelope_url.tls);
  EXPECT_EQ(dsn->envelope_url.host, "o4504.ingest.sentry.io");
  EXPECT_EQ(dsn->envelope_url.port, "443");
  EXPECT_EQ(dsn->envelope_url.target, "/api/4505123/envelope/");
  EXPECT_EQ(dsn->public_key, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(dsn->project_id, "4505123");
}

TEST(DsnTest, APortAndAPathPrefixAreKept) {
  auto dsn = ParseDsn("http://publickey@127.0.0.1:9000/sentry/42");
  ASSERT_TRUE(dsn.ok()) << dsn.error().detail;
  EXPECT_FALSE(dsn->envelope_url.tls);
  EXPECT_EQ(dsn->envelope_url.port, "9000");
  EXPECT_EQ(dsn->envelope_url.target, "/sentry/api/42/envelope/");
}

// The key travels in X-Sentry-Auth only: the URL posted to carries no credentials, so no
// Basic authentication header repeats it.
TEST(DsnTest, TheKeyIsNotInTheUrlPostedTo) {
  auto dsn = ParseDsn("https://publickey:legacysecret@sentry.example.com/7");
  ASSERT_TRUE(dsn.ok()) << dsn.error().detail;
  EXPECT_EQ(dsn->public_key, "publickey");
  EXPECT_TRUE(dsn->envelope_url.credentials.empty());
  EXPECT_EQ(dsn->envelope_url.target, "/api/7/envelope/");
}

TEST(DsnTest, TheAuthHeaderNamesVersionKeyAndClient) {
  auto dsn = ParseDsn("http://publickey@127.0.0.1:9000/42");
  ASSERT_TRUE(dsn.ok());
  EXPECT_EQ(AuthHeader(*dsn, "1.2.3"),
            "Sentry sentry_version=7, sentry_key=publickey, sentry_client=deliverer/1.2.3");
}

TEST(DsnTest, MalformedDsnsAreRefusedWithoutQuotingThem) {
  const char* bad[] = {
      "",
      "publickey@127.0.0.1/42",              // no scheme
      "ftp://publickey@127.0.0.1/42",        // not http(s)
      "https://127.0.0.1/42",                // no key
      "https://:secretonly@127.0.0.1/42",    // no public key
      "https://pub%20key@127.0.0.1/42",      // a key with a space
      "https://publickey@127.0.0.1",         // no project
      "https://publickey@127.0.0.1/",        // no project
      "https://publickey@127.0.0.1/project", // project not numeric
      "https://publickey@127.0.0.1/42?x=1",  // a query
      "https://publickey@127.0.0.1/42#top",  // a fragment
      "https://publickey@/42",               // no host
  };
  for (const char* text : bad) {
    auto dsn = ParseDsn(text);
    ASSERT_FALSE(dsn.ok()) << text;
    EXPECT_EQ(dsn.error().code, "invalid_dsn");
    EXPECT_FALSE(dsn.error().detail.empty());
    EXPECT_EQ(dsn.error().detail.find("publickey"), std::string::npos) << dsn.error().detail;
    EXPECT_EQ(dsn.error().detail.find("127.0.0.1"), std::string::npos) << dsn.error().detail;
  }
}

}  // namespace
}  // namespace deliverer::errors
