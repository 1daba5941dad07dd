// MessageStore and DeliveryStore: scheduled sends (held until send_at, released by a
// change to queued) and cancels (docs/api.md "Scheduled sends").
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

constexpr int64_t kMinute = 60'000;

class ScheduledConformance : public ConformanceTest {
 protected:
  // A message for acme scheduled `ahead_ms` after now.
  void Schedule(const std::string& id, int64_t ahead_ms, std::string callback = "") {
    NewMessage m = Message(id);
    m.send_at_ms = clock_.NowUnixMillis() + ahead_ms;
    m.callback_url = std::move(callback);
    auto inserted = Insert(std::move(m));
    ASSERT_TRUE(inserted.ok() && inserted->outcome == InsertOutcome::kCreated) << id;
    EXPECT_EQ(inserted->record.status, MsgStatus::kScheduled);
  }

  static StatusChange Release(const std::string& id, int64_t at_ms) {
    return StatusChange{.message_id = id, .status = MsgStatus::kQueued, .only_from = MsgStatus::kScheduled,
                        .at_ms = at_ms};
  }

  std::vector<std::string> DueIds(int64_t now_ms) {
    auto due = delivery().ListDueScheduled(now_ms, 100);
    EXPECT_TRUE(due.ok());
    std::vector<std::string> ids;
    if (due.ok()) {
      for (const QueuedRef& ref : *due) ids.push_back(ref.id);
    }
    return ids;
  }
};

TEST_P(ScheduledConformance, AScheduledMessageWaitsOutsideTheQueueUntilItsTime) {
  const int64_t now = clock_.NowUnixMillis();
  Schedule("later", 10 * kMinute);
  Queue("now");
  const MessageRecord m = Record("later");
  EXPECT_EQ(m.status, MsgStatus::kScheduled);
  ASSERT_TRUE(m.send_at_ms.has_value());
  EXPECT_EQ(*m.send_at_ms, now + 10 * kMinute);
  EXPECT_EQ(EventsOf("later"), (std::vector<MsgStatus>{MsgStatus::kScheduled}));
  EXPECT_FALSE(Record("now").send_at_ms.has_value());

  auto queued = delivery().ListQueued(std::nullopt, 10);
  ASSERT_EQ(queued->size(), 1u) << "start-up recovery must not hand it to the queue";
  EXPECT_EQ((*queued)[0].id, "now");
  EXPECT_EQ(messages().PendingCount(), 1) << "back-pressure counts it only once released";
  EXPECT_TRUE(DueIds(now + 10 * kMinute - 1).empty()) << "never before its time";
  EXPECT_EQ(DueIds(now + 10 * kMinute), (std::vector<std::string>{"later"}));
}

