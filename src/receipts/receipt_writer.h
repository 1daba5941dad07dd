#pragma once
// Writing a delivery receipt's text form (SMPP 3.4 Appendix B), the one receipt.h reads:
// what the simulator's SMSC sends carriers' clients, and what the SMPP server for
// producers sends its producers (docs/smpp-server.md "Receipts"). Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "receipts/receipt.h"

namespace deliverer::receipts {

// The first characters of the text a receipt quotes.
inline constexpr size_t kQuotedTextChars = 20;

struct ReceiptTextFields {
  std::string_view id;
  MessageState state = MessageState::kDelivered;  // stat: is its 7-character word
  unsigned err = 0;                               // written as three digits (mod 1000)
  int64_t submit_ms = 0;                          // Unix ms, written as UTC YYMMDDhhmm
  int64_t done_ms = 0;
  std::string_view text;  // UTF-8; its first kQuotedTextChars characters are quoted
};

// "id:ID sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD
// err:000 text:first 20 chars" on one line; dlvrd is 001 only for DELIVRD. Characters
// outside printable ASCII in the quoted text become '?', so the text is the same octets in
// every default alphabet.
std::string WriteReceiptText(const ReceiptTextFields& fields);

// "DELIVRD", "UNDELIV", "REJECTD", ...: the 7-character stat: words.
std::string_view StatWord(MessageState state);

}  // namespace deliverer::receipts
