#pragma once
// SMPP 3.4 PDU types: the lowest of the three SMPP layers (docs/smpp-mapping.md). Pure value
// types generated from pdu_table.h; no I/O. Thread-compatible.
//
// A Pdu is a header plus one body alternative per command. Fields keep exactly what the
// wire carried (C-octet strings without their NUL, short_message as raw octets, TLVs in
// order), so Decode followed by Encode reproduces the input byte for byte.
// The codec checks structure and lengths only; field values (TON, esm_class bits,
// time formats) are for the session and carrier layers to judge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "smpp/pdu_table.h"
#include "smpp/tlv.h"

namespace deliverer::smpp {

inline constexpr uint32_t kResponseBit = 0x80000000u;
inline constexpr size_t kHeaderLength = 16;
inline constexpr uint8_t kInterfaceVersion34 = 0x34;
// Sequence numbers run 0x00000001..0x7FFFFFFF (SMPP 3.4 §3.2).
inline constexpr uint32_t kMaxSequenceNumber = 0x7FFFFFFFu;

// The field kinds of pdu_table.h.
using CString = std::string;
using OptCString = std::optional<std::string>;
using Octet = uint8_t;
using ShortMessage = std::vector<uint8_t>;
using TlvList = Tlvs;

// What the table says about one field; handed to field visitors.
struct FieldSpec {
  std::string_view name;
  uint16_t max_octets = 0;      // CString/OptCString: including the NUL
  uint32_t invalid_status = 0;  // command_status reported when the field is too long
};

struct Header {
  uint32_t command_length = 0;  // filled by Decode; Encode computes it
  uint32_t command_id = 0;      // filled by Decode and MakePdu; Encode takes it from the body
  uint32_t command_status = 0;
  uint32_t sequence_number = 0;

  bool operator==(const Header&) const = default;
};

// Each body struct has kCommandId, kName, one member per field row, and
// VisitFields(self, visitor), which calls visitor(field, FieldSpec) for each field in
// wire order (const or not, as `self` is).
// clang-format off
#define DELIVERER_SMPP_MEMBER(kind, name, max, status) kind name{};
#define DELIVERER_SMPP_VISIT(kind, name, max, status) \
  visitor(self.name, FieldSpec{#name, max, status});
#define DELIVERER_SMPP_BODY(Type, wire_name, id, FIELDS)                                  \
  struct Type {                                                                           \
    static constexpr uint32_t kCommandId = id;                                            \
    static constexpr std::string_view kName = wire_name;                                  \
    DELIVERER_SMPP_##FIELDS##_FIELDS(DELIVERER_SMPP_MEMBER)                               \
    template <class Self, class Visitor>                                                  \
    static void VisitFields([[maybe_unused]] Self& self,                                  \
                            [[maybe_unused]] Visitor& visitor) {                          \
      DELIVERER_SMPP_##FIELDS##_FIELDS(DELIVERER_SMPP_VISIT)                              \
    }                                                                                     \
    bool operator==(const Type&) const = default;                                         \
  };
// clang-format on
DELIVERER_SMPP_COMMANDS(DELIVERER_SMPP_BODY)
#undef DELIVERER_SMPP_BODY
#undef DELIVERER_SMPP_VISIT
#undef DELIVERER_SMPP_MEMBER

namespace internal {
template <class Ignored, class... Bodies>
using VariantOfRest = std::variant<Bodies...>;
}  // namespace internal

// One alternative per row of DELIVERER_SMPP_COMMANDS, in table order.
#define DELIVERER_SMPP_AS_TYPE(Type, wire_name, id, FIELDS) , Type
using Body = internal::VariantOfRest<void DELIVERER_SMPP_COMMANDS(DELIVERER_SMPP_AS_TYPE)>;
#undef DELIVERER_SMPP_AS_TYPE

struct Pdu {
  Header header;
  Body body;

  uint32_t command_id() const;
  bool operator==(const Pdu&) const = default;
};

// A PDU with header.command_id taken from the body.
Pdu MakePdu(Body body, uint32_t sequence_number, uint32_t command_status = 0);
// generic_nack answering a PDU that could not be decoded (its sequence number, if known).
Pdu MakeGenericNack(uint32_t sequence_number, uint32_t command_status);

// The command_id of a body alternative.
uint32_t CommandIdOf(const Body& body);
bool IsKnownCommandId(uint32_t command_id);
inline bool IsResponse(uint32_t command_id) { return (command_id & kResponseBit) != 0; }
// "submit_sm"; "" for an unknown id.
std::string_view CommandName(uint32_t command_id);

// The sequence number after `current`: wraps from 0x7FFFFFFF back to 1 and never
// yields 0 or a value above 0x7FFFFFFF.
uint32_t NextSequenceNumber(uint32_t current);

// Whether the PDU can be encoded as SMPP 3.4 requires: C-strings within their
// maximum and without an embedded NUL, short_message at most 254 octets, TLV values at
// most 65535 octets, nothing after an absent optional message_id/system_id.
// Errors have code "invalid_pdu" and the field name in `field`.
Status Validate(const Pdu& pdu);

}  // namespace deliverer::smpp
