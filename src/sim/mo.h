#pragma once
// Mobile-originated messages the simulator injects (e.g. STOP from a number to a short
// code): the deliver_sm PDUs, esm_class 0, for one text. Pure, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "smpp/pdu.h"

namespace deliverer::sim {

struct SmppAddress {
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string addr;  // as on the wire: no '+'

  bool operator==(const SmppAddress&) const = default;
};

// "+447700900123" → TON 1 NPI 1 "447700900123"; digits only: up to 8 digits a short code
// (TON 3 NPI 0), longer international (TON 1 NPI 1); anything else alphanumeric (TON 5 NPI 0).
SmppAddress ParseAddress(std::string_view text);

struct MoRequest {
  std::string from;
  std::string to;
  std::string text;       // UTF-8
  std::string system_id;  // the binds it may go to; empty: any receiver-capable bind
};

// One deliver_sm per segment: GSM-7 unpacked septets (data_coding 0) when the text fits the
// GSM alphabet, else UCS-2 (data_coding 8); more than one segment carries a UDH (esm_class
// 0x40) with `reference`. Errors: "invalid_field" naming from, to or text.
Result<std::vector<smpp::DeliverSm>> MakeMo(const MoRequest& request, uint16_t reference);

}  // namespace deliverer::sim
