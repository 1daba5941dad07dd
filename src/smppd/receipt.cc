#include "smppd/receipt.h"

#include <algorithm>
#include <charconv>

#include "receipts/receipt_writer.h"
#include "smpp/tlv.h"

namespace deliverer::smppd {
namespace {

constexpr uint8_t kTonUnknown = 0;
constexpr uint8_t kTonInternational = 1;
constexpr uint8_t kTonAlphanumeric = 5;
constexpr uint8_t kNpiIsdn = 1;

struct SmppAddress {
  std::string text;
  uint8_t ton = 0;
  uint8_t npi = 0;
};

SmppAddress SmppAddressOf(const std::string& number) {
  if (number.starts_with('+')) return SmppAddress{number.substr(1), kTonInternational, kNpiIsdn};
  const bool digits = std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return SmppAddress{number, kTonAlphanumeric, 0};
  return SmppAddress{number, kTonUnknown, kNpiIsdn};
}

}  // namespace

void SetAddresses(smpp::DeliverSm& pdu, const std::string& source, const std::string& destination) {
  const SmppAddress from = SmppAddressOf(source);
  const SmppAddress to = SmppAddressOf(destination);
  pdu.source_addr = from.text;
  pdu.source_addr_ton = from.ton;
  pdu.source_addr_npi = from.npi;
  pdu.destination_addr = to.text;
  pdu.dest_addr_ton = to.ton;
  pdu.dest_addr_npi = to.npi;
}

receipts::MessageState StateOf(model::Status status) {
  using receipts::MessageState;
  switch (status) {
    case model::Status::kDelivered: return MessageState::kDelivered;
    case model::Status::kExpired: return MessageState::kExpired;
    case model::Status::kFailed: return MessageState::kUndeliverable;
    case model::Status::kRejected: return MessageState::kRejected;
    case model::Status::kCanceled: return MessageState::kDeleted;
    default: break;
  }
  return MessageState::kUnknown;
}

unsigned ErrorCodeOf(const std::optional<model::MessageError>& error) {
  if (!error) return 0;
  const std::string& code = error->carrier_code;
  const size_t slash = code.rfind('/');
  if (slash == std::string::npos) return 0;
  unsigned value = 0;
  const char* begin = code.data() + slash + 1;
  const char* end = code.data() + code.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return 0;
  return value % 1000;
}

smpp::DeliverSm MakeReceipt(const store::ProducerReceiptJob& job) {
  const receipts::MessageState state = StateOf(job.status);
  const std::string text = receipts::WriteReceiptText(receipts::ReceiptTextFields{
      job.message_id, state, ErrorCodeOf(job.error), job.submitted_at_ms, job.done_at_ms, job.text});
  smpp::DeliverSm d;
  SetAddresses(d, job.to, job.from);
  d.esm_class = kEsmClassDeliveryReceipt;
  d.short_message.assign(text.begin(), text.end());
  smpp::AddReceiptedMessageId(d.tlvs, job.message_id);
  smpp::AddMessageState(d.tlvs, static_cast<uint8_t>(state));
  return d;
}

}  // namespace deliverer::smppd
