#include "smpp/receipt.h"

#include <array>

#include "common/utf8.h"
#include "smpp/receipt_text.h"
#include "smpp/udh.h"

namespace deliverer::smpp {
namespace {

constexpr uint8_t kEsmClassTypeMask = 0x3C;
constexpr uint8_t kEsmClassReceipt = 0x04;
constexpr uint8_t kEsmClassIntermediate = 0x20;

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void ApplyTlvs(const Tlvs& tlvs, Receipt& receipt) {
  if (auto id = GetReceiptedMessageId(tlvs); id && !IsBlank(*id)) receipt.message_id = *id;
  auto state = GetMessageState(tlvs);
  if (state && *state >= 1 && *state <= 8) {
    receipt.state = static_cast<MessageState>(*state);
    receipt.state_from_tlv = true;
  }
  receipt.network_error = GetNetworkErrorCode(tlvs);
}

// The fields leave here as UTF-8 of a bounded length, whatever octets the SMSC sent:
// they are stored, logged and sent to producers in JSON webhooks. The state was read
// from the raw octets before.
void MakeSafe(Receipt& r) {
  r.message_id = utf8::ToValid(r.message_id, kMaxReceiptIdBytes);
  r.text_id = utf8::ToValid(r.text_id, kMaxReceiptIdBytes);
  r.stat = utf8::ToValid(r.stat, kMaxReceiptCodeBytes);
  r.err = utf8::ToValid(r.err, kMaxReceiptCodeBytes);
  r.sub = utf8::ToValid(r.sub, kMaxReceiptCodeBytes);
  r.dlvrd = utf8::ToValid(r.dlvrd, kMaxReceiptCodeBytes);
  r.text = utf8::ToValid(r.text);
}

Result<Receipt> RequireId(Receipt receipt) {
  if (IsBlank(receipt.message_id)) {
    return Error::Of("receipt_no_id", "receipt carries no message id");
  }
  MakeSafe(receipt);
  return receipt;
}

}  // namespace

bool IsReceipt(uint8_t esm_class) {
  uint8_t type = esm_class & kEsmClassTypeMask;
  return type == kEsmClassReceipt || type == kEsmClassIntermediate;
}

Result<Receipt> ParseReceipt(const DeliverSm& deliver_sm) {
  return ParseReceipt(deliver_sm.tlvs, UserDataOf(deliver_sm));
}

Result<Receipt> ParseReceipt(const Tlvs& tlvs, std::span<const uint8_t> text) {
  std::string_view view(reinterpret_cast<const char*>(text.data()), text.size());
  Receipt receipt = internal::ReadReceiptText(view);
  ApplyTlvs(tlvs, receipt);
  return RequireId(std::move(receipt));
}

Result<Receipt> ParseReceiptText(std::string_view text) {
  return RequireId(internal::ReadReceiptText(text));
}

ReceiptOutcome MapReceiptState(MessageState state) {
  switch (state) {
    case MessageState::kDelivered:
      return ReceiptOutcome::kDelivered;
    case MessageState::kExpired:
      return ReceiptOutcome::kExpired;
    case MessageState::kDeleted:
    case MessageState::kUndeliverable:
      return ReceiptOutcome::kFailed;
    case MessageState::kRejected:
      return ReceiptOutcome::kRejected;
    case MessageState::kEnroute:
    case MessageState::kAccepted:
      return ReceiptOutcome::kIntermediate;
    case MessageState::kUnknown:
      return ReceiptOutcome::kUnknown;
  }
  return ReceiptOutcome::kUnknown;
}

std::string_view ToString(MessageState state) {
  static constexpr std::array<std::string_view, 9> kNames = {"",         "ENROUTE", "DELIVERED",
                                                             "EXPIRED",  "DELETED", "UNDELIVERABLE",
                                                             "ACCEPTED", "UNKNOWN", "REJECTED"};
  auto index = static_cast<size_t>(state);
  return index < kNames.size() ? kNames[index] : "";
}

std::string_view ToString(ReceiptOutcome outcome) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "delivered", "expired", "failed", "rejected", "intermediate", "unknown"};
  auto index = static_cast<size_t>(outcome);
  return index < kNames.size() ? kNames[index] : "";
}

}  // namespace deliverer::smpp
