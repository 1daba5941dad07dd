#include "loadgen/tracker.h"

#include <gtest/gtest.h>

namespace deliverer::loadgen {
namespace {

constexpr int64_t kT0us = 1'764'000'000'000'000;  // Unix µs of the first answer
constexpr int64_t kT0ms = kT0us / 1000;

Answer Single(uint64_t seq, int status, std::string_view body = "", uint64_t latency_us = 1500,
              int64_t received_us = kT0us) {
  return Answer{seq, 1, false, status, body, latency_us, received_us};
}

class TrackerTest : public ::testing::Test {
 protected:
  // Sends `n` single messages and has them all accepted at kT0us + seq ms.
  void AcceptSingles(uint64_t n) {
    for (uint64_t seq = 0; seq < n; ++seq) {
      tracker_.OnRequestSent(seq, 1);
      tracker_.OnAnswer(Single(seq, 202, R"({"message_id":"m"})", 1000 * (seq + 1),
                               kT0us + static_cast<int64_t>(seq) * 1000),
                        parser_);
    }
  }
  Report Filled() const {
    Report r;
    tracker_.Fill(r);
    return r;
  }

  Tracker tracker_;
  ReplyParser parser_;
};

TEST_F(TrackerTest, CountsAcceptedAndRejectedByCode) {
  tracker_.OnRequestSent(0, 1);
  tracker_.OnRequestSent(1, 1);
  tracker_.OnRequestSent(2, 1);
  tracker_.OnRequestSent(3, 1);
  tracker_.OnAnswer(Single(0, 202), parser_);
  tracker_.OnAnswer(Single(1, 429, R"({"status":429,"code":"rate_limited"})"), parser_);
  tracker_.OnAnswer(Single(2, 503, R"({"status":503,"code":"overloaded"})"), parser_);
  tracker_.OnTransportError(/*timeout=*/true);
  const Report r = Filled();
  EXPECT_EQ(r.requests_sent, 4U);
  EXPECT_EQ(r.requests_answered, 3U);
  EXPECT_EQ(r.timeouts, 1U);
  EXPECT_EQ(r.messages_sent, 4U);
  EXPECT_EQ(r.accepted, 1U);
  EXPECT_EQ(r.rejected, (std::map<std::string, uint64_t>{{"overloaded", 1}, {"rate_limited", 1}}));
  EXPECT_EQ(r.http_statuses, (std::map<int, uint64_t>{{202, 1}, {429, 1}, {503, 1}}));
  EXPECT_EQ(r.accept.count, 1U);  // only 2xx answers are timed
  EXPECT_DOUBLE_EQ(r.accept.p50_ms, 1.5);
}

TEST_F(TrackerTest, BatchAnswersCountPerItem) {
  tracker_.OnRequestSent(0, 3);
  const Answer batch{0,
                     3,
                     true,
                     207,
                     R"({"results":[{"index":0,"status":202,"message_id":"a"},)"
                     R"({"index":1,"status":400,"error":{"code":"invalid_destination"}},)"
                     R"({"index":2,"status":202,"message_id":"c"}]})",
                     2000,
                     kT0us};
  tracker_.OnAnswer(batch, parser_);
  const Report r = Filled();
  EXPECT_EQ(r.accepted, 2U);
  EXPECT_EQ(r.rejected.at("invalid_destination"), 1U);
  EXPECT_EQ(r.accept.count, 1U);  // one request
  EXPECT_EQ(tracker_.outstanding(), 2U);
}

TEST_F(TrackerTest, BatchAnswerMissingItemsIsCounted) {
  tracker_.OnRequestSent(0, 3);
  tracker_.OnAnswer(Answer{0, 3, true, 207, R"({"results":[{"index":0,"status":202}]})", 1, kT0us},
                    parser_);
  const Report r = Filled();
  EXPECT_EQ(r.accepted, 1U);
  EXPECT_EQ(r.rejected.at("missing_batch_result"), 2U);
}

TEST_F(TrackerTest, WholeBatchRefused) {
  tracker_.OnRequestSent(0, 10);
  tracker_.OnAnswer(Answer{0, 10, true, 401, R"({"code":"unauthenticated"})", 1, kT0us}, parser_);
  EXPECT_EQ(Filled().rejected.at("unauthenticated"), 10U);
}

TEST_F(TrackerTest, DeliveryLatenciesRunFromTheAnswerToTheEventsAt) {
  AcceptSingles(3);  // accepted at T0, T0 + 1 ms, T0 + 2 ms
  for (uint64_t seq = 0; seq < 3; ++seq) {
    const int64_t accepted_ms = kT0ms + static_cast<int64_t>(seq);
    EXPECT_EQ(tracker_.OnWebhook(seq, "sent", accepted_ms + 5, 0), WebhookOutcome::kRecorded);
    EXPECT_EQ(tracker_.OnWebhook(seq, "delivered", accepted_ms + 20, (accepted_ms + 220) * 1000),
              WebhookOutcome::kRecorded);
  }
  EXPECT_EQ(tracker_.outstanding(), 0U);
  const Report r = Filled();
  EXPECT_EQ(r.sent_events, 3U);
  EXPECT_EQ(r.delivered, 3U);
  EXPECT_DOUBLE_EQ(r.accept_to_sent.p50_ms, 5.0);
  EXPECT_DOUBLE_EQ(r.accept_to_delivered.max_ms, 20.0);
  EXPECT_DOUBLE_EQ(r.webhook_lag.p99_ms, 200.0);
  // First accept at T0, last delivery at T0 + 22 ms: 3 in 22 ms.
  EXPECT_DOUBLE_EQ(r.delivery_window_s, 0.022);
  EXPECT_NEAR(r.delivered_per_s, 3 / 0.022, 1e-6);
  EXPECT_EQ(r.final_statuses, (std::map<std::string, uint64_t>{{"delivered", 3}}));
}

TEST_F(TrackerTest, WebhookBeforeItsAnswerIsKept) {
  tracker_.OnRequestSent(0, 1);
  tracker_.OnWebhook(0, "sent", kT0ms + 1, 0);
  tracker_.OnWebhook(0, "delivered", kT0ms + 3, 0);
  EXPECT_EQ(tracker_.outstanding(), 0U);  // nothing accepted yet
  tracker_.OnAnswer(Single(0, 202), parser_);
  EXPECT_EQ(tracker_.outstanding(), 0U);  // and already done
  EXPECT_DOUBLE_EQ(Filled().accept_to_delivered.p50_ms, 3.0);
}

TEST_F(TrackerTest, EventStampedJustBeforeTheAnswerCountsAsNoTime) {
  tracker_.OnRequestSent(0, 1);
  tracker_.OnAnswer(Single(0, 202, "", 1, kT0us + 700), parser_);  // `at` is cut to the ms
  tracker_.OnWebhook(0, "sent", kT0ms, 0);
  EXPECT_DOUBLE_EQ(Filled().accept_to_sent.max_ms, 0.0);
}

TEST_F(TrackerTest, DuplicatesAndForeignWebhooksAreNotRecorded) {
  AcceptSingles(1);
  EXPECT_EQ(tracker_.OnWebhook(0, "sent", kT0ms + 1, 0), WebhookOutcome::kRecorded);
  EXPECT_EQ(tracker_.OnWebhook(0, "sent", kT0ms + 9, 0), WebhookOutcome::kDuplicate);
  EXPECT_EQ(tracker_.OnWebhook(0, "failed", kT0ms + 2, 0), WebhookOutcome::kRecorded);
  EXPECT_EQ(tracker_.OnWebhook(0, "delivered", kT0ms + 3, 0), WebhookOutcome::kDuplicate);
  EXPECT_EQ(tracker_.OnWebhook(5, "sent", kT0ms, 0), WebhookOutcome::kForeign);
  tracker_.OnForeignWebhook();
  const Report r = Filled();
  EXPECT_EQ(r.webhooks_received, 6U);
  EXPECT_EQ(r.webhooks_duplicate, 2U);
  EXPECT_EQ(r.webhooks_foreign, 2U);
  EXPECT_EQ(r.delivered, 0U);
  EXPECT_EQ(r.final_statuses, (std::map<std::string, uint64_t>{{"failed", 1}}));
  EXPECT_DOUBLE_EQ(r.accept_to_sent.p50_ms, 1.0);  // the first `sent` counts
}

TEST_F(TrackerTest, OutstandingCountsAcceptedWithoutATerminalEvent) {
  AcceptSingles(4);
  tracker_.OnWebhook(0, "delivered", kT0ms, 0);
  tracker_.OnWebhook(1, "expired", kT0ms, 0);
  tracker_.OnWebhook(2, "sent", kT0ms, 0);
  EXPECT_EQ(tracker_.outstanding(), 2U);
  EXPECT_EQ(Filled().outstanding, 2U);
}

}  // namespace
}  // namespace deliverer::loadgen
