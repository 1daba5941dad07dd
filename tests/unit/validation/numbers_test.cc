// `to` and `from`: E.164 validity comes from libphonenumber's numbering-plan data.
#include "validation/numbering.h"
#include "validation_test_util.h"

namespace deliverer::validation {
namespace {

using testing::HasError;
using testing::MakeValidator;
using testing::Request;
using testing::Str;
using testing::Succeeds;

class NumbersTest : public ::testing::Test {
 protected:
  std::unique_ptr<Validator> validator_ = MakeValidator();
};

// --- Destination ---------------------------------------------------------------------------

TEST_F(NumbersTest, ValidNumbersFromSeveralCountriesGiveTheirRegion) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"+442071838750", "GB"},  // London landline
      {"+447911123456", "GG"},  // a UK-range mobile that the plan places in Guernsey
      {"+14155550100", "US"},   // 555-01xx: fictional, but valid to the numbering plan
      {"+12025550123", "US"},   {"+16502530000", "US"},   {"+33142685300", "FR"},
      {"+4930901820", "DE"},    // German numbers vary in length
      {"+390612345678", "IT"},  // Italy keeps its leading zero
      {"+81312345678", "JP"},   {"+61293744000", "AU"},   {"+919876543210", "IN"},
      {"+5511987654321", "BR"}, {"+8613912345678", "CN"}, {"+2348031234567", "NG"},
      {"+80012345678", "001"},  // international freephone: no geographic region
  };
  for (const auto& [number, region] : cases) {
    SCOPED_TRACE(number);
    Result<std::string> r = validator_->ValidateDestination(number);
    ASSERT_TRUE(Succeeds(r));
    EXPECT_EQ(*r, region);
  }
}

TEST_F(NumbersTest, RegionOfGivesTheDestinationRulesVerdict) {
  for (const std::string number : {"+442071838750", "+447911123456", "+80012345678", "+999123", "442071838750",
                                   "+44 20 7183 8750", "+4420718387501234", ""}) {
    SCOPED_TRACE(number);
    Result<std::string> validated = validator_->ValidateDestination(number);
    const std::optional<std::string> region = RegionOf(number);
    ASSERT_EQ(region.has_value(), validated.ok());
    if (region) {
      EXPECT_EQ(*region, *validated);
    }
  }
}

TEST_F(NumbersTest, NonE164FormsAreInvalidDestinations) {
  for (const char* number :
       {"+44 20 7183 8750", "+44-20-7183-8750", "+44 (0)20 7183 8750", "442071838750",
        "02071838750", "00442071838750", "+4402071838750", "+0442071838750", "＋442071838750",
        "+442071838750 ", " +442071838750", "+442071838750x", "tel:+442071838750", "", "+", "+1"}) {
    SCOPED_TRACE(number);
    EXPECT_TRUE(HasError(validator_->ValidateDestination(number), "invalid_destination", "to"));
  }
}

TEST_F(NumbersTest, NumbersTheNumberingPlanRejectsAreInvalidDestinations) {
  for (const char* number : {"+1555", "+4420718387500", "+5511800000000", "+999123456789",
                             "+3912345", "+12345678901234567"}) {
    SCOPED_TRACE(number);
    EXPECT_TRUE(HasError(validator_->ValidateDestination(number), "invalid_destination", "to"));
  }
}

TEST_F(NumbersTest, NumbersThatCannotBeDialledFromAbroadAreInvalidDestinations) {
  // An Australian 13xx number: valid at home, not reachable internationally.
  EXPECT_TRUE(
      HasError(validator_->ValidateDestination("+611300123456"), "invalid_destination", "to"));
}

TEST_F(NumbersTest, InvalidDestinationDetailQuotesTheNumber) {
  Result<ValidatedMessage> m = validator_->ParseMessage(Request({{"to", Str("+1555")}}));
  ASSERT_TRUE(HasError(m, "invalid_destination", "to"));
  EXPECT_EQ(m.error().detail, "'+1555' is not a valid E.164 number");
}

