#pragma once
// libphonenumber's own verdict on an E.164 string, through PhoneNumberUtil: the reference
// that NumberingPlan (numbering_plan.h) must equal. The destination rule falls back to it
// when the plan could not be built; tests and bench/ compare the two.
//
// Thread-safe (PhoneNumberUtil is a const singleton). About 3 to 15 µs per number.
#include <string>
#include <string_view>

namespace deliverer::validation {

// The region ("GB"; "001" for non-geographic numbers) of a number that
// PhoneNumberUtil finds valid (IsValidNumberForRegion of GetRegionCodeForNumber) and
// CanBeInternationallyDialled, given exactly as Format(E164) prints it; empty otherwise.
// Input longer than 16 characters is refused unread.
std::string ReferenceE164Region(std::string_view e164);

}  // namespace deliverer::validation
