#include "sim/mo.h"

#include <algorithm>

#include "text/text.h"

namespace deliverer::sim {
namespace {

constexpr size_t kMaxAddressChars = 20;  // source_addr / destination_addr hold 21 with the NUL
constexpr size_t kShortCodeMaxDigits = 8;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status CheckAddress(std::string_view value, const char* field) {
  if (value.empty() || value.size() > kMaxAddressChars) {
    return Error::Of("invalid_field", std::string(field) + " must hold 1 to 20 characters", field);
  }
  return Status::Ok();
}

smpp::DeliverSm SegmentPdu(const SmppAddress& from, const SmppAddress& to, bool ucs2,
                           const text::Segment& segment) {
  smpp::DeliverSm d;
  d.source_addr_ton = from.ton;
  d.source_addr_npi = from.npi;
  d.source_addr = from.addr;
  d.dest_addr_ton = to.ton;
  d.dest_addr_npi = to.npi;
  d.destination_addr = to.addr;
  d.esm_class = segment.udh.empty() ? 0x00 : 0x40;
  d.data_coding = ucs2 ? 0x08 : 0x00;
  d.short_message = segment.udh;
  d.short_message.insert(d.short_message.end(), segment.payload.begin(), segment.payload.end());
  return d;
}

}  // namespace

SmppAddress ParseAddress(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && AllDigits(text.substr(1))) {
    return {1, 1, std::string(text.substr(1))};
  }
  if (AllDigits(text)) {
    if (text.size() <= kShortCodeMaxDigits) return {3, 0, std::string(text)};
    return {1, 1, std::string(text)};
  }
  return {5, 0, std::string(text)};
}

Result<std::vector<smpp::DeliverSm>> MakeMo(const MoRequest& request, uint16_t reference) {
  if (Status s = CheckAddress(request.from, "from"); !s.ok()) return s.error();
  if (Status s = CheckAddress(request.to, "to"); !s.ok()) return s.error();
  if (request.text.empty()) return Error::Of("invalid_field", "text must not be empty", "text");
  auto encoded = text::Encode(request.text, reference);
  if (!encoded.ok()) return Error::Of("invalid_field", encoded.error().detail, "text");
  const SmppAddress from = ParseAddress(request.from);
  const SmppAddress to = ParseAddress(request.to);
  const bool ucs2 = encoded->encoding == text::Encoding::kUcs2;
  std::vector<smpp::DeliverSm> pdus;
  for (const text::Segment& segment : encoded->segments) {
    pdus.push_back(SegmentPdu(from, to, ucs2, segment));
  }
  return pdus;
}

}  // namespace deliverer::sim
