// Building a NumberingPlan from libphonenumber's serialized metadata, the way
// PhoneNumberUtil's constructor reads it (libphonenumber 8.12, phonenumberutil.cc):
//   - entries with id "ZZ" are skipped;
//   - "001" entries are non-geographic entities, keyed by country code, the first one
//     winning; other entries are keyed by region, the first one winning;
//   - the first entry of a country code starts its list of regions; each later one goes
//     to the front if it is the main country for the code, to the back otherwise.
// Every pattern is compiled with RE2, once per distinct text (about 1,200). Debian's
// libphonenumber matches them with ICU instead; that gives the same answers because the
// patterns are plain regular expressions (digits, \d, classes, (?:) groups, alternation,
// ? and counted repetition: no backreference, no lookaround), and whether a string, or
// some prefix of it, belongs to a regular language does not depend on the engine. The
// input is ASCII digits only, so ICU's Unicode \d changes nothing either. A pattern RE2
// refuses fails the whole plan, and the caller asks libphonenumber itself.
#include <phonenumbers/phonemetadata.pb.h>
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <list>
#include <map>
#include <unordered_map>

#include "validation/numbering_plan.h"

// Exported by libphonenumber.so: the metadata compiled into it, a serialized
// PhoneMetadataCollection. Declared in its metadata.h, which Debian does not install.
namespace i18n::phonenumbers {
const void* metadata_get();
int metadata_size();
}  // namespace i18n::phonenumbers

namespace deliverer::validation {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;

class NumberingPlanBuilder {
 public:
  explicit NumberingPlanBuilder(NumberingPlan& plan) : plan_(plan) {}

  Status Build(const PhoneMetadataCollection& collection) {
    for (const PhoneMetadata& metadata : collection.metadata()) {
      if (metadata.id() == "ZZ") continue;
      Status added = Add(metadata);
      if (!added.ok()) return added;
    }
    for (const auto& [code, regions] : regions_of_code_) {
      Status listed = List(code, regions);
      if (!listed.ok()) return listed;
    }
    return Status::Ok();
  }

 private:
  using Territory = NumberingPlan::Territory;
  using Description = NumberingPlan::Description;

  static Error Failure(std::string detail) {
    return Error::Of("numbering_plan", std::move(detail));
  }

  Status Add(const PhoneMetadata& metadata) {
    auto territory = std::make_unique<Territory>();
    territory->region = metadata.id();
    territory->country_code = metadata.country_code();
    territory->non_geographic = metadata.id() == "001";
    territory->same_mobile_and_fixed_line_pattern = metadata.same_mobile_and_fixed_line_pattern();
    if (metadata.has_leading_digits()) {
      Result<const re2::RE2*> compiled = Compile(metadata.leading_digits(), metadata.id());
      if (!compiled.ok()) return compiled.error();
      territory->leading_digits = *compiled;
    }
    Status described = DescribeAll(metadata, *territory);
    if (!described.ok()) return described;

    if (territory->non_geographic) {
      non_geographic_.try_emplace(territory->country_code, territory.get());
    } else {
      by_region_.try_emplace(territory->region, territory.get());
    }
    auto [listed, first] = regions_of_code_.try_emplace(territory->country_code);
    if (!first && metadata.main_country_for_code()) {
      listed->second.push_front(territory->region);
    } else {
      listed->second.push_back(territory->region);
    }
    plan_.territories_.push_back(std::move(territory));
    return Status::Ok();
  }

  // The order is Territory::special's; HasType does not depend on it.
  Status DescribeAll(const PhoneMetadata& m, Territory& t) {
    const std::pair<const PhoneNumberDesc*, Description*> descriptions[] = {
        {&m.general_desc(), &t.general},
        {&m.premium_rate(), &t.special[0]},
        {&m.toll_free(), &t.special[1]},
        {&m.shared_cost(), &t.special[2]},
        {&m.voip(), &t.special[3]},
        {&m.personal_number(), &t.special[4]},
        {&m.pager(), &t.special[5]},
        {&m.uan(), &t.special[6]},
        {&m.voicemail(), &t.special[7]},
        {&m.fixed_line(), &t.fixed_line},
        {&m.mobile(), &t.mobile},
        {&m.no_international_dialling(), &t.no_international_dialling},
    };
    for (const auto& [desc, out] : descriptions) {
      Status described = Describe(*desc, m.id(), *out);
      if (!described.ok()) return described;
    }
    return Status::Ok();
  }

