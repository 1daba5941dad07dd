#include "smppd/inbound.h"

#include <algorithm>

#include "common/utf8.h"
#include "smpp/tlv.h"
#include "smppd/receipt.h"

namespace deliverer::smppd {
namespace {

constexpr size_t kMaxShortMessage = 254;

bool PlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7F) || u == '\n' || u == '\r';
  });
}

void AppendUnit(std::vector<uint8_t>& out, uint32_t unit) {
  out.push_back(static_cast<uint8_t>(unit >> 8));
  out.push_back(static_cast<uint8_t>(unit & 0xFF));
}

}  // namespace

MoText EncodeMoText(std::string_view utf8) {
  if (PlainAscii(utf8)) return MoText{0x01, std::vector<uint8_t>(utf8.begin(), utf8.end())};
  MoText out{0x08, {}};
  for (size_t i = 0; i < utf8.size();) {
    const char32_t cp = utf8::Next(utf8, i);
    if (cp > 0xFFFF) {
      const uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
      AppendUnit(out.octets, 0xD800 + (v >> 10));
      AppendUnit(out.octets, 0xDC00 + (v & 0x3FF));
    } else {
      AppendUnit(out.octets, static_cast<uint32_t>(cp));
    }
  }
  return out;
}

smpp::DeliverSm MakeMo(const store::ProducerInboundJob& job) {
  smpp::DeliverSm d;
  const SmppAddress source = SmppAddressOf(job.from);
  const SmppAddress destination = SmppAddressOf(job.to);
  d.source_addr = source.text;
  d.source_addr_ton = source.ton;
  d.source_addr_npi = source.npi;
  d.destination_addr = destination.text;
  d.dest_addr_ton = destination.ton;
  d.dest_addr_npi = destination.npi;
  MoText text = EncodeMoText(job.text);
  d.data_coding = text.data_coding;
  if (text.octets.size() <= kMaxShortMessage) {
    d.short_message = std::move(text.octets);
  } else {
    smpp::AddMessagePayload(d.tlvs, std::span<const uint8_t>(text.octets));
  }
  return d;
}

}  // namespace deliverer::smppd
