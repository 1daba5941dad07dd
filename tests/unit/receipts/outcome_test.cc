// What a receipt means for its message, the one mapping both carrier kinds use
// (docs/smpp-mapping.md "Delivery receipts").
#include "receipts/outcome.h"

#include <gtest/gtest.h>

namespace deliverer::receipts {
namespace {

using State = MessageState;
// Not `Status`: that is common/result.h's in this namespace.
using MessageStatus = model::Status;

constexpr State kEveryState[] = {State::kEnroute, State::kDelivered, State::kExpired, State::kDeleted,
                                 State::kUndeliverable, State::kAccepted, State::kUnknown, State::kRejected};

TEST(ReceiptState, MapsPerDeliverySpec) {
  EXPECT_EQ(MapReceiptState(State::kDelivered), ReceiptOutcome::kDelivered);
  EXPECT_EQ(MapReceiptState(State::kExpired), ReceiptOutcome::kExpired);
  EXPECT_EQ(MapReceiptState(State::kUndeliverable), ReceiptOutcome::kFailed);
  EXPECT_EQ(MapReceiptState(State::kDeleted), ReceiptOutcome::kFailed);
  EXPECT_EQ(MapReceiptState(State::kRejected), ReceiptOutcome::kRejected);
  EXPECT_EQ(MapReceiptState(State::kAccepted), ReceiptOutcome::kIntermediate);
  EXPECT_EQ(MapReceiptState(State::kEnroute), ReceiptOutcome::kIntermediate);
  EXPECT_EQ(MapReceiptState(State::kUnknown), ReceiptOutcome::kUnknown);
  EXPECT_EQ(ToString(State::kUndeliverable), "UNDELIVERABLE");
  EXPECT_EQ(ToString(ReceiptOutcome::kIntermediate), "intermediate");
}

TEST(ReceiptStatus, FinalStatesMoveTheMessage) {
  EXPECT_EQ(MessageStatusOf(State::kDelivered), MessageStatus::kDelivered);
  EXPECT_EQ(MessageStatusOf(State::kExpired), MessageStatus::kExpired);
  EXPECT_EQ(MessageStatusOf(State::kUndeliverable), MessageStatus::kFailed);
  EXPECT_EQ(MessageStatusOf(State::kDeleted), MessageStatus::kFailed);
  EXPECT_EQ(MessageStatusOf(State::kRejected), MessageStatus::kRejected);
}

TEST(ReceiptStatus, IntermediateAndUnknownChangeNothingNow) {
  EXPECT_EQ(MessageStatusOf(State::kAccepted), MessageStatus::kSent);
  EXPECT_EQ(MessageStatusOf(State::kEnroute), MessageStatus::kSent);
  EXPECT_EQ(MessageStatusOf(State::kUnknown), MessageStatus::kSent);
  EXPECT_EQ(MessageStatusOf(ParseStat("no such word")), MessageStatus::kSent);
}

TEST(ReceiptStatus, AgreesWithTheOutcomeForEveryState) {
  for (State state : kEveryState) {
    const ReceiptOutcome outcome = MapReceiptState(state);
    const MessageStatus status = MessageStatusOf(state);
    const bool settles = outcome != ReceiptOutcome::kIntermediate && outcome != ReceiptOutcome::kUnknown;
    EXPECT_EQ(model::IsTerminal(status), settles) << ToString(state);
    if (settles) {
      EXPECT_EQ(model::ToString(status), ToString(outcome)) << ToString(state);
    }
  }
}

TEST(ReceiptCarrierCode, StatThenErrorAfterASlash) {
  EXPECT_EQ(CarrierCode(State::kDelivered, "DELIVRD", "000"), "DELIVRD/000");
  EXPECT_EQ(CarrierCode(State::kUndeliverable, "undeliv", ""), "undeliv") << "no error code, no slash";
  EXPECT_EQ(CarrierCode(State::kUnknown, "FAILED", "069"), "FAILED/069") << "the carrier's word, even unknown";
}

TEST(ReceiptCarrierCode, TheStateNamesAStatThatIsMissing) {
  EXPECT_EQ(CarrierCode(State::kExpired, "", ""), "EXPIRED");
  EXPECT_EQ(CarrierCode(State::kRejected, "", "0x0B"), "REJECTED/0x0B");
}

}  // namespace
}  // namespace deliverer::receipts
