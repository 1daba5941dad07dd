#include "sim/receipt_pdu.h"

#include <fmt/format.h>

#include <array>

#include "receipts/receipt_writer.h"
#include "smpp/tlv.h"

namespace deliverer::sim {
namespace {

constexpr size_t kPaddedIdChars = 20;
constexpr uint8_t kNetworkTypeGsm = 3;

struct StatInfo {
  uint8_t message_state;
  uint16_t error_code;
  bool failure;
};

// In the order of kReceiptStats.
constexpr std::array<StatInfo, kReceiptStats.size()> kStatInfo = {{
    {2, 0, false},    // DELIVRD
    {5, 1, true},     // UNDELIV: unknown subscriber
    {3, 27, true},    // EXPIRED: absent subscriber
    {8, 11, true},    // REJECTD: teleservice not provisioned
    {4, 6, true},     // DELETED
    {7, 255, true},   // UNKNOWN
    {6, 0, false},    // ACCEPTD
    {1, 0, false},    // ENROUTE
}};

const StatInfo& InfoOf(size_t outcome) {
  return kStatInfo[outcome < kStatInfo.size() ? outcome : 0];
}

}  // namespace

std::string FormatCarrierId(uint64_t counter) { return fmt::format("{:X}", counter); }

std::string FormatCarrierId(uint64_t counter, IdForm form) {
  switch (form) {
    case IdForm::kSame:
      return FormatCarrierId(counter);
    case IdForm::kDecimal:
      return fmt::format("{}", counter);
    case IdForm::kLower:
      return fmt::format("{:x}", counter);
    case IdForm::kLeadingZeros:
      return fmt::format("{:0>{}X}", counter, kPaddedIdChars);
  }
  return FormatCarrierId(counter);
}

uint8_t MessageStateOf(size_t outcome) { return InfoOf(outcome).message_state; }
uint16_t ErrorCodeOf(size_t outcome) { return InfoOf(outcome).error_code; }

// The text form is the one every receipt of ours has (receipts/receipt_writer.h).
std::string ReceiptText(const ReceiptFields& f) {
  const size_t index = f.outcome < kReceiptStats.size() ? f.outcome : 0;
  return receipts::WriteReceiptText(receipts::ReceiptTextFields{
      f.id, static_cast<receipts::MessageState>(MessageStateOf(index)), ErrorCodeOf(index), f.submit_ms,
      f.done_ms, f.text});
}

smpp::DeliverSm MakeReceipt(const smpp::SubmitSm& submit, const ReceiptFields& fields) {
  smpp::DeliverSm d;
  d.source_addr_ton = submit.dest_addr_ton;
  d.source_addr_npi = submit.dest_addr_npi;
  d.source_addr = submit.destination_addr;
  d.dest_addr_ton = submit.source_addr_ton;
  d.dest_addr_npi = submit.source_addr_npi;
  d.destination_addr = submit.source_addr;
  d.esm_class = kEsmClassReceipt;
  const std::string text = ReceiptText(fields);
  d.short_message.assign(text.begin(), text.end());
  smpp::AddReceiptedMessageId(d.tlvs, fields.id);
  smpp::AddMessageState(d.tlvs, MessageStateOf(fields.outcome));
  if (InfoOf(fields.outcome).failure) {
    smpp::AddNetworkErrorCode(d.tlvs, smpp::NetworkError{kNetworkTypeGsm, ErrorCodeOf(fields.outcome)});
  }
  return d;
}

}  // namespace deliverer::sim
