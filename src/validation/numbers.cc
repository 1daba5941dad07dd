// Destination and sender rules. E.164 validity always comes from libphonenumber's
// numbering-plan data, never from a pattern of our own.
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

#include "validation/numbering.h"
#include "validation/rules.h"

namespace deliverer::validation::rules {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// E.164 allows 15 digits; a longer string cannot equal a formatted number, and the
// bound keeps hostile input away from the parser.
constexpr size_t kMaxE164Chars = 16;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The PhoneNumber of "+<country code><national number>", digits only. Parse() would
// accept any human formatting, at the price of a dozen regular expressions per call, a
// third of validation's time; E.164 has one form, and its country codes are prefix-free,
// so the code is the one prefix of 1 to 3 digits the numbering plan knows. Whether the
// result is a real number is still for the numbering plan to say (E164Region).
bool FromE164(const PhoneNumberUtil& util, std::string_view number, PhoneNumber* out) {
  if (number.size() < 2 || number[0] != '+' || !std::all_of(number.begin() + 1, number.end(), IsAsciiDigit)) {
    return false;
  }
  const std::string_view digits = number.substr(1);
  for (size_t length = 1; length <= 3 && length < digits.size(); ++length) {
    int code = 0;
    for (char c : digits.substr(0, length)) code = code * 10 + (c - '0');
    std::string region;
    util.GetRegionCodeForCountryCode(code, &region);
    if (region == "ZZ") continue;
    const std::string_view national = digits.substr(length);
    // Leading zeros are part of some national numbers (Italy's); the integer keeps the rest.
    const size_t zeros = std::min(national.find_first_not_of('0'), national.size() - 1);
    uint64_t value = 0;
    for (char c : national) value = value * 10 + static_cast<uint64_t>(c - '0');
    out->set_country_code(code);
    out->set_national_number(value);
    if (zeros > 0) {
      out->set_italian_leading_zero(true);
      out->set_number_of_leading_zeros(static_cast<int>(zeros));
    }
    return true;
  }
  return false;
}

// The region of a valid, diallable number given exactly in E.164 form; empty otherwise.
// PhoneNumberUtil::GetInstance() is a thread-safe singleton and its methods are const.
std::string E164Region(std::string_view number) {
  if (number.size() > kMaxE164Chars || number.empty() || number[0] != '+') return {};
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  const std::string input(number);
  if (!FromE164(util, number, &parsed)) return {};
  std::string formatted;
  util.Format(parsed, PhoneNumberUtil::E164, &formatted);
  if (formatted != input) return {};
  // IsValidNumber is GetRegionCodeForNumber + IsValidNumberForRegion; finding the region
  // is the expensive part (regular expressions per candidate region), so do it once.
  std::string region;
  util.GetRegionCodeForNumber(parsed, &region);
  if (region.empty() || region == "ZZ") return {};
  if (!util.IsValidNumberForRegion(parsed, region) || !util.CanBeInternationallyDialled(parsed)) {
    return {};
  }
  return region;
}

bool IsShortCode(std::string_view s) {
  return s.size() >= 3 && s.size() <= 8 && std::all_of(s.begin(), s.end(), IsAsciiDigit);
}

bool IsAlphanumericSender(std::string_view s) {
  if (s.empty() || s.size() > 11) return false;
  const bool allowed = std::all_of(
      s.begin(), s.end(), [](char c) { return IsAsciiLetter(c) || IsAsciiDigit(c) || c == ' '; });
  return allowed && std::any_of(s.begin(), s.end(), IsAsciiLetter);
}

}  // namespace

Result<std::string> CheckDestination(std::string_view number) {
  std::string region = E164Region(number);
  if (region.empty()) {
    return Error::Of("invalid_destination", Quote(number) + " is not a valid E.164 number", "to");
  }
  return region;
}

Result<SenderKind> CheckSender(std::string_view from) {
  if (!from.empty() && from[0] == '+') {
    if (!E164Region(from).empty()) return SenderKind::kE164;
  } else if (IsShortCode(from)) {
    return SenderKind::kShortCode;
  } else if (IsAlphanumericSender(from)) {
    return SenderKind::kAlphanumeric;
  }
  return Error::Of("invalid_sender",
                   Quote(from) +
                       " is not a valid sender: use an E.164 number, a short code "
                       "of 3 to 8 digits, or 1 to 11 letters, digits and spaces "
                       "with at least one letter",
                   "from");
}

}  // namespace deliverer::validation::rules

namespace deliverer::validation {

std::optional<std::string> RegionOf(std::string_view e164) {
  std::string region = rules::E164Region(e164);
  if (region.empty()) return std::nullopt;
  return region;
}

}  // namespace deliverer::validation
