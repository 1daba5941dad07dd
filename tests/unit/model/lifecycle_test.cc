#include "model/lifecycle.h"

#include <gtest/gtest.h>

#include <array>

namespace deliverer::model {
namespace {

constexpr std::array kAll = {Status::kQueued,   Status::kSending,  Status::kSent,
                             Status::kDelivered, Status::kExpired, Status::kFailed,
                             Status::kRejected,  Status::kScheduled, Status::kCanceled};
constexpr std::array kFinal = {Status::kDelivered, Status::kExpired, Status::kFailed, Status::kRejected,
                               Status::kCanceled};

TEST(LifecycleTest, FinalStatusesAreStickyForEveryChange) {
  for (Status current : kFinal) {
    for (Status proposed : kAll) {
      EXPECT_EQ(DecideChange(current, proposed, std::nullopt), ChangeVerdict::kIgnore)
          << ToString(current) << " -> " << ToString(proposed);
      EXPECT_EQ(DecideChange(current, proposed, current), ChangeVerdict::kIgnore);
    }
  }
}

TEST(LifecycleTest, StatusNamesRoundTripAndStoredValuesStayPut) {
  for (Status s : kAll) EXPECT_EQ(ParseStatus(ToString(s)), s);
  EXPECT_EQ(ToString(Status::kScheduled), "scheduled");
  EXPECT_EQ(ToString(Status::kCanceled), "canceled");
  // Stored as numbers: appended, never renumbered (docs/storage-schema.md).
  EXPECT_EQ(static_cast<int>(Status::kRejected), 6);
  EXPECT_EQ(static_cast<int>(Status::kScheduled), 7);
  EXPECT_EQ(static_cast<int>(Status::kCanceled), 8);
}

TEST(LifecycleTest, AScheduledMessageMovesOnlyByReleaseCancelOrAnEnd) {
  EXPECT_EQ(DecideChange(Status::kScheduled, Status::kQueued, Status::kScheduled), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kScheduled, Status::kCanceled, std::nullopt), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kScheduled, Status::kRejected, Status::kScheduled), ChangeVerdict::kMove);
  // Nothing is sent or attempted before its time.
  EXPECT_EQ(DecideChange(Status::kScheduled, Status::kSent, std::nullopt), ChangeVerdict::kIgnore);
  EXPECT_EQ(DecideChange(Status::kScheduled, Status::kSending, std::nullopt), ChangeVerdict::kIgnore);
  // The release applies only to a message still scheduled: a queued one is not "released"
  // again (only_from), and nothing goes back to scheduled.
  EXPECT_EQ(DecideChange(Status::kQueued, Status::kQueued, Status::kScheduled), ChangeVerdict::kIgnore);
  for (Status s : kAll) EXPECT_EQ(DecideChange(s, Status::kScheduled, std::nullopt), ChangeVerdict::kIgnore);
}

TEST(LifecycleTest, OnlyAMessageNoCarrierHasCanBeCanceled) {
  EXPECT_EQ(DecideChange(Status::kQueued, Status::kCanceled, std::nullopt), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kSending, Status::kCanceled, std::nullopt), ChangeVerdict::kIgnore);
  EXPECT_EQ(DecideChange(Status::kSent, Status::kCanceled, std::nullopt), ChangeVerdict::kIgnore);
  EXPECT_TRUE(IsCancelable(Status::kScheduled));
  EXPECT_TRUE(IsCancelable(Status::kQueued));
  EXPECT_FALSE(IsCancelable(Status::kSending));
  EXPECT_TRUE(IsTerminal(Status::kCanceled));
  EXPECT_FALSE(IsTerminal(Status::kScheduled));
}

TEST(LifecycleTest, ProducersHearOfSentAndEndsNotOfWaiting) {
  EXPECT_FALSE(IsAnnounced(Status::kScheduled));
  EXPECT_FALSE(IsAnnounced(Status::kQueued));
  EXPECT_FALSE(IsAnnounced(Status::kSending));
  EXPECT_TRUE(IsAnnounced(Status::kSent));
  for (Status s : kFinal) EXPECT_TRUE(IsAnnounced(s)) << ToString(s);
}

