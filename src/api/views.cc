#include "api/views.h"

#include "common/time_format.h"

namespace deliverer::api {
namespace {

nlohmann::json OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(FormatRfc3339(*ms)) : nlohmann::json(nullptr);
}

nlohmann::json OptionalText(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json EventJson(const store::MessageEvent& e) {
  nlohmann::json j = {{"status", model::ToString(e.status)}, {"at", FormatRfc3339(e.at_ms)}};
  if (!e.carrier.empty()) j["carrier"] = e.carrier;
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

nlohmann::json PriceJson(const std::optional<model::Price>& price, int segments) {
  if (!price) return nullptr;
  return {{"segments", segments},
          {"price", model::FormatMicros(price->micros)},
          {"currency", price->currency}};
}

}  // namespace

nlohmann::json EstimateJson(const store::MessageRecord& m) {
  return PriceJson(m.estimate, m.segments);
}

nlohmann::json CostJson(const store::MessageRecord& m) {
  return model::IsTerminal(m.status) ? PriceJson(m.cost, m.segments) : nlohmann::json(nullptr);
}

nlohmann::json MessageJson(const store::MessageRecord& m, bool with_events) {
  nlohmann::json j = {
      {"message_id", m.id},
      {"account", m.account},
      {"from", m.from},
      {"to", m.to},
      {"status", model::ToString(m.status)},
      {"type", model::ToString(m.type)},
      {"priority", model::ToString(m.priority)},
      {"encoding", model::ToString(m.encoding)},
      {"segments", m.segments},
      {"client_ref", OptionalText(m.client_ref)},
      {"carrier", OptionalText(m.carrier)},
      {"attempts", m.attempts},
      {"created_at", FormatRfc3339(m.created_at_ms)},
      {"updated_at", FormatRfc3339(m.updated_at_ms)},
      {"sent_at", OptionalTime(m.sent_at_ms)},
      {"done_at", OptionalTime(m.done_at_ms)},
      {"error", nullptr},
      {"estimate", EstimateJson(m)},
      {"cost", CostJson(m)},
  };
  if (m.send_at_ms) j["send_at"] = FormatRfc3339(*m.send_at_ms);
  if (m.error) {
    j["error"] = {{"code", m.error->code},
                  {"detail", m.error->detail},
                  {"carrier_code", OptionalText(m.error->carrier_code)}};
  }
  if (with_events) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : m.events) events.push_back(EventJson(e));
    j["events"] = std::move(events);
  }
  return j;
}

nlohmann::json AcceptedJson(const store::MessageRecord& m, int64_t estimated_ms) {
  nlohmann::json j = {{"message_id", m.id},
                      {"status", model::ToString(m.status)},
                      {"encoding", model::ToString(m.encoding)},
                      {"segments", m.segments},
                      {"estimated_processing_ms", estimated_ms},
                      {"estimate", EstimateJson(m)},
                      {"created_at", FormatRfc3339(m.created_at_ms)}};
  if (m.send_at_ms) j["send_at"] = FormatRfc3339(*m.send_at_ms);
  return j;
}

nlohmann::json SuppressionJson(const store::Suppression& s) {
  return {{"number", s.number},
          {"reason", s.reason},
          {"source", s.source},
          {"created_at", FormatRfc3339(s.created_at_ms)}};
}

nlohmann::json AuditJson(const store::AuditEntry& e) {
  return {{"at", FormatRfc3339(e.at_ms)},     {"key_id", e.key_id},
          {"account", e.account},             {"source_ip", e.source_ip},
          {"action", e.action},               {"target", e.target},
          {"correlation_id", e.correlation_id}, {"count", e.count}};
}

nlohmann::json InboundJson(const store::InboundRecord& in) {
  return {{"id", in.id},
          {"carrier", in.carrier},
          {"from", in.from},
          {"to", in.to},
          {"text", in.body},
          {"flag", in.keyword_action.empty() ? "none" : in.keyword_action},
          {"account", in.account.empty() ? nlohmann::json(nullptr) : nlohmann::json(in.account)},
          {"received_at", FormatRfc3339(in.at_ms)}};
}

nlohmann::json AccountInboundJson(const store::InboundRecord& in) {
  return {{"id", in.id},         {"from", in.from},
          {"to", in.to},         {"text", in.body},
          {"received_at", FormatRfc3339(in.at_ms)}, {"carrier", in.carrier}};
}

nlohmann::json CarriersJson(const DeliveryStatus& status) {
  nlohmann::json list = nlohmann::json::array();
  for (const CarrierStatus& carrier : status.carriers) {
    const carriers::CarrierState& s = carrier.state;
    list.push_back({{"id", s.id},
                    {"protocol", s.protocol},
                    {"binds", s.links},
                    {"binds_up", s.links_up},
                    {"circuit", carrier.circuit},
                    {"tps_limit", s.tps_limit},
                    {"tps_current", s.tps_current},
                    {"in_flight", s.in_flight},
                    {"submitted", s.submitted},
                    {"accepted", s.accepted},
                    {"failed", s.failed}});
  }
  return nlohmann::json{{"data", std::move(list)}, {"queue_depth", status.queue_depth}};
}

nlohmann::json AgingCredentialsJson(const std::vector<auth::AgingCredential>& aging) {
  nlohmann::json out = nlohmann::json::array();
  for (const auth::AgingCredential& c : aging) {
    out.push_back({{"kind", c.kind}, {"id", c.id}, {"age_days", c.age_days}});
  }
  return out;
}

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace deliverer::api
