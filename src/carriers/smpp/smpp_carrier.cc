#include "carriers/smpp/smpp_carrier.h"

#include <boost/asio/post.hpp>

#include "carriers/carrier_receipt.h"
#include "carriers/smpp/bind_choice.h"
#include "common/log.h"
#include "common/mask.h"
#include "common/utf8.h"
#include "smpp/deliver_receipt.h"
#include "smpp/status.h"
#include "smpp/udh.h"
#include "text/text.h"

namespace deliverer::carriers::smpp {

namespace asio = boost::asio;
namespace wire = deliverer::smpp;

namespace {
constexpr std::string_view kComponent = "carrier";
// Segment index in the low bits of a session SubmitId (at most 10 segments per message).
constexpr int kSegmentBits = 4;

std::string DecodeText(const wire::DeliverSm& pdu) {
  std::span<const uint8_t> octets(pdu.short_message);
  if (octets.empty()) {
    if (auto payload = pdu.tlvs.GetOctets(0x0424)) octets = *payload;  // message_payload
  }
  if ((pdu.esm_class & 0x40) != 0 && !octets.empty() && octets[0] + 1u <= octets.size()) {
    octets = octets.subspan(octets[0] + 1u);  // skip the UDH
  }
  return text::DecodeUserText(pdu.data_coding, octets);
}

// A part of a concatenated MO, by its UDH or else its SAR TLVs; nullopt for a whole
// message (a set of one included) and for concatenation info that is not valid, which is
// then taken as a message of its own rather than refused.
std::optional<InboundConcat> ConcatOf(const wire::DeliverSm& pdu) {
  std::optional<wire::Concatenation> c;
  if (auto data = wire::SplitUserData(pdu.esm_class, wire::UserDataOf(pdu)); data.ok()) {
    c = data->concatenation;
  }
  if (!c) c = wire::SarConcatenation(pdu.tlvs);
  if (!c || c->total < 2) return std::nullopt;
  return InboundConcat{c->reference, c->total, c->sequence};
}

}  // namespace

// One bind (or transmitter + receiver pair): its clients and their session callbacks.
class SmppCarrier::Link final : public wire::SessionHandler {
 public:
  explicit Link(SmppCarrier& carrier) : carrier_(carrier) {}

  void OnBound() override {
    ++up_;
    carrier_.OnLinkChange();
  }
  void OnUnbound() override {
    --up_;
    carrier_.OnLinkChange();
  }
  void OnSubmitDone(wire::SubmitId id, wire::SubmitOutcome&& outcome) override {
    carrier_.OnSegmentDone(id, std::move(outcome));
  }
  void OnDeliverSm(wire::DeliverRef ref, wire::DeliverSm&& pdu) override {
    carrier_.OnDeliverSm(*this, ref, std::move(pdu));
  }

  // Where deliver_sm arrive: the transceiver, or the receiver of a pair.
  std::shared_ptr<wire::net::SmppClient> receiving_;
  std::shared_ptr<wire::net::SmppClient> sending_;
  int up_ = 0;  // sessions of this link that are bound (2 for a bound pair)

