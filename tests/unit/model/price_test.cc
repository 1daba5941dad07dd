#include "model/price.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace deliverer::model {
namespace {

TEST(PriceTest, APricePerSegmentTimesTheSegmentsPrintsWithoutBinaryError) {
  EXPECT_EQ(FormatMicros(PriceOf(0.005, 2, "EUR").micros), "0.0100");
  EXPECT_EQ(FormatMicros(PriceOf(0.0035, 3, "EUR").micros), "0.0105");
  EXPECT_EQ(FormatMicros(PriceOf(0.0050, 1, "EUR").micros), "0.0050");
  // 0.1 × 3 is 0.30000000000000004 in binary floating point.
  EXPECT_EQ(FormatMicros(PriceOf(0.1, 3, "EUR").micros), "0.3000");
  EXPECT_EQ(FormatMicros(PriceOf(0.07, 10, "EUR").micros), "0.7000");
}

TEST(PriceTest, PriceOfKeepsTheCurrencyAndCountsAtLeastOneSegment) {
  EXPECT_EQ(PriceOf(0.005, 2, "USD"), (Price{10'000, "USD"}));
  EXPECT_EQ(PriceOf(0.005, 0, "EUR"), (Price{5'000, "EUR"}));
  EXPECT_EQ(PriceOf(0, 3, "EUR"), (Price{0, "EUR"}));
}

TEST(PriceTest, MicrosRoundToTheNearestMillionth) {
  EXPECT_EQ(MicrosOf(0.005), 5'000);
  EXPECT_EQ(MicrosOf(0.0035), 3'500);
  EXPECT_EQ(MicrosOf(0.0000004), 0);
  EXPECT_EQ(MicrosOf(0.0000005), 1);  // halves away from zero
  EXPECT_EQ(MicrosOf(0.1234567), 123'457);
  EXPECT_EQ(MicrosOf(12.5), 12'500'000);
}

TEST(PriceTest, MicrosOfNegativeNanOrHugeAmountsStayInRange) {
  EXPECT_EQ(MicrosOf(-0.01), 0);
  EXPECT_EQ(MicrosOf(std::nan("")), 0);
  EXPECT_EQ(MicrosOf(1e300), kMaxMicros);
  EXPECT_EQ(MicrosOf(std::numeric_limits<double>::infinity()), kMaxMicros);
}

TEST(PriceTest, FourDecimalsRoundedHalfUp) {
  EXPECT_EQ(FormatMicros(0), "0.0000");
  EXPECT_EQ(FormatMicros(49), "0.0000");
  EXPECT_EQ(FormatMicros(50), "0.0001");
  EXPECT_EQ(FormatMicros(10'549), "0.0105");
  EXPECT_EQ(FormatMicros(10'550), "0.0106");
  EXPECT_EQ(FormatMicros(999'950), "1.0000");
  EXPECT_EQ(FormatMicros(12'345'678), "12.3457");
  EXPECT_EQ(FormatMicros(-5), "0.0000");
}

TEST(PriceTest, CurrencyCodesAreThreeUpperCaseLetters) {
  EXPECT_TRUE(IsCurrencyCode("EUR"));
  EXPECT_TRUE(IsCurrencyCode("USD"));
  EXPECT_FALSE(IsCurrencyCode("eur"));
  EXPECT_FALSE(IsCurrencyCode("EU"));
  EXPECT_FALSE(IsCurrencyCode("EURO"));
  EXPECT_FALSE(IsCurrencyCode("E1R"));
  EXPECT_FALSE(IsCurrencyCode(""));
}

}  // namespace
}  // namespace deliverer::model