TEST(LifecycleTest, ScheduledMessagesAreNotWaitingUntilReleased) {
  EXPECT_FALSE(IsWaiting(Status::kScheduled));
  EXPECT_EQ(WaitingDelta(Status::kScheduled, Status::kQueued), 1);
  EXPECT_EQ(WaitingDelta(Status::kScheduled, Status::kCanceled), 0);
  EXPECT_EQ(WaitingDelta(Status::kQueued, Status::kCanceled), -1);
  EXPECT_TRUE(ErasureEnds(Status::kScheduled));
  EXPECT_TRUE(ErasureEnds(Status::kQueued));
  EXPECT_FALSE(ErasureEnds(Status::kSending));
}

TEST(LifecycleTest, AFailedAttemptIsRecordedWhileTheMessageWaits) {
  EXPECT_EQ(DecideChange(Status::kQueued, Status::kQueued, std::nullopt), ChangeVerdict::kRecordAttempt);
  EXPECT_EQ(DecideChange(Status::kSending, Status::kQueued, std::nullopt), ChangeVerdict::kRecordAttempt);
  EXPECT_EQ(DecideChange(Status::kQueued, Status::kSending, std::nullopt), ChangeVerdict::kRecordAttempt);
}

TEST(LifecycleTest, AnAttemptsLateFailureDoesNotUndoSent) {
  EXPECT_EQ(DecideChange(Status::kSent, Status::kQueued, std::nullopt), ChangeVerdict::kIgnore);
  EXPECT_EQ(DecideChange(Status::kSent, Status::kSending, std::nullopt), ChangeVerdict::kIgnore);
}

TEST(LifecycleTest, SentMovesAWaitingMessageOnceOnly) {
  EXPECT_EQ(DecideChange(Status::kQueued, Status::kSent, std::nullopt), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kSending, Status::kSent, std::nullopt), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kSent, Status::kSent, std::nullopt), ChangeVerdict::kIgnore);
}

TEST(LifecycleTest, TheEngineMayEndAMessageThatIsNotFinal) {
  for (Status current : {Status::kQueued, Status::kSending, Status::kSent}) {
    for (Status proposed : kFinal) {
      if (proposed == Status::kCanceled) continue;  // the producer's, not the engine's
      EXPECT_EQ(DecideChange(current, proposed, std::nullopt), ChangeVerdict::kMove)
          << ToString(current) << " -> " << ToString(proposed);
    }
  }
}

TEST(LifecycleTest, OnlyFromLimitsAChangeToOneStatus) {
  // The receipt wait ends a message still sent, not one a receipt just ended or one
  // that went back to queued.
  EXPECT_EQ(DecideChange(Status::kSent, kStatusAfterReceiptWait, Status::kSent), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kQueued, kStatusAfterReceiptWait, Status::kSent), ChangeVerdict::kIgnore);
  EXPECT_EQ(DecideChange(Status::kDelivered, kStatusAfterReceiptWait, Status::kSent), ChangeVerdict::kIgnore);
  // The TTL ends a message still queued, not one being sent now.
  EXPECT_EQ(DecideChange(Status::kQueued, kStatusAfterTtl, Status::kQueued), ChangeVerdict::kMove);
  EXPECT_EQ(DecideChange(Status::kSent, kStatusAfterTtl, Status::kQueued), ChangeVerdict::kIgnore);
}

TEST(LifecycleTest, OnlyFinalReceiptsOfUnfinishedMessagesCount) {
  // kSent stands for an intermediate state (ACCEPTD, ENROUTE) or UNKNOWN.
  for (Status current : kAll) EXPECT_FALSE(ReceiptCounts(current, Status::kSent));
  for (Status receipt : kFinal) {
    EXPECT_TRUE(ReceiptCounts(Status::kSent, receipt));
    // Before the submit's answer was recorded as sent (one segment accepted, the others
    // to be retried), the accepted segment's receipt still counts.
    EXPECT_TRUE(ReceiptCounts(Status::kQueued, receipt));
    EXPECT_TRUE(ReceiptCounts(Status::kSending, receipt));
  }
}

