// DeliveryStore: retries and the engine's own changes (a retry wait, segments accepted by
// a failed attempt, stale outcomes, only_from), what workers read to submit, and the sweeps.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class RetriesConformance : public ConformanceTest {
 protected:
  static StatusChange RetryWait(const std::string& id, int attempts, std::vector<SegmentSubmit> accepted = {}) {
    return StatusChange{.message_id = id, .status = MsgStatus::kQueued, .at_ms = 5, .carrier = "sim-a",
                        .attempts = attempts,
                        .error = MessageError{"carrier_transient_error", "busy", "0x00000058"},
                        .segments = std::move(accepted)};
  }
};

TEST_P(RetriesConformance, RetryWaitKeepsQueuedAndRecordsAttemptsAndError) {
  Queue("m7");
  EXPECT_EQ(ChangeOne(RetryWait("m7", 2)).outcome, ChangeOutcome::kApplied);
  const MessageRecord m = Record("m7");
  EXPECT_EQ(m.status, MsgStatus::kQueued);
  EXPECT_EQ(m.attempts, 2);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->code, "carrier_transient_error");
  EXPECT_EQ(m.events.size(), 1u) << "a retry is not a status change";
  auto queued = delivery().ListQueued(std::nullopt, 10);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].attempts, 2);
  EXPECT_EQ((*delivery().GetForDelivery("m7"))->attempts, 2);
  // Sent at last: the retry's error is gone.
  ASSERT_TRUE(ChangeOne(Sent("m7", {"k"}, 3)).applied());
  EXPECT_FALSE(Record("m7").error.has_value());
  EXPECT_EQ(Record("m7").attempts, 3);
}

TEST_P(RetriesConformance, SegmentsAcceptedByAFailedAttemptAreRecordedForTheRetry) {
  Queue("m1", 3);
  EXPECT_TRUE(delivery().GetForDelivery("m1")->value().accepted_segments.empty());
  ASSERT_TRUE(ChangeOne(RetryWait("m1", 1, {SegmentSubmit{0, "s0", "s0"}, SegmentSubmit{2, "s2", "s2"}})).applied());
  EXPECT_EQ(delivery().GetForDelivery("m1")->value().accepted_segments, (std::vector<int>{0, 2}));
  // Their receipts find the message while it waits; the retry sends the last segment.
  EXPECT_EQ(Receipt("s0", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kNoChange);
  StatusChange sent = Sent("m1", {}, 2);
  sent.segments = {SegmentSubmit{1, "s1", "s1"}};
  ASSERT_TRUE(ChangeOne(sent).applied());
  Receipt("s1", MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kSent);
  EXPECT_EQ(Receipt("s2", MsgStatus::kDelivered).kind, ReceiptResult::Kind::kApplied);
  EXPECT_EQ(StatusOf("m1"), MsgStatus::kDelivered);
}

TEST_P(RetriesConformance, AStaleRetryAfterSentIsIgnored) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(Sent("m1", {"k"})).applied());
  EXPECT_EQ(ChangeOne(RetryWait("m1", 2)).outcome, ChangeOutcome::kIgnored);
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kSent);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_FALSE(m.error.has_value());
}

