// NumberingPlan on the cases the destination rule is known for, each checked against
// libphonenumber's own verdict (ReferenceE164Region) as well as the expected one.
#include "validation/numbering_plan.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonemetadata.pb.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "validation/e164_reference.h"

namespace deliverer::validation {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;

const NumberingPlan& Plan() {
  const Result<NumberingPlan>& plan = NumberingPlan::Compiled();
  EXPECT_TRUE(plan.ok()) << plan.error().detail;
  return *plan;
}

// Both verdicts, the plan's and libphonenumber's, must be `region` ("" for invalid).
void ExpectRegion(const std::string& number, const std::string& region) {
  SCOPED_TRACE(number);
  EXPECT_EQ(ReferenceE164Region(number), region);
  EXPECT_EQ(Plan().RegionOf(number), region);
}

TEST(NumberingPlanTest, LinkedMetadataCompiles) {
  const Result<NumberingPlan>& plan = NumberingPlan::Compiled();
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(&plan, &NumberingPlan::Compiled());  // built once
}

TEST(NumberingPlanTest, ValidNumbersGiveTheirRegion) {
  for (const auto& [number, region] :
       std::vector<std::pair<std::string, std::string>>{{"+442071838750", "GB"},
                                                        {"+14155550100", "US"},
                                                        {"+12025550123", "US"},
                                                        {"+16502530000", "US"},
                                                        {"+33142685300", "FR"},
                                                        {"+4930901820", "DE"},
                                                        {"+81312345678", "JP"},
                                                        {"+61293744000", "AU"},
                                                        {"+919876543210", "IN"},
                                                        {"+5511987654321", "BR"},
                                                        {"+8613912345678", "CN"},
                                                        {"+2348031234567", "NG"}}) {
    ExpectRegion(number, region);
  }
}

TEST(NumberingPlanTest, ItalianNumbersKeepTheirLeadingZero) {
  ExpectRegion("+390612345678", "IT");    // Rome landline: the 0 is part of the number
  ExpectRegion("+393123456789", "IT");    // mobile, no leading zero
  ExpectRegion("+3906123456789012", "");  // too long for the plan (and the 16-char bound)
  ExpectRegion("+39006123456", "");       // a second zero is not Rome
  ExpectRegion("+390", "");
}

TEST(NumberingPlanTest, SharedCodeOnePlusPicksTheNanpaRegion) {
  for (const auto& [number, region] :
       std::vector<std::pair<std::string, std::string>>{{"+12015550123", "US"},
                                                        {"+16135550123", "CA"},
                                                        {"+14165550123", "CA"},
                                                        {"+17872345678", "PR"},
                                                        {"+18762101234", "JM"},
                                                        {"+12423456789", "BS"},
                                                        {"+16715551234", "GU"},
                                                        {"+18092345678", "DO"}}) {
    ExpectRegion(number, region);
  }
  ExpectRegion("+15551234567", "");  // no area code 555
  ExpectRegion("+11234567890", "");  // area codes do not start with 1
}

TEST(NumberingPlanTest, SharedCodeFortyFourPlacesCrownDependencies) {
  ExpectRegion("+447400123456", "GB");
  ExpectRegion("+441481256789", "GG");  // Guernsey landline
  ExpectRegion("+441534456789", "JE");  // Jersey landline
  ExpectRegion("+441624756789", "IM");  // Isle of Man landline
  ExpectRegion("+447911123456", "GG");  // a UK-range mobile the plan places in Guernsey
  ExpectRegion("+4420718387500", "");   // one digit too many
}

TEST(NumberingPlanTest, NonGeographicEntitiesAreRegion001) {
  ExpectRegion("+80012345678", "001");  // international freephone
  ExpectRegion("+8823421234", "001");   // international networks
  ExpectRegion("+883510012345", "001");
  ExpectRegion("+8001234567", "");  // +800 numbers have 8 digits
}

TEST(NumberingPlanTest, NumbersNotDiallableFromAbroadAreInvalid) {
  ExpectRegion("+611300123456", "");  // Australian 13xx: valid at home only
}

TEST(NumberingPlanTest, TooShortTooLongAndUnknownCodesAreInvalid) {
  for (const char* number : {"", "+", "+1", "+4", "+44", "+1555", "+3912345", "+999123456789",
                             "+12345678901234567", "+4420718387501234", "+5511800000000"}) {
    ExpectRegion(number, "");
  }
  EXPECT_EQ(Plan().RegionOf("+" + std::string(5000, '1')), "");
}

TEST(NumberingPlanTest, AnythingButPlusAndDigitsIsInvalid) {
  for (const char* number :
       {"+44 20 7183 8750", "+44-20-7183-8750", "+44 (0)20 7183 8750", "442071838750",
        "02071838750", "00442071838750", "+4402071838750", "+0442071838750",
        "\xEF\xBC\x8B"
        "442071838750",
        "+442071838750 ", " +442071838750", "+442071838750x", "tel:+442071838750", "++442071838750",
        "+44207183875\xD9\xA0"}) {
    ExpectRegion(number, "");
  }
  ExpectRegion(std::string("+44207183\0"
                           "8750",
                           14),
               "");
}

TEST(NumberingPlanTest, CountryCodeWithALeadingZeroIsNotE164) {
  ExpectRegion("+0442071838750", "");
  ExpectRegion("+012015550123", "");  // "01" would be code 1, printed "+1"
}

TEST(NumberingPlanTest, ConcurrentCallersGetTheSameVerdicts) {
  const std::vector<std::string> numbers = {"+442071838750", "+447911123456", "+12015550123",
                                            "+80012345678",  "+15551234567",  "+390612345678"};
  std::vector<std::string> expected;
  for (const std::string& n : numbers) expected.emplace_back(Plan().RegionOf(n));
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2000; ++round) {
        const size_t i = static_cast<size_t>(round) % numbers.size();
        if (NumberingPlan::Compiled()->RegionOf(numbers[i]) != expected[i]) ++wrong[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

// --- Building from other metadata ------------------------------------------------------

TEST(NumberingPlanTest, MetadataThatDoesNotParseIsAnError) {
  Result<NumberingPlan> plan = NumberingPlan::FromMetadata("\xff\xff\xff not a protobuf");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, "numbering_plan");
}

PhoneMetadata Territory(const std::string& id, int code, const std::string& pattern) {
  PhoneMetadata m;
  m.set_id(id);
  m.set_country_code(code);
  m.mutable_general_desc()->set_national_number_pattern(pattern);
  m.mutable_fixed_line()->set_national_number_pattern(pattern);
  return m;
}

TEST(NumberingPlanTest, APatternRe2RefusesIsAnError) {
  PhoneMetadataCollection collection;
  *collection.add_metadata() = Territory("AA", 99, "(?=1)\\d{6}");  // lookahead
  Result<NumberingPlan> plan = NumberingPlan::FromMetadata(collection.SerializeAsString());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, "numbering_plan");
}

TEST(NumberingPlanTest, SharedCodeTriesTheMainCountryFirstThenTheOthersInOrder) {
  PhoneMetadataCollection collection;
  *collection.add_metadata() = Territory("AA", 99, "\\d{6}");
  *collection.add_metadata() = Territory("BB", 99, "5\\d{5}");
  PhoneMetadata main = Territory("CC", 99, "[45]\\d{5}");
  main.set_main_country_for_code(true);
  *collection.add_metadata() = main;
  *collection.add_metadata() = Territory("DD", 98, "\\d{6}");
  Result<NumberingPlan> plan = NumberingPlan::FromMetadata(collection.SerializeAsString());
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->RegionOf("+99512345"), "CC");  // the main country, though AA and BB match too
  EXPECT_EQ(plan->RegionOf("+99612345"), "AA");  // the first of the others with a type
  EXPECT_EQ(plan->RegionOf("+9961234"), "");     // five digits: no type anywhere
  EXPECT_EQ(plan->RegionOf("+98612345"), "DD");  // a code of its own
  EXPECT_EQ(plan->RegionOf("+9761234"), "");     // no code 97, nor 976
}

