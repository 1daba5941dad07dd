// OutboxStore: one row per change of a message with a callback, written with the change
// (docs/reliability.md R11); due order, accounts left out, delivered / later / given up.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

constexpr int64_t kFarFuture = 1'000'000'000'000'000;

class OutboxConformance : public ConformanceTest {};

TEST_P(OutboxConformance, WebhookOutboxRowsComeWithTheirChange) {
  Queue("w1", 1, "http://127.0.0.1:9/hook");
  Queue("w2");  // no callback: no outbox row
  Change({Sent("w1", {"h1"}), Sent("w2", {"h2"})});
  Receipt("h1", MsgStatus::kDelivered);
  auto due = outbox().DueWebhooks(kFarFuture, 10, {});
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].status, MsgStatus::kSent);
  EXPECT_EQ((*due)[0].previous_status, MsgStatus::kQueued);
  EXPECT_EQ((*due)[0].at_ms, 1500);
  EXPECT_EQ((*due)[1].status, MsgStatus::kDelivered);
  EXPECT_EQ((*due)[1].previous_status, MsgStatus::kSent);
  EXPECT_NE((*due)[0].event_id, (*due)[1].event_id);
  for (const WebhookJob& job : *due) {
    EXPECT_EQ(job.message_id, "w1");
    EXPECT_EQ(job.account, "acme");
    EXPECT_EQ(job.url, "http://127.0.0.1:9/hook");
    EXPECT_EQ(job.carrier, "sim-a");
    EXPECT_EQ(job.attempts, 0);
    EXPECT_EQ(job.created_at_ms, clock_.NowUnixMillis());
  }
  EXPECT_EQ(*outbox().PendingWebhooks(), 2);
}

TEST_P(OutboxConformance, ARowCarriesTheErrorOfTheChange) {
  NewMessage m = Message("w1");
  m.callback_url = "http://127.0.0.1:9/hook";
  m.client_ref = "order-7";
  m.segments = 2;
  ASSERT_TRUE(Insert(m).ok());
  ASSERT_TRUE(ChangeOne(StatusChange{.message_id = "w1", .status = MsgStatus::kRejected, .at_ms = 10,
                                     .error = MessageError{"suppressed", "on the list", ""}})
                  .applied());
  auto due = outbox().DueWebhooks(kFarFuture, 10, {});
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].status, MsgStatus::kRejected);
  EXPECT_EQ((*due)[0].error, (MessageError{"suppressed", "on the list", ""}));
  EXPECT_EQ((*due)[0].client_ref, "order-7");
  EXPECT_EQ((*due)[0].segments, 2);
}

TEST_P(OutboxConformance, NoRowForARetryWaitOrAnIgnoredChange) {
  Queue("w1", 1, "http://127.0.0.1:9/hook");
  ChangeOne(StatusChange{.message_id = "w1", .status = MsgStatus::kQueued, .at_ms = 5, .attempts = 1});
  EXPECT_EQ(*outbox().PendingWebhooks(), 0);
  ChangeOne(StatusChange{.message_id = "w1", .status = MsgStatus::kFailed, .at_ms = 6});
  ChangeOne(StatusChange{.message_id = "w1", .status = MsgStatus::kExpired, .at_ms = 7});
  EXPECT_EQ(*outbox().PendingWebhooks(), 1);
}

TEST_P(OutboxConformance, DueRowsComeOldestFirstWithoutSkippedAccounts) {
  for (const auto& [id, account, at] : std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"a", "acme", 30}, {"b", "globex", 10}, {"c", "acme", 20}}) {
    NewMessage m = Message(id);
    m.account = account;
    m.callback_url = "http://127.0.0.1:9/" + id;
    ASSERT_TRUE(Insert(m).ok());
    ASSERT_TRUE(ChangeOne(StatusChange{.message_id = id, .status = MsgStatus::kRejected, .at_ms = at}).applied());
  }
  auto ids = [&](int64_t now, int limit, std::vector<std::string> skip) {
    std::vector<std::string> out;
    auto due = outbox().DueWebhooks(now, limit, skip);
    for (const WebhookJob& j : *due) out.push_back(j.message_id);
    return out;
  };
  EXPECT_EQ(ids(kFarFuture, 10, {}), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(ids(20, 10, {}), (std::vector<std::string>{"b", "c"})) << "due at or before now";
  EXPECT_EQ(ids(kFarFuture, 2, {}), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(ids(kFarFuture, 10, {"globex"}), (std::vector<std::string>{"c", "a"}));
  EXPECT_TRUE(ids(kFarFuture, 10, {"globex", "acme"}).empty());
}

TEST_P(OutboxConformance, CompleteDeliveredRetryLaterOrGiveUp) {
  for (const std::string id : {"a", "b", "c"}) {
    Queue(id, 1, "http://127.0.0.1:9/hook");
    ASSERT_TRUE(ChangeOne(StatusChange{.message_id = id, .status = MsgStatus::kRejected, .at_ms = 10}).applied());
  }
  auto due = outbox().DueWebhooks(kFarFuture, 10, {});
  ASSERT_EQ(due->size(), 3u);
  // A retry time as the dispatcher sets it, in milliseconds since 1970: past 32 bits.
  const int64_t retry_at = 1'796'676'408'228;
  ASSERT_TRUE(Complete({WebhookDone{(*due)[0].event_id, true, 0}, WebhookDone{(*due)[1].event_id, false, retry_at},
                        WebhookDone{(*due)[2].event_id, false, 0}})
                  .ok());
  EXPECT_EQ(*outbox().PendingWebhooks(), 1) << "delivered and given up are done";
  EXPECT_TRUE(outbox().DueWebhooks(retry_at - 1, 10, {})->empty());
  auto retry = outbox().DueWebhooks(retry_at, 10, {});
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].event_id, (*due)[1].event_id);
  EXPECT_EQ((*retry)[0].attempts, 1);
  ASSERT_TRUE(Complete({WebhookDone{(*due)[1].event_id, true, 0}}).ok());
  EXPECT_EQ(*outbox().PendingWebhooks(), 0);
  EXPECT_TRUE(outbox().DueWebhooks(kFarFuture, 10, {})->empty());
}

TEST_P(OutboxConformance, AnAccountWithoutASecretOfItsOwnUsesTheGlobalOne) {
  auto secret = outbox().AccountWebhookSecret("acme");
  ASSERT_TRUE(secret.ok());
  EXPECT_FALSE(secret->has_value());
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(OutboxConformance, Concern::kOutbox);

}  // namespace deliverer::store::conformance
