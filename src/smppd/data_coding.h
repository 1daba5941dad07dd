#pragma once
// The text of a producer's submit_sm / data_sm by its data_coding (docs/smpp-server.md
// "Data coding"). Pure, thread-safe.
//
//   0x00           GSM 7-bit default alphabet, one septet per octet (unpacked)
//   0x01           IA5 / ASCII: octets 0x00..0x7F
//   0x03           Latin-1 (ISO-8859-1)
//   0x08           UCS-2, read as UTF-16BE (a surrogate pair is one character)
//   0x10..0x1F     general data coding, uncompressed, by its alphabet bits: GSM-7 or UCS-2
//   0xF0..0xFB     data coding / message class with the GSM-7 alphabet
// Binary (0x02, 0x04, the 8-bit alphabets of the groups above) is refused with error
// "binary_data": the gateway carries text, its segments and opt-outs are counted on text.
// Any other value, or octets the data coding cannot hold (0x80.. under GSM-7 or ASCII), is
// refused with "invalid_encoding".
#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"

namespace deliverer::smppd {

Result<std::string> DecodeText(uint8_t data_coding, std::span<const uint8_t> octets);

}  // namespace deliverer::smppd
