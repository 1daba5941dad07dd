#pragma once
// Shared by engine.cc and engine_outcomes.cc only.
#include "delivery/engine.h"

namespace deliverer::delivery {

struct Engine::InFlight {
  queue::Delivery delivery;
  store::DeliveryRecord record;
  std::string carrier;
  routing::Permit permit;
  // The message's segment numbers in the order they were handed to the carrier, which
  // numbers them by position: a retry of a multipart message hands over only those not
  // accepted before.
  std::vector<int> segments;
  std::optional<ArmTicket> arm;  // the canary roll-out's arm the attempt counts for
};

// How soon a delivery found held by a cancel is taken again: the cancel's one commit.
inline constexpr Millis kCancelPendingRetry{50};

// The concatenation reference of a message's segments: the same on every attempt, so
// that the parts a retry resends join those accepted before on the handset.
uint16_t ConcatReferenceOf(std::string_view message_id);

// A change that ends the message with `status` and `error`.
inline store::StatusChange Terminal(const store::DeliveryRecord& record, model::Status status,
                                    int64_t at_ms, std::string carrier, store::MessageError error,
                                    int attempts = 0) {
  store::StatusChange change;
  change.message_id = record.id;
  change.status = status;
  change.at_ms = at_ms;
  change.carrier = std::move(carrier);
  change.attempts = attempts;
  change.detail = error.code;
  change.error = std::move(error);
  return change;
}

}  // namespace deliverer::delivery