TEST_F(NumbersTest, InvalidDestinationDetailIsBoundedForHugeInput) {
  const std::string huge = "+" + std::string(5000, '1');
  Result<std::string> r = validator_->ValidateDestination(huge);
  ASSERT_TRUE(HasError(r, "invalid_destination", "to"));
  EXPECT_LT(r.error().detail.size(), 100u);
}

TEST_F(NumbersTest, ParseMessageFillsTheDestinationRegion) {
  Result<ValidatedMessage> m = validator_->ParseMessage(Request({{"to", Str("+33142685300")}}));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->to, "+33142685300");
  EXPECT_EQ(m->to_region, "FR");
}

// --- Sender --------------------------------------------------------------------------------

TEST_F(NumbersTest, E164SendersMustBeValidAndExact) {
  for (const char* from : {"+14155550100", "+442071838750", "+4930901820"}) {
    EXPECT_EQ(*validator_->ValidateSender(from), SenderKind::kE164) << from;
  }
  for (const char* from : {"+1555", "+44 20 7183 8750", "+4402071838750", "+123456789", "+"}) {
    SCOPED_TRACE(from);
    EXPECT_TRUE(HasError(validator_->ValidateSender(from), "invalid_sender", "from"));
  }
}

TEST_F(NumbersTest, ShortCodesHaveThreeToEightDigits) {
  for (const char* from : {"123", "4567", "12345678"}) {
    EXPECT_EQ(*validator_->ValidateSender(from), SenderKind::kShortCode) << from;
  }
  // Two digits are too few; nine are too many unless written as E.164 with '+'.
  for (const char* from : {"1", "12", "123456789", "442071838750", "１２３"}) {
    SCOPED_TRACE(from);
    EXPECT_TRUE(HasError(validator_->ValidateSender(from), "invalid_sender", "from"));
  }
}

TEST_F(NumbersTest, AlphanumericSendersHaveOneToElevenCharactersWithALetter) {
  for (const char* from :
       {"A", "Shop", "My Shop", "ACME2024", "Hello World", "12345678901a", "a1"}) {
    SCOPED_TRACE(from);
    Result<SenderKind> kind = validator_->ValidateSender(from);
    if (std::string(from).size() <= 11) {
      ASSERT_TRUE(Succeeds(kind));
      EXPECT_EQ(*kind, SenderKind::kAlphanumeric);
    } else {
      EXPECT_TRUE(HasError(kind, "invalid_sender", "from"));
    }
  }
  EXPECT_EQ(*validator_->ValidateSender("ElevenChars"), SenderKind::kAlphanumeric);
  EXPECT_TRUE(HasError(validator_->ValidateSender("TwelveChars!"), "invalid_sender", "from"));
  EXPECT_TRUE(HasError(validator_->ValidateSender("TwelveCharsX"), "invalid_sender", "from"));
}

TEST_F(NumbersTest, AlphanumericSendersUseOnlyAsciiLettersDigitsAndSpaces) {
  for (const char* from :
       {"", " ", "   ", "Shop!", "Café", "Shop-1", "Shop_1", "Shop\t1", "Ω Shop"}) {
    SCOPED_TRACE(from);
    EXPECT_TRUE(HasError(validator_->ValidateSender(from), "invalid_sender", "from"));
  }
}

TEST_F(NumbersTest, ParseMessageReportsTheSenderKind) {
  Result<ValidatedMessage> m = validator_->ParseMessage(Request({{"from", Str("Shop")}}));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->sender_kind, SenderKind::kAlphanumeric);
  EXPECT_EQ(validator_->ParseMessage(Request({{"from", Str("12345")}}))->sender_kind,
            SenderKind::kShortCode);
  EXPECT_TRUE(
      HasError(validator_->ParseMessage(Request({{"from", Str("12")}})), "invalid_sender", "from"));
}

}  // namespace
}  // namespace deliverer::validation
