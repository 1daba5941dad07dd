// MO injection: addresses and the deliver_sm PDUs for a text.
#include "sim/mo.h"

#include <gtest/gtest.h>

#include "smpp/udh.h"
#include "text/text.h"

namespace deliverer::sim {
namespace {

TEST(SimParseAddressTest, Kinds) {
  EXPECT_EQ(ParseAddress("+447700900123"), (SmppAddress{1, 1, "447700900123"}));
  EXPECT_EQ(ParseAddress("12345"), (SmppAddress{3, 0, "12345"}));
  EXPECT_EQ(ParseAddress("447700900123"), (SmppAddress{1, 1, "447700900123"}));
  EXPECT_EQ(ParseAddress("Acme"), (SmppAddress{5, 0, "Acme"}));
}

TEST(SimMakeMoTest, StopFromANumberToAShortCode) {
  auto pdus = MakeMo({"+447700900123", "12345", "STOP", ""}, 1);
  ASSERT_TRUE(pdus.ok());
  ASSERT_EQ(pdus->size(), 1u);
  const smpp::DeliverSm& d = pdus->front();
  EXPECT_EQ(d.esm_class, 0);
  EXPECT_EQ(d.data_coding, 0);
  EXPECT_EQ(d.source_addr, "447700900123");
  EXPECT_EQ(d.source_addr_ton, 1);
  EXPECT_EQ(d.destination_addr, "12345");
  EXPECT_EQ(d.dest_addr_ton, 3);
  EXPECT_EQ(text::DecodeGsm7(d.short_message), "STOP");
  EXPECT_TRUE(smpp::Validate(smpp::MakePdu(d, 1)).ok());
}

TEST(SimMakeMoTest, NonGsmTextIsUcs2) {
  auto pdus = MakeMo({"+447700900123", "12345", "Стоп", ""}, 1);
  ASSERT_TRUE(pdus.ok());
  EXPECT_EQ(pdus->front().data_coding, 0x08);
  EXPECT_EQ(text::DecodeUcs2(pdus->front().short_message), "Стоп");
}

TEST(SimMakeMoTest, LongTextIsConcatenated) {
  const std::string long_text(200, 'a');
  auto pdus = MakeMo({"+447700900123", "12345", long_text, ""}, 77);
  ASSERT_TRUE(pdus.ok());
  ASSERT_EQ(pdus->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const smpp::DeliverSm& d = (*pdus)[i];
    EXPECT_EQ(d.esm_class, 0x40);
    auto split = smpp::SplitUserData(d.esm_class, d.short_message);
    ASSERT_TRUE(split.ok());
    ASSERT_TRUE(split->concatenation.has_value());
    EXPECT_EQ(split->concatenation->reference, 77);
    EXPECT_EQ(split->concatenation->total, 2);
    EXPECT_EQ(split->concatenation->sequence, i + 1);
  }
}

TEST(SimMakeMoTest, RefusesEmptyFields) {
  for (const MoRequest& bad : {MoRequest{"", "1", "x", ""}, MoRequest{"+1", "", "x", ""},
                               MoRequest{"+1", "2", "", ""},
                               MoRequest{"+123456789012345678901", "2", "x", ""}}) {
    auto pdus = MakeMo(bad, 1);
    ASSERT_FALSE(pdus.ok());
    EXPECT_EQ(pdus.error().code, "invalid_field");
  }
}

}  // namespace
}  // namespace deliverer::sim
