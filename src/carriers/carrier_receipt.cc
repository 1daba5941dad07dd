#include "carriers/carrier_receipt.h"

#include "receipts/outcome.h"

namespace deliverer::carriers {

CarrierReceipt CarrierReceiptOf(const receipts::Receipt& receipt, receipts::CarrierIdMatch id_match) {
  CarrierReceipt out;
  out.carrier_id = receipt.message_id;
  out.match_key = receipts::NormalizeCarrierId(receipt.message_id, receipts::ReceiptIdForm(id_match));
  out.status = receipts::MessageStatusOf(receipt.state);
  out.carrier_code = receipts::CarrierCode(receipt.state, receipt.stat, receipt.err);
  return out;
}

}  // namespace deliverer::carriers
