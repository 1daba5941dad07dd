// Producer webhooks: signature (api.md), URL parsing for the sender, payload shape.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "webhooks/http_post.h"
#include "webhooks/payload.h"
#include "auth/signature.h"

namespace deliverer::webhooks {
namespace {

TEST(SignatureTest, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(auth::HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SignatureTest, HeaderSignsTimestampDotBody) {
  EXPECT_EQ(auth::SignatureHeader("secret", 1700000000, "{}"),
            "t=1700000000,v1=" + auth::HmacSha256Hex("secret", "1700000000.{}"));
}

TEST(PayloadTest, HasTheFieldsOfApiMd) {
  store::WebhookJob job;
  job.event_id = "e1";
  job.message_id = "m1";
  job.status = model::Status::kFailed;
  job.previous_status = model::Status::kSent;
  job.at_ms = 1'764'000'000'000;
  job.segments = 2;
  job.carrier = "vodafone-uk";
  job.client_ref = "order-991";
  job.error = store::MessageError{"undeliverable", "the carrier could not deliver", "UNDELIV/001"};
  const auto body = nlohmann::json::parse(PayloadJson(job));
  EXPECT_EQ(body["event_id"], "e1");
  EXPECT_EQ(body["message_id"], "m1");
  EXPECT_EQ(body["status"], "failed");
  EXPECT_EQ(body["previous_status"], "sent");
  EXPECT_EQ(body["segments"], 2);
  EXPECT_EQ(body["carrier"], "vodafone-uk");
  EXPECT_EQ(body["client_ref"], "order-991");
  EXPECT_EQ(body["error"]["code"], "undeliverable");
  EXPECT_EQ(body["error"]["carrier_code"], "UNDELIV/001");
  EXPECT_EQ(body["at"], "2025-11-24T16:00:00.000Z");
}

TEST(PayloadTest, NoErrorIsNull) {
  store::WebhookJob job;
  job.status = model::Status::kSent;
  EXPECT_TRUE(nlohmann::json::parse(PayloadJson(job))["error"].is_null());
}

}  // namespace
}  // namespace deliverer::webhooks
