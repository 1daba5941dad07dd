// libFuzzer target: what a producer's bytes do to the SMPP server's side of a session
// (smppd/session.h), through the streaming decoder as a connection feeds it
// (docs/smpp-server.md "Sessions").
//
// The input is cut into chunks (its first octet says where), as reads would deliver it;
// binds are accepted or refused and submits answered at once or later, as the input's
// octets decide, and some turns try a deliver_sm out. Properties, each an abort:
//   - every PDU the session writes encodes, and decodes back to itself;
//   - every answer answers a request the producer sent (its command and sequence), each
//     request at most once, and a submit only once it was let through or refused;
//   - nothing is written after the session closed;
//   - no bind is let through twice, and no submit before a bind was accepted.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "smpp/codec.h"
#include "smpp/status.h"
#include "smppd/session.h"

namespace deliverer::smppd {
namespace {

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "smpp_server_fuzz: %s\n", why.c_str());
  std::abort();
}

class Harness final : public SessionCallbacks, public smpp::DecoderCallbacks {
 public:
  explicit Harness(std::span<const uint8_t> choices) : choices_(choices), session_(Limits(), *this) {
    session_.OnConnected(now_);
  }

  void Feed(std::span<const uint8_t> bytes) { decoder_.OnData(bytes); }
  void Tick() {
    now_ += Millis(Choice() * 100);
    AnswerSomeSubmits();
    session_.OnTick(now_);
  }
  void End() {
    while (!pending_.empty()) AnswerOne();
    session_.OnDisconnected();
  }

 private:
  static SessionLimits Limits() { return SessionLimits{.window = 3, .deliver_window = 2}; }

  uint8_t Choice() {
    if (choices_.empty()) return 0;
    const uint8_t c = choices_[next_choice_++ % choices_.size()];
    return c;
  }

  // DecoderCallbacks
  void OnPdu(smpp::Pdu&& pdu) override {
    if (!smpp::IsResponse(pdu.header.command_id)) requests_[pdu.header.sequence_number].push_back(pdu.header.command_id);
    session_.OnPdu(std::move(pdu), now_);
    if (Choice() % 4 == 0) TryDeliver();
  }
  void OnMalformed(const smpp::Malformed& malformed) override {
    if (!smpp::IsResponse(malformed.header.command_id)) {
      requests_[malformed.header.sequence_number].push_back(malformed.header.command_id);
    }
    session_.OnMalformed(malformed, now_);
  }
  void OnBrokenFraming(const smpp::BrokenFraming&) override { broken_ = true; }

  // SessionCallbacks
  void Send(const smpp::Pdu& pdu) override {
    if (closed_) Fail("written after close");
    if (!smpp::Validate(pdu).ok()) Fail("a PDU that cannot be encoded");
    const std::vector<uint8_t> wire = smpp::Encode(pdu);
    auto decoded = smpp::Decode(wire);
    auto* whole = std::get_if<smpp::Decoded>(&decoded);
    if (whole == nullptr || whole->bytes_consumed != wire.size()) Fail("a PDU that does not decode back");
    if (!smpp::IsResponse(pdu.header.command_id)) return;  // a deliver_sm out
    const uint32_t seq = pdu.header.sequence_number;
    auto request = requests_.find(seq);
    if (request == requests_.end() || request->second.empty()) Fail("an answer to nothing sent");
    std::vector<uint32_t>& open = request->second;
    // A producer may reuse a sequence number: the answer is to one of the requests open with it.
    // A generic_nack answers at once, so the latest request with that number.
    const bool nack = pdu.header.command_id == smpp::GenericNack::kCommandId;
    auto command = nack ? std::prev(open.end()) : std::find_if(open.begin(), open.end(), [&](uint32_t id) {
      return pdu.header.command_id == (id | smpp::kResponseBit);
    });
    if (command == open.end()) {
      Fail("an answer of another command: " + std::string(smpp::CommandName(pdu.header.command_id)) + " seq " +
           std::to_string(seq) + ", open " + std::to_string(open.size()) + " first " +
           std::string(smpp::CommandName(open.front())));
    }
    open.erase(command);
    if (pending_.contains(seq) && open.empty()) Fail("a submit answered while it was being accepted");
  }
  void Close(std::string_view) override { closed_ = true; }
  void OnBind(const BindRequest& request) override {
    if (bound_) Fail("a second bind let through");
    if (Choice() % 3 == 0) {
      session_.RefuseBind(request, smpp::kEsmeRInvPaswd);
    } else {
      bound_ = true;
      session_.AcceptBind(request, "deliverer");
    }
  }
  void OnSubmit(uint32_t sequence, smpp::Pdu&&) override {
    if (!bound_) Fail("a submit before a bind");
    if (!pending_.insert(sequence).second) Fail("a sequence number taken twice");
    if (Choice() % 2 == 0) AnswerOne();
  }
  void OnDeliverAnswer(uint32_t sequence, uint32_t) override {
    if (!delivered_.erase(sequence)) Fail("an answer to a deliver_sm not out");
  }

  void AnswerOne() {
    if (pending_.empty()) return;
    const uint32_t seq = *pending_.begin();
    pending_.erase(pending_.begin());
    const uint32_t status = Choice() % 2 == 0 ? smpp::kEsmeROk : smpp::kEsmeRThrottled;
    session_.AnswerSubmit(seq, status, "0190a3b4-0000-7000-8000-000000000001");
  }
  void AnswerSomeSubmits() {
    for (uint8_t n = Choice() % 3; n > 0; --n) AnswerOne();
  }
  void TryDeliver() {
    smpp::DeliverSm d;
    d.esm_class = 0x04;
    d.short_message = {'i', 'd', ':', '1'};
    uint32_t seq = 0;
    const bool could = session_.CanDeliver();
    if (session_.Deliver(std::move(d), now_, &seq) != could) Fail("Deliver disagrees with CanDeliver");
    if (could && !delivered_.insert(seq).second) Fail("a deliver_sm sequence number reused while out");
  }

  std::span<const uint8_t> choices_;
  size_t next_choice_ = 0;
  TimePoint now_{Millis(1'000'000)};
  ServerSession session_;
  smpp::Decoder decoder_{*this};
  std::map<uint32_t, std::vector<uint32_t>> requests_;  // sequence → command_ids not yet answered
  std::set<uint32_t> pending_;             // submits let through, not yet answered
  std::set<uint32_t> delivered_;           // deliver_sm out
  bool bound_ = false;
  bool closed_ = false;
  bool broken_ = false;
};

}  // namespace
}  // namespace deliverer::smppd

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first octet cuts the rest into reads; the last 16 octets, when there are more,
  // steer the harness's choices.
  const size_t chunk = data[0] % 64 + 1;
  std::span<const uint8_t> rest(data + 1, size - 1);
  std::span<const uint8_t> choices = rest.size() > 32 ? rest.last(16) : rest;
  deliverer::smppd::Harness harness(choices);
  while (!rest.empty()) {
    const size_t n = std::min(chunk, rest.size());
    harness.Feed(rest.first(n));
    harness.Tick();
    rest = rest.subspan(n);
  }
  harness.End();
  return 0;
}
