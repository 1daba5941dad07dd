// Repairing text from outside to UTF-8 (common/utf8.h ToValid).
#include <gtest/gtest.h>

#include "common/ids.h"
#include "common/utf8.h"

namespace deliverer {
namespace {

TEST(Utf8ToValidTest, ValidTextIsKeptAsItIs) {
  for (const char* text : {"", "DELIVRD", "Grüße 😀", "\xE2\x82\xAC"}) EXPECT_EQ(utf8::ToValid(text), text);
}

TEST(Utf8ToValidTest, EveryByteThatStartsNoValidSequenceBecomesAReplacementCharacter) {
  EXPECT_EQ(utf8::ToValid("a\xFF" "b"), "a\uFFFD" "b");
  EXPECT_EQ(utf8::ToValid("\xC3"), "\uFFFD") << "a sequence cut short";
  EXPECT_EQ(utf8::ToValid("\xC0\xAF"), "\uFFFD\uFFFD") << "an overlong form";
  EXPECT_EQ(utf8::ToValid("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD") << "a surrogate";
  EXPECT_EQ(utf8::ToValid("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD") << "above U+10FFFF";
}

TEST(Utf8ToValidTest, TheCutComesFirstAndASplitSequenceIsReplaced) {
  EXPECT_EQ(utf8::ToValid("abcdef", 3), "abc");
  EXPECT_EQ(utf8::ToValid("ab\xC3\xA9", 3), "ab\uFFFD");
}

// A producer's upper-case message_id was answered 202, then not found by its owner.
TEST(CanonicalMessageIdTest, LettersAreLowerCasedAndNothingElseChanges) {
  EXPECT_EQ(CanonicalMessageId("0193A4C2-7D2E-7CC1-9C4E-2F1A3B4C5D6E"), "0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e");
  EXPECT_EQ(CanonicalMessageId("already-lower-\xC3\x89"), "already-lower-\xC3\x89");
}

}  // namespace
}  // namespace deliverer
