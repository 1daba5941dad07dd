#pragma once
// Reassembly of concatenated MOs (docs/api.md "Inbound messages to producers"). Pure,
// thread-safe: the store keeps the parts, the engine asks here what they make.
//
// A set is complete when every sequence 1..total is held. A set that stays incomplete
// past kPartsTimeout is recorded as what arrived (the parts held, in sequence order), so a
// lost part costs the subscriber a gap, not the whole message. At most kMaxPendingParts
// parts wait at once: past that, a part is recorded as a message of its own, so a carrier
// sending garbage references can grow neither memory nor the database without bound.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "carriers/carrier.h"
#include "store/delivery_records.h"

namespace deliverer::delivery {

inline constexpr std::chrono::minutes kPartsTimeout{10};
inline constexpr int64_t kMaxPendingParts = 10'000;

// The part `inbound` is, to keep; precondition: inbound.part is set.
store::InboundPart PartOf(const std::string& carrier, const carriers::CarrierInbound& inbound,
                          int64_t at_ms);
// Whether `parts` (one per sequence, as the store returns them) are the whole set.
bool IsComplete(const std::vector<store::InboundPart>& parts);
// The message the parts make: their texts in sequence order, from the first part's
// sender to its recipient. Precondition: `parts` is not empty.
carriers::CarrierInbound Reassemble(const std::vector<store::InboundPart>& parts);

}  // namespace deliverer::delivery
