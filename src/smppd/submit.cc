#include "smppd/submit.h"

#include <nlohmann/json.hpp>

#include "common/ids.h"

namespace deliverer::smppd {
namespace {

constexpr uint8_t kSubmitTonInternational = 1;

std::string Address(const std::string& address, uint8_t ton) {
  if (ton == kSubmitTonInternational && !address.empty() && address.front() != '+') return "+" + address;
  return address;
}

// The fields submit_sm and data_sm share.
template <class Sm>
Result<ProducerSubmit> ReadCommon(const Sm& sm, std::span<const uint8_t> user_data) {
  auto split = smpp::SplitUserData(sm.esm_class, user_data);
  if (!split.ok()) return split.take_error();
  ProducerSubmit out;
  out.from = Address(sm.source_addr, sm.source_addr_ton);
  out.to = Address(sm.destination_addr, sm.dest_addr_ton);
  out.data_coding = sm.data_coding;
  out.payload.assign(split->payload.begin(), split->payload.end());
  out.part = split->concatenation;
  if (!out.part) out.part = smpp::SarConcatenation(sm.tlvs);
  // A "set" of one part is the whole message.
  if (out.part && out.part->total == 1) out.part.reset();
  out.registered_delivery = sm.registered_delivery & 0x03;
  if (std::optional<std::string> id = smpp::GetDelivererMessageId(sm.tlvs)) {
    // Checked here, not only by the validator: a part keeps its id until its set is whole.
    if (!IsUuid(*id)) return Error::Of("invalid_field", "deliverer_message_id must be a UUID", "message_id");
    out.message_id = CanonicalMessageId(*id);
  }
  return out;
}

}  // namespace

Result<ProducerSubmit> ReadSubmit(const smpp::SubmitSm& submit) {
  if (!submit.schedule_delivery_time.empty()) {
    return Error::Of("invalid_field", "schedule_delivery_time is not supported: use the HTTP API's send_at",
                     "send_at");
  }
  if (!submit.short_message.empty() && smpp::GetMessagePayload(submit.tlvs)) {
    return Error::Of("invalid_field", "short_message and message_payload exclude each other", "body");
  }
  auto out = ReadCommon(submit, smpp::UserDataOf(submit));
  if (out.ok()) out->high_priority = submit.priority_flag >= 2;
  return out;
}

Result<ProducerSubmit> ReadDataSm(const smpp::DataSm& data_sm) {
  return ReadCommon(data_sm, smpp::GetMessagePayload(data_sm.tlvs).value_or(std::span<const uint8_t>()));
}

std::string SubmissionJson(const ProducerSubmit& submit, std::string_view text,
                           const std::optional<std::string>& message_id) {
  nlohmann::json body = {{"from", submit.from}, {"to", submit.to}, {"body", text}};
  if (submit.high_priority) body["priority"] = "high";
  if (message_id) {
    body["message_id"] = *message_id;
  } else if (submit.message_id) {
    body["message_id"] = *submit.message_id;
  }
  // Replaced, not thrown: a GSM-7 or UCS-2 decode yields valid UTF-8 already.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace deliverer::smppd
