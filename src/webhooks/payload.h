#pragma once
// The JSON body POSTed to a producer's callback_url (docs/api.md "Webhooks to producers").
#include <string>

#include "store/delivery_records.h"

namespace deliverer::webhooks {

std::string PayloadJson(const store::WebhookJob& job);

// An event for the operators' webhook ([webhooks] ops_url): a carrier's circuit opened or
// closed again.
struct CircuitEvent {
  std::string carrier;
  bool open = true;
  std::string reason;        // why it opened ("consecutive_failures", "failure_ratio", "link_down", …)
  int64_t cool_down_ms = 0;  // how long it stays open before probes
  int64_t at_ms = 0;
};
// {"event_id","type":"circuit.open"|"circuit.closed","carrier","reason","cool_down_ms","at"}
std::string OpsEventJson(const CircuitEvent& event, const std::string& event_id);

}  // namespace deliverer::webhooks
