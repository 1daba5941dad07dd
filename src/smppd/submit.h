#pragma once
// What a producer's submit_sm or data_sm asks for, read from the PDU (docs/smpp-server.md
// "Submitting"), and the message it makes for the acceptance pipeline (api/acceptance.h),
// which validates it exactly as it validates POST /v1/messages. Pure, thread-safe.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "smpp/pdu.h"
#include "smpp/udh.h"

namespace deliverer::smppd {

struct ProducerSubmit {
  // As the validator takes them: an international number (TON 1) gets its '+'.
  std::string from;
  std::string to;
  uint8_t data_coding = 0;
  std::vector<uint8_t> payload;               // the user data after its UDH
  std::optional<smpp::Concatenation> part;    // from the UDH or the SAR TLVs; nullopt: whole
  uint8_t registered_delivery = 0;            // its low two bits (SMPP 3.4 §5.2.17)
  bool high_priority = false;                 // priority_flag 2 or 3
  // The deliverer_message_id TLV, in its canonical form: the producer's idempotency key,
  // as `message_id` is for POST /v1/messages. nullopt: the gateway makes an id.
  std::optional<std::string> message_id;

  bool wants_receipt() const { return registered_delivery == 1 || registered_delivery == 2; }
  bool failures_only() const { return registered_delivery == 2; }
};

// Errors (code → status in status_map.h): "udh_missing", "udh_length", "udh_element" for a
// UDH that does not hold; "invalid_field" (field "send_at") for a schedule_delivery_time,
// which producers set through the HTTP API's send_at instead; "invalid_field" (field "body")
// for both short_message and message_payload; "invalid_field" (field "message_id") for a
// deliverer_message_id that is not a UUID.
Result<ProducerSubmit> ReadSubmit(const smpp::SubmitSm& submit);
Result<ProducerSubmit> ReadDataSm(const smpp::DataSm& data_sm);

// The body of a POST /v1/messages for the submit and its decoded text. Its message_id is
// `message_id` when set (a reassembled message, whose id its parts' submit_sm_resp already
// carried), else the submit's own.
std::string SubmissionJson(const ProducerSubmit& submit, std::string_view text,
                           const std::optional<std::string>& message_id = std::nullopt);

}  // namespace deliverer::smppd
