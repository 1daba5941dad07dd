#pragma once
// Byte-exact PDUs assembled by hand from the SMPP 3.4 layouts (§4), one line per field.
// tests/fuzz/make_smpp_seeds.py copies every kHex... constant of this file into the
// pdu_fuzz seed corpus, so keep each a single string literal of hex.
#include <string_view>

namespace deliverer::smpp::testing {

// enquire_link, sequence 1 (§4.11.1).
inline constexpr std::string_view kHexEnquireLink =
    "00 00 00 10 | 00 00 00 15 | 00 00 00 00 | 00 00 00 01";

inline constexpr std::string_view kHexEnquireLinkResp =
    "00 00 00 10 | 80 00 00 15 | 00 00 00 00 | 00 00 00 01";

// generic_nack for sequence 5 with ESME_RINVCMDID.
inline constexpr std::string_view kHexGenericNack =
    "00 00 00 10 | 80 00 00 00 | 00 00 00 03 | 00 00 00 05";

inline constexpr std::string_view kHexUnbind =
    "00 00 00 10 | 00 00 00 06 | 00 00 00 00 | 00 00 00 02";

inline constexpr std::string_view kHexUnbindResp =
    "00 00 00 10 | 80 00 00 06 | 00 00 00 00 | 00 00 00 02";

// bind_transmitter (§4.1.1): 16 + 31 = 47 octets.
inline constexpr std::string_view kHexBindTransmitter =
    "00 00 00 2F | 00 00 00 02 | 00 00 00 00 | 00 00 00 01 |"
    "53 4D 50 50 33 54 45 53 54 00 |"  // system_id "SMPP3TEST"
    "73 65 63 72 65 74 30 38 00 |"     // password "secret08" (at its maximum of 9)
    "53 55 42 4D 49 54 31 00 |"        // system_type "SUBMIT1"
    "34 |"                             // interface_version 3.4
    "01 | 01 |"                        // addr_ton, addr_npi
    "00";                              // address_range ""

// bind_receiver with the same fields as above but address_range "^44".
inline constexpr std::string_view kHexBindReceiver =
    "00 00 00 32 | 00 00 00 01 | 00 00 00 00 | 00 00 00 02 |"
    "53 4D 50 50 33 54 45 53 54 00 |"
    "73 65 63 72 65 74 30 38 00 |"
    "53 55 42 4D 49 54 31 00 |"
    "34 | 01 | 01 |"
    "5E 34 34 00";

// bind_transceiver with empty system_type.
inline constexpr std::string_view kHexBindTransceiver =
    "00 00 00 28 | 00 00 00 09 | 00 00 00 00 | 00 00 00 03 |"
    "53 4D 50 50 33 54 45 53 54 00 |"
    "73 65 63 72 65 74 30 38 00 |"
    "00 |"
    "34 | 00 | 00 |"
    "00";

// bind_transmitter_resp (§4.1.2): system_id "SMSC" + sc_interface_version 0x34.
inline constexpr std::string_view kHexBindTransmitterResp =
    "00 00 00 1A | 80 00 00 02 | 00 00 00 00 | 00 00 00 01 |"
    "53 4D 53 43 00 |"
    "02 10 | 00 01 | 34";

// bind_receiver_resp without the TLV.
inline constexpr std::string_view kHexBindReceiverResp =
    "00 00 00 15 | 80 00 00 01 | 00 00 00 00 | 00 00 00 02 |"
    "53 4D 53 43 00";

// bind_transceiver_resp refusing the password (ESME_RINVPASWD) with no body (§4.1.2).
inline constexpr std::string_view kHexBindTransceiverRespRefused =
    "00 00 00 10 | 80 00 00 09 | 00 00 00 0E | 00 00 00 03";

// submit_sm (§4.4.1) with SAR TLVs and a user_message_reference: 16 + 81 = 97 octets.
inline constexpr std::string_view kHexSubmitSm =
    "00 00 00 61 | 00 00 00 04 | 00 00 00 00 | 00 00 00 07 |"
    "00 |"                                                  // service_type ""
    "05 | 00 |"                                             // source TON 5 (alphanumeric), NPI 0
    "44 65 6C 69 76 65 72 65 72 00 |"                       // source_addr "Deliverer"
    "01 | 01 |"                                             // dest TON 1, NPI 1
    "34 34 37 37 30 30 39 30 30 31 32 33 00 |"              // destination_addr "447700900123"
    "00 | 00 | 00 |"                                        // esm_class, protocol_id, priority_flag
    "00 |"                                                  // schedule_delivery_time ""
    "30 30 30 30 30 31 30 30 30 30 30 30 30 30 30 52 00 |"  // validity "000001000000000R"
    "01 | 00 | 00 | 00 |"      // registered_delivery, replace_if_present, data_coding, default_msg
    "05 | 48 65 6C 6C 6F |"    // sm_length 5, "Hello"
    "02 04 | 00 02 | 00 2A |"  // user_message_reference 42
    "02 0C | 00 02 | 12 34 |"  // sar_msg_ref_num 0x1234
    "02 0E | 00 01 | 02 |"     // sar_total_segments 2
    "02 0F | 00 01 | 01";      // sar_segment_seqnum 1

// submit_sm_resp (§4.4.2) with message_id "0123456789abcdef".
inline constexpr std::string_view kHexSubmitSmResp =
    "00 00 00 21 | 80 00 00 04 | 00 00 00 00 | 00 00 00 07 |"
    "30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 00";

// submit_sm_resp with ESME_RINVDSTADR and no body.
inline constexpr std::string_view kHexSubmitSmRespError =
    "00 00 00 10 | 80 00 00 04 | 00 00 00 0B | 00 00 00 07";

// deliver_sm (§4.6.1) carrying a delivery receipt: esm_class 0x04, the text form in
// short_message, and receipted_message_id + message_state TLVs.
inline constexpr std::string_view kHexDeliverSmReceipt =
    "00 00 00 A4 | 00 00 00 05 | 00 00 00 00 | 00 00 00 09 |"
    "00 |"  // service_type ""
    "01 | 01 |"
    "34 34 37 37 30 30 39 30 30 31 32 33 00 |"  // source_addr (the handset)
    "05 | 00 |"
    "44 65 6C 69 76 65 72 65 72 00 |"  // destination_addr (our sender)
    "04 | 00 | 00 |"                   // esm_class: SMSC delivery receipt
    "00 | 00 |"                        // schedule, validity: NULL
    "00 | 00 | 00 | 00 |"
    "60 |"  // sm_length 96
    "69 64 3A 36 36 39 39 20 73 75 62 3A 30 30 31 20 64 6C 76 72 64 3A 30 30 31 20 |"
    // "id:6699 sub:001 dlvrd:001 "
    "73 75 62 6D 69 74 20 64 61 74 65 3A 32 35 30 31 30 32 31 32 33 34 20 |"
    // "submit date:2501021234 "
    "64 6F 6E 65 20 64 61 74 65 3A 32 35 30 31 30 32 31 32 33 35 20 |"
    // "done date:2501021235 "
    "73 74 61 74 3A 44 45 4C 49 56 52 44 20 65 72 72 3A 30 30 30 20 74 65 78 74 3A |"
    // "stat:DELIVRD err:000 text:"
    "00 1E | 00 05 | 31 41 32 42 00 |"  // receipted_message_id "1A2B"
    "04 27 | 00 01 | 02";               // message_state DELIVERED

// deliver_sm_resp (§4.6.2): message_id unused, NULL.
inline constexpr std::string_view kHexDeliverSmResp =
    "00 00 00 11 | 80 00 00 05 | 00 00 00 00 | 00 00 00 09 |"
    "00";

}  // namespace deliverer::smpp::testing
