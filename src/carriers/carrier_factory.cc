#include "carriers/carrier_factory.h"

#include "carriers/http/http_carrier.h"
#include "carriers/smpp/smpp_carrier.h"

namespace deliverer::carriers {
namespace {

deliverer::smpp::StatusPolicy PolicyOf(const config::CarrierConfig& c) {
  auto klass = [](config::FailureClass f) {
    return f == config::FailureClass::kPermanent ? deliverer::smpp::StatusClass::kPermanent
                                                 : deliverer::smpp::StatusClass::kTransient;
  };
  deliverer::smpp::StatusPolicy policy;
  policy.unknown = klass(c.unknown_status);
  for (const auto& o : c.status_overrides) policy.overrides.emplace_back(o.command_status, klass(o.failure));
  return policy;
}

smpp::SmppCarrierOptions SmppOptionsOf(const config::CarrierConfig& c) {
  smpp::SmppCarrierOptions o;
  o.id = c.id;
  o.endpoint.host = c.host;
  o.endpoint.port = c.port;
  o.endpoint.tls = c.tls;
  o.endpoint.tls_verify = c.tls_verify;
  o.endpoint.tls_ca_file = c.tls_ca_file;
  o.endpoint.reconnect_min = Millis(c.reconnect_min_ms);
  o.endpoint.reconnect_max = Millis(c.reconnect_max_ms);
  o.endpoint.max_pdu_len = static_cast<size_t>(c.max_pdu_bytes);
  o.session.system_id = c.system_id;
  o.session.password = c.password;
  o.session.system_type = c.system_type;
  o.session.window = static_cast<uint32_t>(c.window);
  o.session.response_timeout = Millis(int64_t{c.response_timeout_s} * 1000);
  o.session.enquire_link_interval = Millis(int64_t{c.enquire_link_s} * 1000);
  o.session.status_policy = PolicyOf(c);
  o.binds = c.binds;
  o.transmitter_receiver = c.bind_mode == "transmitter_receiver";
  o.tps = c.tps;
  o.addressing.alnum_ton = c.source.alphanumeric.ton;
  o.addressing.alnum_npi = c.source.alphanumeric.npi;
  o.addressing.e164_ton = c.source.e164.ton;
  o.addressing.e164_npi = c.source.e164.npi;
  o.addressing.short_ton = c.source.short_code.ton;
  o.addressing.short_npi = c.source.short_code.npi;
  o.addressing.dest_ton = c.dest.ton;
  o.addressing.dest_npi = c.dest.npi;
  o.addressing.data_coding_gsm7 = static_cast<uint8_t>(c.data_coding_gsm7);
  o.id_match = IdMatchOf(c);
  return o;
}

http::HttpCarrierOptions HttpOptionsOf(const config::CarrierConfig& c) {
  http::HttpCarrierOptions o;
  o.id = c.id;
  o.url = c.url;
  o.token = c.token;
  o.api = c.http;
  o.tps = c.tps;
  o.timeout = Millis(int64_t{c.response_timeout_s} * 1000);
  o.reconnect_min = Millis(c.reconnect_min_ms);
  o.reconnect_max = Millis(c.reconnect_max_ms);
  o.tls_verify = c.tls_verify;
  o.tls_ca_file = c.tls_ca_file;
  o.id_match = IdMatchOf(c);
  return o;
}

}  // namespace

Result<std::unique_ptr<Carrier>> MakeCarrier(boost::asio::any_io_executor executor,
                                             const config::CarrierConfig& config, CarrierListener& listener,
                                             const Clock& clock) {
  if (config.protocol == "http") {
    auto carrier = http::HttpCarrier::Create(std::move(executor), HttpOptionsOf(config), listener, clock);
    if (!carrier.ok()) return carrier.take_error();
    return std::unique_ptr<Carrier>(std::move(*carrier));
  }
  return std::unique_ptr<Carrier>(
      std::make_unique<smpp::SmppCarrier>(std::move(executor), SmppOptionsOf(config), listener, clock));
}

receipts::CarrierIdMatch IdMatchOf(const config::CarrierConfig& config) {
  // The configuration's "exact" and "tolerant" are receipts/' kAsIs and kAuto.
  const std::string& setting = config.receipt_id_match;
  if (setting == "exact") return receipts::CarrierIdMatch::kAsIs;
  if (setting == "tolerant") return receipts::CarrierIdMatch::kAuto;
  return receipts::ParseCarrierIdMatch(setting).value_or(receipts::CarrierIdMatch::kAuto);
}

}  // namespace deliverer::carriers
