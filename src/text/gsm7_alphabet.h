#pragma once
// GSM 03.38 (3GPP TS 23.038 §6.2.1) default alphabet and its extension table.
// Internal to the text component. Pure lookups, thread-safe.
#include <cstdint>

namespace deliverer::text::gsm7 {

// The escape to the extension table; it never stands for a character on its own here.
inline constexpr uint8_t kEscape = 0x1B;

// Where a code point lives in the alphabet.
struct Code {
  enum Kind : uint8_t { kAbsent, kBase, kExtension } kind = kAbsent;
  uint8_t septet = 0;  // the septet in the base table, or the one following the escape

  // Septets the character costs: 1 in the base table, 2 (escape + code) in the extension.
  int cost() const { return kind == kBase ? 1 : kind == kExtension ? 2 : 0; }
};

// The code of a Unicode code point; kind is kAbsent when GSM-7 cannot carry it.
Code Lookup(char32_t code_point);

// The character a base-table septet stands for. The escape (0x1B) reads as a space,
// as 23.038 asks of a receiver. Precondition: septet < 0x80.
char32_t BaseChar(uint8_t septet);

// The character ESC+septet stands for, or 0 when the extension table has none there.
// Precondition: septet < 0x80.
char32_t ExtensionChar(uint8_t septet);

}  // namespace deliverer::text::gsm7
