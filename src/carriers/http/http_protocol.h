#pragma once
// The HTTP carrier API as configured (docs/configuration.md "[[carriers]]", HTTP carriers;
// config::HttpCarrierConfig): the request body for a message, and what an answer means.
// Pure and thread-safe; the connection handling is in http_carrier.h.
//
// Answers: 2xx with an id at `id_field` is accepted; a status in `permanent_statuses`
// blames the message (never retried); every other status, 3xx included (redirects are
// never followed), is transient, since it says the carrier or our credentials are at
// fault rather than the message.
#include <optional>
#include <string>
#include <string_view>

#include "carriers/carrier.h"
#include "config/config.h"
#include "receipts/carrier_id.h"

namespace deliverer::carriers::http {

// "application/json" or "application/x-www-form-urlencoded".
std::string_view ContentType(const config::HttpCarrierConfig& api);

// The request body: the configured field names; empty names are left out.
std::string BuildBody(const config::HttpCarrierConfig& api, const CarrierSubmit& submit);

// The value at a dotted path ("data.0.id") of a JSON document, when it is a string or a
// number (numbers as written); nullopt when absent, of another type, or not JSON.
std::optional<std::string> JsonValueAt(std::string_view json, std::string_view path);

// The report for an answer with this status and body to the submit of `message_id`.
// carrier_code is the status, with the carrier's error code after a '/' when
// `error_field` holds one ("400/invalid_number"). A 2xx without an id is accepted under
// the key "no-id:<message_id>", which no receipt matches: resending could deliver twice.
SubmitReport Classify(const config::HttpCarrierConfig& api, receipts::CarrierIdMatch id_match,
                      int status, std::string_view body, std::string_view message_id);

}  // namespace deliverer::carriers::http
