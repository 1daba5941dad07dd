// CarrierSubmit → submit_sm: addressing, data_coding, UDH flag, validity (docs/smpp-mapping.md
// "submit_sm fields").
#include "carriers/smpp/submit_builder.h"

#include <gtest/gtest.h>

namespace deliverer::carriers::smpp {
namespace {

CarrierSubmit Make(std::string from, model::Encoding encoding = model::Encoding::kGsm7) {
  CarrierSubmit s;
  s.from = std::move(from);
  s.to = "+442071838750";
  s.encoding = encoding;
  s.segments.push_back(text::Segment{{}, {'H', 'i'}});
  s.validity_s = 3600;
  return s;
}

TEST(SubmitBuilderTest, AlphanumericSenderIsTon5Npi0) {
  auto pdus = BuildSubmits(Make("Deliverer"), Addressing{});
  ASSERT_EQ(pdus.size(), 1u);
  EXPECT_EQ(pdus[0].source_addr, "Deliverer");
  EXPECT_EQ(pdus[0].source_addr_ton, 5);
  EXPECT_EQ(pdus[0].source_addr_npi, 0);
}

TEST(SubmitBuilderTest, E164SenderIsTon1Npi1WithoutPlus) {
  auto pdus = BuildSubmits(Make("+14155550100"), Addressing{});
  EXPECT_EQ(pdus[0].source_addr, "14155550100");
  EXPECT_EQ(pdus[0].source_addr_ton, 1);
  EXPECT_EQ(pdus[0].source_addr_npi, 1);
}

TEST(SubmitBuilderTest, ShortCodeIsTon3Npi0) {
  auto pdus = BuildSubmits(Make("12345"), Addressing{});
  EXPECT_EQ(pdus[0].source_addr_ton, 3);
  EXPECT_EQ(pdus[0].source_addr_npi, 0);
}

TEST(SubmitBuilderTest, OverridesPerCarrierApply) {
  Addressing a;
  a.alnum_ton = 1;
  a.dest_npi = 0;
  auto pdus = BuildSubmits(Make("Deliverer"), a);
  EXPECT_EQ(pdus[0].source_addr_ton, 1);
  EXPECT_EQ(pdus[0].dest_addr_npi, 0);
}

TEST(SubmitBuilderTest, DestinationIsTon1Npi1WithoutPlusAndAsksForAReceipt) {
  auto pdus = BuildSubmits(Make("Deliverer"), Addressing{});
  EXPECT_EQ(pdus[0].destination_addr, "442071838750");
  EXPECT_EQ(pdus[0].dest_addr_ton, 1);
  EXPECT_EQ(pdus[0].dest_addr_npi, 1);
  EXPECT_EQ(pdus[0].registered_delivery, 1);
  EXPECT_EQ(pdus[0].esm_class, 0);
}

TEST(SubmitBuilderTest, DataCodingFollowsEncodingAndFlash) {
  EXPECT_EQ(BuildSubmits(Make("A1"), Addressing{})[0].data_coding, 0x00);
  EXPECT_EQ(BuildSubmits(Make("A1", model::Encoding::kUcs2), Addressing{})[0].data_coding, 0x08);
  Addressing gsm_as_1;
  gsm_as_1.data_coding_gsm7 = 1;
  EXPECT_EQ(BuildSubmits(Make("A1"), gsm_as_1)[0].data_coding, 0x01);
  auto flash = Make("A1");
  flash.flash = true;
  EXPECT_EQ(BuildSubmits(flash, Addressing{})[0].data_coding, 0x10);
  flash.encoding = model::Encoding::kUcs2;
  EXPECT_EQ(BuildSubmits(flash, Addressing{})[0].data_coding, 0x18);
}

TEST(SubmitBuilderTest, ConcatenatedSegmentsCarryTheirUdhAndTheUdhiFlag) {
  CarrierSubmit s = Make("Deliverer");
  s.segments = {text::Segment{{0x05, 0x00, 0x03, 0x2A, 0x02, 0x01}, {'a'}},
                text::Segment{{0x05, 0x00, 0x03, 0x2A, 0x02, 0x02}, {'b'}}};
  auto pdus = BuildSubmits(s, Addressing{});
  ASSERT_EQ(pdus.size(), 2u);
  EXPECT_EQ(pdus[1].esm_class, 0x40);
  EXPECT_EQ(pdus[1].short_message, (std::vector<uint8_t>{0x05, 0x00, 0x03, 0x2A, 0x02, 0x02, 'b'}));
}

TEST(SubmitBuilderTest, ValidityIsRelativeFromTheRemainingTtl) {
  EXPECT_EQ(RelativeValidity(3600), "000000010000000R");
  EXPECT_EQ(RelativeValidity(2 * 86400 + 3 * 3600 + 4 * 60 + 5), "000002030405000R");
  EXPECT_EQ(RelativeValidity(45 * 86400), "000115000000000R");
  EXPECT_EQ(BuildSubmits(Make("A1"), Addressing{})[0].validity_period, "000000010000000R");
  auto none = Make("A1");
  none.validity_s = 0;
  EXPECT_EQ(BuildSubmits(none, Addressing{})[0].validity_period, "");
}

TEST(SenderKindTest, IsDecidedFromTheValidatedSender) {
  EXPECT_EQ(SenderKindOf("+14155550100"), SenderKind::kE164);
  EXPECT_EQ(SenderKindOf("12345"), SenderKind::kShortCode);
  EXPECT_EQ(SenderKindOf("Deliverer"), SenderKind::kAlphanumeric);
  EXPECT_EQ(SenderKindOf("Shop 24"), SenderKind::kAlphanumeric);
}

}  // namespace
}  // namespace deliverer::carriers::smpp
