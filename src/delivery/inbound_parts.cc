#include "delivery/inbound_parts.h"

#include <algorithm>
#include <cassert>

namespace deliverer::delivery {

store::InboundPart PartOf(const std::string& carrier, const carriers::CarrierInbound& inbound,
                          int64_t at_ms) {
  assert(inbound.part);
  const carriers::InboundConcat& c = *inbound.part;
  return store::InboundPart{
      store::InboundPartsKey{carrier, inbound.from, inbound.to, c.reference, c.total}, c.sequence,
      inbound.text, at_ms};
}

bool IsComplete(const std::vector<store::InboundPart>& parts) {
  if (parts.empty()) return false;
  const int total = parts.front().key.total;
  std::vector<bool> seen(static_cast<size_t>(total) + 1, false);
  for (const store::InboundPart& p : parts) {
    if (p.sequence >= 1 && p.sequence <= total) seen[static_cast<size_t>(p.sequence)] = true;
  }
  return std::count(seen.begin() + 1, seen.end(), true) == total;
}

carriers::CarrierInbound Reassemble(const std::vector<store::InboundPart>& parts) {
  assert(!parts.empty());
  std::vector<const store::InboundPart*> ordered;
  for (const store::InboundPart& p : parts) ordered.push_back(&p);
  // Stable: of two parts with one sequence (the store keeps one), the first stays first.
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
  carriers::CarrierInbound out{parts.front().key.from, parts.front().key.to, "", std::nullopt};
  int last = 0;
  for (const store::InboundPart* p : ordered) {
    if (p->sequence == last) continue;
    out.text += p->text;
    last = p->sequence;
  }
  return out;
}

}  // namespace deliverer::delivery
