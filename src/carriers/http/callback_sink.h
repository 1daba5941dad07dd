#pragma once
// The CallbackSink (carriers/callback_sink.h) for HTTP carriers' callbacks: reads the body
// (carriers/http/callbacks.h), turns a receipt into a CarrierReceipt keyed by the
// carrier's receipt_id_match (carriers/carrier_receipt.h), and hands it, or the inbound
// message, to the listener (the delivery engine) on the listener's executor, as the
// carriers' own receipts reach it. `done` carries the listener's ack.
//
// Built by the process that delivers (server/delivery_runtime.h). A process that does not
// deliver (`serve --role api`) uses a default-constructed one: it still reads every body,
// so a malformed one is refused as such, and answers a well-formed one
// storage_unavailable (docs/api.md "Carrier callbacks").
//
// Thread-safe: its state is set at construction and only read afterwards.
#include <boost/asio/any_io_executor.hpp>

#include <map>
#include <string>

#include "carriers/callback_sink.h"
#include "carriers/carrier.h"
#include "receipts/carrier_id.h"

namespace deliverer::carriers::http {

class HttpCallbackSink final : public CallbackSink {
 public:
  // Records nothing (a process that does not deliver).
  HttpCallbackSink() = default;
  // Records through `listener`, called on `executor` only. A carrier missing from
  // `id_match` keys its receipt ids as kAuto.
  HttpCallbackSink(boost::asio::any_io_executor executor, CarrierListener& listener,
                   std::map<std::string, receipts::CarrierIdMatch> id_match);

  void OnReceiptBody(const std::string& carrier, std::string_view content_type, std::string_view body,
                     Done done) override;
  void OnInboundBody(const std::string& carrier, std::string_view content_type, std::string_view body,
                     Done done) override;

 private:
  receipts::CarrierIdMatch IdMatchOf(const std::string& carrier) const;
  // The listener's ack as the sink's answer.
  static Ack Answer(Done done);

  boost::asio::any_io_executor executor_;
  CarrierListener* listener_ = nullptr;
  std::map<std::string, receipts::CarrierIdMatch> id_match_;
};

}  // namespace deliverer::carriers::http
