#include "smpp/deliver_receipt.h"

#include <string_view>

#include "smpp/udh.h"

namespace deliverer::smpp {
namespace {

constexpr uint8_t kEsmClassTypeMask = 0x3C;
constexpr uint8_t kEsmClassReceipt = 0x04;
constexpr uint8_t kEsmClassIntermediate = 0x20;

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void ApplyTlvs(const Tlvs& tlvs, DeliverReceipt& receipt) {
  if (auto id = GetReceiptedMessageId(tlvs); id && !IsBlank(*id)) receipt.message_id = *id;
  auto state = GetMessageState(tlvs);
  if (state && *state >= 1 && *state <= 8) {
    receipt.state = static_cast<receipts::MessageState>(*state);
    receipt.state_from_tlv = true;
  }
  receipt.network_error = GetNetworkErrorCode(tlvs);
}

}  // namespace

bool IsReceipt(uint8_t esm_class) {
  uint8_t type = esm_class & kEsmClassTypeMask;
  return type == kEsmClassReceipt || type == kEsmClassIntermediate;
}

Result<DeliverReceipt> ParseReceipt(const DeliverSm& deliver_sm) {
  return ParseReceipt(deliver_sm.tlvs, UserDataOf(deliver_sm));
}

Result<DeliverReceipt> ParseReceipt(const Tlvs& tlvs, std::span<const uint8_t> text) {
  std::string_view view(reinterpret_cast<const char*>(text.data()), text.size());
  DeliverReceipt receipt;
  static_cast<receipts::Receipt&>(receipt) = receipts::ReadReceiptText(view);
  ApplyTlvs(tlvs, receipt);
  if (Status s = receipts::FinishReceipt(receipt); !s.ok()) return s.error();
  return receipt;
}

}  // namespace deliverer::smpp