TEST(LifecycleTest, DuplicateAndLateReceiptsChangeNothing) {
  // A duplicate DELIVRD after delivered, and any receipt after the receipt wait ended
  // the message expired / no_receipt.
  EXPECT_FALSE(ReceiptCounts(Status::kDelivered, Status::kDelivered));
  for (Status receipt : kFinal) EXPECT_FALSE(ReceiptCounts(kStatusAfterReceiptWait, receipt));
}

TEST(LifecycleTest, SingleSegmentFollowsItsReceipt) {
  for (Status receipt : kFinal) {
    const SegmentTally tally{1, receipt == Status::kDelivered ? 1 : 0, false};
    EXPECT_EQ(StatusAfterReceipt(receipt, tally), receipt) << ToString(receipt);
  }
  EXPECT_EQ(StatusAfterReceipt(Status::kSent, SegmentTally{}), std::nullopt);
}

TEST(LifecycleTest, MultipartIsDeliveredWhenEverySegmentIs) {
  EXPECT_EQ(StatusAfterReceipt(Status::kDelivered, {3, 1, false}), std::nullopt);
  EXPECT_EQ(StatusAfterReceipt(Status::kDelivered, {3, 2, false}), std::nullopt);
  EXPECT_EQ(StatusAfterReceipt(Status::kDelivered, {3, 3, false}), Status::kDelivered);
}

TEST(LifecycleTest, OneFailedSegmentOfThreeEndsTheMessage) {
  EXPECT_EQ(StatusAfterReceipt(Status::kFailed, {3, 2, false}), Status::kFailed);
  EXPECT_EQ(StatusAfterReceipt(Status::kFailed, {3, 0, false}), Status::kFailed);
  EXPECT_EQ(StatusAfterReceipt(Status::kRejected, {3, 1, false}), Status::kRejected);
  EXPECT_EQ(StatusAfterReceipt(Status::kExpired, {3, 1, false}), Status::kExpired);
}

TEST(LifecycleTest, AWholeMessageReceiptDeliversEverySegment) {
  EXPECT_EQ(StatusAfterReceipt(Status::kDelivered, {4, 0, true}), Status::kDelivered);
}

TEST(LifecycleTest, ReceiptErrorsNameWhatTheCarrierSaid) {
  EXPECT_EQ(ReceiptError(Status::kFailed, "UNDELIV/012"),
            (MessageError{"undeliverable", "the carrier could not deliver the message", "UNDELIV/012"}));
  EXPECT_EQ(ReceiptError(Status::kRejected, "REJECTD").code, "carrier_rejected");
  EXPECT_EQ(ReceiptError(Status::kExpired, "EXPIRED").code, "carrier_expired");
  EXPECT_EQ(NoReceiptError().code, "no_receipt");
  EXPECT_EQ(TtlExpiredError().code, "ttl_expired");
  EXPECT_EQ(RecipientErasedError().code, "recipient_erased");
  EXPECT_EQ(kStatusAfterErasure, Status::kRejected);
}

TEST(LifecycleTest, WaitingCountsQueuedAndSendingOnly) {
  EXPECT_EQ(WaitingDelta(Status::kQueued, Status::kSending), 0);
  EXPECT_EQ(WaitingDelta(Status::kQueued, Status::kSent), -1);
  EXPECT_EQ(WaitingDelta(Status::kSending, Status::kFailed), -1);
  EXPECT_EQ(WaitingDelta(Status::kSent, Status::kDelivered), 0);
  EXPECT_EQ(WaitingDelta(Status::kSent, Status::kQueued), 1);
}

}  // namespace
}  // namespace deliverer::model
