#pragma once
// The JSON body POSTed to a producer's callback_url (docs/api.md "Webhooks to producers").
#include <string>

#include "routing/canary_events.h"
#include "routing/circuit_events.h"
#include "store/delivery_records.h"

namespace deliverer::webhooks {

// A status event's body, or an inbound event's (job.inbound set):
// {"event_id","type":"inbound","id","from","to","text","received_at","carrier"}.
std::string PayloadJson(const store::WebhookJob& job);

// The operators' webhook ([webhooks] ops_url) body for a circuit that opened or closed:
// {"event_id","type":"circuit.open"|"circuit.closed","carrier","reason","cool_down_ms","at"}
std::string OpsEventJson(const routing::CircuitEvent& event, const std::string& event_id);

// The operators' webhook body for a canary roll-out halted by its guard:
// {"event_id","type":"canary.halted","flag","route","reason","detail","canary":{figures},
//  "control":{figures},"at"}, the figures being the guard's window: {"submits",
// "submit_errors","submit_error_ratio","ended","delivered","delivery_ratio",
// "receipts_timed","mean_receipt_latency_s"}; or resumed by an operator:
// {"event_id","type":"canary.resumed","flag","route","at"}.
std::string CanaryEventJson(const routing::CanaryEvent& event, const std::string& event_id);

}  // namespace deliverer::webhooks
