#include "receipts/outcome.h"

#include <array>

namespace deliverer::receipts {

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

model::Status MessageStatusOf(MessageState state) {
  switch (MapReceiptState(state)) {
    case ReceiptOutcome::kDelivered: return model::Status::kDelivered;
    case ReceiptOutcome::kExpired: return model::Status::kExpired;
    case ReceiptOutcome::kFailed: return model::Status::kFailed;
    case ReceiptOutcome::kRejected: return model::Status::kRejected;
    case ReceiptOutcome::kIntermediate:
    case ReceiptOutcome::kUnknown: return model::Status::kSent;
  }
  return model::Status::kSent;
}

std::string CarrierCode(MessageState state, std::string_view stat, std::string_view err) {
  std::string code(stat.empty() ? ToString(state) : stat);
  if (!err.empty()) {
    code += '/';
    code += err;
  }
  return code;
}

std::string_view ToString(ReceiptOutcome outcome) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "delivered", "expired", "failed", "rejected", "intermediate", "unknown"};
  auto index = static_cast<size_t>(outcome);
  return index < kNames.size() ? kNames[index] : "";
}

}  // namespace deliverer::receipts
