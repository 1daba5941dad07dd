#pragma once
// A carrier reached over SMPP 3.4: N binds (transceivers, or transmitter + receiver
// pairs) on SmppClient sessions sharing one adaptive TPS limit. Splits a message into
// one submit_sm per segment, all on one bind (the least loaded) so they leave in order;
// turns deliver_sm into receipts or inbound messages for the listener, and answers
// deliver_sm_resp only once the listener says the PDU is recorded (0x64 otherwise, so the
// SMSC resends).
//
// Threading and contract: see carriers/carrier.h. Destroy only after Stop's callback.
#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

#include "carriers/carrier.h"
#include "carriers/smpp/submit_builder.h"
#include "receipts/carrier_id.h"
#include "smpp/net/client.h"

namespace deliverer::carriers::smpp {

struct SmppCarrierOptions {
  std::string id;
  deliverer::smpp::net::ClientEndpoint endpoint;
  deliverer::smpp::SessionConfig session;  // credentials, window, timers, status policy
  int binds = 1;
  bool transmitter_receiver = false;       // each bind is a transmitter + receiver pair
  double tps = 0;                          // 0 = unlimited
  Addressing addressing;
  receipts::CarrierIdMatch id_match = receipts::CarrierIdMatch::kAuto;
};

class SmppCarrier final : public Carrier {
 public:
  SmppCarrier(boost::asio::any_io_executor executor, SmppCarrierOptions options,
              CarrierListener& listener, const Clock& clock);
  ~SmppCarrier() override;

  const std::string& id() const override { return options_.id; }
  void Start() override;
  void Stop(Millis drain, std::function<void()> done) override;
  bool CanSubmit() const override;
  void Submit(CarrierSubmit submit, SubmitCallback done) override;
  CarrierState State() const override;

 private:
  class Link;
  struct Pending {
    SubmitCallback done;
    std::vector<deliverer::smpp::SubmitOutcome> outcomes;
    size_t remaining = 0;
  };

  void OnSegmentDone(deliverer::smpp::SubmitId id, deliverer::smpp::SubmitOutcome&& outcome);
  void Finish(Pending&& pending);
  void OnDeliverSm(Link& link, deliverer::smpp::DeliverRef ref, deliverer::smpp::DeliverSm&& pdu);
  void OnReceiptPdu(Link& link, deliverer::smpp::DeliverRef ref, const deliverer::smpp::DeliverSm& pdu);
  void OnInboundPdu(Link& link, deliverer::smpp::DeliverRef ref, const deliverer::smpp::DeliverSm& pdu);
  Ack AckFor(Link& link, deliverer::smpp::DeliverRef ref);
  void OnLinkChange();

  boost::asio::any_io_executor executor_;
  const SmppCarrierOptions options_;
  CarrierListener& listener_;
  AdaptiveRate rate_;
  std::vector<std::unique_ptr<Link>> links_;
  size_t next_link_ = 0;
  uint64_t next_submit_ = 1;
  std::unordered_map<uint64_t, Pending> pending_;
  int links_up_ = 0;
  uint64_t submitted_ = 0, accepted_ = 0, failed_ = 0;
  bool stopping_ = false;
};

}  // namespace deliverer::carriers::smpp
