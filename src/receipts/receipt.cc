#include "receipts/receipt.h"

#include <array>

#include "common/utf8.h"

namespace deliverer::receipts {
namespace {

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void MakeSafe(Receipt& r) {
  r.message_id = utf8::ToValid(r.message_id, kMaxReceiptIdBytes);
  r.text_id = utf8::ToValid(r.text_id, kMaxReceiptIdBytes);
  r.stat = utf8::ToValid(r.stat, kMaxReceiptCodeBytes);
  r.err = utf8::ToValid(r.err, kMaxReceiptCodeBytes);
  r.sub = utf8::ToValid(r.sub, kMaxReceiptCodeBytes);
  r.dlvrd = utf8::ToValid(r.dlvrd, kMaxReceiptCodeBytes);
  r.text = utf8::ToValid(r.text);
}

}  // namespace

Status FinishReceipt(Receipt& receipt) {
  if (IsBlank(receipt.message_id)) {
    return Error::Of("receipt_no_id", "receipt carries no message id");
  }
  MakeSafe(receipt);
  return Status::Ok();
}

Result<Receipt> ParseReceiptText(std::string_view text) {
  Receipt receipt = ReadReceiptText(text);
  if (Status s = FinishReceipt(receipt); !s.ok()) return s.error();
  return receipt;
}

std::string_view ToString(MessageState state) {
  static constexpr std::array<std::string_view, 9> kNames = {"",         "ENROUTE", "DELIVERED",
                                                             "EXPIRED",  "DELETED", "UNDELIVERABLE",
                                                             "ACCEPTED", "UNKNOWN", "REJECTED"};
  auto index = static_cast<size_t>(state);
  return index < kNames.size() ? kNames[index] : "";
}

}  // namespace deliverer::receipts
