#include <string>

#include "text/text.h"

namespace deliverer::text {
namespace {

std::string Hex(std::span<const uint8_t> octets) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(octets.size() * 2);
  for (uint8_t b : octets) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

std::string DecodeLatin1(std::span<const uint8_t> octets) {
  std::string out;
  for (uint8_t b : octets) {
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

}  // namespace

std::string DecodeUserText(uint8_t dc, std::span<const uint8_t> octets) {
  if (dc == 0x00 || dc == 0x01) return DecodeGsm7(octets);
  if (dc == 0x03) return DecodeLatin1(octets);
  if (dc == 0x08) return DecodeUcs2(octets);
  if (dc >= 0x10 && dc <= 0x3F && (dc & 0x20) == 0) {  // general group, uncompressed
    const uint8_t alphabet = (dc >> 2) & 0x03;
    if (alphabet == 0) return DecodeGsm7(octets);
    if (alphabet == 2) return DecodeUcs2(octets);
  }
  if (dc >= 0xF0 && (dc & 0x04) == 0) return DecodeGsm7(octets);
  return Hex(octets);
}

}  // namespace deliverer::text
