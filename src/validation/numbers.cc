// Destination and sender rules. E.164 validity always comes from libphonenumber's
// numbering-plan data, never from a pattern of our own.
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

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

// The region of a valid, diallable number given exactly in E.164 form; empty otherwise.
// PhoneNumberUtil::GetInstance() is a thread-safe singleton and its methods are const.
std::string E164Region(std::string_view number) {
  if (number.size() > kMaxE164Chars || number.empty() || number[0] != '+') return {};
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  const std::string input(number);
  if (util.Parse(input, "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
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
