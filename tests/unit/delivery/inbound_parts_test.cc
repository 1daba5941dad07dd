// Reassembly of concatenated MOs: parts in any order, duplicates, incomplete sets.
#include "delivery/inbound_parts.h"

#include <gtest/gtest.h>

namespace deliverer::delivery {
namespace {

store::InboundPart Part(int sequence, int total, std::string text, uint32_t reference = 7) {
  return store::InboundPart{{"sim-a", "+447911123456", "60060", reference, total}, sequence,
                            std::move(text), 100 + sequence};
}

TEST(InboundPartsTest, PartOfKeepsTheSetKeyAndTheText) {
  carriers::CarrierInbound in{"+447911123456", "60060", "Hello ", carriers::InboundConcat{513, 3, 2}};
  const store::InboundPart p = PartOf("sim-a", in, 42);
  EXPECT_EQ(p.key, (store::InboundPartsKey{"sim-a", "+447911123456", "60060", 513, 3}));
  EXPECT_EQ(p.sequence, 2);
  EXPECT_EQ(p.text, "Hello ");
  EXPECT_EQ(p.at_ms, 42);
}

TEST(InboundPartsTest, CompleteOnlyWithEverySequence) {
  EXPECT_FALSE(IsComplete({}));
  EXPECT_FALSE(IsComplete({Part(1, 3, "a"), Part(3, 3, "c")}));
  EXPECT_FALSE(IsComplete({Part(1, 3, "a"), Part(1, 3, "a"), Part(3, 3, "c")}))
      << "a duplicate does not stand in for a missing part";
  EXPECT_TRUE(IsComplete({Part(3, 3, "c"), Part(1, 3, "a"), Part(2, 3, "b")}));
}

TEST(InboundPartsTest, ReassemblesInSequenceOrderWhateverTheArrivalOrder) {
  const carriers::CarrierInbound mo = Reassemble({Part(3, 3, "!"), Part(1, 3, "Hello "), Part(2, 3, "world")});
  EXPECT_EQ(mo.text, "Hello world!");
  EXPECT_EQ(mo.from, "+447911123456");
  EXPECT_EQ(mo.to, "60060");
  EXPECT_FALSE(mo.part);
}

TEST(InboundPartsTest, ADuplicateCountsOnce) {
  EXPECT_EQ(Reassemble({Part(1, 2, "ST"), Part(1, 2, "XX"), Part(2, 2, "OP")}).text, "STOP");
}

TEST(InboundPartsTest, AnExpiredSetIsWhatArrived) {
  EXPECT_EQ(Reassemble({Part(3, 4, "c"), Part(1, 4, "a")}).text, "ac");
}

TEST(InboundPartsTest, SixteenBitReferencesAreKeptWhole) {
  carriers::CarrierInbound in{"a", "b", "x", carriers::InboundConcat{0xBEEF, 2, 1}};
  EXPECT_EQ(PartOf("c", in, 0).key.reference, 0xBEEFu);
}

}  // namespace
}  // namespace deliverer::delivery
