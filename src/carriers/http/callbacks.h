#pragma once
// The bodies HTTP carriers POST to the gateway (docs/api.md "Carrier callbacks"): delivery
// receipts to /v1/dlr/{carrier} and inbound messages to /v1/inbound/{carrier}, as JSON
// objects or form-encoded. The API authenticates the carrier (api/carrier_callbacks.h) and
// hands the body to carriers/http/callback_sink.h, which reads it here. Pure, thread-safe.
//
// Values are the carrier's words, stored and shown to producers: they leave here as UTF-8
// (a form-encoded body can percent-encode any byte), and a required one over its bound is
// refused rather than cut.
#include <string>
#include <string_view>

#include "common/result.h"
#include "receipts/receipt.h"

namespace deliverer::carriers::http {

// Bounds on what a carrier may put in a callback (docs/api.md "Carrier callbacks"): ids
// and codes as in every other receipt.
inline constexpr size_t kMaxCallbackIdBytes = receipts::kMaxReceiptIdBytes;
inline constexpr size_t kMaxCallbackCodeBytes = receipts::kMaxReceiptCodeBytes;
inline constexpr size_t kMaxCallbackAddressBytes = 32;
inline constexpr size_t kMaxCallbackTextBytes = 4096;

struct CallbackReceipt {
  std::string carrier_message_id;
  std::string status;      // DELIVRD, UNDELIV, … (or their long forms, any case)
  std::string error_code;  // the carrier's, may be empty
};

struct CallbackInbound {
  std::string from;
  std::string to;
  std::string text;
};

// JSON {"carrier_message_id","status","error_code","done_at"} or the same fields
// form-encoded (`content_type` application/x-www-form-urlencoded; anything else is read
// as JSON). Errors: invalid_json / invalid_field (with the field).
Result<CallbackReceipt> ParseCallbackReceipt(std::string_view content_type, std::string_view body);
// JSON or form {"from","to","text"}.
Result<CallbackInbound> ParseCallbackInbound(std::string_view content_type, std::string_view body);

// The receipt it is, for carriers::CarrierReceiptOf: the id, `status` as stat (and its
// state, receipts::ParseStat), `error_code` as err.
receipts::Receipt ReceiptOf(const CallbackReceipt& callback);

}  // namespace deliverer::carriers::http
