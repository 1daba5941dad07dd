// The verdict: PhoneNumberUtil's decisions for an E.164 string, in its order, over the
// compiled metadata (numbering_plan_build.cc builds it). Each step names the
// libphonenumber 8.12 function it stands for.
#include "validation/numbering_plan.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>

namespace deliverer::validation {
namespace {

// The bound the destination rule has always had: E.164 allows 15 digits after '+'.
constexpr size_t kMaxE164Length = 16;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RegExp::FullMatch.
bool WholeMatches(const re2::RE2& pattern, std::string_view text) {
  return pattern.Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH, nullptr, 0);
}

// RegExp::Consume with anchor_at_start: some prefix of text matches (ICU's lookingAt).
bool PrefixMatches(const re2::RE2& pattern, std::string_view text) {
  return pattern.Match(text, 0, text.size(), re2::RE2::ANCHOR_START, nullptr, 0);
}

}  // namespace

NumberingPlan::NumberingPlan() { code_index_.fill(-1); }
NumberingPlan::NumberingPlan(NumberingPlan&&) noexcept = default;
NumberingPlan& NumberingPlan::operator=(NumberingPlan&&) noexcept = default;
NumberingPlan::~NumberingPlan() = default;

// IsNumberMatchingDesc via RegexBasedMatcher::MatchNationalNumber with allow_prefix_match
// false: a prefix match never counts, an empty pattern never matches.
bool NumberingPlan::Description::Matches(std::string_view national) const {
  if (has_lengths && (national.size() >= 64 || ((lengths >> national.size()) & 1) == 0)) {
    return false;
  }
  return pattern != nullptr && WholeMatches(*pattern, national);
}

// GetNumberTypeHelper tries the special types first, then fixed line, then mobile (unless
// its pattern is the fixed line's); the first that matches names the type. Only "some
// type" matters here, so the likeliest ones go first: the answer is the same.
bool NumberingPlan::Territory::HasType(std::string_view national) const {
  if (!general.Matches(national)) return false;
  if (fixed_line.Matches(national)) return true;
  if (!same_mobile_and_fixed_line_pattern && mobile.Matches(national)) return true;
  return std::any_of(special.begin(), special.end(),
                     [national](const Description& d) { return d.Matches(national); });
}

std::string_view NumberingPlan::RegionOf(std::string_view e164) const {
  if (e164.size() > kMaxE164Length || e164.size() < 2 || e164[0] != '+') return {};
  const std::string_view digits = e164.substr(1);
  if (!std::all_of(digits.begin(), digits.end(), IsDigit)) return {};
  // The country calling code: the shortest prefix of 1 to 3 digits that the plan knows,
  // leaving at least one digit of national number.
  for (size_t length = 1; length <= 3 && length < digits.size(); ++length) {
    int code = 0;
    for (char c : digits.substr(0, length)) code = code * 10 + (c - '0');
    const int index = code_index_[static_cast<size_t>(code)];
    if (index < 0) continue;
    // Format(E164) prints "+", the code in decimal and the national significant number,
    // which keeps every leading zero given (italian_leading_zero): the input is its own
    // E.164 form iff the code was written the way the decimal prints it.
    char printed[4];
    const auto end = std::to_chars(printed, printed + sizeof printed, code).ptr;
    if (std::string_view(printed, static_cast<size_t>(end - printed)) != digits.substr(0, length)) {
      return {};
    }
    return Verdict(calling_codes_[static_cast<size_t>(index)], code, digits.substr(length));
  }
  return {};
}

std::string_view NumberingPlan::Verdict(const CallingCode& calling_code, int code,
                                        std::string_view national) const {
  // GetRegionCodeForNumber: a code's only region is taken unchecked; among several, the
  // first whose leading_digits match the start of the number, or (lacking leading_digits)
  // for which the number has a type. ZZ (none) is invalid.
  const Territory* territory = nullptr;
  bool valid = false;
  if (calling_code.territories.size() == 1) {
    territory = calling_code.territories.front();
    valid = territory->HasType(national);
  } else {
    for (const Territory* candidate : calling_code.territories) {
      if (candidate->leading_digits != nullptr) {
        if (!PrefixMatches(*candidate->leading_digits, national)) continue;
        territory = candidate;
        valid = candidate->HasType(national);
        break;
      }
      if (candidate->HasType(national)) {
        territory = candidate;
        valid = true;
        break;
      }
    }
  }
  // IsValidNumberForRegion: the region's own country code, and a type for the number.
  if (territory == nullptr || !valid) return {};
  if (!territory->non_geographic && territory->country_code != code) return {};
  // CanBeInternationallyDialled: GetMetadataForRegion("001") is null, so non-geographic
  // numbers always can.
  if (!territory->non_geographic && territory->no_international_dialling.Matches(national)) {
    return {};
  }
  return territory->region;
}

}  // namespace deliverer::validation
