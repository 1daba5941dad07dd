#pragma once
// User data of submit_sm / deliver_sm: where it is, and its user data header (UDH,
// 3GPP TS 23.040 §9.2.3.24) when esm_class has UDHI. Pure; views only, nothing copied.
// The codec keeps short_message as raw octets; this is the first place that looks
// inside them, so every length here is checked against the octets present.
#include <cstdint>
#include <optional>
#include <span>

#include "common/result.h"
#include "smpp/tlv.h"

namespace deliverer::smpp {

inline constexpr uint8_t kEsmClassUdhi = 0x40;

// Concatenation from IEI 0x00 (8-bit reference) or 0x08 (16-bit reference).
struct Concatenation {
  uint16_t reference = 0;  // any value, 0 and 255 included
  uint8_t total = 0;       // >= 1
  uint8_t sequence = 0;    // 1..total
  bool reference_16bit = false;

  bool operator==(const Concatenation&) const = default;
};

struct UserData {
  std::span<const uint8_t> udh;      // including its length octet; empty without UDHI
  std::span<const uint8_t> payload;  // the octets after the UDH
  // The first valid concatenation element. An element with total 0, sequence 0 or
  // sequence > total is ignored, as 23.040 tells receivers to.
  std::optional<Concatenation> concatenation;
};

// The user data of a submit_sm / deliver_sm: short_message, or message_payload when
// short_message is empty (SMPP 3.4 §5.3.2.32: the two are exclusive).
template <class SmBody>
std::span<const uint8_t> UserDataOf(const SmBody& sm) {
  if (!sm.short_message.empty()) return sm.short_message;
  return GetMessagePayload(sm.tlvs).value_or(std::span<const uint8_t>());
}

// Splits `user_data` by esm_class. Errors (code, when UDHI is set):
//   "udh_missing"  no octets at all (sm_length 0 and no message_payload);
//   "udh_length"   the UDH length octet claims more than the user data holds;
//   "udh_element"  an information element runs past the end of the UDH.
Result<UserData> SplitUserData(uint8_t esm_class, std::span<const uint8_t> user_data);

// Concatenation told by the SAR TLVs (sar_msg_ref_num, sar_total_segments,
// sar_segment_seqnum; SMPP 3.4 §5.3.2.22-24): all three present and valid (total ≥ 1,
// 1 ≤ sequence ≤ total), else nullopt. `reference_16bit` is true: the TLV is 16 bits wide.
std::optional<Concatenation> SarConcatenation(const Tlvs& tlvs);

}  // namespace deliverer::smpp
