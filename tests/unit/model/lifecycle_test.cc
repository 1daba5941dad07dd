#include "model/lifecycle.h"

#include <gtest/gtest.h>

#include <array>

namespace deliverer::model {
namespace {

constexpr std::array kAll = {Status::kQueued,  Status::kSending, Status::kSent,    Status::kDelivered,
                             Status::kExpired, Status::kFailed,  Status::kRejected};
constexpr std::array kFinal = {Status::kDelivered, Status::kExpired, Status::kFailed, Status::kRejected};

TEST(LifecycleTest, FinalStatusesAreStickyForEveryChange) {
  for (Status current : kFinal) {
    for (Status proposed : kAll) {
      EXPECT_EQ(DecideChange(current, proposed, std::nullopt), ChangeVerdict::kIgnore)
          << ToString(current) << " -> " << ToString(proposed);
      EXPECT_EQ(DecideChange(current, proposed, current), ChangeVerdict::kIgnore);
    }
  }
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
