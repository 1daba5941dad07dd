#pragma once
// The one table of SMPP 3.4 commands and their mandatory fields (docs/smpp-mapping.md).
// pdu.h generates the body structs from it and codec.cc generates the encoder, the
// decoder and the validator from the same rows, so a field cannot be added to one
// without the others.
//
// A field row is F(kind, name, max_octets, status_if_invalid):
//   kind      CString      C-octet string; max_octets counts the NUL terminator
//                          (SMPP 3.4 §3.1), so system_id holds at most 15 characters.
//             OptCString   a C-octet string that may be absent when the body ends there:
//                          responses carrying an error status have no body (§4.4.2).
//             Octet        a 1-octet integer; the codec does not range-check its value.
//             ShortMessage sm_length (1 octet, 0..254) then that many octets.
//             TlvList      optional parameters (TLVs) up to the end of the PDU.
//   status_if_invalid      the command_status a decoder reports when this field is too
//                          long (the SMPP 3.4 code for that field where one exists).
//
// A command row is C(TypeName, "wire_name", command_id, FIELD_LIST) where FIELD_LIST
// names one of the DELIVERER_SMPP_<FIELD_LIST>_FIELDS macros below.
//
// Extension beyond SMPP 3.4: submit_sm_resp and deliver_sm_resp accept TLVs after
// message_id, as SMPP 5.0 allows (e.g. additional_status_info_text). They are empty on
// a 3.4 peer and re-encode unchanged.

#define DELIVERER_SMPP_NONE_FIELDS(F)

#define DELIVERER_SMPP_BIND_FIELDS(F)     \
  F(CString, system_id, 16, 0x0000000F)   \
  F(CString, password, 9, 0x0000000E)     \
  F(CString, system_type, 13, 0x00000053) \
  F(Octet, interface_version, 1, 0)       \
  F(Octet, addr_ton, 1, 0)                \
  F(Octet, addr_npi, 1, 0)                \
  F(CString, address_range, 41, 0x0000000D)

#define DELIVERER_SMPP_BIND_RESP_FIELDS(F) \
  F(OptCString, system_id, 16, 0x0000000F) \
  F(TlvList, tlvs, 0, 0x000000C0)

#define DELIVERER_SMPP_SM_FIELDS(F)                  \
  F(CString, service_type, 6, 0x00000015)            \
  F(Octet, source_addr_ton, 1, 0)                    \
  F(Octet, source_addr_npi, 1, 0)                    \
  F(CString, source_addr, 21, 0x0000000A)            \
  F(Octet, dest_addr_ton, 1, 0)                      \
  F(Octet, dest_addr_npi, 1, 0)                      \
  F(CString, destination_addr, 21, 0x0000000B)       \
  F(Octet, esm_class, 1, 0)                          \
  F(Octet, protocol_id, 1, 0)                        \
  F(Octet, priority_flag, 1, 0)                      \
  F(CString, schedule_delivery_time, 17, 0x00000061) \
  F(CString, validity_period, 17, 0x00000062)        \
  F(Octet, registered_delivery, 1, 0)                \
  F(Octet, replace_if_present_flag, 1, 0)            \
  F(Octet, data_coding, 1, 0)                        \
  F(Octet, sm_default_msg_id, 1, 0)                  \
  F(ShortMessage, short_message, 254, 0x00000001)    \
  F(TlvList, tlvs, 0, 0x000000C0)

// data_sm (SMPP 3.4 §4.7.1): addresses up to 64 characters, no short_message (the text
// rides in message_payload).
#define DELIVERER_SMPP_DATA_SM_FIELDS(F)       \
  F(CString, service_type, 6, 0x00000015)      \
  F(Octet, source_addr_ton, 1, 0)              \
  F(Octet, source_addr_npi, 1, 0)              \
  F(CString, source_addr, 65, 0x0000000A)      \
  F(Octet, dest_addr_ton, 1, 0)                \
  F(Octet, dest_addr_npi, 1, 0)                \
  F(CString, destination_addr, 65, 0x0000000B) \
  F(Octet, esm_class, 1, 0)                    \
  F(Octet, registered_delivery, 1, 0)          \
  F(Octet, data_coding, 1, 0)                  \
  F(TlvList, tlvs, 0, 0x000000C0)

#define DELIVERER_SMPP_SM_RESP_FIELDS(F)    \
  F(OptCString, message_id, 65, 0x0000000C) \
  F(TlvList, tlvs, 0, 0x000000C0)

#define DELIVERER_SMPP_COMMANDS(C)                                        \
  C(GenericNack, "generic_nack", 0x80000000u, NONE)                       \
  C(BindReceiver, "bind_receiver", 0x00000001u, BIND)                     \
  C(BindReceiverResp, "bind_receiver_resp", 0x80000001u, BIND_RESP)       \
  C(BindTransmitter, "bind_transmitter", 0x00000002u, BIND)               \
  C(BindTransmitterResp, "bind_transmitter_resp", 0x80000002u, BIND_RESP) \
  C(SubmitSm, "submit_sm", 0x00000004u, SM)                               \
  C(SubmitSmResp, "submit_sm_resp", 0x80000004u, SM_RESP)                 \
  C(DeliverSm, "deliver_sm", 0x00000005u, SM)                             \
  C(DeliverSmResp, "deliver_sm_resp", 0x80000005u, SM_RESP)               \
  C(Unbind, "unbind", 0x00000006u, NONE)                                  \
  C(UnbindResp, "unbind_resp", 0x80000006u, NONE)                         \
  C(BindTransceiver, "bind_transceiver", 0x00000009u, BIND)               \
  C(BindTransceiverResp, "bind_transceiver_resp", 0x80000009u, BIND_RESP) \
  C(EnquireLink, "enquire_link", 0x00000015u, NONE)                       \
  C(EnquireLinkResp, "enquire_link_resp", 0x80000015u, NONE)             \
  C(DataSm, "data_sm", 0x00000103u, DATA_SM)                              \
  C(DataSmResp, "data_sm_resp", 0x80000103u, SM_RESP)
