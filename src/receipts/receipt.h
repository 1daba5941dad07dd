#pragma once
// Delivery receipts, whichever way a carrier sends them (docs/smpp-mapping.md "Delivery
// receipts"; docs/reliability.md R9). The receipts component is pure (no I/O, no clock),
// thread-safe, and depends only on common/ and model/:
//   - receipt.h (this): the Receipt, and the reader of its SMPP 3.4 Appendix B text form,
//     which SMSCs and many HTTP carriers write;
//   - outcome.h: what a receipt's state means for the message (one mapping to
//     model::Status) and the carrier code stored with it;
//   - carrier_id.h: matching the carrier's id in a receipt to the one it answered a submit
//     with.
// Used by carriers/smpp (through smpp/deliver_receipt.h, which reads the deliver_sm and
// its TLVs) and carriers/http (the POST /v1/dlr callbacks).
//
// The split with smpp/: what only an SMPP PDU carries stays there. smpp::DeliverReceipt
// extends Receipt with the network_error_code TLV and whether message_state came from a
// TLV; smpp::ParseReceipt reads the text with ReadReceiptText, lets the TLVs win over it
// and finishes with FinishReceipt. Nothing here includes smpp/, so an HTTP carrier's
// receipts need no SMPP code.
//
// The text reader is tolerant of what carriers actually send:
//        id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm
//        stat:DDDDDDD err:E text:...
// fields missing or in any order; keys in any case; spaces around ':' or none between
// fields ("stat:DELIVRDerr:0"); "submit date", "submit_date" or "submitdate"; dates of 10
// digits (YYMMDDhhmm) or 12 (with seconds); stat in its 7-character or long form
// (DELIVRD/DELIVERED, UNDELIV/UNDELIVERABLE/UNDELIVERED, REJECTD/REJECTED, ACCEPTD/ACCEPTED,
// EXPIRED, DELETED, ENROUTE, UNKNOWN) or as the message_state digit; any octets (0x80–0xFF
// included) in text. Each key counts at its first occurrence only, so text after "text:"
// that looks like "id:…" cannot replace an earlier field.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace deliverer::receipts {

// The message states of SMPP 3.4 §5.2.28 (message_state values), which the stat: words
// name too; HTTP carriers use the same words.
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
  std::string message_id;  // the carrier's id: the text's, unless a surer source (a TLV) had one
  std::string text_id;     // the text's id:, even when another source's won ("" if none)
  MessageState state = MessageState::kUnknown;  // kUnknown also when no state was given
  std::string stat;                                   // the raw stat: value ("" when absent)
  std::string err;                                    // the raw err: value ("" when absent)
  std::string sub, dlvrd;                             // raw
  std::optional<ReceiptTime> submit_date, done_date;  // when they parse
  std::string text;  // after text:, as UTF-8 (bytes that are not become U+FFFD)

  bool operator==(const Receipt&) const = default;
};

// Every field the text carries, as raw octets; message_id and text_id both hold the text's
// id. Never fails. For a reader that adds what the text lacks from elsewhere (the SMPP
// TLVs) before FinishReceipt.
Receipt ReadReceiptText(std::string_view text);

// Fails with code "receipt_no_id" when the receipt has no id (blank counts as none);
// otherwise makes every field UTF-8 of a bounded length, whatever octets the carrier sent:
// they are stored, logged and sent to producers in JSON webhooks. The state must have been
// read from the raw octets before.
Status FinishReceipt(Receipt& receipt);

// ReadReceiptText then FinishReceipt: a receipt from its text alone.
Result<Receipt> ParseReceiptText(std::string_view text);

// A stat: value, case-insensitive; kUnknown for anything unrecognised.
MessageState ParseStat(std::string_view stat);
// YYMMDDhhmm or YYMMDDhhmmss with fields in range; nullopt otherwise.
std::optional<ReceiptTime> ParseReceiptTime(std::string_view digits);

// "DELIVERED", "UNDELIVERABLE", ... (the message_state names).
std::string_view ToString(MessageState state);

}  // namespace deliverer::receipts
