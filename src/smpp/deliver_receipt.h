#pragma once
// Delivery receipts carried by deliver_sm (docs/smpp-mapping.md "Delivery receipts";
// docs/reliability.md R9): the SMPP wire side of receipts/receipt.h. Pure parsing, no
// I/O, thread-safe.
//
// Sources, in order of trust:
//   1. TLVs: receipted_message_id (0x001E), message_state (0x0427, values 1..8),
//      network_error_code (0x0423);
//   2. the text form of SMPP 3.4 Appendix B, from short_message (or message_payload when
//      short_message is empty), read by receipts::ReadReceiptText.
// A TLV wins over the text for the same item; the text fills in what the TLVs lack.
#include <cstdint>
#include <optional>
#include <span>

#include "common/result.h"
#include "receipts/receipt.h"
#include "smpp/pdu.h"
#include "smpp/tlv.h"

namespace deliverer::smpp {

// A receipt as read from a deliver_sm: the receipt, with what only the PDU can carry.
// message_id is the receipted_message_id TLV's when there is one (text_id keeps the
// text's), and state the message_state TLV's when it is in 1..8.
struct DeliverReceipt : receipts::Receipt {
  bool state_from_tlv = false;
  std::optional<NetworkError> network_error;  // network_error_code TLV

  bool operator==(const DeliverReceipt&) const = default;
};

// esm_class message type (bits 5..2) 0x04 (SMSC delivery receipt) or 0x20 (intermediate
// delivery notification). Anything else in a deliver_sm is a mobile-originated message.
bool IsReceipt(uint8_t esm_class);

// Fails with code "receipt_no_id" when neither the TLVs nor the text carry an id;
// every other gap is left empty. Fields leave as receipts::FinishReceipt makes them.
Result<DeliverReceipt> ParseReceipt(const DeliverSm& deliver_sm);
Result<DeliverReceipt> ParseReceipt(const Tlvs& tlvs, std::span<const uint8_t> text);

}  // namespace deliverer::smpp
