// Producer webhooks: signature (docs/api.md), payload shape, and the sender's connections
// kept per receiver (against a loopback server).
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include <boost/asio/ssl/context.hpp>

#include <vector>

#include "support/loopback_http_server.h"

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

// The published test vector of docs/api.md "Verifying webhook signatures" (S4).
constexpr const char* kVectorBody = R"({"event_id":"0193b2c4-7d2e-7cc1-9c4e-2f1a3b4c5d6e","status":"delivered"})";
constexpr const char* kVectorHeader =
    "t=1764000000,v1=6b6368555977c3c8d6d62b122eae64adf4643568ae6bdf5182dfdb406d71033c"
    ",v1=2995765af2e3920dd06517107743da97d8c9efcce4be76261a740d99c1bb1354";

TEST(SignatureTest, S4_PublishedVectorDuringARotation) {
  EXPECT_EQ(auth::SignatureHeader("whsec_current", 1764000000, kVectorBody, "whsec_previous"), kVectorHeader);
  EXPECT_TRUE(auth::VerifySignatureHeader(kVectorHeader, "whsec_current", kVectorBody, 1764000000, 300));
  EXPECT_TRUE(auth::VerifySignatureHeader(kVectorHeader, "whsec_previous", kVectorBody, 1764000000, 300))
      << "receivers still on the old secret keep verifying during the rotation";
  EXPECT_FALSE(auth::VerifySignatureHeader(kVectorHeader, "whsec_other", kVectorBody, 1764000000, 300));
}

TEST(SignatureTest, S4_TamperedStaleOrMalformedHeadersFail) {
  const std::string header = auth::SignatureHeader("s", 1764000000, kVectorBody);
  EXPECT_TRUE(auth::VerifySignatureHeader(header, "s", kVectorBody, 1764000300, 300));
  EXPECT_FALSE(auth::VerifySignatureHeader(header, "s", kVectorBody, 1764000301, 300)) << "older than 300 s";
  EXPECT_FALSE(auth::VerifySignatureHeader(header, "s", std::string(kVectorBody) + " ", 1764000000, 300));
  EXPECT_FALSE(auth::VerifySignatureHeader("t=1764000000", "s", kVectorBody, 1764000000, 300));
  EXPECT_FALSE(auth::VerifySignatureHeader("t=1764000000,v2=00", "s", kVectorBody, 1764000000, 300));
  EXPECT_FALSE(auth::VerifySignatureHeader("t=abc,v1=00", "s", kVectorBody, 1764000000, 300));
}

// The fields of docs/api.md "Webhooks to producers".
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

TEST(PayloadTest, AnInboundEventHasExactlyTheFieldsOfApiMd) {
  store::WebhookJob job;
  job.event_id = "e1";
  job.message_id = "in-1";
  job.at_ms = 1'700'000'000'000;
  job.carrier = "sim-a";
  job.inbound = store::InboundEvent{"+447911123456", "+447700900123", "Hello"};
  const auto body = nlohmann::json::parse(PayloadJson(job));
  EXPECT_EQ(body, (nlohmann::json{{"event_id", "e1"},
                                  {"type", "inbound"},
                                  {"id", "in-1"},
                                  {"from", "+447911123456"},
                                  {"to", "+447700900123"},
                                  {"text", "Hello"},
                                  {"received_at", "2023-11-14T22:13:20.000Z"},
                                  {"carrier", "sim-a"}}));
}

