// The API's options from the configuration file (docs/configuration.md "[server]",
// "[rate_limits]", "[accounts]", "[[carriers]]", "[billing]").
#include "api/api.h"
#include "api/http_session.h"

namespace deliverer::api {

ApiOptions ApiOptions::From(const config::Config& c) {
  ApiOptions o;
  const config::RateLimitConfig& r = c.rate_limits;
  o.rate_limits = {r.per_key_rps, r.per_key_burst, r.global_rps, r.global_burst, r.auth_failures_per_ip_rps,
                   r.auth_failures_per_ip_burst};
  o.queue_high_water = c.delivery.queue_high_water;
  o.currency = c.billing.currency;
  for (const config::CarrierConfig& carrier : c.carriers) {
    o.delivery_tps += carrier.tps;
    o.carrier_callbacks.push_back(CallbackAuth{carrier.id, carrier.dlr_allow, carrier.dlr_token,
                                               !c.server.client_ca_file.empty(), carrier.dlr_cert_name});
  }
  for (const auto& [account, settings] : c.accounts) {
    o.account_defaults[account] = validation::MessageDefaults{settings.smart_encoding};
  }
  return o;
}

validation::MessageDefaults ApiOptions::DefaultsFor(std::string_view account) const {
  const auto it = account_defaults.find(account);
  return it == account_defaults.end() ? validation::MessageDefaults{} : it->second;
}

HttpLimits HttpLimits::From(const config::ServerConfig& s) {
  return HttpLimits{s.max_body_bytes,
                    s.max_batch_body_bytes,
                    s.max_header_bytes,
                    std::chrono::seconds(s.idle_timeout_s),
                    std::chrono::seconds(s.request_timeout_s),
                    static_cast<size_t>(s.max_connections)};
}

}  // namespace deliverer::api
