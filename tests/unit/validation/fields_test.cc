// The small lexical helpers behind the field rules.
#include <gtest/gtest.h>

#include "validation/rules.h"

namespace deliverer::validation::rules {
namespace {

TEST(UuidTest, AcceptsEveryVersionInEitherCase) {
  EXPECT_TRUE(IsUuid("0193a4c2-7b1e-7c3d-8e4f-0123456789ab"));  // v7
  EXPECT_TRUE(IsUuid("550E8400-E29B-41D4-A716-446655440000"));  // v4, upper case
  EXPECT_TRUE(IsUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));  // v1
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));  // nil
}

TEST(UuidTest, RejectsOtherShapes) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("0193a4c27b1e7c3d8e4f0123456789ab"));
  EXPECT_FALSE(IsUuid("0193a4c2-7b1e-7c3d-8e4f-0123456789a-"));
  EXPECT_FALSE(IsUuid("0193a4c2-7b1e-7c3d-8e4f0-123456789ab"));
  EXPECT_FALSE(IsUuid("0193a4c2-7b1e-7c3d-8e4f-0123456789aZ"));
  EXPECT_FALSE(IsUuid("urn:uuid:0193a4c2-7b1e-7c3d-8e4f-012345"));
}

TEST(CountCodePointsTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("é€😀"), 3u);
}

TEST(QuoteTest, QuotesShortValuesWhole) { EXPECT_EQ(Quote("+1555"), "'+1555'"); }

TEST(QuoteTest, CutsLongValuesAtACharacterBoundary) {
  EXPECT_EQ(Quote(std::string(40, 'x')), "'" + std::string(32, 'x') + "…'");
  // 31 ASCII bytes then a 3-byte character straddling byte 32: the character is dropped.
  EXPECT_EQ(Quote(std::string(31, 'x') + "€€"), "'" + std::string(31, 'x') + "…'");
}

}  // namespace
}  // namespace deliverer::validation::rules
