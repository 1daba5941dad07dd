// Smart encoding (docs/api.md "Smart encoding"): the replacement table, when it applies,
// and the segments of what is sent.
#include "text/smart_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

// A namespace of its own: the test sources are compiled as one unit, beside text_test.cc's.
namespace deliverer::text::smart_encoding_test {
namespace {

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

SegmentCount Count(std::string_view body) {
  Result<SegmentCount> r = CountSegments(body);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : SegmentCount{};
}

SegmentCount SmartCount(std::string_view body, ConcatReference ref = ConcatReference::k8Bit) {
  Result<SegmentCount> r = CountSegmentsSmart(body, ref);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : SegmentCount{};
}

// The table of docs/api.md, written out independently of the implementation's.
struct Row {
  const char* character;  // UTF-8
  const char* stand_in;
};
const std::vector<Row> kDocumentedTable = {
    {"\u2018", "'"},  {"\u2019", "'"},   {"\u201A", "'"},  {"\u201B", "'"},  {"\u2032", "'"},
    {"\u2039", "'"},  {"\u203A", "'"},   {"\u201C", "\""}, {"\u201D", "\""}, {"\u201E", "\""},
    {"\u201F", "\""}, {"\u2033", "\""},  {"\u00AB", "\""}, {"\u00BB", "\""}, {"\u2010", "-"},
    {"\u2011", "-"},  {"\u2012", "-"},   {"\u2013", "-"},  {"\u2014", "-"},  {"\u2015", "-"},
    {"\u2212", "-"},  {"\u2026", "..."}, {"\u00A0", " "},  {"\u202F", " "},  {"\u2000", " "},
    {"\u2001", " "},  {"\u2002", " "},   {"\u2003", " "},  {"\u2004", " "},  {"\u2005", " "},
    {"\u2006", " "},  {"\u2007", " "},   {"\u2008", " "},  {"\u2009", " "},  {"\u200A", " "},
    {"\u200B", ""},   {"\u200C", ""},    {"\u200D", ""},   {"\u2060", ""},   {"\uFEFF", ""},
    {"\u00AD", ""},
};

// --- The table ---------------------------------------------------------------------------

TEST(SmartEncodingTest, EachTypographicCharacterHasItsDocumentedStandIn) {
  for (const Row& row : kDocumentedTable) {
    SCOPED_TRACE(row.character);
    EXPECT_EQ(SmartGsm7Text(std::string("a") + row.character + "b"),
              std::string("a") + row.stand_in + "b");
  }
}

TEST(SmartEncodingTest, EveryStandInIsInGsm7sBaseTable) {
  for (const Row& row : kDocumentedTable) {
    SCOPED_TRACE(row.character);
    const SegmentCount count = Count(std::string("x") + row.stand_in);
    EXPECT_EQ(count.encoding, Encoding::kGsm7);
    EXPECT_EQ(count.units, 1 + std::string_view(row.stand_in).size()) << "one septet each";
  }
}

TEST(SmartEncodingTest, TheTableHoldsNothingElse) {
  size_t in_table = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (TypographicReplacement(cp)) ++in_table;
  }
  EXPECT_EQ(in_table, kDocumentedTable.size());
}

TEST(SmartEncodingTest, SymbolsWithoutALookAlikeAreNotInTheTable) {
  // Bullet, arrow, trademark, copyright, ideographic space, line separator, an emoji.
  for (const char32_t cp : {0x2022u, 0x2192u, 0x2122u, 0x00A9u, 0x3000u, 0x2028u, 0x1F600u}) {
    EXPECT_FALSE(TypographicReplacement(cp)) << std::hex << static_cast<uint32_t>(cp);
  }
}

// --- Only when typography alone keeps the body in UCS-2 -----------------------------------

TEST(SmartEncodingTest, CurlyQuotesTurnTwoUcs2SegmentsIntoOneGsm7Segment) {
  const std::string body = "\u201CHello\u201D, it\u2019s your code: " + Repeat("1234567890", 7);
  ASSERT_EQ(Count(body).encoding, Encoding::kUcs2);
  ASSERT_EQ(Count(body).segments, 2) << "95 units";
  const SegmentCount smart = SmartCount(body);
  EXPECT_EQ(smart.encoding, Encoding::kGsm7);
  EXPECT_EQ(smart.segments, 1);
  EXPECT_EQ(smart.units, 95u);
  EXPECT_EQ(SmartGsm7Text(body), "\"Hello\", it's your code: " + Repeat("1234567890", 7));
}

TEST(SmartEncodingTest, AnotherCharacterGsm7LacksKeepsTheWholeBodyInUcs2) {
  for (const std::string body : {"\u201CHi\u201D \U0001F600", "\u201C\u041F\u0440\u0438\u201D",
                                 "\u2018a\u2019 \u2022 b", "\u201Cfa\u00E7ade\u201D"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(SmartGsm7Text(body), std::nullopt) << "no partial replacement";
    const SegmentCount original = Count(body), smart = SmartCount(body);
    EXPECT_EQ(smart.encoding, Encoding::kUcs2);
    EXPECT_EQ(smart.units, original.units);
    EXPECT_EQ(smart.segments, original.segments);
    EXPECT_EQ(OutgoingText(body, Encoding::kUcs2), body);
  }
}

TEST(SmartEncodingTest, ABodyGsm7AlreadyCarriesIsNeverTouched) {
  for (const std::string body : {"Plain text", "It's \"quoted\" - ok...", "10\u20AC [x] {y}", ""}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(SmartGsm7Text(body), std::nullopt);
    EXPECT_EQ(OutgoingText(body, Encoding::kGsm7), body);
    const SegmentCount original = Count(body), smart = SmartCount(body);
    EXPECT_EQ(smart.encoding, original.encoding);
    EXPECT_EQ(smart.units, original.units);
  }
}

TEST(SmartEncodingTest, InvisibleCharactersAreDropped) {
  EXPECT_EQ(SmartGsm7Text("a\u200Bb\u00ADc\uFEFFd\u2060e\u200C\u200Df"), "abcdef");
}

TEST(SmartEncodingTest, ABodyThatWouldBeLeftEmptyIsSentAsItIs) {
  EXPECT_EQ(SmartGsm7Text("\u00AD"), std::nullopt);
  EXPECT_EQ(SmartCount("\u00AD").encoding, Encoding::kUcs2);
  EXPECT_EQ(OutgoingText("\u00AD", Encoding::kUcs2), "\u00AD");
}

TEST(SmartEncodingTest, InvalidUtf8IsRefusedAsByCountSegments) {
  EXPECT_EQ(SmartGsm7Text("\u201C\xC0\xAF\u201D"), std::nullopt);
  Result<SegmentCount> r = CountSegmentsSmart("\u201C\xC0\xAF\u201D");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_field");
  EXPECT_EQ(r.error().field, "body");
}

// --- Segments of what is sent ------------------------------------------------------------

TEST(SmartEncodingTest, ExtensionCharactersCostTwoSeptetsAfterReplacement) {
  // “€” becomes "€": 1 + 2 + 1 septets.
  const std::string fits = Repeat("a", 156) + "\u201C\u20AC\u201D";
  EXPECT_EQ(SmartGsm7Text(fits), Repeat("a", 156) + "\"\u20AC\"");
  EXPECT_EQ(SmartCount(fits).units, 160u);
  EXPECT_EQ(SmartCount(fits).segments, 1);
  const std::string over = Repeat("a", 157) + "\u201C\u20AC\u201D";
  EXPECT_EQ(SmartCount(over).encoding, Encoding::kGsm7);
  EXPECT_EQ(SmartCount(over).units, 161u);
  EXPECT_EQ(SmartCount(over).segments, 2);
}

TEST(SmartEncodingTest, EllipsisExpansionCanCrossASegmentBoundary) {
  // One UCS-2 unit becomes three septets.
  const std::string fits = Repeat("a", 157) + "\u2026";
  EXPECT_EQ(Count(fits).segments, 3) << "158 UCS-2 units";
  EXPECT_EQ(SmartCount(fits).units, 160u);
  EXPECT_EQ(SmartCount(fits).segments, 1);
  const std::string over = Repeat("a", 158) + "\u2026";
  EXPECT_EQ(SmartCount(over).encoding, Encoding::kGsm7);
  EXPECT_EQ(SmartCount(over).units, 161u);
  EXPECT_EQ(SmartCount(over).segments, 2);
  // In a concatenated message the cut is at 153 septets.
  const std::string two = Repeat("a", 304) + "\u2026";
  EXPECT_EQ(SmartCount(two).units, 307u);
  EXPECT_EQ(SmartCount(two).segments, 3);
}

TEST(SmartEncodingTest, AReplacementThatNeedsMoreSegmentsIsNotMade) {
  // 70 ellipses: one UCS-2 segment as written, 210 septets (two segments) replaced.
  const std::string costlier = Repeat("\u2026", 70);
  EXPECT_EQ(SmartGsm7Text(costlier), Repeat(".", 210)) << "the text alone would be replaced";
  EXPECT_EQ(SmartCount(costlier).encoding, Encoding::kUcs2);
  EXPECT_EQ(SmartCount(costlier).segments, 1);
  // 71 need two segments either way: then the replacement is made.
  const std::string even = Repeat("\u2026", 71);
  EXPECT_EQ(Count(even).segments, 2);
  EXPECT_EQ(SmartCount(even).encoding, Encoding::kGsm7);
  EXPECT_EQ(SmartCount(even).segments, 2);
}

TEST(SmartEncodingTest, TheConcatenationReferenceSizeIsHonoured) {
  // 305 septets: 2 × 153 with 8-bit references, 3 segments with 16-bit ones (152 each).
  const std::string body = Repeat("a", 303) + "\u201D\u201D";
  EXPECT_EQ(SmartCount(body, ConcatReference::k8Bit).segments, 2);
  EXPECT_EQ(SmartCount(body, ConcatReference::k16Bit).segments, 3);
}

TEST(SmartEncodingTest, ALongBodySendsFarFewerSegments) {
  const std::string body =
      Repeat("It\u2019s \u201Cfine\u201D \u2013 ok\u2026 ", 25);  // 18 characters each
  EXPECT_EQ(Count(body).encoding, Encoding::kUcs2);
  EXPECT_EQ(Count(body).segments, 7) << "450 units";
  EXPECT_EQ(SmartCount(body).encoding, Encoding::kGsm7);
  EXPECT_EQ(SmartCount(body).units, 500u);
  EXPECT_EQ(SmartCount(body).segments, 4);
}

// --- The delivery side -------------------------------------------------------------------

TEST(SmartEncodingTest, OutgoingTextFollowsTheStoredEncoding) {
  const std::string body = "\u201CHello\u201D";
  EXPECT_EQ(OutgoingText(body, Encoding::kGsm7), "\"Hello\"")
      << "stored GSM-7: smart encoding applied";
  EXPECT_EQ(OutgoingText(body, Encoding::kUcs2), body) << "stored UCS-2: sent as written";
}

TEST(SmartEncodingTest, EncodingTheOutgoingTextGivesTheSegmentsCountedAtIngest) {
  for (const std::string& body : {std::string("\u201CHi\u201D"), Repeat("a", 158) + "\u2026",
                                  Repeat("x\u2019", 200), Repeat("\u2014\u20AC", 90),
                                  Repeat("\u2026", 70), std::string("\u201CHi\u201D \U0001F600")}) {
    SCOPED_TRACE(body.substr(0, 20));
    const SegmentCount counted = SmartCount(body);
    Result<EncodedBody> encoded = Encode(OutgoingText(body, counted.encoding), 0x2A);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(encoded->encoding, counted.encoding);
    EXPECT_EQ(static_cast<int>(encoded->segments.size()), counted.segments);
  }
}

}  // namespace
}  // namespace deliverer::text::smart_encoding_test