// docs/configuration.md "[webhooks]": what operators get when a canary halts or resumes.
TEST(PayloadTest, ACanaryHaltCarriesTheReasonAndBothArmsFigures) {
  routing::CanaryEvent event;
  event.flag = "new-uk-route";
  event.route = "GB";
  event.reason = "submit_errors";
  event.detail = "submit errors 100.0% of 40 on the canary, 0.0% of 38 on the control (margin 5.0%)";
  event.canary = routing::ArmFigures{40, 40, 0, 0, 0, 0, 0};
  event.control = routing::ArmFigures{38, 0, 30, 29, 30, 60, 130};
  event.at_ms = 1'765'105'991'012;

  const auto body = nlohmann::json::parse(CanaryEventJson(event, "evt-1"));

  EXPECT_EQ(body["event_id"], "evt-1");
  EXPECT_EQ(body["type"], "canary.halted");
  EXPECT_EQ(body["flag"], "new-uk-route");
  EXPECT_EQ(body["route"], "GB");
  EXPECT_EQ(body["reason"], "submit_errors");
  EXPECT_EQ(body["detail"], event.detail);
  EXPECT_EQ(body["at"], "2025-12-07T11:13:11.012Z");
  EXPECT_EQ(body["canary"]["submits"], 40);
  EXPECT_EQ(body["canary"]["submit_error_ratio"], 1.0);
  EXPECT_EQ(body["canary"]["delivery_ratio"], 1.0) << "none ended: nothing undelivered";
  EXPECT_EQ(body["control"]["submit_errors"], 0);
  EXPECT_EQ(body["control"]["ended"], 30);
  EXPECT_EQ(body["control"]["delivered"], 29);
  EXPECT_EQ(body["control"]["receipts_timed"], 30);
  EXPECT_DOUBLE_EQ(body["control"]["mean_receipt_latency_s"].get<double>(), 2.0);
  EXPECT_EQ(body.size(), 9u);

  event.halted = false;
  const auto resumed = nlohmann::json::parse(CanaryEventJson(event, "evt-2"));
  EXPECT_EQ(resumed["type"], "canary.resumed");
  EXPECT_EQ(resumed.size(), 5u) << resumed.dump() << ": event_id, type, flag, route, at";
}

TEST(PayloadTest, NoErrorIsNull) {
  store::WebhookJob job;
  job.status = model::Status::kSent;
  EXPECT_TRUE(nlohmann::json::parse(PayloadJson(job))["error"].is_null());
}

// Posts `count` webhooks one after another through one Poster, calling `between` before
// each after the first; their HTTP statuses.
std::vector<int> PostInTurn(boost::asio::io_context& io, uint16_t port, int count,
                            std::function<void(Poster&)> between = {}) {
  boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
  Poster poster(tls, /*allow_private=*/true, std::chrono::seconds(2));
  std::vector<int> statuses;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        for (int i = 0; i < count; ++i) {
          if (i > 0 && between) between(poster);
          PostRequest request{"http://127.0.0.1:" + std::to_string(port) + "/hook", "{}", "t=1,v1=00",
                              "event-" + std::to_string(i)};
          statuses.push_back((co_await poster.Post(request)).status);
        }
        io.stop();
      },
      boost::asio::detached);
  io.run();
  return statuses;
}

TEST(PosterTest, KeepsOneConnectionPerReceiver) {
  boost::asio::io_context io;
  test_http::LoopbackServer receiver(io, [](int, const std::string&) { return test_http::Ok(""); });
  EXPECT_EQ(PostInTurn(io, receiver.port(), 3), (std::vector<int>{200, 200, 200}));
  EXPECT_EQ(receiver.connections, 1);
}

// A receiver that closes a kept connection (its idle timeout ran out) costs the event
// nothing: the POST goes again at once on a new connection.
TEST(PosterTest, AKeptConnectionTheReceiverClosedIsReplacedAtOnce) {
  boost::asio::io_context io;
  test_http::LoopbackServer receiver(io, [](int, const std::string&) { return test_http::Ok(""); });
  receiver.hang_up_after_reply = true;
  EXPECT_EQ(PostInTurn(io, receiver.port(), 2), (std::vector<int>{200, 200}));
  EXPECT_EQ(receiver.connections, 2);
}

// Kept connections idle past kIdleClose are closed by the dispatcher's sweep, so a
// receiver is not left holding a socket for good; fresh ones stay.
TEST(PosterTest, TheSweepClosesOnlyConnectionsIdleTooLong) {
  boost::asio::io_context io;
  test_http::LoopbackServer receiver(io, [](int, const std::string&) { return test_http::Ok(""); });
  const auto later = [](Poster& poster) {
    poster.CloseIdle(std::chrono::steady_clock::now() + Poster::kIdleClose + std::chrono::seconds(1));
  };
  EXPECT_EQ(PostInTurn(io, receiver.port(), 2, later), (std::vector<int>{200, 200}));
  EXPECT_EQ(receiver.connections, 2);

  boost::asio::io_context io2;
  test_http::LoopbackServer fresh(io2, [](int, const std::string&) { return test_http::Ok(""); });
  const auto now = [](Poster& poster) { poster.CloseIdle(std::chrono::steady_clock::now()); };
  EXPECT_EQ(PostInTurn(io2, fresh.port(), 2, now), (std::vector<int>{200, 200}));
  EXPECT_EQ(fresh.connections, 1);
}

}  // namespace
}  // namespace deliverer::webhooks
