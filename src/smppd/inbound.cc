#include "smppd/inbound.h"

#include <algorithm>

#include "smpp/tlv.h"
#include "smppd/receipt.h"
#include "text/text.h"

namespace deliverer::smppd {
namespace {

constexpr size_t kMaxShortMessage = 254;

bool PlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7F) || u == '\n' || u == '\r';
  });
}

}  // namespace

MoText EncodeMoText(std::string_view utf8) {
  if (PlainAscii(utf8)) return MoText{0x01, std::vector<uint8_t>(utf8.begin(), utf8.end())};
  return MoText{0x08, text::EncodeUcs2(utf8)};
}

smpp::DeliverSm MakeMo(const store::ProducerInboundJob& job) {
  smpp::DeliverSm d;
  SetAddresses(d, job.from, job.to);
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
