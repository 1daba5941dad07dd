// Parts of long messages as the store keeps them, and their reassembly.
#include "smppd/parts.h"

#include <gtest/gtest.h>

namespace deliverer::smppd {
namespace {

store::InboundPart Part(int seq, int total, PartEnvelope envelope) {
  return store::InboundPart{PartsKey("esme1", "+447700900123", "+447911123456", 300, total), seq, PackPart(envelope), 0};
}

PartEnvelope Envelope(uint8_t dc, std::vector<uint8_t> data) {
  return PartEnvelope{"0190a3b4-0000-7000-8000-000000000001", "acme", "dlv_x", dc, 1, false, std::move(data)};
}

TEST(Parts, AnEnvelopeRoundTripsItsOctets) {
  const PartEnvelope e = Envelope(0x08, {0x00, '\n', 0xFF, 0x00});
  EXPECT_EQ(UnpackPart(PackPart(e)), e);
  EXPECT_FALSE(UnpackPart("garbage").has_value());
  EXPECT_FALSE(UnpackPart("").has_value());
}

TEST(Parts, TheKeyNamesTheProducer) {
  const store::InboundPartsKey key = PartsKey("esme1", "a", "b", 300, 3);
  EXPECT_TRUE(store::IsProducerParts(key));
  EXPECT_EQ(SystemIdOf(key), "esme1");
  EXPECT_EQ(key.reference, 300u) << "16-bit references are kept whole";
}

TEST(Parts, CompleteOnlyWithEverySequence) {
  EXPECT_FALSE(IsComplete({}));
  EXPECT_FALSE(IsComplete({Part(1, 2, Envelope(0, {'a'}))}));
  EXPECT_FALSE(IsComplete({Part(1, 3, Envelope(0, {'a'})), Part(3, 3, Envelope(0, {'c'}))}));
  EXPECT_TRUE(IsComplete({Part(1, 2, Envelope(0, {'a'})), Part(2, 2, Envelope(0, {'b'}))}));
}

TEST(Parts, ACharacterSplitBetweenPartsSurvives) {
  // U+1F600 as a UTF-16 surrogate pair, its halves in two parts.
  auto text = JoinedText({Part(1, 2, Envelope(0x08, {0x00, 'A', 0xD8, 0x3D})), Part(2, 2, Envelope(0x08, {0xDE, 0x00}))});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "A😀");
}

TEST(Parts, PartsInDifferentCodingsAreDecodedEachOnItsOwn) {
  auto text = JoinedText({Part(1, 2, Envelope(0x00, {'H', 'i', ' '})), Part(2, 2, Envelope(0x08, {0x04, 0x1F}))});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "Hi П");
}

}  // namespace
}  // namespace deliverer::smppd