TEST_P(RetriesConformance, OnlyFromGuardsReceiptWaitExpiry) {
  Queue("m8");
  Queue("m9");
  Change({Sent("m8", {"g1"}), Sent("m9", {"g2"})});
  Receipt("g2", MsgStatus::kDelivered);
  EXPECT_EQ(*delivery().ListReceiptOverdue(200'000, 10), std::vector<std::string>{"m8"});
  EXPECT_TRUE(delivery().ListReceiptOverdue(99'999, 10)->empty()) << "the wait ends at receipt_due_ms";
  auto outcome = Change({StatusChange{.message_id = "m9", .status = MsgStatus::kExpired,
                                      .only_from = MsgStatus::kSent, .at_ms = 200'000},
                         StatusChange{.message_id = "m8", .status = MsgStatus::kExpired,
                                      .only_from = MsgStatus::kSent, .at_ms = 200'000,
                                      .error = model::NoReceiptError()}});
  EXPECT_EQ(outcome[0]->outcome, ChangeOutcome::kIgnored);
  EXPECT_EQ(outcome[1]->outcome, ChangeOutcome::kApplied);
  EXPECT_EQ(StatusOf("m9"), MsgStatus::kDelivered);
  EXPECT_EQ(StatusOf("m8"), MsgStatus::kExpired);
  EXPECT_TRUE(delivery().ListReceiptOverdue(200'000, 10)->empty());
}

TEST_P(RetriesConformance, TerminalChangeRecordsTheEnginesError) {
  Queue("m1");
  ASSERT_TRUE(ChangeOne(StatusChange{.message_id = "m1", .status = MsgStatus::kFailed, .at_ms = 7,
                                     .carrier = "sim-a", .attempts = 5,
                                     .error = MessageError{"carrier_permanent_error", "no", "0x0000000B"},
                                     .detail = "submit_sm_resp 0x0000000B"})
                  .applied());
  const MessageRecord m = Record("m1");
  EXPECT_EQ(m.status, MsgStatus::kFailed);
  EXPECT_EQ(m.attempts, 5);
  EXPECT_EQ(m.done_at_ms, 7);
  EXPECT_EQ(m.error->code, "carrier_permanent_error");
  EXPECT_EQ(m.events.back().detail, "submit_sm_resp 0x0000000B");
  EXPECT_EQ(messages().PendingCount(), 0);
}

TEST_P(RetriesConformance, GetForDeliveryHasWhatAWorkerSubmits) {
  NewMessage n = Message("m1", "+447911123456", "the body");
  n.ttl_seconds = 60;
  n.priority = model::Priority::kHigh;
  ASSERT_TRUE(Insert(n).ok());
  auto d = delivery().GetForDelivery("m1");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->body, "the body");
  EXPECT_EQ((*d)->to_region, "GB");
  EXPECT_EQ((*d)->priority, model::Priority::kHigh);
  EXPECT_EQ((*d)->expires_at_ms, n.created_at_ms + 60'000);
  EXPECT_EQ((*d)->status, MsgStatus::kQueued);
  EXPECT_FALSE(delivery().GetForDelivery("nope")->has_value());
}

TEST_P(RetriesConformance, ListQueuedIsInAcceptanceOrderAfterACursor) {
  for (int i = 0; i < 4; ++i) {
    NewMessage m = Message("q" + std::to_string(3 - i));
    m.created_at_ms = 1000 + i / 2;  // q3, q2 at 1000; q1, q0 at 1001
    ASSERT_TRUE(Insert(m).ok());
  }
  ASSERT_TRUE(ChangeOne(Sent("q2", {"k"})).applied());
  auto first = delivery().ListQueued(std::nullopt, 2);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, "q3");
  EXPECT_EQ((*first)[1].id, "q0");
  auto rest = delivery().ListQueued(std::make_pair((*first)[1].created_at_ms, (*first)[1].id), 10);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, "q1");
}

TEST_P(RetriesConformance, ListExpiredQueuedFindsWaitingMessagesPastTheirTtl) {
  NewMessage old_one = Message("old");
  old_one.ttl_seconds = 1;
  ASSERT_TRUE(Insert(old_one).ok());
  NewMessage sent = Message("sent");
  sent.ttl_seconds = 1;
  ASSERT_TRUE(Insert(sent).ok());
  ASSERT_TRUE(ChangeOne(Sent("sent", {"k"})).applied());
  Queue("fresh");
  const int64_t now = clock_.NowUnixMillis();
  EXPECT_TRUE(delivery().ListExpiredQueued(now + 999, 10)->empty());
  EXPECT_EQ(*delivery().ListExpiredQueued(now + 1000, 10), std::vector<std::string>{"old"});
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(RetriesConformance, Concern::kDelivery);

}  // namespace deliverer::store::conformance
