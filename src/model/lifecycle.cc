#include "model/lifecycle.h"

namespace deliverer::model {

int WaitingDelta(Status from, Status to) {
  const bool was_waiting = IsWaiting(from);
  const bool is_waiting = IsWaiting(to);
  if (was_waiting == is_waiting) return 0;
  return is_waiting ? 1 : -1;
}

ChangeVerdict DecideChange(Status current, Status proposed, std::optional<Status> only_from) {
  if (IsTerminal(current)) return ChangeVerdict::kIgnore;
  if (only_from && current != *only_from) return ChangeVerdict::kIgnore;
  if (current == Status::kScheduled) {
    // Not given to any carrier yet: released, canceled or ended, never "attempted".
    if (proposed == Status::kQueued || IsTerminal(proposed)) return ChangeVerdict::kMove;
    return ChangeVerdict::kIgnore;
  }
  switch (proposed) {
    case Status::kQueued:
    case Status::kSending:
      // Once every segment was accepted, an attempt's late failure is stale.
      return current == Status::kSent ? ChangeVerdict::kIgnore : ChangeVerdict::kRecordAttempt;
    case Status::kSent:
      return current == Status::kSent ? ChangeVerdict::kIgnore : ChangeVerdict::kMove;
    case Status::kDelivered:
    case Status::kExpired:
    case Status::kFailed:
    case Status::kRejected:
      return ChangeVerdict::kMove;
    case Status::kCanceled:
      return IsCancelable(current) ? ChangeVerdict::kMove : ChangeVerdict::kIgnore;
    case Status::kScheduled:
      return ChangeVerdict::kIgnore;  // nothing goes back to waiting for its time
  }
  return ChangeVerdict::kIgnore;
}

bool ReceiptCounts(Status current, Status receipt) { return IsTerminal(receipt) && !IsTerminal(current); }

std::optional<Status> StatusAfterReceipt(Status receipt, const SegmentTally& tally) {
  if (!IsTerminal(receipt)) return std::nullopt;
  if (receipt != Status::kDelivered) return receipt;  // one segment's failure ends the message
  if (tally.whole_delivered || tally.delivered >= tally.segments) return Status::kDelivered;
  return std::nullopt;
}

MessageError ReceiptError(Status status, std::string carrier_code) {
  switch (status) {
    case Status::kExpired:
      return {"carrier_expired", "the carrier reported the message expired", std::move(carrier_code)};
    case Status::kRejected:
      return {"carrier_rejected", "the carrier rejected the message", std::move(carrier_code)};
    default:
      return {"undeliverable", "the carrier could not deliver the message", std::move(carrier_code)};
  }
}

MessageError NoReceiptError() {
  return {"no_receipt", "no delivery receipt came within the receipt wait", ""};
}

MessageError TtlExpiredError() { return {"ttl_expired", "the TTL passed before it could be sent", ""}; }

MessageError RecipientErasedError() {
  return {"recipient_erased", "the recipient's data was erased on request", ""};
}

}  // namespace deliverer::model