 private:
  SmppCarrier& carrier_;
};

SmppCarrier::SmppCarrier(asio::any_io_executor executor, SmppCarrierOptions options,
                         CarrierListener& listener, const Clock& clock)
    : executor_(executor), options_(std::move(options)), listener_(listener), rate_(options_.tps) {
  for (int i = 0; i < std::max(1, options_.binds); ++i) {
    auto link = std::make_unique<Link>(*this);
    auto make = [&](wire::BindMode mode, std::string_view suffix) {
      wire::SessionConfig session = options_.session;
      session.bind_mode = mode;
      return std::make_shared<wire::net::SmppClient>(
          executor, fmt::format("{}#{}{}", options_.id, i + 1, suffix), options_.endpoint, session,
          rate_, *link, clock, static_cast<uint64_t>(clock.NowUnixMillis()) + i);
    };
    if (options_.transmitter_receiver) {
      link->sending_ = make(wire::BindMode::kTransmitter, "tx");
      link->receiving_ = make(wire::BindMode::kReceiver, "rx");
    } else {
      link->sending_ = link->receiving_ = make(wire::BindMode::kTransceiver, "");
    }
    links_.push_back(std::move(link));
  }
}

SmppCarrier::~SmppCarrier() = default;

void SmppCarrier::Start() {
  for (auto& link : links_) {
    link->sending_->Start();
    if (link->receiving_ != link->sending_) link->receiving_->Start();
  }
}

void SmppCarrier::Stop(Millis drain, std::function<void()> done) {
  stopping_ = true;
  auto remaining = std::make_shared<size_t>(0);
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  std::vector<std::shared_ptr<wire::net::SmppClient>> clients;
  for (auto& link : links_) {
    clients.push_back(link->sending_);
    if (link->receiving_ != link->sending_) clients.push_back(link->receiving_);
  }
  *remaining = clients.size();
  for (auto& client : clients) {
    client->Stop(drain, [remaining, finished] {
      if (--*remaining == 0 && *finished) (*finished)();
    });
  }
}

bool SmppCarrier::CanSubmit() const {
  if (stopping_) return false;
  for (const auto& link : links_) {
    if (link->sending_->CanSubmit() && link->sending_->outstanding() < options_.session.window) {
      return true;
    }
  }
  return false;
}

void SmppCarrier::Submit(CarrierSubmit submit, SubmitCallback done) {
  // The least loaded bind that can take it (bind_choice.h); every segment on that bind.
  std::vector<std::optional<size_t>> loads;
  loads.reserve(links_.size());
  for (const auto& link : links_) {
    const auto& candidate = link->sending_;
    loads.push_back(!stopping_ && candidate->CanSubmit()
                        ? std::optional(candidate->outstanding() + candidate->queued())
                        : std::nullopt);
  }
  const std::optional<size_t> chosen = LeastLoadedBind(loads, next_link_++ % links_.size());
  wire::net::SmppClient* client = chosen ? links_[*chosen]->sending_.get() : nullptr;
  if (client == nullptr || submit.segments.empty()) {
    asio::post(executor_, [done = std::move(done)] {
      done(SubmitReport{.kind = SubmitReport::Kind::kNotSent, .detail = "no bind available"});
    });
    return;
  }
  const uint64_t key = next_submit_++;
  std::vector<wire::SubmitSm> pdus = BuildSubmits(submit, options_.addressing);
  Pending& pending = pending_[key];
  pending.done = std::move(done);
  pending.outcomes.resize(pdus.size());
  pending.remaining = pdus.size();
  ++submitted_;
  for (size_t i = 0; i < pdus.size(); ++i) {
    const wire::SubmitId id = (key << kSegmentBits) | i;
    if (!client->Submit(id, std::move(pdus[i]))) {
      OnSegmentDone(id, wire::SubmitOutcome{.result = wire::SubmitResult::kNotSent});
    }
  }
}

void SmppCarrier::OnSegmentDone(wire::SubmitId id, wire::SubmitOutcome&& outcome) {
  auto it = pending_.find(id >> kSegmentBits);
  if (it == pending_.end()) return;
  const size_t segment = id & ((1u << kSegmentBits) - 1);
  if (segment < it->second.outcomes.size()) it->second.outcomes[segment] = std::move(outcome);
  if (--it->second.remaining > 0) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  Finish(std::move(pending));
}

// The message's outcome is its worst segment's: permanent, then unknown, transient,
// not sent; accepted only when every segment was.
void SmppCarrier::Finish(Pending&& pending) {
  SubmitReport report{.kind = SubmitReport::Kind::kAccepted};
  auto rank = [](SubmitReport::Kind k) {
    switch (k) {
      case SubmitReport::Kind::kPermanent: return 4;
      case SubmitReport::Kind::kUnknown: return 3;
      case SubmitReport::Kind::kTransient: return 2;
      case SubmitReport::Kind::kNotSent: return 1;
      case SubmitReport::Kind::kAccepted: return 0;
    }
    return 0;
  };
  for (size_t i = 0; i < pending.outcomes.size(); ++i) {
    const wire::SubmitOutcome& o = pending.outcomes[i];
    SubmitReport::Kind kind = SubmitReport::Kind::kAccepted;
    switch (o.result) {
      case wire::SubmitResult::kAccepted: {
        // Made UTF-8 the same way as a receipt's id (receipts/receipt.h), so that the two match.
        std::string id = utf8::ToValid(o.message_id, receipts::kMaxReceiptIdBytes);
        std::string key = receipts::NormalizeCarrierId(id, receipts::SubmitRespIdForm(options_.id_match));
        report.accepted.push_back(AcceptedSegment{static_cast<int>(i), std::move(id), std::move(key)});
        continue;
      }
      case wire::SubmitResult::kPermanent: kind = SubmitReport::Kind::kPermanent; break;
      case wire::SubmitResult::kTransient: kind = SubmitReport::Kind::kTransient; break;
      case wire::SubmitResult::kUnknown: kind = SubmitReport::Kind::kUnknown; break;
      case wire::SubmitResult::kNotSent: kind = SubmitReport::Kind::kNotSent; break;
    }
    if (rank(kind) > rank(report.kind)) {
      report.kind = kind;
      report.carrier_code = o.command_status != 0 ? wire::FormatStatus(o.command_status) : "";
      report.detail = o.command_status != 0 ? wire::DescribeStatus(o.command_status)
                                            : std::string(wire::ToString(o.result));
    }
  }
  if (report.kind == SubmitReport::Kind::kAccepted) ++accepted_; else ++failed_;
  pending.done(std::move(report));
}

// ---------------------------------------------------------------------------------------
// Receipts and inbound messages

Ack SmppCarrier::AckFor(Link& link, wire::DeliverRef ref) {
  std::weak_ptr<wire::net::SmppClient> client = link.receiving_;
  return [executor = executor_, client, ref](bool recorded) {
    asio::post(executor, [client, ref, recorded] {
      if (auto c = client.lock()) c->AnswerDeliver(ref, recorded ? wire::kEsmeROk : wire::kEsmeRxTAppn);
    });
  };
}

void SmppCarrier::OnDeliverSm(Link& link, wire::DeliverRef ref, wire::DeliverSm&& pdu) {
  if (wire::IsReceipt(pdu.esm_class)) {
    OnReceiptPdu(link, ref, pdu);
  } else {
    OnInboundPdu(link, ref, pdu);
  }
}

void SmppCarrier::OnReceiptPdu(Link& link, wire::DeliverRef ref, const wire::DeliverSm& pdu) {
  auto receipt = wire::ParseReceipt(pdu);
  if (!receipt.ok()) {
    // Nothing could ever match it; acknowledge so the SMSC does not resend it forever.
    log::Warn(kComponent, "{}: receipt without an id dropped", options_.id);
    link.receiving_->AnswerDeliver(ref, wire::kEsmeROk);
    return;
  }
  listener_.OnReceipt(options_.id, CarrierReceiptOf(*receipt, options_.id_match), AckFor(link, ref));
}

void SmppCarrier::OnInboundPdu(Link& link, wire::DeliverRef ref, const wire::DeliverSm& pdu) {
  CarrierInbound inbound;
  inbound.from = pdu.source_addr_ton == 1 && !pdu.source_addr.empty() && pdu.source_addr[0] != '+'
                     ? "+" + pdu.source_addr
                     : pdu.source_addr;
  inbound.to = pdu.dest_addr_ton == 1 && !pdu.destination_addr.empty() && pdu.destination_addr[0] != '+'
                   ? "+" + pdu.destination_addr
                   : pdu.destination_addr;
  inbound.text = DecodeText(pdu);
  inbound.part = ConcatOf(pdu);
  listener_.OnInbound(options_.id, std::move(inbound), AckFor(link, ref));
}

void SmppCarrier::OnLinkChange() {
  int up = 0;
  for (const auto& link : links_) up += link->up_ > 0 ? 1 : 0;
  if (up == links_up_) return;
  links_up_ = up;
  log::Info(kComponent, "{}: {} of {} binds up", options_.id, up, links_.size());
  listener_.OnLinkChange(options_.id, up);
}

CarrierState SmppCarrier::State() const {
  CarrierState state;
  state.id = options_.id;
  state.protocol = "smpp";
  state.links = static_cast<int>(links_.size());
  state.links_up = links_up_;
  state.tps_limit = rate_.configured_tps();
  state.tps_current = rate_.current_tps();
  for (const auto& link : links_) state.in_flight += link->sending_->outstanding();
  state.submitted = submitted_;
  state.accepted = accepted_;
  state.failed = failed_;
  return state;
}

}  // namespace deliverer::carriers::smpp
