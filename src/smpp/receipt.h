#pragma once
// Delivery receipts carried by deliver_sm (docs/smpp-mapping.md "Delivery receipts";
// docs/reliability.md R9). Pure parsing, no I/O, thread-safe.
//
// Sources, in order of trust:
//   1. TLVs: receipted_message_id (0x001E), message_state (0x0427, values 1..8),
//      network_error_code (0x0423);
//   2. the text form of SMPP 3.4 Appendix B, from short_message (or message_payload):
//        id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm
//        stat:DDDDDDD err:E text:...
// A TLV wins over the text for the same item; the text fills in what the TLVs lack.
//
// The text parser is tolerant of what carriers actually send: fields missing or in any
// order; keys in any case; spaces around ':' or none between fields ("stat:DELIVRDerr:0");
// "submit date", "submit_date" or "submitdate"; dates of 10 digits (YYMMDDhhmm) or 12
// (with seconds); stat in its 7-character or long form (DELIVRD/DELIVERED, UNDELIV/
// UNDELIVERABLE/UNDELIVERED, REJECTD/REJECTED, ACCEPTD/ACCEPTED, EXPIRED, DELETED,
// ENROUTE, UNKNOWN) or as the message_state digit; any octets (0x80–0xFF included) in
// text. Each key counts at its first occurrence only, so text after "text:" that looks
// like "id:…" cannot replace an earlier field.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "smpp/carrier_id.h"
#include "smpp/pdu.h"
#include "smpp/tlv.h"

namespace deliverer::smpp {

// message_state values (SMPP 3.4 §5.2.28).
enum class MessageState : uint8_t {
  kEnroute = 1,
  kDelivered = 2,
  kExpired = 3,
  kDeleted = 4,
  kUndeliverable = 5,
  kAccepted = 6,
  kUnknown = 7,
  kRejected = 8,
};

// What a receipt means for the message (docs/smpp-mapping.md "Delivery receipts").
enum class ReceiptOutcome : uint8_t {
  kDelivered,     // DELIVRD
  kExpired,       // EXPIRED
  kFailed,        // UNDELIV, DELETED
  kRejected,      // REJECTD
  kIntermediate,  // ACCEPTD, ENROUTE: no change
  kUnknown,       // UNKNOWN (or no state at all): no change; no_receipt after the wait
};

// A receipt timestamp as written (carrier local time; the zone is not on the wire).
struct ReceiptTime {
  int year = 0;  // 2000 + YY
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;

  bool operator==(const ReceiptTime&) const = default;
};

// Receipt fields are cut to these many bytes (ids, then stat, err, sub and dlvrd).
inline constexpr size_t kMaxReceiptIdBytes = 128;
inline constexpr size_t kMaxReceiptCodeBytes = 32;

struct Receipt {
  std::string message_id;  // the carrier's id as sent: the TLV's, else the text's
  std::string text_id;     // the text's id:, even when the TLV's won ("" if none)
  MessageState state = MessageState::kUnknown;  // kUnknown also when no state was given
  bool state_from_tlv = false;
  std::string stat;                                   // the raw stat: value ("" when absent)
  std::string err;                                    // the raw err: value ("" when absent)
  std::optional<NetworkError> network_error;          // network_error_code TLV
  std::string sub, dlvrd;                             // raw
  std::optional<ReceiptTime> submit_date, done_date;  // when they parse
  std::string text;  // after text:, as UTF-8 (bytes that are not become U+FFFD)

  bool operator==(const Receipt&) const = default;
};

// esm_class message type (bits 5..2) 0x04 (SMSC delivery receipt) or 0x20 (intermediate
// delivery notification). Anything else in a deliver_sm is a mobile-originated message.
bool IsReceipt(uint8_t esm_class);

// Fails with code "receipt_no_id" when neither the TLVs nor the text carry an id;
// every other gap is left empty.
Result<Receipt> ParseReceipt(const DeliverSm& deliver_sm);
Result<Receipt> ParseReceipt(const Tlvs& tlvs, std::span<const uint8_t> text);
Result<Receipt> ParseReceiptText(std::string_view text);

// A stat: value, case-insensitive; kUnknown for anything unrecognised.
MessageState ParseStat(std::string_view stat);
// YYMMDDhhmm or YYMMDDhhmmss with fields in range; nullopt otherwise.
std::optional<ReceiptTime> ParseReceiptTime(std::string_view digits);

ReceiptOutcome MapReceiptState(MessageState state);

// "DELIVERED", "UNDELIVERABLE", ... (the message_state names).
std::string_view ToString(MessageState state);
// "delivered", "expired", "failed", "rejected", "intermediate", "unknown".
std::string_view ToString(ReceiptOutcome outcome);

}  // namespace deliverer::smpp
