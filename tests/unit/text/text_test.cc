#include "text/text.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

// Counts heap allocations so that a test can hold CountSegments to its no-allocation
// contract (it runs on the ingest hot path).
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace deliverer::text {
namespace {

using Bytes = std::vector<uint8_t>;

// 23.038 §6.2.1 written out independently of the implementation's table, by septet.
// Septet 0x1B (the escape) is left empty.
const std::array<const char*, 128> kStandardAlphabet = {
    "@", "£", "$",  "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
    "Δ", "_", "Φ",  "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ",  "",  "Æ", "æ",  "ß", "É",
    " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*",  "+", ",", "-",  ".", "/",
    "0", "1", "2",  "3", "4", "5", "6", "7", "8", "9", ":",  ";", "<", "=",  ">", "?",
    "¡", "A", "B",  "C", "D", "E", "F", "G", "H", "I", "J",  "K", "L", "M",  "N", "O",
    "P", "Q", "R",  "S", "T", "U", "V", "W", "X", "Y", "Z",  "Ä", "Ö", "Ñ",  "Ü", "§",
    "¿", "a", "b",  "c", "d", "e", "f", "g", "h", "i", "j",  "k", "l", "m",  "n", "o",
    "p", "q", "r",  "s", "t", "u", "v", "w", "x", "y", "z",  "ä", "ö", "ñ",  "ü", "à",
};

struct Extension {
  const char* utf8;
  uint8_t septet;
};
const std::array<Extension, 10> kStandardExtension = {{
    {"\f", 0x0A},
    {"^", 0x14},
    {"{", 0x28},
    {"}", 0x29},
    {"\\", 0x2F},
    {"[", 0x3C},
    {"~", 0x3D},
    {"]", 0x3E},
    {"|", 0x40},
    {"€", 0x65},
}};

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

SegmentCount Count(std::string_view body, ConcatReference ref = ConcatReference::k8Bit) {
  Result<SegmentCount> r = CountSegments(body, ref);
  EXPECT_TRUE(r.ok()) << r.error().detail;
  return r.ok() ? *r : SegmentCount{};
}

EncodedBody Enc(std::string_view body, ConcatReference ref = ConcatReference::k8Bit,
                uint16_t reference = 0x2A) {
  Result<EncodedBody> r = Encode(body, reference, ref);
  EXPECT_TRUE(r.ok()) << r.error().detail;
  return r.ok() ? *r : EncodedBody{};
}

// Asserts the body needs `segments` and that Encode agrees with CountSegments.
void ExpectSegments(std::string_view body, Encoding encoding, int segments,
                    ConcatReference ref = ConcatReference::k8Bit) {
  const SegmentCount count = Count(body, ref);
  EXPECT_EQ(count.encoding, encoding);
  EXPECT_EQ(count.segments, segments);
  const EncodedBody encoded = Enc(body, ref);
  EXPECT_EQ(encoded.encoding, encoding);
  EXPECT_EQ(static_cast<int>(encoded.segments.size()), segments);
}

std::string Concatenated(const EncodedBody& body) {
  Bytes all;
  for (const Segment& s : body.segments) all.insert(all.end(), s.payload.begin(), s.payload.end());
  return body.encoding == Encoding::kGsm7 ? DecodeGsm7(all) : DecodeUcs2(all);
}

// --- The alphabet ---------------------------------------------------------------------

TEST(Gsm7AlphabetTest, EveryBaseCharacterEncodesToItsSeptetAndDecodesBack) {
  for (size_t septet = 0; septet < 128; ++septet) {
    const std::string ch = kStandardAlphabet[septet];
    if (ch.empty()) continue;
    SCOPED_TRACE(septet);
    const SegmentCount count = Count(ch);
    EXPECT_EQ(count.encoding, Encoding::kGsm7);
    EXPECT_EQ(count.units, 1u);
    const EncodedBody body = Enc(ch);
    ASSERT_EQ(body.segments.size(), 1u);
    EXPECT_EQ(body.segments[0].payload, Bytes{static_cast<uint8_t>(septet)});
    EXPECT_EQ(DecodeGsm7(body.segments[0].payload), ch);
  }
}

TEST(Gsm7AlphabetTest, WholeAlphabetRoundTripsInOneBody) {
  std::string all;
  for (const char* ch : kStandardAlphabet) all += ch;
  for (const Extension& e : kStandardExtension) all += e.utf8;
  const EncodedBody body = Enc(all);
  EXPECT_EQ(body.encoding, Encoding::kGsm7);
  EXPECT_EQ(Concatenated(body), all);
}

TEST(Gsm7AlphabetTest, EveryExtensionCharacterCostsTwoSeptets) {
  for (const Extension& e : kStandardExtension) {
    SCOPED_TRACE(e.utf8);
    const SegmentCount count = Count(e.utf8);
    EXPECT_EQ(count.encoding, Encoding::kGsm7);
    EXPECT_EQ(count.units, 2u);
    const EncodedBody body = Enc(e.utf8);
    ASSERT_EQ(body.segments.size(), 1u);
    EXPECT_EQ(body.segments[0].payload, (Bytes{0x1B, e.septet}));
    EXPECT_EQ(DecodeGsm7(body.segments[0].payload), e.utf8);
  }
}

TEST(Gsm7AlphabetTest, KnownCodes) {
  EXPECT_EQ(Enc("@£$¥èÄà\n\r").segments[0].payload,
            (Bytes{0x00, 0x01, 0x02, 0x03, 0x04, 0x5B, 0x7F, 0x0A, 0x0D}));
  EXPECT_EQ(Enc("a€b").segments[0].payload, (Bytes{0x61, 0x1B, 0x65, 0x62}));
}

TEST(Gsm7AlphabetTest, CharactersOutsideTheAlphabetNeedUcs2) {
  for (const char* s : {"`", "ç", "á", "\t", "Ж", "😀", "\x01", "ñé`"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(Count(s).encoding, Encoding::kUcs2);
  }
}

TEST(Gsm7AlphabetTest, OneForeignCharacterSwitchesTheWholeBody) {
  const SegmentCount count = Count("Hello {world} ç");
  EXPECT_EQ(count.encoding, Encoding::kUcs2);
  EXPECT_EQ(count.units, 15u);  // braces cost one unit each in UCS-2
}

// --- Single and concatenated boundaries ----------------------------------------------------

TEST(SegmentBoundaryTest, Gsm7SingleSegmentHolds160Septets) {
  ExpectSegments(Repeat("a", 160), Encoding::kGsm7, 1);
  ExpectSegments(Repeat("a", 161), Encoding::kGsm7, 2);
  ExpectSegments(Repeat("€", 80), Encoding::kGsm7, 1);
  ExpectSegments(Repeat("€", 80) + "a", Encoding::kGsm7, 2);
}

TEST(SegmentBoundaryTest, Gsm7ConcatenatedSegmentsHold153Septets) {
  for (size_t k = 2; k <= 10; ++k) {
    SCOPED_TRACE(k);
    ExpectSegments(Repeat("a", 153 * k), Encoding::kGsm7, static_cast<int>(k));
    ExpectSegments(Repeat("a", 153 * k + 1), Encoding::kGsm7, static_cast<int>(k + 1));
  }
}

TEST(SegmentBoundaryTest, Ucs2SingleSegmentHolds70Units) {
  ExpectSegments(Repeat("Ж", 70), Encoding::kUcs2, 1);
  ExpectSegments(Repeat("Ж", 71), Encoding::kUcs2, 2);
  ExpectSegments(Repeat("😀", 35), Encoding::kUcs2, 1);
  ExpectSegments(Repeat("😀", 35) + "a", Encoding::kUcs2, 2);
}

TEST(SegmentBoundaryTest, Ucs2ConcatenatedSegmentsHold67Units) {
  for (size_t k = 2; k <= 10; ++k) {
    SCOPED_TRACE(k);
    ExpectSegments(Repeat("Ж", 67 * k), Encoding::kUcs2, static_cast<int>(k));
    ExpectSegments(Repeat("Ж", 67 * k + 1), Encoding::kUcs2, static_cast<int>(k + 1));
  }
}

TEST(SegmentBoundaryTest, SixteenBitReferenceHolds152SeptetsAnd66Units) {
  const auto k16 = ConcatReference::k16Bit;
  ExpectSegments(Repeat("a", 160), Encoding::kGsm7, 1, k16);
  ExpectSegments(Repeat("Ж", 70), Encoding::kUcs2, 1, k16);
  for (size_t k = 2; k <= 10; ++k) {
    SCOPED_TRACE(k);
    const int ki = static_cast<int>(k);
    ExpectSegments(Repeat("a", 152 * k), Encoding::kGsm7, ki, k16);
    ExpectSegments(Repeat("a", 152 * k + 1), Encoding::kGsm7, ki + 1, k16);
    ExpectSegments(Repeat("Ж", 66 * k), Encoding::kUcs2, ki, k16);
    ExpectSegments(Repeat("Ж", 66 * k + 1), Encoding::kUcs2, ki + 1, k16);
  }
  // 306 septets: two segments with an 8-bit reference, three with a 16-bit one.
  EXPECT_EQ(Count(Repeat("a", 306)).segments, 2);
  EXPECT_EQ(Count(Repeat("a", 306), k16).segments, 3);
}

TEST(SegmentBoundaryTest, TenSegmentsIsTheApiMaximum) {
  EXPECT_EQ(Count(Repeat("a", 1530)).segments, 10);
  EXPECT_EQ(Count(Repeat("a", 1531)).segments, 11);
  EXPECT_EQ(Count(Repeat("Ж", 670)).segments, 10);
  EXPECT_EQ(Count(Repeat("Ж", 671)).segments, 11);
  EXPECT_EQ(Count(Repeat("a", 1530)).units, 1530u);
}

TEST(SegmentBoundaryTest, EmptyBodyHasNoSegments) {
  const SegmentCount count = Count("");
  EXPECT_EQ(count.encoding, Encoding::kGsm7);
  EXPECT_EQ(count.segments, 0);
  EXPECT_EQ(count.units, 0u);
  EXPECT_TRUE(Enc("").segments.empty());
}

TEST(SegmentBoundaryTest, WhitespaceOnlyBodyIsOneGsm7Segment) {
  ExpectSegments("   \n ", Encoding::kGsm7, 1);
  EXPECT_EQ(Count(" \t ").encoding, Encoding::kUcs2);  // TAB is not in GSM-7
}

// --- Never split a character ---------------------------------------------------------------

TEST(SplitTest, EscapeStraddlingABoundaryMovesToTheNextSegment) {
  const std::string body = Repeat("a", 152) + "€" + Repeat("b", 10);  // 164 septets
  const EncodedBody encoded = Enc(body);
  ASSERT_EQ(encoded.segments.size(), 2u);
  EXPECT_EQ(encoded.segments[0].payload, Bytes(152, 0x61));
  const Bytes& second = encoded.segments[1].payload;
  ASSERT_EQ(second.size(), 12u);
  EXPECT_EQ(second[0], 0x1B);
  EXPECT_EQ(second[1], 0x65);
  EXPECT_EQ(Concatenated(encoded), body);
}

TEST(SplitTest, EscapeStraddlingCanCostASegment) {
  // 306 septets would fill two segments exactly, but the escape cannot be split.
  const std::string body = Repeat("a", 152) + "€" + Repeat("b", 152);
  EXPECT_EQ(Count(body).units, 306u);
  ExpectSegments(body, Encoding::kGsm7, 3);
  ExpectSegments(Repeat("a", 153) + "€" + Repeat("b", 151), Encoding::kGsm7, 2);
}

TEST(SplitTest, SurrogatePairStraddlingABoundaryMovesToTheNextSegment) {
  const std::string body = Repeat("Ж", 66) + "😀" + Repeat("Ж", 10);  // 78 units
  const EncodedBody encoded = Enc(body);
  ASSERT_EQ(encoded.segments.size(), 2u);
  EXPECT_EQ(encoded.segments[0].payload.size(), 66u * 2);
  const Bytes& second = encoded.segments[1].payload;
  ASSERT_GE(second.size(), 4u);
  EXPECT_EQ(Bytes(second.begin(), second.begin() + 4), (Bytes{0xD8, 0x3D, 0xDE, 0x00}));
  EXPECT_EQ(Concatenated(encoded), body);
}

TEST(SplitTest, SurrogatePairStraddlingCanCostASegment) {
  const std::string body = Repeat("Ж", 66) + "😀" + Repeat("Ж", 66);  // 134 units
  EXPECT_EQ(Count(body).units, 134u);
  ExpectSegments(body, Encoding::kUcs2, 3);
  ExpectSegments(Repeat("Ж", 67) + "😀" + Repeat("Ж", 65), Encoding::kUcs2, 2);
}

TEST(SplitTest, SixteenBitReferenceAlsoKeepsEscapesWhole) {
  const std::string body = Repeat("a", 151) + "€" + Repeat("b", 10);
  const EncodedBody encoded = Enc(body, ConcatReference::k16Bit);
  ASSERT_EQ(encoded.segments.size(), 2u);
  EXPECT_EQ(encoded.segments[0].payload.size(), 151u);
  EXPECT_EQ(Concatenated(encoded), body);
}

// Random bodies drawn from characters of every cost: CountSegments must agree with Encode,
// no segment may overflow, and the payloads must decode back to the body.
TEST(SplitTest, CountAgreesWithEncodeOnRandomBodies) {
  const std::vector<std::string> pool = {"a", "Z", " ", "€", "[", "é", "Ж", "😀", "`"};
  std::mt19937 rng(20240601);
  for (int round = 0; round < 3000; ++round) {
    std::string body;
    const size_t length = rng() % 420;
    const size_t variety = 1 + rng() % pool.size();
    for (size_t i = 0; i < length; ++i) body += pool[rng() % variety];
    for (const auto ref : {ConcatReference::k8Bit, ConcatReference::k16Bit}) {
      const SegmentCount count = Count(body, ref);
      const EncodedBody encoded = Enc(body, ref);
      ASSERT_EQ(static_cast<int>(encoded.segments.size()), count.segments) << body;
      const bool gsm = count.encoding == Encoding::kGsm7;
      size_t units = 0;
      for (const Segment& s : encoded.segments) {
        const size_t n = gsm ? s.payload.size() : s.payload.size() / 2;
        const size_t cap = encoded.segments.size() == 1 ? (gsm ? 160 : 70)
                           : gsm                        ? Gsm7SegmentSeptets(ref)
                                                        : Ucs2SegmentUnits(ref);
        ASSERT_LE(n, cap);
        units += n;
      }
      ASSERT_EQ(units, count.units);
      ASSERT_EQ(Concatenated(encoded), body);
    }
  }
}

TEST(SegmentCountTest, CountingAllocatesNothing) {
  const std::string gsm = Repeat("a€", 500);
  const std::string ucs = Repeat("Ж😀", 300);
  const long before = g_allocations.load();
  int total = 0;
  for (int i = 0; i < 10; ++i) {
    total += CountSegments(gsm)->segments + CountSegments(ucs)->segments;
  }
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(total, 10 * (10 + 14));
}

// --- UDH -----------------------------------------------------------------------------------

TEST(UdhTest, SingleSegmentHasNoUdh) { EXPECT_TRUE(Enc(Repeat("a", 160)).segments[0].udh.empty()); }

TEST(UdhTest, EightBitReferenceBytesAreExact) {
  const EncodedBody body = Enc(Repeat("a", 307), ConcatReference::k8Bit, 0x1234);
  ASSERT_EQ(body.segments.size(), 3u);
  EXPECT_EQ(body.segments[0].udh, (Bytes{0x05, 0x00, 0x03, 0x34, 0x03, 0x01}));
  EXPECT_EQ(body.segments[1].udh, (Bytes{0x05, 0x00, 0x03, 0x34, 0x03, 0x02}));
  EXPECT_EQ(body.segments[2].udh, (Bytes{0x05, 0x00, 0x03, 0x34, 0x03, 0x03}));
  EXPECT_EQ(body.segments[2].payload, Bytes{0x61});
}

TEST(UdhTest, SixteenBitReferenceBytesAreExact) {
  const EncodedBody body = Enc(Repeat("Ж", 67) + "aaaa", ConcatReference::k16Bit, 0xABCD);
  ASSERT_EQ(body.segments.size(), 2u);
  EXPECT_EQ(body.segments[0].udh, (Bytes{0x06, 0x08, 0x04, 0xAB, 0xCD, 0x02, 0x01}));
  EXPECT_EQ(body.segments[1].udh, (Bytes{0x06, 0x08, 0x04, 0xAB, 0xCD, 0x02, 0x02}));
  // 71 units: 66 in the first segment, then "Жaaaa" in UTF-16BE.
  EXPECT_EQ(body.segments[1].payload,
            (Bytes{0x04, 0x16, 0x00, 0x61, 0x00, 0x61, 0x00, 0x61, 0x00, 0x61}));
}

TEST(UdhTest, MoreThan255SegmentsCannotBeNumbered) {
  EXPECT_EQ(Enc(Repeat("a", 153 * 255)).segments.size(), 255u);
  Result<EncodedBody> r = Encode(Repeat("a", 153 * 255 + 1), 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "body_too_long");
  EXPECT_EQ(Count(Repeat("a", 153 * 255 + 1)).segments, 256);
}

// --- Invalid input -------------------------------------------------------------------------

TEST(Utf8Test, InvalidUtf8IsAnInvalidBodyField) {
  for (const char* s :
       {"\x80", "a\xC0\x80", "\xC1\xBF", "\xE2\x82", "\xED\xA0\x80", "\xF4\x90\x80\x80",
        "\xF5\x80\x80\x80", "\xE0\x80\xAF", "\xFF", "ok\xF0\x9F\x98"}) {
    SCOPED_TRACE(s);
    Result<SegmentCount> count = CountSegments(s);
    ASSERT_FALSE(count.ok());
    EXPECT_EQ(count.error().code, "invalid_field");
    EXPECT_EQ(count.error().field, "body");
    Result<EncodedBody> encoded = Encode(s, 1);
    ASSERT_FALSE(encoded.ok());
    EXPECT_EQ(encoded.error().code, "invalid_field");
  }
}

TEST(Utf8Test, LongestValidSequencesAreAccepted) {
  EXPECT_EQ(Count("\xF4\x8F\xBF\xBF").units, 2u);                      // U+10FFFF
  EXPECT_EQ(Count("\xEF\xBF\xBF").units, 1u);                          // U+FFFF
  EXPECT_EQ(Count(std::string("a\0b", 3)).encoding, Encoding::kUcs2);  // NUL is no GSM char
}

TEST(BlankTest, WhitespaceAndInvisibleCharactersAreBlank) {
  for (const char* s : {"", " ", "\t\r\n\v\f", "\u00A0", "\u2003 \u3000", "\u200B", "\uFEFF",
                        "\u2028\u2029\u202F\u205F\u1680\u0085\u2060"}) {
    SCOPED_TRACE(s);
    EXPECT_TRUE(IsBlank(s));
  }
  for (const char* s : {"a", " a ", ".", "\u200E", "😀", "\x80"}) {
    SCOPED_TRACE(s);
    EXPECT_FALSE(IsBlank(s));
  }
}

// --- Packing and decoding ------------------------------------------------------------------

Bytes Ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(PackTest, KnownVectors) {
  EXPECT_EQ(PackSeptets(Ascii("hellohello")),
            (Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}));
  EXPECT_EQ(PackSeptets(Ascii("hello")), (Bytes{0xE8, 0x32, 0x9B, 0xFD, 0x06}));
  EXPECT_EQ(PackSeptets(Ascii("12345678")), (Bytes{0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x70}));
  EXPECT_EQ(PackSeptets(Ascii("1234567")), (Bytes{0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x00}));
  EXPECT_TRUE(PackSeptets({}).empty());
}

TEST(PackTest, UnpackInvertsPackForEveryLength) {
  for (size_t n = 0; n <= 40; ++n) {
    Bytes septets;
    for (size_t i = 0; i < n; ++i) septets.push_back(static_cast<uint8_t>((i * 37 + 11) & 0x7F));
    const Bytes packed = PackSeptets(septets);
    EXPECT_EQ(packed.size(), (n * 7 + 7) / 8);
    EXPECT_EQ(UnpackSeptets(packed, n), septets) << n;
  }
}

TEST(PackTest, UnpackStopsAtTheEndOfTheOctets) {
  const Bytes packed = {0xE8, 0x32, 0x9B, 0xFD, 0x06};
  EXPECT_EQ(UnpackSeptets(packed, 5), Ascii("hello"));
  EXPECT_EQ(UnpackSeptets(packed, 100).size(), 5u);  // 40 bits hold 5 whole septets
  EXPECT_EQ(UnpackSeptets(packed, 2), Ascii("he"));
  EXPECT_TRUE(UnpackSeptets({}, 3).empty());
}

TEST(PackTest, PackIgnoresTheHighBit) {
  EXPECT_EQ(PackSeptets(Bytes{0xE8}), PackSeptets(Bytes{0x68}));
}

TEST(DecodeGsm7Test, EscapesFollow23038) {
  EXPECT_EQ(DecodeGsm7(Bytes{0x1B, 0x65, 0x1B, 0x14}), "€^");
  EXPECT_EQ(DecodeGsm7(Bytes{0x1B, 0x41}), "A");         // no extension there: base character
  EXPECT_EQ(DecodeGsm7(Bytes{0x1B, 0x1B, 0x61}), " a");  // ESC ESC reads as a space
  EXPECT_EQ(DecodeGsm7(Bytes{0x61, 0x1B}), "a ");        // trailing escape reads as a space
  EXPECT_EQ(DecodeGsm7(Bytes{0x61, 0x80}), "a\uFFFD");
  EXPECT_EQ(DecodeGsm7(Bytes{0x1B, 0xFF}), "\uFFFD");
  EXPECT_EQ(DecodeGsm7({}), "");
}

TEST(DecodeUcs2Test, DecodesBmpAndSurrogatePairs) {
  EXPECT_EQ(DecodeUcs2(Bytes{0x00, 0x41, 0x04, 0x16, 0x20, 0xAC}), "AЖ€");
  EXPECT_EQ(DecodeUcs2(Bytes{0xD8, 0x3D, 0xDE, 0x00}), "😀");
  EXPECT_EQ(DecodeUcs2({}), "");
}

TEST(DecodeUcs2Test, OddLengthEndsInReplacementCharacter) {
  EXPECT_EQ(DecodeUcs2(Bytes{0x00, 0x41, 0x00}), "A\uFFFD");
  EXPECT_EQ(DecodeUcs2(Bytes{0x00}), "\uFFFD");
}

TEST(DecodeUcs2Test, LoneSurrogatesBecomeReplacementCharacters) {
  EXPECT_EQ(DecodeUcs2(Bytes{0xD8, 0x3D, 0x00, 0x41}), "\uFFFDA");  // high, then no low
  EXPECT_EQ(DecodeUcs2(Bytes{0xDE, 0x00, 0x00, 0x41}), "\uFFFDA");  // low alone
  EXPECT_EQ(DecodeUcs2(Bytes{0xD8, 0x3D}), "\uFFFD");               // high at the end
  EXPECT_EQ(DecodeUcs2(Bytes{0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00}), "\uFFFD😀");
}

}  // namespace
}  // namespace deliverer::text

namespace deliverer::text {
namespace {

TEST(Ucs2Test, EncodingWritesBigEndianUnitsAndSurrogatePairsThatDecodeBack) {
  const std::string text = "Hé 😀";  // U+1F600 takes a surrogate pair
  const std::vector<uint8_t> octets = EncodeUcs2(text);
  EXPECT_EQ(octets, (std::vector<uint8_t>{0x00, 'H', 0x00, 0xE9, 0x00, ' ', 0xD8, 0x3D, 0xDE, 0x00}));
  EXPECT_EQ(DecodeUcs2(octets), text);
  EXPECT_TRUE(EncodeUcs2("").empty());
}

}  // namespace
}  // namespace deliverer::text
