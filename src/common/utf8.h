#pragma once
// Strict UTF-8 and UTF-16 helpers (RFC 3629): overlong forms, surrogates and code points
// above U+10FFFF are invalid. Header-only so that the segment counter's loop inlines it.
// ToValid is how text from outside (receipt fields, carrier answers, callbacks) is made
// safe to store and to put in JSON, once, where it enters.
#include <cstdint>
#include <string>
#include <string_view>

namespace deliverer::utf8 {

inline constexpr char32_t kInvalid = 0xFFFFFFFF;
inline constexpr char32_t kReplacement = 0xFFFD;

namespace internal {

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes the sequence of `length` bytes at s[i] (lead already known); kInvalid if broken.
inline char32_t DecodeMultiByte(std::string_view s, size_t i, int length) {
  if (i + static_cast<size_t>(length) > s.size()) return kInvalid;
  static constexpr char32_t kLeadMask[] = {0, 0, 0x1F, 0x0F, 0x07};
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  char32_t cp = static_cast<unsigned char>(s[i]) & kLeadMask[length];
  for (int k = 1; k < length; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (!IsContinuation(c)) return kInvalid;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  return cp;
}

}  // namespace internal

// Decodes the code point starting at s[i] and advances i past it. Returns kInvalid (and
// leaves i unspecified) when the bytes there are not valid UTF-8. Precondition: i < s.size().
inline char32_t Next(std::string_view s, size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  const int length = lead >= 0xF0 ? (lead < 0xF5 ? 4 : 0) : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0) return kInvalid;
  const char32_t cp = internal::DecodeMultiByte(s, i, length);
  i += static_cast<size_t>(length);
  return cp;
}

// UTF-16 code units a code point takes: 2 above the BMP.
inline int Utf16Units(char32_t cp) { return cp > 0xFFFF ? 2 : 1; }

// Appends the UTF-8 form of a valid code point.
inline void Append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// `bytes` with every byte that does not start a valid sequence replaced by U+FFFD, cut
// first to at most `max_bytes` (a sequence split by the cut is replaced too).
inline std::string ToValid(std::string_view bytes, size_t max_bytes = std::string_view::npos) {
  bytes = bytes.substr(0, max_bytes);
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const size_t start = i;
    const char32_t cp = Next(bytes, i);
    if (cp == kInvalid) {
      Append(kReplacement, out);
      i = start + 1;
    } else {
      out.append(bytes.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace deliverer::utf8
