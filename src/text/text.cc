#include "text/text.h"

#include <algorithm>
#include <cassert>

#include "common/utf8.h"
#include "text/gsm7_alphabet.h"

namespace deliverer::text {
namespace {

struct Capacity {
  size_t single;        // a message that fits needs no UDH
  size_t concatenated;  // per segment once a UDH is present
};

constexpr Capacity CapacityOf(Encoding encoding, ConcatReference ref) {
  if (encoding == Encoding::kGsm7) return {kGsm7SingleSeptets, Gsm7SegmentSeptets(ref)};
  return {kUcs2SingleUnits, Ucs2SegmentUnits(ref)};
}

// Greedy concatenation: each segment takes as many whole characters (1 or 2 units) as
// fit. Encode's Split cuts the same way, which is what keeps the two in agreement.
class SegmentPacker {
 public:
  explicit SegmentPacker(size_t capacity) : capacity_(capacity) {}

  void Add(size_t units) {
    if (used_ + units > capacity_) {
      ++full_segments_;
      used_ = 0;
    }
    used_ += units;
    total_ += units;
  }

  size_t total() const { return total_; }

  int Segments(size_t single_capacity) const {
    if (total_ == 0) return 0;
    if (total_ <= single_capacity) return 1;
    return full_segments_ + 1;
  }

