#include "text/smart_encoding.h"

#include <algorithm>
#include <array>

#include "common/utf8.h"
#include "text/gsm7_alphabet.h"

namespace deliverer::text {
namespace {

struct Replacement {
  char32_t code_point;
  std::string_view gsm7;
};

// docs/api.md "Smart encoding", sorted by code point. Only characters whose look-alike
// keeps the meaning: a bullet, an arrow or a trademark sign has none in GSM-7 and is left
// alone, which keeps its message in UCS-2.
constexpr auto kTable = std::to_array<Replacement>({
    {0x00A0, " "},    // no-break space
    {0x00AB, "\""},   // « left guillemet
    {0x00AD, ""},     // soft hyphen: invisible unless a line breaks there
    {0x00BB, "\""},   // » right guillemet
    {0x2000, " "},    // en quad
    {0x2001, " "},    // em quad
    {0x2002, " "},    // en space
    {0x2003, " "},    // em space
    {0x2004, " "},    // three-per-em space
    {0x2005, " "},    // four-per-em space
    {0x2006, " "},    // six-per-em space
    {0x2007, " "},    // figure space
    {0x2008, " "},    // punctuation space
    {0x2009, " "},    // thin space
    {0x200A, " "},    // hair space
    {0x200B, ""},     // zero-width space
    {0x200C, ""},     // zero-width non-joiner
    {0x200D, ""},     // zero-width joiner
    {0x2010, "-"},    // hyphen
    {0x2011, "-"},    // non-breaking hyphen
    {0x2012, "-"},    // figure dash
    {0x2013, "-"},    // en dash
    {0x2014, "-"},    // em dash
    {0x2015, "-"},    // horizontal bar
    {0x2018, "'"},    // ‘
    {0x2019, "'"},    // ’ (also the apostrophe of "don’t")
    {0x201A, "'"},    // ‚
    {0x201B, "'"},    // ‛
    {0x201C, "\""},   // “
    {0x201D, "\""},   // ”
    {0x201E, "\""},   // „
    {0x201F, "\""},   // ‟
    {0x2026, "..."},  // … horizontal ellipsis: one UCS-2 unit, three septets
    {0x202F, " "},    // narrow no-break space
    {0x2032, "'"},    // ′ prime
    {0x2033, "\""},   // ″ double prime
    {0x2039, "'"},    // ‹ single guillemet
    {0x203A, "'"},    // ›
    {0x2060, ""},     // word joiner
    {0x2212, "-"},    // − minus sign
    {0xFEFF, ""},     // zero-width no-break space (a byte order mark inside text)
});
static_assert(std::is_sorted(kTable.begin(), kTable.end(),
                             [](const Replacement& a, const Replacement& b) {
                               return a.code_point < b.code_point;
                             }));

bool InGsm7(char32_t code_point) { return gsm7::Lookup(code_point).kind != gsm7::Code::kAbsent; }

// Whether SmartGsm7Text has work to do, without allocating: valid UTF-8 with at least one
// character GSM-7 lacks, all of them in the table.
bool Applies(std::string_view utf8) {
  bool needs_ucs2 = false;
  for (size_t i = 0; i < utf8.size();) {
    const char32_t cp = utf8::Next(utf8, i);
    if (cp == utf8::kInvalid) return false;
    if (InGsm7(cp)) continue;
    if (!TypographicReplacement(cp)) return false;
    needs_ucs2 = true;
  }
  return needs_ucs2;
}

// Precondition: Applies(utf8).
std::string Replaced(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const size_t start = i;
    const char32_t cp = utf8::Next(utf8, i);
    if (InGsm7(cp)) {
      out.append(utf8.substr(start, i - start));
    } else {
      out.append(*TypographicReplacement(cp));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> TypographicReplacement(char32_t code_point) {
  const auto* it =
      std::lower_bound(kTable.begin(), kTable.end(), code_point,
                       [](const Replacement& entry, char32_t cp) { return entry.code_point < cp; });
  if (it == kTable.end() || it->code_point != code_point) return std::nullopt;
  return it->gsm7;
}

std::optional<std::string> SmartGsm7Text(std::string_view utf8) {
  if (!Applies(utf8)) return std::nullopt;
  std::string replaced = Replaced(utf8);
  // Nothing left to send (a body of soft hyphens): the original goes out as it is.
  if (replaced.empty()) return std::nullopt;
  return replaced;
}

Result<SegmentCount> CountSegmentsSmart(std::string_view utf8, ConcatReference ref) {
  Result<SegmentCount> count = CountSegments(utf8, ref);
  if (!count || count->encoding == Encoding::kGsm7) return count;
  const std::optional<std::string> replaced = SmartGsm7Text(utf8);
  if (!replaced) return count;
  Result<SegmentCount> smart = CountSegments(*replaced, ref);
  return smart && smart->segments <= count->segments ? smart : count;
}

std::string OutgoingText(std::string_view body, Encoding stored_encoding) {
  if (stored_encoding == Encoding::kGsm7) {
    if (std::optional<std::string> replaced = SmartGsm7Text(body)) return std::move(*replaced);
  }
  return std::string(body);
}

}  // namespace deliverer::text