TEST_P(ScheduledConformance, DueMessagesComeEarliestFirst) {
  const int64_t now = clock_.NowUnixMillis();
  Schedule("third", 3 * kMinute);
  Schedule("first", 1 * kMinute);
  Schedule("second", 2 * kMinute);
  EXPECT_EQ(DueIds(now + 5 * kMinute), (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(delivery().ListDueScheduled(now + 5 * kMinute, 2)->size(), 2u);
}

TEST_P(ScheduledConformance, ReleaseQueuesItOnceWithAnEventAndNoWebhook) {
  const int64_t now = clock_.NowUnixMillis();
  Schedule("m1", kMinute, "https://producer.example/hook");
  EXPECT_TRUE(ChangeOne(Release("m1", now + kMinute)).applied());
  EXPECT_EQ(ChangeOne(Release("m1", now + kMinute)).outcome, ChangeOutcome::kIgnored) << "released once";
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kQueued);
  EXPECT_EQ(EventsOf("m1"), (std::vector<MsgStatus>{MsgStatus::kScheduled, MsgStatus::kQueued}));
  EXPECT_TRUE(DueIds(now + 2 * kMinute).empty());
  EXPECT_EQ(messages().PendingCount(), 1);
  EXPECT_EQ(delivery().ListQueued(std::nullopt, 10)->size(), 1u);
  if (GetParam().concerns.contains(Concern::kOutbox)) {
    EXPECT_TRUE(outbox().DueWebhooks(INT64_MAX, 10, {})->empty()) << "queued is not news for the producer";
  }
  // From here it is delivered like any other.
  ASSERT_TRUE(ChangeOne(Sent("m1", {"k"})).applied());
  EXPECT_EQ(Receipt("k", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
}

TEST_P(ScheduledConformance, TheTtlCountsFromSendAt) {
  const int64_t now = clock_.NowUnixMillis();
  NewMessage m = Message("m1");
  m.ttl_seconds = 60;
  m.send_at_ms = now + 10 * kMinute;
  ASSERT_TRUE(Insert(std::move(m)).ok());
  EXPECT_EQ((*delivery().GetForDelivery("m1"))->expires_at_ms, now + 11 * kMinute);
  ASSERT_TRUE(ChangeOne(Release("m1", now + 10 * kMinute)).applied());
  EXPECT_TRUE(delivery().ListExpiredQueued(now + 11 * kMinute - 1, 10)->empty());
  EXPECT_EQ(delivery().ListExpiredQueued(now + 11 * kMinute, 10)->size(), 1u);
}

TEST_P(ScheduledConformance, ASendAtNotAheadOfAcceptanceIsQueuedAtOnce) {
  NewMessage m = Message("m1");
  m.send_at_ms = clock_.NowUnixMillis();
  auto inserted = Insert(std::move(m));
  ASSERT_TRUE(inserted.ok());
  EXPECT_EQ(inserted->record.status, MsgStatus::kQueued);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kQueued);
  EXPECT_EQ(messages().PendingCount(), 1);
}

TEST_P(ScheduledConformance, CancelEndsAScheduledMessageWithAnEventAWebhookAndAnAuditEntry) {
  Schedule("m1", kMinute, "https://producer.example/hook");
  auto canceled = Cancel("m1");
  ASSERT_TRUE(canceled.ok()) << canceled.error().detail;
  EXPECT_EQ(canceled->outcome, CancelOutcome::kCanceled);
  EXPECT_EQ(canceled->record.status, MsgStatus::kCanceled);
  EXPECT_TRUE(canceled->record.done_at_ms.has_value());
  ASSERT_EQ(canceled->record.events.size(), 2u) << "the answer shows the history, as GET does";
  EXPECT_EQ(canceled->record.events.back().status, MsgStatus::kCanceled);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kCanceled);
  EXPECT_TRUE(DueIds(INT64_MAX).empty()) << "a canceled message is never released";
  EXPECT_EQ(ChangeOne(Release("m1", clock_.NowUnixMillis() + kMinute)).outcome, ChangeOutcome::kIgnored);

  auto entries = audit().ListAudit(AuditQuery{.action = "message.cancel"});
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].target, "m1");
  EXPECT_EQ((*entries)[0].key_id, "k1");
  EXPECT_EQ((*entries)[0].account, "acme");
  if (GetParam().concerns.contains(Concern::kOutbox)) {
    auto due = outbox().DueWebhooks(INT64_MAX, 10, {});
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].status, MsgStatus::kCanceled);
    EXPECT_EQ((*due)[0].previous_status, MsgStatus::kScheduled);
  }
}

TEST_P(ScheduledConformance, CancelEndsAQueuedMessageAndItLeavesTheWaitingCount) {
  Queue("m1");
  EXPECT_EQ(messages().PendingCount(), 1);
  ASSERT_EQ(Cancel("m1")->outcome, CancelOutcome::kCanceled);
  EXPECT_EQ(messages().PendingCount(), 0);
  EXPECT_FALSE(model::IsWaiting((*delivery().GetForDelivery("m1"))->status)) << "a worker that takes it drops it";
  EXPECT_TRUE(delivery().ListQueued(std::nullopt, 10)->empty());
  // Terminal: a late outcome changes nothing.
  EXPECT_EQ(ChangeOne(Sent("m1", {"k"})).outcome, ChangeOutcome::kIgnored);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kCanceled);
}

