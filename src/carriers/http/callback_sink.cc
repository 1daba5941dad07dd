#include "carriers/http/callback_sink.h"

#include <boost/asio/post.hpp>

#include "carriers/carrier_receipt.h"
#include "carriers/http/callbacks.h"

namespace deliverer::carriers::http {
namespace {

Error NotDelivering() { return Error::Of("storage_unavailable", "this process does not deliver"); }

}  // namespace

HttpCallbackSink::HttpCallbackSink(boost::asio::any_io_executor executor, CarrierListener& listener,
                                   std::map<std::string, receipts::CarrierIdMatch> id_match)
    : executor_(std::move(executor)), listener_(&listener), id_match_(std::move(id_match)) {}

receipts::CarrierIdMatch HttpCallbackSink::IdMatchOf(const std::string& carrier) const {
  auto it = id_match_.find(carrier);
  return it == id_match_.end() ? receipts::CarrierIdMatch::kAuto : it->second;
}

Ack HttpCallbackSink::Answer(Done done) {
  return [done = std::move(done)](bool recorded) {
    done(recorded ? Status::Ok() : Status(Error::Of("storage_unavailable", "the callback could not be recorded")));
  };
}

void HttpCallbackSink::OnReceiptBody(const std::string& carrier, std::string_view content_type,
                                     std::string_view body, Done done) {
  auto callback = ParseCallbackReceipt(content_type, body);
  if (!callback.ok()) return done(callback.take_error());
  if (listener_ == nullptr) return done(NotDelivering());
  CarrierReceipt receipt = CarrierReceiptOf(ReceiptOf(*callback), IdMatchOf(carrier));
  boost::asio::post(executor_, [listener = listener_, carrier, receipt = std::move(receipt),
                                ack = Answer(std::move(done))]() mutable {
    listener->OnReceipt(carrier, std::move(receipt), std::move(ack));
  });
}

void HttpCallbackSink::OnInboundBody(const std::string& carrier, std::string_view content_type,
                                     std::string_view body, Done done) {
  auto callback = ParseCallbackInbound(content_type, body);
  if (!callback.ok()) return done(callback.take_error());
  if (listener_ == nullptr) return done(NotDelivering());
  CarrierInbound inbound{std::move(callback->from), std::move(callback->to), std::move(callback->text)};
  boost::asio::post(executor_, [listener = listener_, carrier, inbound = std::move(inbound),
                                ack = Answer(std::move(done))]() mutable {
    listener->OnInbound(carrier, std::move(inbound), std::move(ack));
  });
}

}  // namespace deliverer::carriers::http
