#pragma once
// Text encoding and segmentation for SMS (docs/smpp-mapping.md "Text encoding and segments").
// Pure functions, no I/O, thread-safe.
//
// A body that fits the GSM 03.38 default alphabet (with its extension table; extension
// characters cost two septets: ESC + char) is GSM-7; otherwise UCS-2 (UTF-16 code units;
// a character outside the BMP takes two units). One segment holds 160 septets / 70 units.
// Concatenated messages carry a UDH: with an 8-bit reference (IEI 0x00, 6 bytes) a segment
// holds 153 septets / 67 units; with a 16-bit reference (IEI 0x08, 7 bytes) 152 / 66.
// Splitting never separates an escape from its character, nor a surrogate pair: a segment
// then carries one unit fewer. Splitting is greedy (each segment takes as many whole
// characters as fit), and CountSegments agrees with Encode on every input.
// Replacing typographic characters to stay in GSM-7 (smart encoding) is text/smart_encoding.h.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/message.h"

namespace deliverer::text {

using model::Encoding;

enum class ConcatReference : uint8_t { k8Bit, k16Bit };

// Capacities in septets (GSM-7) or UTF-16 code units (UCS-2).
inline constexpr size_t kGsm7SingleSeptets = 160;
inline constexpr size_t kUcs2SingleUnits = 70;
inline constexpr size_t Gsm7SegmentSeptets(ConcatReference ref) {
  return ref == ConcatReference::k8Bit ? 153 : 152;
}
inline constexpr size_t Ucs2SegmentUnits(ConcatReference ref) {
  return ref == ConcatReference::k8Bit ? 67 : 66;
}
// The UDH numbers parts in one octet.
inline constexpr int kMaxConcatenatedSegments = 255;

// How many segments a body needs; the cheap path used at ingest.
struct SegmentCount {
  Encoding encoding = Encoding::kGsm7;
  int segments = 0;  // 0 only for an empty body
  size_t units = 0;  // septets (GSM-7, escapes counted) or UTF-16 code units (UCS-2)
};

// Fails with code "invalid_field" (field "body") only when utf8 is not valid UTF-8
// (RFC 3629: no overlong forms, no surrogates). Allocates nothing on success; cheap
// enough for the ingest hot path.
Result<SegmentCount> CountSegments(std::string_view utf8,
                                   ConcatReference ref = ConcatReference::k8Bit);

struct Segment {
  std::vector<uint8_t> udh;      // empty for a single-segment message; else the full UDH
                                 // including its length octet (05 00 03 ref total part, or
                                 // 06 08 04 refhi reflo total part)
  std::vector<uint8_t> payload;  // GSM-7: unpacked septets, one per octet (the SMPP norm);
                                 // UCS-2: UTF-16BE octets
};

struct EncodedBody {
  Encoding encoding = Encoding::kGsm7;
  std::vector<Segment> segments;
};

// Splits into per-segment payloads ready for submit_sm. `reference` is the concatenation
// reference (only its low 8 bits are used for k8Bit). An empty body gives no segments.
// Fails with "invalid_field" (field "body") for invalid UTF-8, and with "body_too_long"
// when more than kMaxConcatenatedSegments segments would be needed.
Result<EncodedBody> Encode(std::string_view utf8, uint16_t reference,
                           ConcatReference ref = ConcatReference::k8Bit);

// True when the body shows nothing: it is empty, or every code point is Unicode
// White_Space or an invisible zero-width character (U+200B..U+200D, U+2060, U+FEFF).
// False for invalid UTF-8 (which CountSegments rejects).
bool IsBlank(std::string_view utf8);

// Conversions used by the carrier side and the simulator.
// GSM 7-bit packing (23.038 §6.1.2.1): septets fill octets least significant bit first;
// the spare bits of the last octet are zero. Only the low 7 bits of each input are used.
std::vector<uint8_t> PackSeptets(std::span<const uint8_t> septets);
// The inverse; yields min(septet_count, the septets the octets hold).
std::vector<uint8_t> UnpackSeptets(std::span<const uint8_t> packed, size_t septet_count);
// Unpacked septets → UTF-8. As 23.038 asks of a receiver, an escape followed by a code the
// extension table lacks decodes as that code's base character, and a lone escape (ESC ESC,
// or a trailing ESC) as a space. An octet above 0x7F is no septet and becomes U+FFFD.
std::string DecodeGsm7(std::span<const uint8_t> septets);
// UTF-16BE → UTF-8; an odd trailing byte or a lone surrogate becomes U+FFFD.
std::string DecodeUcs2(std::span<const uint8_t> utf16be);
// UTF-8 → UTF-16BE octets (UCS-2 user data), characters past U+FFFF as surrogate pairs.
// Precondition: valid UTF-8.
std::vector<uint8_t> EncodeUcs2(std::string_view utf8);
// UTF-8 text of SMPP user data by data_coding: 0 and 1 as GSM-7 unpacked septets, 3 as
// Latin-1, 8 as UCS-2 (UTF-16BE); 0x10..0x3F and 0xF0..0xFF by their alphabet bits;
// anything else (binary) as lower-case hex of the octets.
std::string DecodeUserText(uint8_t data_coding, std::span<const uint8_t> octets);

}  // namespace deliverer::text
