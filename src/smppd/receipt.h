#pragma once
// The deliver_sm that tells a producer how its message ended (docs/smpp-server.md
// "Receipts"): the SMPP 3.4 Appendix B text (receipts/receipt_writer.h) in short_message,
// `id:` the id its submit_sm_resp carried, `text:` the first 20 characters of the message,
// and the TLVs receipted_message_id and message_state. Pure, thread-safe.
#include <cstdint>

#include "receipts/receipt.h"
#include "smpp/pdu.h"
#include "store/delivery_records.h"

namespace deliverer::smppd {

inline constexpr uint8_t kEsmClassDeliveryReceipt = 0x04;

// delivered → DELIVERED, expired → EXPIRED, failed → UNDELIVERABLE, rejected → REJECTED,
// canceled → DELETED; anything else (not a final status) → UNKNOWN.
receipts::MessageState StateOf(model::Status status);
// The err: digits: the carrier's code when its receipt carried a numeric one ("UNDELIV/001"
// → 1), otherwise 0.
unsigned ErrorCodeOf(const std::optional<model::MessageError>& error);

// Sets a deliver_sm's source and destination as SMPP writes addresses: a number's '+'
// dropped for TON 1 (NPI 1), an alphanumeric sender TON 5, digits alone (a short code)
// TON 0 NPI 1.
void SetAddresses(smpp::DeliverSm& pdu, const std::string& source, const std::string& destination);

// From the message's recipient to its sender (their TON: 1 with a '+', which is dropped;
// 5 for an alphanumeric sender; 0 otherwise).
smpp::DeliverSm MakeReceipt(const store::ProducerReceiptJob& job);

}  // namespace deliverer::smppd
