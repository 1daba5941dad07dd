// Matching carrier ids across submit_sm_resp and receipts (R9).
#include "receipts/carrier_id.h"

#include <gtest/gtest.h>

namespace deliverer::receipts {
namespace {

using namespace std::string_view_literals;

TEST(CarrierId, AutoMatchesTheFormsOfOneValue) {
  for (std::string_view id :
       {"0x1A2B"sv, "1a2b"sv, "1A2B"sv, "6699"sv, "0006699"sv, "0x00001a2b"sv, " 6699\0"sv}) {
    EXPECT_EQ(NormalizeCarrierId(id, CarrierIdForm::kAuto), "1a2b") << id;
  }
}

TEST(CarrierId, NumericFormsStripLeadingZerosAndCase) {
  EXPECT_EQ(NormalizeCarrierId("0006699", CarrierIdForm::kDecimal), "1a2b");
  EXPECT_EQ(NormalizeCarrierId("00001A2B", CarrierIdForm::kHex), "1a2b");
  EXPECT_EQ(NormalizeCarrierId("0X1a2B", CarrierIdForm::kHex), "1a2b");
  EXPECT_EQ(NormalizeCarrierId("1234", CarrierIdForm::kHex), "1234");
  EXPECT_EQ(NormalizeCarrierId("1234", CarrierIdForm::kDecimal), "4d2");
  EXPECT_EQ(NormalizeCarrierId("0", CarrierIdForm::kDecimal), "0");
  EXPECT_EQ(NormalizeCarrierId("0000", CarrierIdForm::kHex), "0");
}

TEST(CarrierId, DecimalBeyond64Bits) {
  // 2^64 = 18446744073709551616 = 0x10000000000000000
  EXPECT_EQ(NormalizeCarrierId("18446744073709551616", CarrierIdForm::kDecimal),
            "10000000000000000");
  EXPECT_EQ(NormalizeCarrierId("340282366920938463463374607431768211455", CarrierIdForm::kDecimal),
            std::string(32, 'f'));  // 2^128 - 1
}

TEST(CarrierId, UnreadableIdsFallBackToCaseInsensitive) {
  EXPECT_EQ(NormalizeCarrierId("ABC-123", CarrierIdForm::kDecimal), "abc-123");
  EXPECT_EQ(NormalizeCarrierId("XYZ", CarrierIdForm::kHex), "xyz");
  EXPECT_EQ(NormalizeCarrierId("", CarrierIdForm::kAuto), "");
  std::string long_id(65, '1');
  EXPECT_EQ(NormalizeCarrierId(long_id, CarrierIdForm::kDecimal), long_id);
}

TEST(CarrierId, AsIsAndCaseInsensitive) {
  EXPECT_EQ(NormalizeCarrierId(" AbC\0"sv, CarrierIdForm::kAsIs), "AbC");
  EXPECT_EQ(NormalizeCarrierId("AbC", CarrierIdForm::kCaseInsensitive), "abc");
  EXPECT_FALSE(SameCarrierId("AbC", "abc", CarrierIdMatch::kAsIs));
  EXPECT_TRUE(SameCarrierId("AbC", "abc", CarrierIdMatch::kCaseInsensitive));
  EXPECT_FALSE(SameCarrierId("007", "7", CarrierIdMatch::kCaseInsensitive));
}

TEST(CarrierId, PerCarrierDirections) {
  EXPECT_TRUE(SameCarrierId("6699", "1A2B", CarrierIdMatch::kDecimalToHex));
  EXPECT_TRUE(SameCarrierId("4660", "1234", CarrierIdMatch::kDecimalToHex));  // all-digit hex
  EXPECT_FALSE(SameCarrierId("4660", "1234", CarrierIdMatch::kAuto));         // why it exists
  EXPECT_TRUE(SameCarrierId("1234", "4660", CarrierIdMatch::kHexToDecimal));
  EXPECT_TRUE(SameCarrierId("1a2b", "0006699", CarrierIdMatch::kHexToDecimal));
  EXPECT_FALSE(SameCarrierId("6699", "6699", CarrierIdMatch::kDecimalToHex));
  EXPECT_TRUE(SameCarrierId("6699", "6699", CarrierIdMatch::kAuto));
}

TEST(CarrierId, ConfigSpelling) {
  for (auto match :
       {CarrierIdMatch::kAsIs, CarrierIdMatch::kCaseInsensitive, CarrierIdMatch::kDecimalToHex,
        CarrierIdMatch::kHexToDecimal, CarrierIdMatch::kAuto}) {
    EXPECT_EQ(ParseCarrierIdMatch(ToString(match)), match);
  }
  EXPECT_EQ(ParseCarrierIdMatch("hex"), std::nullopt);
}

}  // namespace
}  // namespace deliverer::receipts
