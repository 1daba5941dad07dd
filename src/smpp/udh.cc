#include "smpp/udh.h"

namespace deliverer::smpp {
namespace {

constexpr uint8_t kIeiConcat8 = 0x00;
constexpr uint8_t kIeiConcat16 = 0x08;

std::optional<Concatenation> ConcatFrom(uint8_t iei, std::span<const uint8_t> data) {
  Concatenation c;
  if (iei == kIeiConcat8 && data.size() == 3) {
    c = Concatenation{data[0], data[1], data[2], false};
  } else if (iei == kIeiConcat16 && data.size() == 4) {
    c = Concatenation{static_cast<uint16_t>((data[0] << 8) | data[1]), data[2], data[3], true};
  } else {
    return std::nullopt;
  }
  if (c.total == 0 || c.sequence == 0 || c.sequence > c.total) return std::nullopt;
  return c;
}

// Walks the information elements of `elements` (the UDH without its length octet).
Status ReadElements(std::span<const uint8_t> elements, UserData& out) {
  size_t pos = 0;
  while (pos < elements.size()) {
    if (elements.size() - pos < 2) return Error::Of("udh_element", "truncated element header");
    uint8_t iei = elements[pos];
    uint8_t length = elements[pos + 1];
    pos += 2;
    if (length > elements.size() - pos) return Error::Of("udh_element", "element past the UDH");
    if (!out.concatenation) out.concatenation = ConcatFrom(iei, elements.subspan(pos, length));
    pos += length;
  }
  return Status::Ok();
}

}  // namespace

Result<UserData> SplitUserData(uint8_t esm_class, std::span<const uint8_t> user_data) {
  UserData out;
  if ((esm_class & kEsmClassUdhi) == 0) {
    out.payload = user_data;
    return out;
  }
  if (user_data.empty()) return Error::Of("udh_missing", "UDHI set but no user data");
  size_t udh_size = size_t{user_data[0]} + 1;
  if (udh_size > user_data.size()) return Error::Of("udh_length", "UDH longer than user data");
  out.udh = user_data.first(udh_size);
  out.payload = user_data.subspan(udh_size);
  Status status = ReadElements(out.udh.subspan(1), out);
  if (!status.ok()) return status.error();
  return out;
}

std::optional<Concatenation> SarConcatenation(const Tlvs& tlvs) {
  const auto reference = GetSarMsgRefNum(tlvs);
  const auto total = GetSarTotalSegments(tlvs);
  const auto sequence = GetSarSegmentSeqnum(tlvs);
  if (!reference || !total || !sequence) return std::nullopt;
  if (*total == 0 || *sequence == 0 || *sequence > *total) return std::nullopt;
  return Concatenation{*reference, *total, *sequence, true};
}

}  // namespace deliverer::smpp
