#pragma once
// JSON shapes of the resources of docs/api.md.
#include <nlohmann/json.hpp>

#include "api/process_view.h"
#include "store/records.h"

namespace deliverer::api {

// GET /v1/messages/{id} (with events) and the items of GET /v1/messages (without).
nlohmann::json MessageJson(const store::MessageRecord& message, bool with_events);
// The 202 (and replayed 200) answer of POST /v1/messages.
nlohmann::json AcceptedJson(const store::MessageRecord& message, int64_t estimated_ms);
// docs/api.md "Cost": {"segments","price","currency"}, or null. The estimate is shown
// whenever there is one; the cost only once the message ended.
nlohmann::json EstimateJson(const store::MessageRecord& message);
nlohmann::json CostJson(const store::MessageRecord& message);
nlohmann::json SuppressionJson(const store::Suppression& suppression);
nlohmann::json AuditJson(const store::AuditEntry& entry);
// The items of GET /v1/admin/inbound (admin only: full numbers and the text); `account`
// null for an MO to an unassigned number.
nlohmann::json InboundJson(const store::InboundRecord& inbound);
// GET /v1/inbound items: {id, from, to, text, received_at, carrier}, no operator fields.
nlohmann::json AccountInboundJson(const store::InboundRecord& inbound);

// GET /v1/admin/carriers.
nlohmann::json CarriersJson(const DeliveryStatus& status);
// The /readyz detail's aging_credentials.
nlohmann::json AgingCredentialsJson(const std::vector<auth::AgingCredential>& aging);

std::string Dump(const nlohmann::json& json);

}  // namespace deliverer::api
