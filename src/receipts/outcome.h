#pragma once
// What a receipt means for its message (docs/smpp-mapping.md "Delivery receipts"), the same
// for every carrier kind: SMPP carriers (carriers/smpp) and HTTP carriers (carriers/http)
// both go through MessageStatusOf and CarrierCode, by way of carriers/carrier_receipt.h.
// Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/message.h"
#include "receipts/receipt.h"

namespace deliverer::receipts {

enum class ReceiptOutcome : uint8_t {
  kDelivered,     // DELIVRD
  kExpired,       // EXPIRED
  kFailed,        // UNDELIV, DELETED
  kRejected,      // REJECTD
  kIntermediate,  // ACCEPTD, ENROUTE: no change
  kUnknown,       // UNKNOWN (or no state at all): no change; no_receipt after the wait
};

ReceiptOutcome MapReceiptState(MessageState state);

// The status a receipt moves its message to: kDelivered, kExpired, kFailed or kRejected;
// kSent means "no change now" (an intermediate or unknown state), and the message waits
// for a later receipt or the end of the receipt wait, as the store's lifecycle rules
// expect of a receipt (model/lifecycle.h, ReceiptCounts). The one such mapping in the
// gateway.
model::Status MessageStatusOf(MessageState state);

// The carrier's own words, stored as the message's carrier_code: "STAT/err", or "STAT"
// when there is no error code. STAT is `stat` as the carrier wrote it ("DELIVRD",
// "delivered"), or the state's name ("DELIVERED") when it wrote none (an SMPP receipt
// whose state came from the message_state TLV alone).
std::string CarrierCode(MessageState state, std::string_view stat, std::string_view err);

// "delivered", "expired", "failed", "rejected", "intermediate", "unknown".
std::string_view ToString(ReceiptOutcome outcome);

}  // namespace deliverer::receipts
