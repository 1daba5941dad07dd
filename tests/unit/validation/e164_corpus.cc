#include "e164_corpus.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <set>

#include "validation/numbering_plan.h"

namespace deliverer::validation {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::array kCorpusTypes = {
    PhoneNumberUtil::FIXED_LINE,
    PhoneNumberUtil::MOBILE,
    PhoneNumberUtil::FIXED_LINE_OR_MOBILE,
    PhoneNumberUtil::TOLL_FREE,
    PhoneNumberUtil::PREMIUM_RATE,
    PhoneNumberUtil::SHARED_COST,
    PhoneNumberUtil::VOIP,
    PhoneNumberUtil::PERSONAL_NUMBER,
    PhoneNumberUtil::PAGER,
    PhoneNumberUtil::UAN,
    PhoneNumberUtil::VOICEMAIL,
    PhoneNumberUtil::UNKNOWN,
};

std::string E164Of(const PhoneNumber& number) {
  std::string e164;
  PhoneNumberUtil::GetInstance()->Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

// Every example PhoneNumberUtil hands out, by region, by type and by non-geographic code.
std::vector<std::string> UtilExamples() {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::vector<std::string> examples;
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  PhoneNumber number;
  for (const std::string& region : regions) {
    for (PhoneNumberUtil::PhoneNumberType type : kCorpusTypes) {
      if (util.GetExampleNumberForType(region, type, &number)) examples.push_back(E164Of(number));
    }
    if (util.GetInvalidExampleNumber(region, &number)) examples.push_back(E164Of(number));
  }
  std::set<int> non_geographic;
  util.GetSupportedGlobalNetworkCallingCodes(&non_geographic);
  for (int code : non_geographic) {
    if (util.GetExampleNumberForNonGeoEntity(code, &number)) examples.push_back(E164Of(number));
  }
  return examples;
}

// The example of every description of every metadata entry, which the API above does not
// reach for non-geographic entities' other types nor for no_international_dialling.
std::vector<std::string> MetadataExamples() {
  std::vector<std::string> examples;
  PhoneMetadataCollection collection;
  const std::string_view bytes = NumberingPlan::LinkedMetadata();
  if (!collection.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return examples;
  for (const PhoneMetadata& m : collection.metadata()) {
    for (const PhoneNumberDesc* desc :
         {&m.general_desc(), &m.fixed_line(), &m.mobile(), &m.toll_free(), &m.premium_rate(),
          &m.shared_cost(), &m.personal_number(), &m.voip(), &m.pager(), &m.uan(), &m.emergency(),
          &m.voicemail(), &m.no_international_dialling()}) {
      if (desc->has_example_number()) {
        examples.push_back("+" + std::to_string(m.country_code()) + desc->example_number());
      }
    }
  }
  return examples;
}

// Text that is not E.164 at all, for one mutation in sixteen.
std::string Malform(std::string number, size_t choice, size_t position, char digit) {
  static constexpr std::string_view kStray = " -().x#+a*/";
  position = std::min(position, number.size());
  switch (choice % 9) {
    case 0:
      return number.insert(std::max<size_t>(position, 1), 1, kStray[position % kStray.size()]);
    case 1:
      return number.substr(1);  // no '+'
    case 2:
      return "00" + number.substr(1);  // international prefix
    case 3:
      return "+" + number;  // "++"
    case 4:
      return "\xEF\xBC\x8B" + number.substr(1);  // full-width plus
    case 5:
      return number + "\n";
    case 6:
      return " " + number;
    case 7:
      return std::string(1, '+').append(1, digit);  // "+" and one digit
    default:
      return position % 2 == 0 ? std::string() : std::string("+");
  }
}

}  // namespace

E164Corpus::E164Corpus(uint64_t seed) : rng_(seed) {
  for (const std::string& e164 : UtilExamples()) AddSeed(e164);
  for (const std::string& e164 : MetadataExamples()) AddSeed(e164);
  for (size_t i = 0; i < seeds_.size(); ++i) seeds_by_code_[seeds_[i].code].push_back(i);
  std::set<int> codes;
  PhoneNumberUtil::GetInstance()->GetSupportedCallingCodes(&codes);
  for (int code : codes) codes_.push_back(std::to_string(code));

  for (const Seed& s : seeds_) {
    const std::string whole = "+" + s.code + s.national;
    for (size_t length = 2; length <= whole.size(); ++length)
      systematic_.push_back(whole.substr(0, length));
  }
  for (const std::string& code : codes_) {
    for (size_t length = 1; length <= 17; ++length) {
      for (int copy = 0; copy < 2; ++copy) systematic_.push_back("+" + code + RandomDigits(length));
    }
  }
}

void E164Corpus::AddSeed(const std::string& e164) {
  // Split where PhoneNumberUtil would: the shortest prefix that is a calling code.
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  for (size_t length = 1; length <= 3 && length + 1 < e164.size(); ++length) {
    std::string region;
    util.GetRegionCodeForCountryCode(std::stoi(e164.substr(1, length)), &region);
    if (region == "ZZ") continue;
    seeds_.push_back(Seed{e164.substr(1, length), e164.substr(1 + length)});
    return;
  }
}

std::string E164Corpus::Next() {
  if (next_systematic_ < systematic_.size()) return systematic_[next_systematic_++];
  return Mutate();
}

std::string E164Corpus::RandomDigits(size_t count) {
  std::string digits;
  for (size_t i = 0; i < count; ++i) digits += Digit();
  return digits;
}

// One of sixteen kinds of change to a random seed, most of them staying near a valid
// range: a number kept to its first digits then filled at random lands in the same range
// (or a neighbour's) far more often than a wholly random one.
std::string E164Corpus::Mutate() {
  const Seed& seed = seeds_[Below(seeds_.size())];
  std::string code = seed.code;
  std::string national = seed.national;
  const size_t at = Below(national.size());
  switch (Below(16)) {
    case 0:  // as it is
      break;
    case 1:  // one digit changed
    case 2:
      national[at] = Digit();
      break;
    case 3:  // up to three digits changed
      for (int i = 0; i < 3; ++i) national[Below(national.size())] = Digit();
      break;
    case 4:  // one digit fewer
      national.erase(at, 1);
      break;
    case 5:  // one digit more
      national.insert(at, 1, Digit());
      break;
    case 6:  // the same first digits, the rest random, the same length
    case 7:
    case 8:
      national = national.substr(0, at) + RandomDigits(national.size() - at);
      break;
    case 9:  // the same first digits, the rest random, another length
      national = national.substr(0, at) + RandomDigits(Below(6) + (national.size() - at) / 2 + 1);
      break;
    case 10:  // leading zeros added
      national.insert(0, Below(3) + 1, '0');
      break;
    case 11:  // a leading zero instead of the first digit
      national[0] = '0';
      break;
    case 12: {  // the start of one seed and the end of another of the same code
      const std::vector<size_t>& same_code = seeds_by_code_[code];
      const Seed& other = seeds_[same_code[Below(same_code.size())]];
      national =
          national.substr(0, at) + other.national.substr(std::min(at, other.national.size()));
      break;
    }
    case 13:  // the national number under another calling code
      code = codes_[Below(codes_.size())];
      break;
    case 14:  // longer, often past E.164's 15 digits
      national += RandomDigits(Below(7) + 1);
      break;
    default:  // not E.164 at all
      return Malform("+" + code + national, rng_(), Below(18), Digit());
  }
  return "+" + code + national;
}

}  // namespace deliverer::validation
