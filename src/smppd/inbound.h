#pragma once
// The deliver_sm that hands a producer an inbound message (MO) to its number
// (docs/smpp-server.md "Inbound messages"). Pure, thread-safe.
#include <cstdint>
#include <vector>

#include "smpp/pdu.h"
#include "store/delivery_records.h"

namespace deliverer::smppd {

// The text's octets and data_coding: printable ASCII (and line breaks) as IA5 (0x01), so
// any client reads it; anything else as UCS-2 (0x08, UTF-16BE, surrogate pairs for
// characters past U+FFFF).
struct MoText {
  uint8_t data_coding = 0x01;
  std::vector<uint8_t> octets;
};
MoText EncodeMoText(std::string_view utf8);

// esm_class 0, from the subscriber to the account's number; the text in short_message, or
// in message_payload when it is longer than 254 octets.
smpp::DeliverSm MakeMo(const store::ProducerInboundJob& job);

}  // namespace deliverer::smppd
