#pragma once
// How a parsed receipt becomes the CarrierReceipt a listener gets, one way for every
// carrier kind: an SMPP carrier's from its deliver_sm (smpp/deliver_receipt.h), an HTTP
// carrier's from its POST /v1/dlr callback (carriers/http/callbacks.h). The meaning of the
// state and the carrier code come from receipts/outcome.h, the match key from
// receipts/carrier_id.h with the carrier's receipt_id_match. Pure, thread-safe.
#include "carriers/carrier.h"
#include "receipts/carrier_id.h"
#include "receipts/receipt.h"

namespace deliverer::carriers {

CarrierReceipt CarrierReceiptOf(const receipts::Receipt& receipt, receipts::CarrierIdMatch id_match);

}  // namespace deliverer::carriers
