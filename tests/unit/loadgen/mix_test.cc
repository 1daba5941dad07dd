#include "loadgen/mix.h"

#include <gtest/gtest.h>

#include <array>

namespace deliverer::loadgen {
namespace {

TEST(MixTest, ParsesTheDefaultMix) {
  auto mix = ParseMix("gsm7:70,ucs2:10,multipart:20");
  ASSERT_TRUE(mix.ok()) << mix.error().detail;
  EXPECT_EQ(mix->weights, (std::array<uint32_t, kKindCount>{70, 10, 20}));
  EXPECT_EQ(MixToString(*mix), "gsm7:70,ucs2:10,multipart:20");
}

TEST(MixTest, OmittedKindsWeighNothingAndOrderIsFree) {
  auto mix = ParseMix("multipart:1,gsm7:3");
  ASSERT_TRUE(mix.ok());
  EXPECT_EQ(mix->weights, (std::array<uint32_t, kKindCount>{3, 0, 1}));
  EXPECT_EQ(MixToString(*mix), "gsm7:3,multipart:1");
}

TEST(MixTest, RejectsMalformedMixes) {
  for (const char* bad :
       {"", "gsm7", "gsm7:", "gsm7:x", "gsm7:-1", "gsm7:1.5", "sms:10", "gsm7:1,gsm7:2",
        "gsm7:0,ucs2:0", "gsm7:10,", ",gsm7:10", "gsm7:10001", "GSM7:10", "gsm7 :10"}) {
    auto mix = ParseMix(bad);
    EXPECT_FALSE(mix.ok()) << "'" << bad << "' was accepted";
    if (!mix.ok()) {
      EXPECT_EQ(mix.error().code, "invalid_value");
      EXPECT_EQ(mix.error().field, "mix");
    }
  }
}

TEST(MixCycleTest, HoldsEachKindAsOftenAsItsReducedWeight) {
  MixCycle cycle(Mix{{70, 10, 20}});
  ASSERT_EQ(cycle.length(), 10U);  // 7 + 1 + 2 after dividing by 10
  std::array<int, kKindCount> seen{};
  for (uint64_t i = 0; i < cycle.length(); ++i) ++seen[static_cast<size_t>(cycle.At(i))];
  EXPECT_EQ(seen, (std::array<int, kKindCount>{7, 1, 2}));
}

TEST(MixCycleTest, InterleavesKindsInsteadOfRunningThem) {
  MixCycle cycle(Mix{{1, 1, 0}});
  for (uint64_t i = 0; i + 1 < 20; ++i) EXPECT_NE(cycle.At(i), cycle.At(i + 1)) << i;
  MixCycle skewed(Mix{{70, 10, 20}});
  int longest = 0, run = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    run = skewed.At(i) == MessageKind::kGsm7 ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LE(longest, 3);  // 7 GSM-7 among 10, never all in a row
}

TEST(MixCycleTest, RepeatsWithItsLength) {
  MixCycle cycle(Mix{{3, 2, 0}});
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(cycle.At(i), cycle.At(i + 5 * 1000));
}

TEST(MixCycleTest, SingleKind) {
  MixCycle cycle(Mix{{0, 0, 5}});
  EXPECT_EQ(cycle.length(), 1U);
  EXPECT_EQ(cycle.At(12345), MessageKind::kMultipart);
}

}  // namespace
}  // namespace deliverer::loadgen
