#include "common/mask.h"

#include <gtest/gtest.h>

namespace deliverer {
namespace {

TEST(MaskNumberTest, E164KeepsPlusFirstFourAndLastFourDigits) {
  EXPECT_EQ(MaskNumber("+442071838750"), "+4420****8750");
  EXPECT_EQ(MaskNumber("+14155550100"), "+1415***0100");
  EXPECT_EQ(MaskNumber("+123456789012345"), "+1234*******2345");
}

TEST(MaskNumberTest, NineDigitsHideOne) { EXPECT_EQ(MaskNumber("+123456789"), "+1234*6789"); }

TEST(MaskNumberTest, ShortNumbersKeepLastTwoDigits) {
  EXPECT_EQ(MaskNumber("12345"), "***45");
  EXPECT_EQ(MaskNumber("+12345678"), "+******78");
  EXPECT_EQ(MaskNumber("12"), "12");
  EXPECT_EQ(MaskNumber("7"), "7");
}

TEST(MaskNumberTest, SeparatorsStayInPlace) {
  EXPECT_EQ(MaskNumber("+44 20 7183 8750"), "+44 20 **** 8750");
}

TEST(MaskNumberTest, AlphanumericSenderIsUnchanged) {
  EXPECT_EQ(MaskNumber("Acme"), "Acme");
  EXPECT_EQ(MaskNumber("Shop 24"), "Shop 24");
}

TEST(MaskNumberTest, TextWithLettersStillHidesEmbeddedNumbers) {
  EXPECT_EQ(MaskNumber("x+442071838750"), "x+4420****8750");
}

TEST(MaskNumberTest, NoDigitsIsUnchanged) {
  EXPECT_EQ(MaskNumber(""), "");
  EXPECT_EQ(MaskNumber("+"), "+");
}

TEST(MaskKeyTest, ReturnsPrefixUpToLastUnderscore) {
  EXPECT_EQ(MaskKey("dlv_4f2a9c_s3cr3tPart"), "dlv_4f2a9c");
  EXPECT_EQ(MaskKey("id_secret"), "id");
}

TEST(MaskKeyTest, WithoutUnderscoreIsInvalid) {
  EXPECT_EQ(MaskKey("nounderscoreatall"), "(invalid)");
  EXPECT_EQ(MaskKey(""), "(invalid)");
  EXPECT_EQ(MaskKey("_onlysecret"), "(invalid)");
}

TEST(MaskTextTest, MasksEveryNumberInALine) {
  EXPECT_EQ(MaskText("send from +14155550100 to +442071838750 failed"),
            "send from +1415***0100 to +4420****8750 failed");
}

TEST(MaskTextTest, MasksAtStartAndEnd) {
  EXPECT_EQ(MaskText("+442071838750"), "+4420****8750");
  EXPECT_EQ(MaskText("to=+442071838750"), "to=+4420****8750");
  EXPECT_EQ(MaskText("\"+442071838750\","), "\"+4420****8750\",");
}

TEST(MaskTextTest, EightAndFifteenDigitsAreTheBounds) {
  EXPECT_EQ(MaskText("a +12345678 b"), "a +******78 b");
  EXPECT_EQ(MaskText("a +123456789012345 b"), "a +1234*******2345 b");
  EXPECT_EQ(MaskText("a +1234567 b"), "a +1234567 b");
  EXPECT_EQ(MaskText("a +1234567890123456 b"), "a +1234567890123456 b");
}

TEST(MaskTextTest, LeavesOtherTextAlone) {
  EXPECT_EQ(MaskText("1 + 2 = 3, code 123456789, ++"), "1 + 2 = 3, code 123456789, ++");
  EXPECT_EQ(MaskText(""), "");
}

}  // namespace
}  // namespace deliverer
