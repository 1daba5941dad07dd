// Every data_coding a producer may use (docs/smpp-server.md "Data coding").
#include "smppd/data_coding.h"

#include <gtest/gtest.h>

#include <vector>

namespace deliverer::smppd {
namespace {

std::string Text(uint8_t dc, std::vector<uint8_t> octets) {
  auto text = DecodeText(dc, octets);
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error().detail);
  return text.ok() ? *text : "";
}

std::string Code(uint8_t dc, std::vector<uint8_t> octets) {
  auto text = DecodeText(dc, octets);
  return text.ok() ? "ok" : text.error().code;
}

TEST(DataCoding, DefaultAlphabetIsUnpackedGsm7WithItsEscapes) {
  // "@£$" then ESC e (the euro sign), one septet per octet.
  EXPECT_EQ(Text(0x00, {0x00, 0x01, 0x02, 0x1B, 0x65}), "@£$€");
  EXPECT_EQ(Text(0x00, {'H', 'i'}), "Hi");
  EXPECT_EQ(Code(0x00, {0x80}), "invalid_encoding");
}

TEST(DataCoding, Ia5IsAsciiNotGsm7) {
  EXPECT_EQ(Text(0x01, {'@', 0x24}), "@$") << "0x24 is '$' in ASCII, '¤' in GSM-7";
  EXPECT_EQ(Code(0x01, {0xE9}), "invalid_encoding");
}

TEST(DataCoding, Latin1) { EXPECT_EQ(Text(0x03, {'c', 'a', 'f', 0xE9}), "café"); }

TEST(DataCoding, Ucs2IsUtf16WithSurrogatePairs) {
  EXPECT_EQ(Text(0x08, {0x04, 0x1F, 0x04, 0x40, 0xD8, 0x3D, 0xDE, 0x00}), "Пр😀");
  EXPECT_EQ(Code(0x08, {0x00}), "invalid_encoding") << "odd length";
}

TEST(DataCoding, GeneralGroupsByTheirAlphabet) {
  EXPECT_EQ(Text(0x10, {'A'}), "A");
  EXPECT_EQ(Text(0x18, {0x00, 'A'}), "A");
  EXPECT_EQ(Text(0xF0, {'A'}), "A");
}

TEST(DataCoding, BinaryIsRefusedWithItsOwnCode) {
  EXPECT_EQ(Code(0x02, {0x01}), "binary_data");
  EXPECT_EQ(Code(0x04, {0x01}), "binary_data");
  EXPECT_EQ(Code(0x14, {0x01}), "binary_data");
  EXPECT_EQ(Code(0xF4, {0x01}), "binary_data");
  EXPECT_EQ(Code(0x05, {0x01}), "invalid_encoding") << "JIS is not carried";
}

}  // namespace
}  // namespace deliverer::smppd
