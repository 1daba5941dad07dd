// Septet packing and decoding back to UTF-8 (the carrier and simulator side).
#include <algorithm>

#include "common/utf8.h"
#include "text/gsm7_alphabet.h"
#include "text/text.h"

namespace deliverer::text {
namespace {

bool IsHighSurrogate(char32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool IsLowSurrogate(char32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

// The character ESC+septet stands for (see DecodeGsm7's contract).
char32_t DecodeEscaped(uint8_t septet) {
  if (septet > 0x7F) return utf8::kReplacement;
  if (const char32_t ch = gsm7::ExtensionChar(septet)) return ch;
  return gsm7::BaseChar(septet);
}

}  // namespace

std::vector<uint8_t> PackSeptets(std::span<const uint8_t> septets) {
  std::vector<uint8_t> out((septets.size() * 7 + 7) / 8, 0);
  size_t bit = 0;
  for (const uint8_t septet : septets) {
    const unsigned value = septet & 0x7Fu;
    const size_t byte = bit / 8;
    const size_t shift = bit % 8;
    out[byte] |= static_cast<uint8_t>(value << shift);
    if (shift > 1) out[byte + 1] |= static_cast<uint8_t>(value >> (8 - shift));
    bit += 7;
  }
  return out;
}

std::vector<uint8_t> UnpackSeptets(std::span<const uint8_t> packed, size_t septet_count) {
  const size_t count = std::min(septet_count, packed.size() * 8 / 7);
  std::vector<uint8_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t bit = i * 7;
    const size_t byte = bit / 8;
    const size_t shift = bit % 8;
    unsigned value = static_cast<unsigned>(packed[byte]) >> shift;
    if (shift > 1) value |= static_cast<unsigned>(packed[byte + 1]) << (8 - shift);
    out.push_back(static_cast<uint8_t>(value & 0x7F));
  }
  return out;
}

std::string DecodeGsm7(std::span<const uint8_t> septets) {
  std::string out;
  out.reserve(septets.size());
  for (size_t i = 0; i < septets.size(); ++i) {
    const uint8_t septet = septets[i];
    char32_t ch;
    if (septet > 0x7F) {
      ch = utf8::kReplacement;
    } else if (septet != gsm7::kEscape) {
      ch = gsm7::BaseChar(septet);
    } else if (i + 1 < septets.size()) {
      ch = DecodeEscaped(septets[++i]);
    } else {
      ch = gsm7::BaseChar(gsm7::kEscape);  // a trailing escape reads as a space
    }
    utf8::Append(ch, out);
  }
  return out;
}

std::string DecodeUcs2(std::span<const uint8_t> utf16be) {
  std::string out;
  out.reserve(utf16be.size());
  const size_t units = utf16be.size() / 2;
  auto unit_at = [&](size_t k) -> char32_t {
    return static_cast<char32_t>(utf16be[2 * k] << 8 | utf16be[2 * k + 1]);
  };
  for (size_t k = 0; k < units; ++k) {
    char32_t cp = unit_at(k);
    if (IsHighSurrogate(cp) && k + 1 < units && IsLowSurrogate(unit_at(k + 1))) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (unit_at(k + 1) - 0xDC00);
      ++k;
    } else if (IsHighSurrogate(cp) || IsLowSurrogate(cp)) {
      cp = utf8::kReplacement;
    }
    utf8::Append(cp, out);
  }
  if (utf16be.size() % 2 != 0) utf8::Append(utf8::kReplacement, out);
  return out;
}

}  // namespace deliverer::text
