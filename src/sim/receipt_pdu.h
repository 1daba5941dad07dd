#pragma once
// The receipts the simulated carrier writes (docs/simulator.md "SMPP behaviour"): carrier
// message ids in their forms, the SMPP 3.4 Appendix B text, and the deliver_sm carrying
// both it and the TLVs. Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/config.h"
#include "smpp/pdu.h"

namespace deliverer::sim {

inline constexpr uint8_t kEsmClassReceipt = 0x04;
// The characters of the submitted text the receipt quotes after "text:".
inline constexpr size_t kReceiptTextChars = 20;
// Enough user data octets for kReceiptTextChars in any encoding (UCS-2 surrogate pairs
// take 4 octets per character).
inline constexpr size_t kReceiptTextOctets = 4 * kReceiptTextChars;

// The id in submit_sm_resp: the counter in upper-case hex without leading zeros ("1A2B3C4D").
std::string FormatCarrierId(uint64_t counter);
// The same id as a receipt writes it: kSame as FormatCarrierId; kDecimal the counter in
// decimal; kLower lower-case hex; kLeadingZeros upper-case hex zero-padded to 20 characters.
std::string FormatCarrierId(uint64_t counter, IdForm form);

// message_state (SMPP 3.4 §5.2.28) and the err: code of each kReceiptStats entry.
uint8_t MessageStateOf(size_t outcome);
uint16_t ErrorCodeOf(size_t outcome);

struct ReceiptFields {
  std::string id;         // as the receipt writes it
  size_t outcome = 0;     // index into kReceiptStats
  int64_t submit_ms = 0;  // when the submit arrived (Unix ms, written as UTC)
  int64_t done_ms = 0;    // when the receipt was made
  std::string_view text;  // the submitted text (UTF-8); its first 20 characters are quoted
};

// "id:ID sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD
// err:000 text:first 20 chars" on one line. Characters outside printable ASCII in the
// quoted text become '?', so the text is the same octets in every default alphabet.
std::string ReceiptText(const ReceiptFields& fields);

// The receipt for `submit`: a deliver_sm with esm_class 0x04, addresses swapped, the text
// form in short_message (data_coding 0) and the TLVs receipted_message_id, message_state
// and, for a failure, network_error_code (GSM, the err: code).
smpp::DeliverSm MakeReceipt(const smpp::SubmitSm& submit, const ReceiptFields& fields);

}  // namespace deliverer::sim
