#pragma once
// SMPP optional parameters (TLVs, SMPP 3.4 §5.3). Pure value types, thread-compatible.
//
// A PDU keeps its TLVs as an ordered list of (tag, value bytes), exactly as received:
// unknown tags (vendor ranges such as 0x1400–0x3FFF) and duplicates are kept in order,
// so a decoded PDU re-encodes byte for byte. Typed accessors read the FIRST occurrence
// of a tag and answer std::nullopt when it is absent or its length does not fit the
// type (tolerance: a malformed known TLV never makes the whole PDU unreadable).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deliverer::smpp {

struct Tlv {
  uint16_t tag = 0;
  std::vector<uint8_t> value;  // at most 65535 octets on the wire

  bool operator==(const Tlv&) const = default;
};

// network_error_code (0x0423): 1 octet network type (1 ANSI-136, 2 IS-95, 3 GSM, ...)
// then a 2-octet error code.
struct NetworkError {
  uint8_t network_type = 0;
  uint16_t error_code = 0;

  bool operator==(const NetworkError&) const = default;
};

class Tlvs {
 public:
  Tlvs() = default;
  Tlvs(std::initializer_list<Tlv> entries) : entries_(entries) {}

  const std::vector<Tlv>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  // The first TLV with `tag`, or nullptr. The pointer lives until the list changes.
  const Tlv* Find(uint16_t tag) const;

  // Integers are big-endian and must have exactly their width.
  std::optional<uint8_t> GetU8(uint16_t tag) const;
  std::optional<uint16_t> GetU16(uint16_t tag) const;
  std::optional<uint32_t> GetU32(uint16_t tag) const;
  // A C-octet string: the octets before the first NUL, or all of them when a (lenient)
  // peer omitted the terminator.
  std::optional<std::string> GetCString(uint16_t tag) const;
  std::optional<std::span<const uint8_t>> GetOctets(uint16_t tag) const;
  std::optional<NetworkError> GetNetworkError(uint16_t tag) const;
  // Present with length 0 (e.g. alert_on_message_delivery).
  bool GetFlag(uint16_t tag) const { return Find(tag) != nullptr; }

  // Appends (never replaces): the order of Add calls is the order on the wire.
  void Add(uint16_t tag, std::vector<uint8_t> value);
  void AddU8(uint16_t tag, uint8_t value);
  void AddU16(uint16_t tag, uint16_t value);
  void AddU32(uint16_t tag, uint32_t value);
  void AddCString(uint16_t tag, std::string_view value);  // appends the NUL
  void AddOctets(uint16_t tag, std::span<const uint8_t> value);
  void AddNetworkError(uint16_t tag, NetworkError value);
  void AddFlag(uint16_t tag) { Add(tag, {}); }

  bool operator==(const Tlvs&) const = default;

 private:
  std::vector<Tlv> entries_;
};

