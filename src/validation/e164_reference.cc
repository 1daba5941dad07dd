// E.164 validity as PhoneNumberUtil itself decides it.
#include "validation/e164_reference.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

namespace deliverer::validation {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// E.164 allows 15 digits; a longer string cannot equal a formatted number, and the
// bound keeps hostile input away from the parser.
constexpr size_t kReferenceMaxChars = 16;

bool IsAsciiDigitChar(char c) { return c >= '0' && c <= '9'; }

// The PhoneNumber of "+<country code><national number>", digits only. Parse() would
// accept any human formatting, at the price of a dozen regular expressions per call, a
// third of validation's time; E.164 has one form, and its country codes are prefix-free,
// so the code is the one prefix of 1 to 3 digits the numbering plan knows. Whether the
// result is a real number is still for the numbering plan to say.
bool FromE164(const PhoneNumberUtil& util, std::string_view number, PhoneNumber* out) {
  if (number.size() < 2 || number[0] != '+' ||
      !std::all_of(number.begin() + 1, number.end(), IsAsciiDigitChar)) {
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

}  // namespace

std::string ReferenceE164Region(std::string_view number) {
  if (number.size() > kReferenceMaxChars || number.empty() || number[0] != '+') return {};
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (!FromE164(util, number, &parsed)) return {};
  std::string formatted;
  util.Format(parsed, PhoneNumberUtil::E164, &formatted);
  if (formatted != number) return {};
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

}  // namespace deliverer::validation
