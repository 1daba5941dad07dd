#pragma once
// Matching a carrier's message id across the submit answer (submit_sm_resp, or an HTTP
// carrier's response) and receipts (docs/smpp-mapping.md "Carrier id matching",
// docs/reliability.md R9). Carriers are known to answer submit_sm_resp with "6699" and send
// receipts for "1A2B" or "0x1a2b", or to change case or pad with zeros. Pure, thread-safe.
//
// Usage: store NormalizeCarrierId(resp_id, SubmitRespIdForm(match)) with the message and
// look receipts up by NormalizeCarrierId(receipt_id, ReceiptIdForm(match)); or call
// SameCarrierId for one comparison. The key is only for comparison; keep the raw id for
// display and for anything sent back to the carrier.
//
// Keys: kAsIs keeps the id (trimmed of surrounding spaces and NULs); kCaseInsensitive
// lowercases it; the numeric forms turn the id into its value written as lowercase hex
// without leading zeros ("0" for zero), so "0x1A2B", "1a2b", "6699" and "0006699" (read
// as the forms say) all give "1a2b". An id that does not read in its form (or is longer
// than 64 characters, the SMPP maximum) falls back to the kCaseInsensitive key.
//
// kAuto guesses per id: hex with a 0x prefix or a letter a–f, decimal otherwise. It cannot
// tell that an all-digit id is hex, so a carrier whose hex ids may be all digits and whose
// two sides differ needs kDecimalToHex or kHexToDecimal.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::receipts {

// Per-carrier setting: how the id in submit_sm_resp relates to the one in receipts.
enum class CarrierIdMatch : uint8_t {
  kAsIs,             // identical
  kCaseInsensitive,  // identical but for letter case
  kDecimalToHex,     // decimal in submit_sm_resp, hexadecimal in receipts
  kHexToDecimal,     // hexadecimal in submit_sm_resp, decimal in receipts
  kAuto,             // each side hex or decimal, guessed per id (see above)
};

// How one id is written.
enum class CarrierIdForm : uint8_t { kAsIs, kCaseInsensitive, kDecimal, kHex, kAuto };

std::string NormalizeCarrierId(std::string_view id, CarrierIdForm form);

CarrierIdForm SubmitRespIdForm(CarrierIdMatch match);
CarrierIdForm ReceiptIdForm(CarrierIdMatch match);

bool SameCarrierId(std::string_view submit_resp_id, std::string_view receipt_id,
                   CarrierIdMatch match);

// Config spelling: "as_is", "case_insensitive", "decimal_to_hex", "hex_to_decimal", "auto".
std::optional<CarrierIdMatch> ParseCarrierIdMatch(std::string_view text);
std::string_view ToString(CarrierIdMatch match);

}  // namespace deliverer::receipts