// Known tags: T(Name, wire_name, tag, Kind). Kind names the Tlvs getter/adder used by
// the generated helpers Get<Name>(tlvs) and Add<Name>(tlvs, value).
#define DELIVERER_SMPP_TLVS(T)                                                \
  T(DestAddrSubunit, "dest_addr_subunit", 0x0005, U8)                         \
  T(DestNetworkType, "dest_network_type", 0x0006, U8)                         \
  T(DestBearerType, "dest_bearer_type", 0x0007, U8)                           \
  T(DestTelematicsId, "dest_telematics_id", 0x0008, U16)                      \
  T(SourceAddrSubunit, "source_addr_subunit", 0x000D, U8)                     \
  T(SourceNetworkType, "source_network_type", 0x000E, U8)                     \
  T(SourceBearerType, "source_bearer_type", 0x000F, U8)                       \
  T(SourceTelematicsId, "source_telematics_id", 0x0010, U8)                   \
  T(QosTimeToLive, "qos_time_to_live", 0x0017, U32)                           \
  T(PayloadType, "payload_type", 0x0019, U8)                                  \
  T(AdditionalStatusInfoText, "additional_status_info_text", 0x001D, CString) \
  T(ReceiptedMessageId, "receipted_message_id", 0x001E, CString)              \
  T(MsMsgWaitFacilities, "ms_msg_wait_facilities", 0x0030, U8)                \
  T(PrivacyIndicator, "privacy_indicator", 0x0201, U8)                        \
  T(SourceSubaddress, "source_subaddress", 0x0202, Octets)                    \
  T(DestSubaddress, "dest_subaddress", 0x0203, Octets)                        \
  T(UserMessageReference, "user_message_reference", 0x0204, U16)              \
  T(UserResponseCode, "user_response_code", 0x0205, U8)                       \
  T(SourcePort, "source_port", 0x020A, U16)                                   \
  T(DestinationPort, "destination_port", 0x020B, U16)                         \
  T(SarMsgRefNum, "sar_msg_ref_num", 0x020C, U16)                             \
  T(LanguageIndicator, "language_indicator", 0x020D, U8)                      \
  T(SarTotalSegments, "sar_total_segments", 0x020E, U8)                       \
  T(SarSegmentSeqnum, "sar_segment_seqnum", 0x020F, U8)                       \
  T(ScInterfaceVersion, "sc_interface_version", 0x0210, U8)                   \
  T(CallbackNumPresInd, "callback_num_pres_ind", 0x0302, U8)                  \
  T(CallbackNumAtag, "callback_num_atag", 0x0303, Octets)                     \
  T(NumberOfMessages, "number_of_messages", 0x0304, U8)                       \
  T(CallbackNum, "callback_num", 0x0381, Octets)                              \
  T(DpfResult, "dpf_result", 0x0420, U8)                                      \
  T(SetDpf, "set_dpf", 0x0421, U8)                                            \
  T(MsAvailabilityStatus, "ms_availability_status", 0x0422, U8)               \
  T(NetworkErrorCode, "network_error_code", 0x0423, NetworkError)             \
  T(MessagePayload, "message_payload", 0x0424, Octets)                        \
  T(DeliveryFailureReason, "delivery_failure_reason", 0x0425, U8)             \
  T(MoreMessagesToSend, "more_messages_to_send", 0x0426, U8)                  \
  T(MessageState, "message_state", 0x0427, U8)                                \
  T(UssdServiceOp, "ussd_service_op", 0x0501, U8)                             \
  T(DisplayTime, "display_time", 0x1201, U8)                                  \
  T(SmsSignal, "sms_signal", 0x1203, U16)                                     \
  T(MsValidity, "ms_validity", 0x1204, U8)                                    \
  T(AlertOnMessageDelivery, "alert_on_message_delivery", 0x130C, Flag)        \
  T(ItsReplyType, "its_reply_type", 0x1380, U8)                               \
  T(ItsSessionInfo, "its_session_info", 0x1383, Octets)                       \
  /* Vendor-specific (0x1400-0x3FFF): the gateway's idempotency key for producers'  \
     submits, docs/smpp-server.md "Sending again". */                           \
  T(DelivererMessageId, "deliverer_message_id", 0x1D00, CString)

namespace tlv {
#define DELIVERER_SMPP_TLV_TAG(Name, wire_name, tag, Kind) inline constexpr uint16_t k##Name = tag;
DELIVERER_SMPP_TLVS(DELIVERER_SMPP_TLV_TAG)
#undef DELIVERER_SMPP_TLV_TAG
}  // namespace tlv

// Typed helpers, e.g. GetReceiptedMessageId(tlvs) -> std::optional<std::string>,
// GetSarMsgRefNum(tlvs) -> std::optional<uint16_t>, AddMessageState(tlvs, 2).
#define DELIVERER_SMPP_TLV_ACCESSORS(Name, wire_name, tag, Kind)          \
  inline auto Get##Name(const Tlvs& tlvs) { return tlvs.Get##Kind(tag); } \
  template <class... V>                                                   \
  void Add##Name(Tlvs& tlvs, V&&... value) {                              \
    tlvs.Add##Kind(tag, std::forward<V>(value)...);                       \
  }
DELIVERER_SMPP_TLVS(DELIVERER_SMPP_TLV_ACCESSORS)
#undef DELIVERER_SMPP_TLV_ACCESSORS

// "receipted_message_id" for a known tag; "" otherwise (log the number then).
std::string_view TlvName(uint16_t tag);

}  // namespace deliverer::smpp
