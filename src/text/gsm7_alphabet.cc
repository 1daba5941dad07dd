#include "text/gsm7_alphabet.h"

#include <array>
#include <utility>

namespace deliverer::text::gsm7 {
namespace {

// 23.038 §6.2.1, indexed by septet. 0x1B is the escape; it is given as a space because
// that is how a lone escape is to be displayed.
constexpr std::array<char16_t, 128> kBase = {
    u'@',      u'\u00A3', u'$',      u'\u00A5', u'\u00E8', u'\u00E9', u'\u00F9', u'\u00EC',
    u'\u00F2', u'\u00C7', u'\n',     u'\u00D8', u'\u00F8', u'\r',     u'\u00C5', u'\u00E5',
    u'\u0394', u'_',      u'\u03A6', u'\u0393', u'\u039B', u'\u03A9', u'\u03A0', u'\u03A8',
    u'\u03A3', u'\u0398', u'\u039E', u' ',      u'\u00C6', u'\u00E6', u'\u00DF', u'\u00C9',
    u' ',      u'!',      u'"',      u'#',      u'\u00A4', u'%',      u'&',      u'\'',
    u'(',      u')',      u'*',      u'+',      u',',      u'-',      u'.',      u'/',
    u'0',      u'1',      u'2',      u'3',      u'4',      u'5',      u'6',      u'7',
    u'8',      u'9',      u':',      u';',      u'<',      u'=',      u'>',      u'?',
    u'\u00A1', u'A',      u'B',      u'C',      u'D',      u'E',      u'F',      u'G',
    u'H',      u'I',      u'J',      u'K',      u'L',      u'M',      u'N',      u'O',
    u'P',      u'Q',      u'R',      u'S',      u'T',      u'U',      u'V',      u'W',
    u'X',      u'Y',      u'Z',      u'\u00C4', u'\u00D6', u'\u00D1', u'\u00DC', u'\u00A7',
    u'\u00BF', u'a',      u'b',      u'c',      u'd',      u'e',      u'f',      u'g',
    u'h',      u'i',      u'j',      u'k',      u'l',      u'm',      u'n',      u'o',
    u'p',      u'q',      u'r',      u's',      u't',      u'u',      u'v',      u'w',
    u'x',      u'y',      u'z',      u'\u00E4', u'\u00F6', u'\u00F1', u'\u00FC', u'\u00E0',
};

// 23.038 §6.2.1.1: the extension table's characters, as (septet after ESC, character).
constexpr std::array<std::pair<uint8_t, char16_t>, 10> kExtension = {{
    {0x0A, u'\f'},
    {0x14, u'^'},
    {0x28, u'{'},
    {0x29, u'}'},
    {0x2F, u'\\'},
    {0x3C, u'['},
    {0x3D, u'~'},
    {0x3E, u']'},
    {0x40, u'|'},
    {0x65, u'\u20AC'},
}};

constexpr std::array<char16_t, 128> BuildExtensionBySeptet() {
  std::array<char16_t, 128> table{};
  for (const auto& [septet, ch] : kExtension) table[septet] = ch;
  return table;
}

// Latin-1 code points → code; the hot path of segment counting.
constexpr std::array<Code, 256> BuildLatin1() {
  std::array<Code, 256> table{};
  for (uint8_t s = 0; s < 128; ++s) {
    if (s != kEscape && kBase[s] < 256) table[kBase[s]] = Code{Code::kBase, s};
  }
  for (const auto& [septet, ch] : kExtension) {
    if (ch < 256) table[ch] = Code{Code::kExtension, septet};
  }
  return table;
}

constexpr std::array<char16_t, 128> kExtensionBySeptet = BuildExtensionBySeptet();
constexpr std::array<Code, 256> kLatin1 = BuildLatin1();

// The few characters above U+00FF: the Greek capitals of the base table and the euro.
Code LookupAboveLatin1(char32_t code_point) {
  for (uint8_t s = 0x10; s < 0x20; ++s) {
    if (kBase[s] == code_point && s != kEscape) return Code{Code::kBase, s};
  }
  if (code_point == u'\u20AC') return Code{Code::kExtension, 0x65};
  return Code{};
}

}  // namespace

Code Lookup(char32_t code_point) {
  if (code_point < 256) return kLatin1[code_point];
  return LookupAboveLatin1(code_point);
}

char32_t BaseChar(uint8_t septet) { return kBase[septet & 0x7F]; }

char32_t ExtensionChar(uint8_t septet) { return kExtensionBySeptet[septet & 0x7F]; }

}  // namespace deliverer::text::gsm7
