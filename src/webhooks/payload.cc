#include "webhooks/payload.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace deliverer::webhooks {
namespace {

// Carriers' codes and details are repaired to UTF-8 where they enter (receipts, carrier
// answers); replacing here as well means no byte that slipped through can make the
// encoder throw and leave an event undeliverable.
std::string Dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// docs/api.md "Inbound messages to producers".
std::string InboundPayloadJson(const store::WebhookJob& job) {
  const store::InboundEvent& in = *job.inbound;
  return Dump(nlohmann::json{{"event_id", job.event_id},
                             {"type", "inbound"},
                             {"id", job.message_id},
                             {"from", in.from},
                             {"to", in.to},
                             {"text", in.text},
                             {"received_at", FormatRfc3339(job.at_ms)},
                             {"carrier", job.carrier}});
}

}  // namespace

std::string PayloadJson(const store::WebhookJob& job) {
  if (job.inbound) return InboundPayloadJson(job);
  nlohmann::json body = {
      {"event_id", job.event_id},
      {"message_id", job.message_id},
      {"status", std::string(model::ToString(job.status))},
      {"previous_status", std::string(model::ToString(job.previous_status))},
      {"at", FormatRfc3339(job.at_ms)},
      {"segments", job.segments},
      {"carrier", job.carrier.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.carrier)},
      {"error", nullptr},
      {"client_ref", job.client_ref.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.client_ref)},
  };
  if (job.error) {
    body["error"] = {{"code", job.error->code}, {"detail", job.error->detail},
                     {"carrier_code", job.error->carrier_code.empty()
                                          ? nlohmann::json(nullptr)
                                          : nlohmann::json(job.error->carrier_code)}};
  }
  return Dump(body);
}

namespace {

nlohmann::json FiguresJson(const routing::ArmFigures& f) {
  return {{"submits", f.submits},
          {"submit_errors", f.submit_errors},
          {"submit_error_ratio", f.SubmitErrorRatio()},
          {"ended", f.finals},
          {"delivered", f.delivered},
          {"delivery_ratio", f.DeliveryRatio()},
          {"receipts_timed", f.latencies},
          {"mean_receipt_latency_s", f.MeanLatencyS()}};
}

}  // namespace

std::string CanaryEventJson(const routing::CanaryEvent& event, const std::string& event_id) {
  nlohmann::json body{{"event_id", event_id},
                      {"type", event.halted ? "canary.halted" : "canary.resumed"},
                      {"flag", event.flag},
                      {"route", event.route},
                      {"at", FormatRfc3339(event.at_ms)}};
  if (event.halted) {
    body["reason"] = event.reason;
    body["detail"] = event.detail;
    body["canary"] = FiguresJson(event.canary);
    body["control"] = FiguresJson(event.control);
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string OpsEventJson(const routing::CircuitEvent& event, const std::string& event_id) {
  return nlohmann::json{{"event_id", event_id},
                        {"type", event.open ? "circuit.open" : "circuit.closed"},
                        {"carrier", event.carrier},
                        {"reason", event.reason},
                        {"cool_down_ms", event.cool_down_ms},
                        {"at", FormatRfc3339(event.at_ms)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace deliverer::webhooks
