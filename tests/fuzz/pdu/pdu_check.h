#pragma once
// The properties pdu_fuzz checks, shared with the unit test that replays the corpus in
// every `make test`. Each Check* returns "" when the property holds, else what broke.
//   1. Decode never reads or allocates past what the outcome allows: consumed octets
//      equal command_length, lie within the buffer and the limit; NeedMore asks for more
//      than the buffer holds; BrokenFraming only for a length < 16 or over the limit.
//   2. A decoded PDU validates, encodes to exactly the octets it came from, and decodes
//      again to an equal PDU.
//   3. The streaming Decoder, fed in chunks, reports the same outcomes as Decode.
//   4. Receipt and UDH parsing of a decoded deliver_sm / submit_sm never misbehaves.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "smpp/codec.h"
#include "smpp/deliver_receipt.h"
#include "smpp/udh.h"

namespace deliverer::smpp::fuzz {

inline std::string Describe(const DecodeResult& r) {
  if (auto* d = std::get_if<Decoded>(&r)) {
    return "pdu " + std::to_string(d->pdu.command_id()) + "/" +
           std::to_string(d->pdu.header.sequence_number) + "/" + std::to_string(d->bytes_consumed);
  }
  if (auto* m = std::get_if<Malformed>(&r)) {
    return "malformed " + std::to_string(m->status) + "/" + std::to_string(m->bytes_consumed);
  }
  if (auto* b = std::get_if<BrokenFraming>(&r))
    return "broken " + std::to_string(b->command_length);
  return "need " + std::to_string(std::get<NeedMore>(r).min_total);
}

inline std::string CheckUserData(const Body& body) {
  auto check = [](const auto& sm) {
    auto split = SplitUserData(sm.esm_class, UserDataOf(sm));
    if (split.ok() && split->udh.size() + split->payload.size() != UserDataOf(sm).size()) {
      return std::string("UDH split lost octets");
    }
    return std::string();
  };
  if (auto* sm = std::get_if<SubmitSm>(&body)) return check(*sm);
  if (auto* sm = std::get_if<DeliverSm>(&body)) {
    auto receipt = ParseReceipt(*sm);
    if (receipt.ok() && receipt->message_id.empty()) return "receipt without id accepted";
    return check(*sm);
  }
  return "";
}

inline std::string CheckDecoded(std::span<const uint8_t> rest, const Decoded& d, size_t max) {
  size_t n = d.bytes_consumed;
  if (n != d.pdu.header.command_length || n < 16 || n > max || n > rest.size()) {
    return "Decoded consumed " + std::to_string(n) + " octets";
  }
  Status valid = Validate(d.pdu);
  if (!valid.ok()) return "decoded PDU does not validate: " + valid.error().detail;
  std::vector<uint8_t> again = Encode(d.pdu);
  if (!std::equal(again.begin(), again.end(), rest.begin(), rest.begin() + n) ||
      again.size() != n) {
    return "re-encoding differs from the input";
  }
  DecodeResult redecoded = Decode(again, max);
  auto* d2 = std::get_if<Decoded>(&redecoded);
  if (d2 == nullptr || !(d2->pdu == d.pdu)) return "re-decoding differs";
  return CheckUserData(d.pdu.body);
}

inline std::string CheckOutcome(std::span<const uint8_t> rest, const DecodeResult& r, size_t max) {
  if (auto* d = std::get_if<Decoded>(&r)) return CheckDecoded(rest, *d, max);
  if (auto* m = std::get_if<Malformed>(&r)) {
    size_t n = m->bytes_consumed;
    bool ok =
        n == m->header.command_length && n >= 16 && n <= max && n <= rest.size() && m->status != 0;
    return ok ? "" : "bad Malformed";
  }
  if (auto* b = std::get_if<BrokenFraming>(&r)) {
    bool ok = rest.size() >= 4 && (b->command_length < 16 || b->command_length > max);
    return ok ? "" : "bad BrokenFraming";
  }
  size_t need = std::get<NeedMore>(r).min_total;
  return (need > rest.size() && (need == 4 || need <= max)) ? "" : "bad NeedMore";
}

// Decodes every frame of `data`, checking each; fills `outcomes`.
inline std::string CheckDirect(std::span<const uint8_t> data, size_t max,
                               std::vector<std::string>& outcomes) {
  size_t at = 0;
  while (true) {
    DecodeResult r = Decode(data.subspan(at), max);
    if (std::string problem = CheckOutcome(data.subspan(at), r, max); !problem.empty()) {
      return problem + " at offset " + std::to_string(at);
    }
    if (std::holds_alternative<NeedMore>(r)) return "";
    outcomes.push_back(Describe(r));
    if (std::holds_alternative<BrokenFraming>(r)) return "";
    at += std::holds_alternative<Decoded>(r) ? std::get<Decoded>(r).bytes_consumed
                                             : std::get<Malformed>(r).bytes_consumed;
  }
}

class OutcomeRecorder : public DecoderCallbacks {
 public:
  void OnPdu(Pdu&& pdu) override {
    size_t n = pdu.header.command_length;
    outcomes.push_back(Describe(Decoded{std::move(pdu), n}));
  }
  void OnMalformed(const Malformed& m) override { outcomes.push_back(Describe(m)); }
  void OnBrokenFraming(const BrokenFraming& b) override { outcomes.push_back(Describe(b)); }
  std::vector<std::string> outcomes;
};

inline std::string CheckStream(std::span<const uint8_t> data, size_t max,
                               const std::vector<std::string>& expected) {
  OutcomeRecorder recorder;
  Decoder decoder(recorder, max);
  size_t chunk = data.empty() ? 1 : data[0] % 17 + 1;
  for (size_t at = 0; at < data.size(); at += chunk) {
    decoder.OnData(data.subspan(at, std::min(chunk, data.size() - at)));
  }
  if (recorder.outcomes != expected) return "stream decoding differs from Decode";
  if (!decoder.broken() && decoder.buffered() >= max) return "Decoder buffered a whole limit";
  return "";
}

inline std::string CheckPduInput(std::span<const uint8_t> data) {
  for (size_t max : {kDefaultMaxPduLength, size_t{256}}) {
    std::vector<std::string> outcomes;
    if (std::string p = CheckDirect(data, max, outcomes); !p.empty()) return p;
    if (std::string p = CheckStream(data, max, outcomes); !p.empty()) return p;
  }
  return "";
}

}  // namespace deliverer::smpp::fuzz
