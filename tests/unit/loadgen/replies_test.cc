#include "loadgen/replies.h"

#include <gtest/gtest.h>

namespace deliverer::loadgen {
namespace {

TEST(ReplyParserTest, ProblemCodeComesFromTheProblemBody) {
  ReplyParser parser;
  EXPECT_EQ(
      parser.ProblemCode(429, R"({"type":"about:blank","title":"Too many requests","status":429,)"
                              R"("code":"rate_limited"})"),
      "rate_limited");
  EXPECT_EQ(parser.ProblemCode(400, R"({"status":400,"code":"invalid_destination","field":"to"})"),
            "invalid_destination");
}

TEST(ReplyParserTest, ProblemCodeFallsBackToTheHttpStatus) {
  ReplyParser parser;
  EXPECT_EQ(parser.ProblemCode(502, "<html>Bad gateway</html>"), "http_502");
  EXPECT_EQ(parser.ProblemCode(500, ""), "http_500");
  EXPECT_EQ(parser.ProblemCode(400, R"({"code":17})"), "http_400");
  EXPECT_EQ(parser.ProblemCode(400, R"(["code"])"), "http_400");
}

TEST(ReplyParserTest, BatchResultsAreReadPerItem) {
  ReplyParser parser;
  std::vector<BatchItem> items = {{9, 9, "stale"}};
  ASSERT_TRUE(parser.BatchResults(
      R"({"results":[{"index":0,"status":202,"message_id":"m0","encoding":"gsm7","segments":1},)"
      R"({"index":1,"status":400,"error":{"status":400,"code":"invalid_destination"}},)"
      R"({"index":2,"status":422,"error":{"status":422}}]})",
      items));
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0].index, 0U);
  EXPECT_EQ(items[0].status, 202);
  EXPECT_EQ(items[0].code, "");
  EXPECT_EQ(items[1].code, "invalid_destination");
  EXPECT_EQ(items[2].code, "http_422");
}

TEST(ReplyParserTest, BatchResultsRefuseOtherBodies) {
  ReplyParser parser;
  std::vector<BatchItem> items;
  EXPECT_FALSE(parser.BatchResults("not json", items));
  EXPECT_FALSE(parser.BatchResults(R"({"results":{}})", items));
  EXPECT_FALSE(parser.BatchResults(R"({"results":[{"status":202}]})", items));
  EXPECT_FALSE(parser.BatchResults(R"({"results":[{"index":-1,"status":202}]})", items));
}

TEST(ReplyParserTest, WebhookPayloadAsTheGatewaySendsIt) {
  ReplyParser parser;
  auto event = parser.Webhook(
      R"({"event_id":"e1","message_id":"m1","status":"delivered","previous_status":"sent",)"
      R"("at":"2026-11-25T19:16:05.123Z","segments":1,"carrier":"sim","error":null,"client_ref":"lgab-5"})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->status, "delivered");
  EXPECT_EQ(event->client_ref, "lgab-5");
  EXPECT_EQ(event->at_ms, 1'795'634'165'123);
}

TEST(ReplyParserTest, WebhookWithoutClientRefOrUnreadable) {
  ReplyParser parser;
  auto event =
      parser.Webhook(R"({"status":"sent","at":"2026-11-25T19:16:05.123Z","client_ref":null})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->client_ref, "");
  EXPECT_FALSE(parser.Webhook(R"({"status":"sent"})"));
  EXPECT_FALSE(parser.Webhook(R"({"status":"sent","at":"yesterday"})"));
  EXPECT_FALSE(parser.Webhook(R"({"at":"2026-11-25T19:16:05.123Z"})"));
  EXPECT_FALSE(parser.Webhook("{"));
}

}  // namespace
}  // namespace deliverer::loadgen