TEST(NumberingPlanTest, LeadingDigitsChooseTheRegionBeforeValidity) {
  PhoneMetadataCollection collection;
  PhoneMetadata island = Territory("BB", 97, "70\\d{4}");
  island.set_leading_digits("7");
  island.set_main_country_for_code(true);
  *collection.add_metadata() = Territory("AA", 97, "\\d{6}");
  *collection.add_metadata() = island;
  Result<NumberingPlan> plan = NumberingPlan::FromMetadata(collection.SerializeAsString());
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->RegionOf("+97701234"), "BB");
  EXPECT_EQ(plan->RegionOf("+97612345"), "AA");  // BB's leading digits do not match
  // BB's leading digits take the number, which is invalid there; AA is not asked.
  EXPECT_EQ(plan->RegionOf("+97712345"), "");
}

// The linked metadata never relies on the rules below (its patterns already encode the
// lengths), so they are checked on metadata made for them.
PhoneMetadataCollection OneTerritory(const PhoneMetadata& territory) {
  PhoneMetadataCollection collection;
  *collection.add_metadata() = territory;
  return collection;
}

TEST(NumberingPlanTest, PossibleLengthsAreCheckedBeforeThePattern) {
  PhoneMetadata m = Territory("AA", 96, "\\d{6,7}");
  m.mutable_fixed_line()->add_possible_length(6);
  m.mutable_mobile()->set_national_number_pattern("\\d{6,7}");
  m.mutable_mobile()->add_possible_length(-1);  // "no mobile numbers"
  Result<NumberingPlan> plan = NumberingPlan::FromMetadata(OneTerritory(m).SerializeAsString());
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->RegionOf("+96123456"), "AA");
  EXPECT_EQ(plan->RegionOf("+961234567"), "");
}

TEST(NumberingPlanTest, SameMobileAndFixedLinePatternSkipsTheMobileCheck) {
  PhoneMetadata m = Territory("AA", 96, "\\d{6,7}");
  m.mutable_fixed_line()->add_possible_length(6);
  m.mutable_mobile()->set_national_number_pattern("\\d{6,7}");
  Result<NumberingPlan> apart = NumberingPlan::FromMetadata(OneTerritory(m).SerializeAsString());
  m.set_same_mobile_and_fixed_line_pattern(true);
  Result<NumberingPlan> same = NumberingPlan::FromMetadata(OneTerritory(m).SerializeAsString());
  ASSERT_TRUE(apart.ok() && same.ok());
  EXPECT_EQ(apart->RegionOf("+961234567"), "AA");  // a mobile number
  EXPECT_EQ(same->RegionOf("+961234567"), "");     // fixed line by length, mobile not asked
}

TEST(NumberingPlanTest, NoInternationalDiallingBindsRegionsOnly) {
  for (const std::string id : {"AA", "001"}) {
    PhoneMetadata m = Territory(id, 96, "\\d{6}");
    m.mutable_no_international_dialling()->set_national_number_pattern("1\\d{5}");
    Result<NumberingPlan> plan = NumberingPlan::FromMetadata(OneTerritory(m).SerializeAsString());
    ASSERT_TRUE(plan.ok()) << plan.error().detail;
    EXPECT_EQ(plan->RegionOf("+96223456"), id);
    EXPECT_EQ(plan->RegionOf("+96123456"), id == "001" ? "001" : "") << id;
  }
}

}  // namespace
}  // namespace deliverer::validation
