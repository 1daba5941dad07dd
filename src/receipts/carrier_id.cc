#include "receipts/carrier_id.h"

#include <algorithm>
#include <array>
#include <vector>

namespace deliverer::receipts {
namespace {

constexpr size_t kMaxIdChars = 64;

std::string_view Trim(std::string_view s) {
  auto junk = [](char c) { return c == ' ' || c == '\t' || c == '\0' || c == '\r' || c == '\n'; };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

bool IsDecDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDecDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

bool HasHexPrefix(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

std::string StripLeadingZeros(std::string s) {
  size_t first = s.find_first_not_of('0');
  return first == std::string::npos ? "0" : s.substr(first);
}

std::optional<std::string> HexKey(std::string_view s) {
  if (HasHexPrefix(s)) s.remove_prefix(2);
  if (s.empty() || !std::all_of(s.begin(), s.end(), IsHexDigit)) return std::nullopt;
  return StripLeadingZeros(LowerCopy(s));
}

// Divides the decimal number `digits` (most significant first) by 16 in place and
// returns the remainder; leading zeros of the quotient are dropped.
unsigned DivideBy16(std::vector<uint8_t>& digits) {
  unsigned remainder = 0;
  std::vector<uint8_t> quotient;
  for (uint8_t d : digits) {
    unsigned value = remainder * 10 + d;
    if (!quotient.empty() || value >= 16) quotient.push_back(static_cast<uint8_t>(value / 16));
    remainder = value % 16;
  }
  digits.swap(quotient);
  return remainder;
}

// Decimal digits of any length (ids outgrow 64 bits) to lowercase hex.
std::optional<std::string> DecimalKey(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), IsDecDigit)) return std::nullopt;
  std::vector<uint8_t> digits(s.size());
  std::transform(s.begin(), s.end(), digits.begin(), [](char c) { return c - '0'; });
  std::string hex;
  while (!digits.empty()) hex.push_back("0123456789abcdef"[DivideBy16(digits)]);
  std::reverse(hex.begin(), hex.end());
  return StripLeadingZeros(hex);
}

std::optional<std::string> AutoKey(std::string_view s) {
  bool hex_letters =
      std::any_of(s.begin(), s.end(), [](char c) { return Lower(c) >= 'a' && Lower(c) <= 'f'; });
  if (HasHexPrefix(s) || hex_letters) return HexKey(s);
  return DecimalKey(s);
}

std::optional<std::string> NumericKey(std::string_view s, CarrierIdForm form) {
  if (s.size() > kMaxIdChars) return std::nullopt;
  switch (form) {
    case CarrierIdForm::kDecimal:
      return DecimalKey(s);
    case CarrierIdForm::kHex:
      return HexKey(s);
    case CarrierIdForm::kAuto:
      return AutoKey(s);
    default:
      return std::nullopt;
  }
}

struct MatchName {
  CarrierIdMatch match;
  std::string_view name;
};

constexpr std::array<MatchName, 5> kMatchNames = {{
    {CarrierIdMatch::kAsIs, "as_is"},
    {CarrierIdMatch::kCaseInsensitive, "case_insensitive"},
    {CarrierIdMatch::kDecimalToHex, "decimal_to_hex"},
    {CarrierIdMatch::kHexToDecimal, "hex_to_decimal"},
    {CarrierIdMatch::kAuto, "auto"},
}};

}  // namespace

std::string NormalizeCarrierId(std::string_view id, CarrierIdForm form) {
  std::string_view trimmed = Trim(id);
  if (form == CarrierIdForm::kAsIs) return std::string(trimmed);
  if (auto key = NumericKey(trimmed, form)) return *key;
  return LowerCopy(trimmed);
}

CarrierIdForm SubmitRespIdForm(CarrierIdMatch match) {
  switch (match) {
    case CarrierIdMatch::kAsIs:
      return CarrierIdForm::kAsIs;
    case CarrierIdMatch::kCaseInsensitive:
      return CarrierIdForm::kCaseInsensitive;
    case CarrierIdMatch::kDecimalToHex:
      return CarrierIdForm::kDecimal;
    case CarrierIdMatch::kHexToDecimal:
      return CarrierIdForm::kHex;
    case CarrierIdMatch::kAuto:
      return CarrierIdForm::kAuto;
  }
  return CarrierIdForm::kAsIs;
}

CarrierIdForm ReceiptIdForm(CarrierIdMatch match) {
  switch (match) {
    case CarrierIdMatch::kDecimalToHex:
      return CarrierIdForm::kHex;
    case CarrierIdMatch::kHexToDecimal:
      return CarrierIdForm::kDecimal;
    default:
      return SubmitRespIdForm(match);
  }
}

bool SameCarrierId(std::string_view submit_resp_id, std::string_view receipt_id,
                   CarrierIdMatch match) {
  return NormalizeCarrierId(submit_resp_id, SubmitRespIdForm(match)) ==
         NormalizeCarrierId(receipt_id, ReceiptIdForm(match));
}

std::optional<CarrierIdMatch> ParseCarrierIdMatch(std::string_view text) {
  for (const auto& entry : kMatchNames) {
    if (entry.name == text) return entry.match;
  }
  return std::nullopt;
}

std::string_view ToString(CarrierIdMatch match) {
  for (const auto& entry : kMatchNames) {
    if (entry.match == match) return entry.name;
  }
  return "";
}

}  // namespace deliverer::receipts
