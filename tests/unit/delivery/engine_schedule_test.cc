// Scheduled messages released at their time, and cancels against deliveries (docs/api.md
// "Scheduled sends"): the engine never submits a message before its send_at, nor one a
// cancel holds or ended, and a submit under way keeps a cancel out.
#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

TEST_F(EngineTest, AScheduledMessageIsReleasedAtItsTimeAndNotBefore) {
  const int64_t send_at = clock_.NowUnixMillis() + 60'000;
  Insert("m1", MessageSpec{.send_at_ms = send_at});
  ASSERT_NO_FATAL_FAILURE(Start());
  SweepOnce();
  EXPECT_EQ(StatusOf("m1"), Status::kScheduled);
  EXPECT_TRUE(carrier("A").submits().empty());

  clock_.Set(send_at - 1);
  SweepOnce();
  EXPECT_EQ(StatusOf("m1"), Status::kScheduled) << "a millisecond early is early";

  clock_.Set(send_at);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m1") == Status::kSent; }));
  EXPECT_EQ(carrier("A").SubmitsOf("m1"), 1u);
  EXPECT_EQ(EventsOf("m1"), (std::vector<Status>{Status::kScheduled, Status::kQueued, Status::kSent}));
}

// Its wait for a carrier starts at its release, so a message scheduled a day ahead does
// not read a day old in deliverer_queue_oldest_age_seconds the moment it is due.
TEST_F(EngineTest, AReleasedMessageIsQueuedFromItsReleaseNotItsAcceptance) {
  const int64_t accepted_at = clock_.NowUnixMillis();
  const int64_t send_at = accepted_at + 86'400'000;
  Insert("m1", MessageSpec{.send_at_ms = send_at});
  ASSERT_NO_FATAL_FAILURE(Start());
  carrier("A").set_can_submit(false);  // so it stays in the queue once released
  SweepOnce();
  EXPECT_EQ(queue_.OldestQueuedAt(), std::nullopt) << "scheduled: not in the queue yet";

  clock_.Set(send_at);
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 1; }));
  EXPECT_EQ(StatusOf("m1"), Status::kQueued);
  EXPECT_EQ(queue_.OldestQueuedAt(), send_at);
}

TEST_F(EngineTest, ACanceledQueuedMessageIsDroppedWithoutASubmit) {
  Insert("m1");
  ASSERT_EQ(Cancel("m1"), store::CancelOutcome::kCanceled);
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; })) << "the delivery was never acked";
  EXPECT_TRUE(carrier("A").submits().empty());
  EXPECT_EQ(StatusOf("m1"), Status::kCanceled);
}

TEST_F(EngineTest, ADeliveryWaitsWhileACancelHoldsItsMessage) {
  ASSERT_TRUE(claims_.ClaimForCancel("m1"));
  Insert("m1");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(RunUntil([&] { return queue_.NextRetryAt().has_value(); })) << "taken and put back";
  EXPECT_TRUE(carrier("A").submits().empty());
  // The cancel commits, then lets go: the delivery comes back, finds it ended, and is acked.
  ASSERT_EQ(Cancel("m1"), store::CancelOutcome::kCanceled);
  claims_.ReleaseCancel("m1");
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(RunUntil([&] { return queue_.Depth() == 0; }));
  EXPECT_TRUE(carrier("A").submits().empty());
}

TEST_F(EngineTest, ACancelThatLetsGoWithoutCancelingLeavesTheMessageToBeSent) {
  ASSERT_TRUE(claims_.ClaimForCancel("m1"));
  Insert("m1");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(RunUntil([&] { return queue_.NextRetryAt().has_value(); }));
  claims_.ReleaseCancel("m1");  // e.g. its commit failed
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m1") == Status::kSent; }));
}

TEST_F(EngineTest, ASubmitUnderWayKeepsACancelOutUntilItsOutcomeIsRecorded) {
  ASSERT_NO_FATAL_FAILURE(Start());
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("m1");
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  EXPECT_FALSE(claims_.ClaimForCancel("m1")) << "the carrier may have it already";
  a.ReleaseOldest(Kind::kAccepted);
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m1") == Status::kSent && queue_.Depth() == 0; }));
  ASSERT_TRUE(claims_.ClaimForCancel("m1")) << "released once the outcome is durable";
  claims_.ReleaseCancel("m1");
  EXPECT_EQ(Cancel("m1"), store::CancelOutcome::kNotCancelable);
}

}  // namespace
}  // namespace deliverer::delivery::testing
