// Destination and sender rules. E.164 validity always comes from libphonenumber's
// numbering-plan data, never from a pattern of our own: NumberingPlan reads that data and
// gives PhoneNumberUtil's verdict (tests/unit/validation/e164_differential_test.cc compares
// the two), and PhoneNumberUtil itself decides if the plan could not be built.
#include <algorithm>

#include "validation/e164_reference.h"
#include "validation/numbering.h"
#include "validation/numbering_plan.h"
#include "validation/rules.h"

namespace deliverer::validation::rules {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The region of a valid, diallable number given exactly in E.164 form; empty otherwise.
std::string E164Region(std::string_view number) {
  const Result<NumberingPlan>& plan = NumberingPlan::Compiled();
  if (plan.ok()) return std::string(plan->RegionOf(number));
  return ReferenceE164Region(number);
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