 private:
  size_t capacity_;
  size_t used_ = 0;
  size_t total_ = 0;
  int full_segments_ = 0;
};

Error InvalidUtf8() { return Error::Of("invalid_field", "'body' is not valid UTF-8", "body"); }

// The body as GSM-7 septets (escapes included). Precondition: it fits GSM-7.
std::vector<uint16_t> ToSeptets(std::string_view utf8, size_t septets) {
  std::vector<uint16_t> out;
  out.reserve(septets);
  for (size_t i = 0; i < utf8.size();) {
    const gsm7::Code code = gsm7::Lookup(utf8::Next(utf8, i));
    assert(code.kind != gsm7::Code::kAbsent);
    if (code.kind == gsm7::Code::kExtension) out.push_back(gsm7::kEscape);
    out.push_back(code.septet);
  }
  return out;
}

// The body as UTF-16 code units. Precondition: valid UTF-8.
std::vector<uint16_t> ToUtf16(std::string_view utf8, size_t units) {
  std::vector<uint16_t> out;
  out.reserve(units);
  for (size_t i = 0; i < utf8.size();) {
    const char32_t cp = utf8::Next(utf8, i);
    if (cp > 0xFFFF) {
      out.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

// True when `unit` opens a two-unit character: a GSM-7 escape (never the second septet of
// a pair, since no extension code is 0x1B) or a UTF-16 high surrogate.
bool OpensPair(uint16_t unit, Encoding encoding) {
  if (encoding == Encoding::kGsm7) return unit == gsm7::kEscape;
  return unit >= 0xD800 && unit <= 0xDBFF;
}

std::vector<std::span<const uint16_t>> Split(std::span<const uint16_t> units, size_t capacity,
                                             Encoding encoding) {
  std::vector<std::span<const uint16_t>> parts;
  while (!units.empty()) {
    size_t n = std::min(capacity, units.size());
    if (n < units.size() && OpensPair(units[n - 1], encoding)) --n;
    parts.push_back(units.first(n));
    units = units.subspan(n);
  }
  return parts;
}

std::vector<uint8_t> Payload(std::span<const uint16_t> units, Encoding encoding) {
  std::vector<uint8_t> out;
  out.reserve(encoding == Encoding::kGsm7 ? units.size() : units.size() * 2);
  for (const uint16_t u : units) {
    if (encoding == Encoding::kUcs2) out.push_back(static_cast<uint8_t>(u >> 8));
    out.push_back(static_cast<uint8_t>(u & 0xFF));
  }
  return out;
}

// 3GPP TS 23.040 §9.2.3.24.1 (IEI 0x00) and §9.2.3.24.8 (IEI 0x08); part is 1-based.
std::vector<uint8_t> Udh(uint16_t reference, ConcatReference ref, int total, int part) {
  const auto total8 = static_cast<uint8_t>(total);
  const auto part8 = static_cast<uint8_t>(part);
  if (ref == ConcatReference::k8Bit) {
    return {0x05, 0x00, 0x03, static_cast<uint8_t>(reference & 0xFF), total8, part8};
  }
  return {0x06,
          0x08,
          0x04,
          static_cast<uint8_t>(reference >> 8),
          static_cast<uint8_t>(reference & 0xFF),
          total8,
          part8};
}

bool IsBlankCodePoint(char32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return true;
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0x2060:
    case 0xFEFF:
      return true;
    default:
      return (cp >= 0x2000 && cp <= 0x200D);  // spaces U+2000..U+200A, zero-widths to U+200D
  }
}

}  // namespace

Result<SegmentCount> CountSegments(std::string_view utf8, ConcatReference ref) {
  const Capacity gsm_capacity = CapacityOf(Encoding::kGsm7, ref);
  const Capacity ucs_capacity = CapacityOf(Encoding::kUcs2, ref);
  SegmentPacker gsm(gsm_capacity.concatenated);
  SegmentPacker ucs(ucs_capacity.concatenated);
  bool fits_gsm = true;
  for (size_t i = 0; i < utf8.size();) {
    const char32_t cp = utf8::Next(utf8, i);
    if (cp == utf8::kInvalid) return InvalidUtf8();
    if (fits_gsm) {
      const int cost = gsm7::Lookup(cp).cost();
      fits_gsm = cost != 0;
      gsm.Add(static_cast<size_t>(cost));
    }
    ucs.Add(static_cast<size_t>(utf8::Utf16Units(cp)));
  }
  if (fits_gsm)
    return SegmentCount{Encoding::kGsm7, gsm.Segments(gsm_capacity.single), gsm.total()};
  return SegmentCount{Encoding::kUcs2, ucs.Segments(ucs_capacity.single), ucs.total()};
}

Result<EncodedBody> Encode(std::string_view utf8, uint16_t reference, ConcatReference ref) {
  Result<SegmentCount> count = CountSegments(utf8, ref);
  if (!count) return count.take_error();
  if (count->segments > kMaxConcatenatedSegments) {
    return Error::Of("body_too_long", "the body needs more than 255 segments", "body");
  }
  const Encoding encoding = count->encoding;
  const std::vector<uint16_t> units =
      encoding == Encoding::kGsm7 ? ToSeptets(utf8, count->units) : ToUtf16(utf8, count->units);
  EncodedBody body{encoding, {}};
  const Capacity capacity = CapacityOf(encoding, ref);
  if (units.size() <= capacity.single) {
    if (!units.empty()) body.segments.push_back(Segment{{}, Payload(units, encoding)});
    return body;
  }
  const auto parts = Split(units, capacity.concatenated, encoding);
  const int total = static_cast<int>(parts.size());
  for (int i = 0; i < total; ++i) {
    body.segments.push_back(Segment{Udh(reference, ref, total, i + 1),
                                    Payload(parts[static_cast<size_t>(i)], encoding)});
  }
  assert(total == count->segments);
  return body;
}

bool IsBlank(std::string_view utf8) {
  for (size_t i = 0; i < utf8.size();) {
    if (!IsBlankCodePoint(utf8::Next(utf8, i))) return false;
  }
  return true;
}

std::vector<uint8_t> EncodeUcs2(std::string_view utf8) {
  const std::vector<uint16_t> units = ToUtf16(utf8, utf8.size());
  std::vector<uint8_t> out;
  out.reserve(units.size() * 2);
  for (const uint16_t unit : units) {
    out.push_back(static_cast<uint8_t>(unit >> 8));
    out.push_back(static_cast<uint8_t>(unit & 0xFF));
  }
  return out;
}

}  // namespace deliverer::text
