// DispatcherOptions from the configuration file (docs/configuration.md "[webhooks]").
#include "webhooks/dispatcher.h"

namespace deliverer::webhooks {

DispatcherOptions DispatcherOptions::From(const config::Config& c) {
  DispatcherOptions o;
  o.signing_secret = c.webhooks.signing_secret;
  o.previous_signing_secret = c.webhooks.previous_signing_secret;
  o.ops_url = c.webhooks.ops_url;
  o.allow_private = c.security.allow_private_callbacks;
  o.max_age = Millis(int64_t{c.delivery.webhook_max_age_h} * 3600 * 1000);
  o.max_concurrent = static_cast<size_t>(c.webhooks.max_in_flight);
  o.max_per_account = static_cast<size_t>(c.webhooks.max_in_flight_per_account);
  return o;
}

}  // namespace deliverer::webhooks
