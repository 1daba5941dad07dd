#pragma once
// CarrierSubmit → submit_sm PDUs, one per segment (docs/smpp-mapping.md "submit_sm
// fields"). Pure.
//   source: alphanumeric → TON 5 NPI 0; E.164 → TON 1 NPI 1 (without '+');
//           short code → TON 3 NPI 0 — each overridable per carrier;
//   destination: TON 1 NPI 1 (without '+');
//   data_coding: GSM-7 → 0 (some carriers want 1), UCS-2 → 8; a flash message adds
//           message class 0 (0x10 / 0x18);
//   esm_class 0x40 when the segment carries a UDH; registered_delivery 1 for a receipt;
//   validity_period in the relative form from the remaining TTL.
#include <string>
#include <vector>

#include "carriers/carrier.h"
#include "smpp/pdu.h"

namespace deliverer::carriers::smpp {

struct Addressing {
  uint8_t alnum_ton = 5, alnum_npi = 0;
  uint8_t e164_ton = 1, e164_npi = 1;
  uint8_t short_ton = 3, short_npi = 0;
  uint8_t dest_ton = 1, dest_npi = 1;
  uint8_t data_coding_gsm7 = 0;
  std::string service_type;
};

std::vector<deliverer::smpp::SubmitSm> BuildSubmits(const CarrierSubmit& submit,
                                                    const Addressing& addressing);

// SMPP 3.4 §7.1.1 relative time "YYMMDDhhmmss000R"; seconds are clamped to 99 years.
std::string RelativeValidity(int64_t seconds);

}  // namespace deliverer::carriers::smpp
