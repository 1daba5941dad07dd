#include "smppd/data_coding.h"

#include <algorithm>

#include "text/text.h"

namespace deliverer::smppd {
namespace {

enum class Alphabet : uint8_t { kGsm7, kAscii, kLatin1, kUcs2, kBinary, kUnknown };

Alphabet AlphabetOf(uint8_t dc) {
  switch (dc) {
    case 0x00: return Alphabet::kGsm7;
    case 0x01: return Alphabet::kAscii;
    case 0x03: return Alphabet::kLatin1;
    case 0x08: return Alphabet::kUcs2;
    case 0x02:
    case 0x04: return Alphabet::kBinary;
    default: break;
  }
  if (dc >= 0x10 && dc <= 0x1F) {  // general data coding, uncompressed
    switch ((dc >> 2) & 0x03) {
      case 0: return Alphabet::kGsm7;
      case 1: return Alphabet::kBinary;
      case 2: return Alphabet::kUcs2;
      default: return Alphabet::kUnknown;
    }
  }
  if (dc >= 0xF0) return (dc & 0x04) == 0 ? Alphabet::kGsm7 : Alphabet::kBinary;
  return Alphabet::kUnknown;
}

bool AllBelow0x80(std::span<const uint8_t> octets) {
  return std::all_of(octets.begin(), octets.end(), [](uint8_t o) { return o < 0x80; });
}

Error InvalidEncoding(std::string detail) { return Error::Of("invalid_encoding", std::move(detail)); }

}  // namespace

Result<std::string> DecodeText(uint8_t data_coding, std::span<const uint8_t> octets) {
  switch (AlphabetOf(data_coding)) {
    case Alphabet::kGsm7:
      if (!AllBelow0x80(octets)) return InvalidEncoding("an octet above 0x7F is no GSM-7 septet");
      return text::DecodeGsm7(octets);
    case Alphabet::kAscii:
      if (!AllBelow0x80(octets)) return InvalidEncoding("an octet above 0x7F is not ASCII");
      return std::string(octets.begin(), octets.end());
    case Alphabet::kLatin1:
      return text::DecodeUserText(0x03, octets);
    case Alphabet::kUcs2:
      if (octets.size() % 2 != 0) return InvalidEncoding("UCS-2 text has an odd number of octets");
      return text::DecodeUcs2(octets);
    case Alphabet::kBinary:
      return Error::Of("binary_data", "binary messages are not carried: send text");
    case Alphabet::kUnknown:
      break;
  }
  return InvalidEncoding("unsupported data_coding");
}

}  // namespace deliverer::smppd
