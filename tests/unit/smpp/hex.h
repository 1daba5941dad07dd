#pragma once
// Byte helpers for the SMPP tests: hex fixtures written as in the SMPP 3.4 specification's
// tables ("00 00 00 10 | 00 00 00 15"), frames assembled around a body, and readable
// hex for assertion messages.
#include <cassert>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deliverer::smpp::testing {

// Pairs of hex digits; spaces, newlines and '|' are ignored.
inline std::vector<uint8_t> Hex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<uint8_t> out;
  int high = -1;
  for (char c : text) {
    int n = nibble(c);
    if (n < 0) {
      assert(c == ' ' || c == '\n' || c == '|');
      continue;
    }
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<uint8_t>(high * 16 + n));
      high = -1;
    }
  }
  assert(high < 0);
  return out;
}

inline std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += ' ';
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xF];
  }
  return out;
}

inline std::vector<uint8_t> Bytes(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// The octets of `text` followed by NUL.
inline std::vector<uint8_t> CStr(std::string_view text) {
  std::vector<uint8_t> out = Bytes(text);
  out.push_back(0);
  return out;
}

inline void AppendU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// Concatenation of byte strings.
inline std::vector<uint8_t> Cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// A frame with a correct command_length around `body`.
inline std::vector<uint8_t> Frame(uint32_t command_id, uint32_t sequence_number,
                                  const std::vector<uint8_t>& body, uint32_t status = 0) {
  std::vector<uint8_t> out;
  AppendU32(out, static_cast<uint32_t>(16 + body.size()));
  AppendU32(out, command_id);
  AppendU32(out, status);
  AppendU32(out, sequence_number);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace deliverer::smpp::testing
