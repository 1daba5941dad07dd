// The delivery engine: parts of concatenated MOs, kept durably until their set is whole
// or expires (delivery/inbound_parts.h, docs/api.md "Inbound messages to producers").
#include "common/log.h"
#include "delivery/engine.h"
#include "delivery/inbound_parts.h"

namespace deliverer::delivery {

// A part is acked once it is durable, not once its message is recorded: the carrier
// will not resend it, and the set is recorded from the store, by the part that completes
// it or by the sweep (SweepParts) if the process stops first.
void Engine::KeepPart(const std::string& carrier, carriers::CarrierInbound inbound,
                      carriers::Ack ack) {
  store::InboundPart part = PartOf(carrier, inbound, clock_.NowUnixMillis());
  inbound_store_.KeepInboundPart(
      std::move(part), kMaxPendingParts,
      [this, carrier, inbound = std::move(inbound),
       ack = std::move(ack)](Result<store::InboundPartsHeld> held) mutable {
        if (!held.ok()) return ack(false);
        if (!held->kept) {
          // At the bound: the part is a message of its own, acked once that is recorded.
          Post([this, carrier, inbound = std::move(inbound), ack = std::move(ack)]() mutable {
            metrics_
                .Counter("deliverer_inbound_parts_overflow_total",
                         "Parts of concatenated MOs recorded alone because too many parts were pending")
                .Inc();
            inbound.part.reset();
            RecordMo(carrier, std::move(inbound), std::nullopt, std::move(ack));
          });
          return;
        }
        ack(true);
        if (!IsComplete(held->parts)) return;
        Post([this, parts = std::move(held->parts)] { RecordParts(parts, "complete"); });
      });
}

void Engine::RecordParts(const std::vector<store::InboundPart>& parts, std::string_view outcome) {
  const store::InboundPartsKey& key = parts.front().key;
  RecordMo(key.carrier, Reassemble(parts), key,
           [this, outcome = std::string(outcome), carrier = key.carrier](bool recorded) {
             if (!recorded) {
               // The parts stay; the sweep records them once they expire.
               log::Warn("delivery", "a reassembled inbound message via {} could not be recorded yet",
                         carrier);
               return;
             }
             Post([this, outcome] {
               metrics_
                   .Counter("deliverer_inbound_reassembled_total",
                            "Concatenated MOs recorded from their parts: complete, or expired "
                            "(recorded as what arrived)",
                            {{"outcome", outcome}})
                   .Inc();
             });
           });
}

void Engine::SweepParts(int64_t now_ms) {
  const int64_t before_ms = now_ms - std::chrono::duration_cast<Millis>(kPartsTimeout).count();
  if (auto expired = inbound_store_.ExpiredInboundParts(before_ms, 100); expired.ok()) {
    for (const std::vector<store::InboundPart>& parts : *expired) RecordParts(parts, "expired");
  }
  if (auto pending = inbound_store_.PendingInboundParts(); pending.ok()) {
    metrics_
        .Gauge("deliverer_inbound_parts_pending",
               "Parts of concatenated MOs kept until their message is complete or expires")
        .Set(static_cast<double>(*pending));
  }
}

}  // namespace deliverer::delivery
