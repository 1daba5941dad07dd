#pragma once
// The properties receipt_fuzz checks, shared with the unit test that replays the corpus.
// Returns "" when they hold, else what broke.
//   1. Parsing any octets as receipt text (alone, receipts/receipt.h, and next to TLVs,
//      smpp/deliver_receipt.h) terminates, and an accepted receipt has an id and a state
//      in 1..8.
//   2. NormalizeCarrierId is stable: the kAsIs, kCaseInsensitive and kHex keys are fixed
//      points of their own form; a decimal id under 19 digits converts like strtoull.
#include <cinttypes>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "receipts/carrier_id.h"
#include "receipts/receipt.h"
#include "smpp/deliver_receipt.h"

namespace deliverer::smpp::fuzz {

using receipts::CarrierIdForm;
using receipts::NormalizeCarrierId;

// A receipts::Receipt or an smpp::DeliverReceipt.
template <class AnyReceipt>
inline std::string CheckReceiptShape(const Result<AnyReceipt>& receipt) {
  if (!receipt.ok()) return receipt.error().code == "receipt_no_id" ? "" : "unexpected error";
  if (receipt->message_id.empty()) return "receipt without id";
  auto state = static_cast<int>(receipt->state);
  if (state < 1 || state > 8) return "state out of range";
  return "";
}

inline std::string CheckIdForms(std::string_view id) {
  for (CarrierIdForm form :
       {CarrierIdForm::kAsIs, CarrierIdForm::kCaseInsensitive, CarrierIdForm::kHex}) {
    std::string key = NormalizeCarrierId(id, form);
    if (NormalizeCarrierId(key, form) != key) return "key is not a fixed point";
  }
  NormalizeCarrierId(id, CarrierIdForm::kAuto);
  bool digits =
      !id.empty() && id.size() < 19 && id.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "%" PRIx64,
                  static_cast<uint64_t>(std::strtoull(std::string(id).c_str(), nullptr, 10)));
    if (NormalizeCarrierId(id, CarrierIdForm::kDecimal) != hex) return "decimal key differs";
  }
  return "";
}

inline std::string CheckReceiptInput(std::span<const uint8_t> data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto receipt = receipts::ParseReceiptText(text);
  if (std::string p = CheckReceiptShape(receipt); !p.empty()) return p;
  if (receipt.ok()) {
    if (std::string p = CheckIdForms(receipt->message_id); !p.empty()) return p;
  }
  if (std::string p = CheckIdForms(text.substr(0, 80)); !p.empty()) return p;
  Tlvs tlvs;
  if (!data.empty()) AddMessageState(tlvs, static_cast<uint8_t>(data[0] % 10));
  return CheckReceiptShape(ParseReceipt(tlvs, data));
}

}  // namespace deliverer::smpp::fuzz