TEST_P(ScheduledConformance, ASentOrEndedMessageIsNotCanceledAndTheAnswerSaysWhereItStands) {
  Queue("sent");
  ASSERT_TRUE(ChangeOne(Sent("sent", {"k"})).applied());
  auto result = Cancel("sent");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, CancelOutcome::kNotCancelable);
  EXPECT_EQ(result->record.status, MsgStatus::kSent);
  Receipt("k", MsgStatus::kDelivered);
  EXPECT_EQ(Cancel("sent")->record.status, MsgStatus::kDelivered);

  Schedule("twice", kMinute);
  ASSERT_EQ(Cancel("twice")->outcome, CancelOutcome::kCanceled);
  EXPECT_EQ(Cancel("twice")->outcome, CancelOutcome::kNotCancelable);
  EXPECT_EQ(audit().ListAudit(AuditQuery{.action = "message.cancel"})->size(), 1u) << "only what was done";
}

TEST_P(ScheduledConformance, AnotherAccountsMessageCannotBeCanceledButAnAdminsCancelCan) {
  Schedule("m1", kMinute);
  EXPECT_EQ(Cancel("m1", "globex")->outcome, CancelOutcome::kNotFound);
  EXPECT_EQ(Cancel("unknown")->outcome, CancelOutcome::kNotFound);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kScheduled);
  EXPECT_EQ(Cancel("m1", std::nullopt)->outcome, CancelOutcome::kCanceled);
}

TEST_P(ScheduledConformance, ListingFiltersByTheNewStatuses) {
  Schedule("s1", kMinute);
  Queue("q1");
  Schedule("c1", kMinute);
  ASSERT_EQ(Cancel("c1")->outcome, CancelOutcome::kCanceled);
  auto scheduled = messages().ListMessages(MessageQuery{.status = MsgStatus::kScheduled});
  ASSERT_EQ(scheduled->messages.size(), 1u);
  EXPECT_EQ(scheduled->messages[0].id, "s1");
  EXPECT_TRUE(scheduled->messages[0].send_at_ms.has_value());
  auto canceled = messages().ListMessages(MessageQuery{.status = MsgStatus::kCanceled});
  ASSERT_EQ(canceled->messages.size(), 1u);
  EXPECT_EQ(canceled->messages[0].id, "c1");
}

DELIVERER_CONFORMANCE_SUITE(ScheduledConformance, Concern::kDelivery);

class ScheduledErasureConformance : public ScheduledConformance {};

TEST_P(ScheduledErasureConformance, ErasingTheRecipientEndsAScheduledMessage) {
  Schedule("m1", kMinute);
  auto erased = Erase("+447911123456");
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->rejected, 1);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kRejected);
  EXPECT_TRUE(DueIds(INT64_MAX).empty());
}

DELIVERER_CONFORMANCE_SUITE(ScheduledErasureConformance, Concern::kErasure);

class ScheduledRetentionConformance : public ScheduledConformance {};

TEST_P(ScheduledRetentionConformance, RetentionKeepsAScheduledMessageAndItsBody) {
  Schedule("waiting", kMinute);
  Schedule("canceled", kMinute);
  ASSERT_EQ(Cancel("canceled")->outcome, CancelOutcome::kCanceled);
  const int64_t later = clock_.NowUnixMillis() + 1;
  auto pass = maintenance().ApplyRetention({.bodies_before_ms = later, .rows_before_ms = later});
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->messages_deleted, 1) << "the canceled one has ended; the scheduled one has not";
  EXPECT_EQ((*delivery().GetForDelivery("waiting"))->body, "hello");
  EXPECT_FALSE(messages().GetMessage("canceled", false)->has_value());
}

DELIVERER_CONFORMANCE_SUITE(ScheduledRetentionConformance, Concern::kMaintenance);

}  // namespace
}  // namespace deliverer::store::conformance