  Status Describe(const PhoneNumberDesc& desc, const std::string& region, Description& out) {
    out.has_lengths = desc.possible_length_size() > 0;
    for (int32_t length : desc.possible_length()) {
      if (length >= 0 && length < 64) out.lengths |= uint64_t{1} << length;
    }
    if (desc.national_number_pattern().empty()) return Status::Ok();
    Result<const re2::RE2*> compiled = Compile(desc.national_number_pattern(), region);
    if (!compiled.ok()) return compiled.error();
    out.pattern = *compiled;
    return Status::Ok();
  }

  Result<const re2::RE2*> Compile(const std::string& pattern, const std::string& region) {
    if (auto known = compiled_.find(pattern); known != compiled_.end()) return known->second;
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto compiled = std::make_unique<re2::RE2>(pattern, options);
    if (!compiled->ok()) {
      return Failure("region " + region + ": RE2 refuses pattern " + pattern + ": " +
                     compiled->error());
    }
    const re2::RE2* kept = compiled.get();
    plan_.patterns_.push_back(std::move(compiled));
    compiled_.emplace(pattern, kept);
    return kept;
  }

  // One calling code's regions, resolved to the metadata PhoneNumberUtil would use for each.
  Status List(int code, const std::list<std::string>& regions) {
    if (code < 0 || code >= static_cast<int>(plan_.code_index_.size())) {
      return Failure("country calling code " + std::to_string(code) + " out of range");
    }
    NumberingPlan::CallingCode calling_code;
    for (const std::string& region : regions) {
      // PhoneNumberUtil reads a non-geographic entity only alone on its code; in a list it
      // would look "001" up as a region and find nothing.
      if (region == "001" && regions.size() != 1) {
        return Failure("code " + std::to_string(code) + " mixes 001 and regions");
      }
      const auto found = region == "001" ? Find(non_geographic_, code) : Find(by_region_, region);
      if (found == nullptr) return Failure("region " + region + " has no metadata");
      calling_code.territories.push_back(found);
    }
    plan_.code_index_[static_cast<size_t>(code)] =
        static_cast<int16_t>(plan_.calling_codes_.size());
    plan_.calling_codes_.push_back(std::move(calling_code));
    return Status::Ok();
  }

  template <class Map, class Key>
  static const Territory* Find(const Map& map, const Key& key) {
    const auto found = map.find(key);
    return found == map.end() ? nullptr : found->second;
  }

  NumberingPlan& plan_;
  std::unordered_map<std::string, const re2::RE2*> compiled_;
  std::map<std::string, const Territory*> by_region_;
  std::map<int, const Territory*> non_geographic_;
  std::map<int, std::list<std::string>> regions_of_code_;
};

Result<NumberingPlan> NumberingPlan::FromMetadata(std::string_view serialized) {
  PhoneMetadataCollection collection;
  if (serialized.size() > static_cast<size_t>(INT_MAX) ||
      !collection.ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return Error::Of("numbering_plan", "the metadata does not parse");
  }
  NumberingPlan plan;
  Status built = NumberingPlanBuilder(plan).Build(collection);
  if (!built.ok()) return built.error();
  return plan;
}

std::string_view NumberingPlan::LinkedMetadata() {
  return std::string_view(static_cast<const char*>(i18n::phonenumbers::metadata_get()),
                          static_cast<size_t>(std::max(i18n::phonenumbers::metadata_size(), 0)));
}

const Result<NumberingPlan>& NumberingPlan::Compiled() {
  static const Result<NumberingPlan> plan = FromMetadata(LinkedMetadata());
  return plan;
}

}  // namespace deliverer::validation
