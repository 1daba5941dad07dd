#pragma once
// libphonenumber's verdict on an E.164 string, computed from its own numbering-plan
// metadata without going through PhoneNumberUtil.
//
// PhoneNumberUtil looks every pattern up by its text in a mutex-guarded cache, works out
// the region twice and builds strings at each step: 3.5 to 17 µs per number here. A
// NumberingPlan compiles the same patterns once, with RE2, and walks the same decisions
// in the same order, 0.13 to 1 µs (docs/api.md, "Validation details", says why the
// verdict is libphonenumber's):
//   - the country calling code is the shortest known prefix of 1 to 3 digits, and the
//     input must be exactly what Format(E164) prints for it;
//   - GetRegionCodeForNumber: the only region of the code, or for a shared code the first
//     region (main country first) whose leading_digits match the start of the national
//     number, else whose number type is not UNKNOWN;
//   - IsValidNumberForRegion: general_desc, then any type (possible lengths before each
//     pattern, same_mobile_and_fixed_line_pattern respected);
//   - CanBeInternationallyDialled: false when no_international_dialling matches, never
//     for a non-geographic entity ("001").
// No pattern of our own decides anything: each one is the metadata's.
//
// Usage:
//   const Result<NumberingPlan>& plan = NumberingPlan::Compiled();
//   if (plan.ok()) region = plan->RegionOf("+442071838750");  // "GB"
//   else region = ReferenceE164Region(...);                    // e164_reference.h
//
// Thread-safety: immutable after construction; RegionOf may be called from any thread
// (RE2 matching is thread-safe). RegionOf builds no strings and throws nothing.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace re2 {
class RE2;
}

namespace deliverer::validation {

class NumberingPlan {
 public:
  // The plan of the metadata compiled into the libphonenumber this process links, built on
  // first use (thread-safe) and kept for the life of the process. An error (code
  // "numbering_plan") when that metadata does not parse or one of its patterns does not
  // compile with RE2; callers then ask libphonenumber itself.
  static const Result<NumberingPlan>& Compiled();

  // A plan from a serialized PhoneMetadataCollection (libphonenumber's phonemetadata.proto),
  // read the way PhoneNumberUtil's constructor reads it. Errors as for Compiled().
  static Result<NumberingPlan> FromMetadata(std::string_view serialized);

  // The serialized metadata compiled into libphonenumber: what Compiled() reads.
  static std::string_view LinkedMetadata();

  // The region ("GB"; "001" for non-geographic entities such as +800) of a number that is
  // valid and internationally diallable, written exactly as libphonenumber formats it in
  // E.164; empty for anything else. Input longer than 16 characters is refused unread.
  // The view points into the plan and lives as long as it does.
  std::string_view RegionOf(std::string_view e164) const;

  NumberingPlan(NumberingPlan&&) noexcept;
  NumberingPlan& operator=(NumberingPlan&&) noexcept;
  ~NumberingPlan();

 private:
  // One PhoneNumberDesc. A pattern it lacks matches nothing (RegexBasedMatcher returns
  // false for an empty pattern); without a list of possible lengths, any length may match.
  struct Description {
    const re2::RE2* pattern = nullptr;  // owned by patterns_
    bool has_lengths = false;
    uint64_t lengths = 0;  // bit n: n digits possible; -1 ("no numbers") sets no bit

    // IsNumberMatchingDesc: the length first, then the whole national number.
    bool Matches(std::string_view national) const;
  };

  // One PhoneMetadata: a region, or a non-geographic entity ("001").
  struct Territory {
    std::string region;
    int country_code = 0;
    bool non_geographic = false;
    const re2::RE2* leading_digits = nullptr;  // set iff the metadata has leading_digits
    bool same_mobile_and_fixed_line_pattern = false;
    Description general;
    std::array<Description, 8> special;  // premium rate, toll free, shared cost, VoIP,
                                         // personal, pager, UAN, voicemail
    Description fixed_line, mobile, no_international_dialling;

    // GetNumberTypeHelper(national) != UNKNOWN.
    bool HasType(std::string_view national) const;
  };

  // A country calling code's regions in PhoneNumberUtil's order (main country first).
  struct CallingCode {
    std::vector<const Territory*> territories;
  };

  NumberingPlan();
  std::string_view Verdict(const CallingCode& calling_code, int code,
                           std::string_view national) const;

  std::vector<std::unique_ptr<re2::RE2>> patterns_;  // each distinct pattern once
  std::vector<std::unique_ptr<Territory>> territories_;
  std::vector<CallingCode> calling_codes_;
  std::array<int16_t, 1000> code_index_;  // calling code → calling_codes_ index, or -1

  friend class NumberingPlanBuilder;
};

}  // namespace deliverer::validation
